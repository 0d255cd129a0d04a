import type { Membership } from '../../../kernel/auth/index.js';
import { Forbidden } from '../../../kernel/errors/index.js';
import type { RoleInfo } from './access.service.js';

/**
 * Who may hand out which role. Owners may grant anything. Everyone else may only grant, take
 * away or edit permission sets they hold themselves, so nobody can raise anyone (themselves
 * included, through a custom role) above their own rights.
 */
export function isOwner(m: Membership): boolean {
  return m.role === 'owner';
}

export function withinOwnPermissions(m: Membership, permissions: Iterable<string>): boolean {
  if (isOwner(m)) return true;
  for (const p of permissions) if (!m.permissions.has(p)) return false;
  return true;
}

/** Throws unless `m` may give a member `role` (or take it away from them). */
export function assertMayGrant(m: Membership, role: RoleInfo): void {
  if (role.key === 'owner' && !isOwner(m)) throw new Forbidden('Only owners can make someone an owner or change an owner.', 'owner_required');
  if (!withinOwnPermissions(m, role.permissions)) {
    throw new Forbidden(`The role "${role.key}" has permissions you do not have.`, 'role_exceeds_own_permissions');
  }
}

/** Throws unless `m` may create or edit a custom role with these permissions. */
export function assertMayDefine(m: Membership, permissions: Iterable<string>): void {
  if (!withinOwnPermissions(m, permissions)) {
    throw new Forbidden('A role you define cannot hold permissions you do not have.', 'role_exceeds_own_permissions');
  }
}
