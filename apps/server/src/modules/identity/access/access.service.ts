import { Inject, Injectable } from '@nestjs/common';
import { and, eq } from 'drizzle-orm';
import { type Membership, type OrgContext, type RequestContext, requireUser } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx } from '../../../kernel/db/index.js';
import { Forbidden, NotFound } from '../../../kernel/errors/index.js';
import { memberships, orgRoles } from '../organizations/organizations.schema.js';
import { userProfiles } from '../users/users.schema.js';
import { BUILTIN_ROLES, isBuiltinRole, isPermission, type Permission } from './permissions.js';

export interface RoleInfo {
  key: string;
  name: string;
  permissions: Set<Permission>;
  builtin: boolean;
}

/** Turns (user, organization) into a role and its permission set. */
@Injectable()
export class AccessService {
  constructor(@Inject(DB) private readonly db: Database) {}

  async permissionsOf(orgId: string, role: string, db: DbOrTx = this.db): Promise<Set<Permission>> {
    return (await this.role(orgId, role, db))?.permissions ?? new Set();
  }

  /** A built-in role, or a custom role of this organization; null when the key names neither. */
  async role(orgId: string, key: string, db: DbOrTx = this.db): Promise<RoleInfo | null> {
    if (isBuiltinRole(key)) {
      const r = BUILTIN_ROLES[key];
      return { key, name: r.name, permissions: new Set(r.permissions), builtin: true };
    }
    const [custom] = await db
      .select({ name: orgRoles.name, permissions: orgRoles.permissions })
      .from(orgRoles)
      .where(and(eq(orgRoles.organizationId, orgId), eq(orgRoles.key, key)));
    if (!custom) return null;
    // A permission later removed from the catalogue grants nothing.
    return { key, name: custom.name, permissions: new Set(custom.permissions.filter(isPermission)), builtin: false };
  }

  /**
   * The caller's membership in the requested organization, or in their active one when none is
   * requested. A request for an organization they do not belong to yields null.
   */
  async membershipFor(userId: string, requestedOrgId: string | null, db: DbOrTx = this.db): Promise<Membership | null> {
    let orgId = requestedOrgId;
    if (!orgId) {
      const [profile] = await db
        .select({ active: userProfiles.activeOrganizationId })
        .from(userProfiles)
        .where(eq(userProfiles.userId, userId));
      orgId = profile?.active ?? null;
    }
    if (!orgId) return null;
    const [m] = await db
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId)));
    if (!m) return null;
    return { orgId, role: m.role, permissions: await this.permissionsOf(orgId, m.role, db) };
  }

  /**
   * For routes naming an organization in the path: the caller must belong to it (else 404, so
   * ids of other organizations reveal nothing) and hold `permission` when one is given (else 403).
   */
  async requireMember(ctx: RequestContext, orgId: string, permission?: Permission): Promise<OrgContext> {
    const user = requireUser(ctx);
    const membership =
      user.membership?.orgId === orgId ? user.membership : await this.membershipFor(user.actor.userId, orgId);
    if (!membership) throw new NotFound('Organization');
    if (permission && !membership.permissions.has(permission)) {
      throw new Forbidden(`You need the "${permission}" permission in this organization.`, 'missing_permission');
    }
    return { ...user, membership };
  }
}
