import { Inject, Injectable } from '@nestjs/common';
import { and, eq } from 'drizzle-orm';
import type { Membership } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx } from '../../../kernel/db/index.js';
import { memberships, orgRoles } from '../organizations/organizations.schema.js';
import { userProfiles } from '../users/users.schema.js';
import { BUILTIN_ROLES, isBuiltinRole, type Permission } from './permissions.js';

/** Turns (user, organization) into a role and its permission set. */
@Injectable()
export class AccessService {
  constructor(@Inject(DB) private readonly db: Database) {}

  async permissionsOf(orgId: string, role: string, db: DbOrTx = this.db): Promise<Set<Permission>> {
    if (isBuiltinRole(role)) return new Set(BUILTIN_ROLES[role].permissions);
    const [custom] = await db
      .select({ permissions: orgRoles.permissions })
      .from(orgRoles)
      .where(and(eq(orgRoles.organizationId, orgId), eq(orgRoles.key, role)));
    return new Set((custom?.permissions ?? []) as Permission[]);
  }

  /**
   * The caller's membership in the requested organization, or in their active one when none is
   * requested. A request for an organization they do not belong to yields null.
   */
  async membershipFor(userId: string, requestedOrgId: string | null): Promise<Membership | null> {
    let orgId = requestedOrgId;
    if (!orgId) {
      const [profile] = await this.db
        .select({ active: userProfiles.activeOrganizationId })
        .from(userProfiles)
        .where(eq(userProfiles.userId, userId));
      orgId = profile?.active ?? null;
    }
    if (!orgId) return null;
    const [m] = await this.db
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId)));
    if (!m) return null;
    return { orgId, role: m.role, permissions: await this.permissionsOf(orgId, m.role) };
  }
}
