export { IdentityModule } from './identity.module.js';
export { AccessService } from './access/access.service.js';
export { AuthService } from './auth/auth.service.js';
export * from './access/permissions.js';
export * from './identity.events.js';
