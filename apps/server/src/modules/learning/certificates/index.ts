/**
 * The certificates module's public surface: its Nest module. Certificates are issued from the
 * `course.completed` event (learning.events.ts); nothing else needs to call in.
 */
export { CertificatesModule } from './certificates.module.js';
