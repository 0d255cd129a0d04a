/**
 * The identity module's public surface: the only file other modules import.
 * - OrganizationsService.addMember(tx, ...) adds a member inside the caller's transaction;
 *   OrganizationsService.summaries(ids) names organizations.
 * - UsersService.publicProfiles(ids) (names, avatars, bios: no emails), findUserByEmail(email),
 *   findUsersByEmails(emails).
 * - AccessService.membershipFor / permissionsOf / requireMember for permission checks.
 */
export { IdentityModule } from './identity.module.js';
export { AccessService } from './access/access.service.js';
export type { RoleInfo } from './access/access.service.js';
export { AuthService } from './auth/auth.service.js';
export { OrganizationsService } from './organizations/organizations.service.js';
export type { AddMemberInput, OrganizationSummary } from './organizations/organizations.service.js';
export type { OrganizationSettings } from './organizations/organizations.schema.js';
export { UsersService } from './users/users.service.js';
export type { PublicProfile, UserByEmail } from './users/users.service.js';
export * from './access/permissions.js';
export * from './identity.events.js';
