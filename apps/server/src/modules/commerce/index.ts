export { CommerceModule } from './commerce.module.js';
export * from './commerce.events.js';
