import { Inject, Injectable } from '@nestjs/common';
import { and, asc, count, eq } from 'drizzle-orm';
import type { OrgContext } from '../../../kernel/auth/index.js';
import { DB, type Database, inTransaction, type Tx } from '../../../kernel/db/index.js';
import { Conflict, NotFound } from '../../../kernel/errors/index.js';
import { lockOrganization } from '../organizations/organization-lock.js';
import { invitations, memberships, orgRoles } from '../organizations/organizations.schema.js';
import { assertMayDefine } from './access.policy.js';
import { BUILTIN_ROLE_KEYS, BUILTIN_ROLES, isBuiltinRole, isPermission, type Permission } from './permissions.js';
import type { z } from 'zod';
import type { CreateRole, Role, UpdateRole } from './roles.dto.js';

/** Custom roles are few by nature; the cap keeps the role list a single page. */
export const MAX_CUSTOM_ROLES = 100;

type RoleView = z.infer<typeof Role>;
type RoleRow = typeof orgRoles.$inferSelect;

function presentCustom(r: RoleRow): RoleView {
  return {
    id: r.id,
    key: r.key,
    name: r.name,
    description: r.description,
    permissions: r.permissions.filter(isPermission),
    builtin: false,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function builtinRoleViews(): RoleView[] {
  return BUILTIN_ROLE_KEYS.map((key) => ({
    id: null,
    key,
    name: BUILTIN_ROLES[key].name,
    description: '',
    permissions: [...BUILTIN_ROLES[key].permissions],
    builtin: true,
    createdAt: null,
    updatedAt: null,
  }));
}

/** Organization-defined roles: named permission sets drawn from the catalogue. */
@Injectable()
export class RolesService {
  constructor(@Inject(DB) private readonly db: Database) {}

  async list(ctx: OrgContext): Promise<RoleView[]> {
    const rows = await this.db
      .select()
      .from(orgRoles)
      .where(eq(orgRoles.organizationId, ctx.membership.orgId))
      .orderBy(asc(orgRoles.id));
    return [...builtinRoleViews(), ...rows.map(presentCustom)];
  }

  async create(ctx: OrgContext, input: z.infer<typeof CreateRole>): Promise<RoleView> {
    assertMayDefine(ctx.membership, input.permissions);
    if (isBuiltinRole(input.key)) throw new Conflict(`"${input.key}" is a built-in role.`, 'role_key_taken');
    const orgId = ctx.membership.orgId;
    return inTransaction(this.db, async (tx) => {
      await lockOrganization(tx, orgId);
      const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(orgRoles).where(eq(orgRoles.organizationId, orgId));
      if (n >= MAX_CUSTOM_ROLES) throw new Conflict(`An organization can have at most ${MAX_CUSTOM_ROLES} custom roles.`, 'role_limit');
      const [row] = await tx
        .insert(orgRoles)
        .values({ organizationId: orgId, key: input.key, name: input.name, description: input.description, permissions: input.permissions })
        .onConflictDoNothing()
        .returning();
      if (!row) throw new Conflict(`A role with the key "${input.key}" already exists.`, 'role_key_taken');
      return presentCustom(row);
    });
  }

  async update(ctx: OrgContext, roleId: string, input: z.infer<typeof UpdateRole>): Promise<RoleView> {
    return inTransaction(this.db, async (tx) => {
      await lockOrganization(tx, ctx.membership.orgId);
      const existing = await this.find(tx, ctx.membership.orgId, roleId, true);
      // Editing a role can take rights away from its holders: only within your own rights.
      assertMayDefine(ctx.membership, existing.permissions.filter(isPermission));
      if (input.permissions) assertMayDefine(ctx.membership, input.permissions);
      const [row] = await tx
        .update(orgRoles)
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          ...(input.permissions !== undefined ? { permissions: input.permissions as Permission[] } : {}),
          updatedAt: new Date(),
        })
        .where(eq(orgRoles.id, existing.id))
        .returning();
      return presentCustom(row!);
    });
  }

  async remove(ctx: OrgContext, roleId: string): Promise<void> {
    const orgId = ctx.membership.orgId;
    await inTransaction(this.db, async (tx) => {
      await lockOrganization(tx, orgId);
      const existing = await this.find(tx, orgId, roleId, true);
      assertMayDefine(ctx.membership, existing.permissions.filter(isPermission));
      const [{ members } = { members: 0 }] = await tx
        .select({ members: count() })
        .from(memberships)
        .where(and(eq(memberships.organizationId, orgId), eq(memberships.role, existing.key)));
      const [{ pending } = { pending: 0 }] = await tx
        .select({ pending: count() })
        .from(invitations)
        .where(and(eq(invitations.organizationId, orgId), eq(invitations.role, existing.key), eq(invitations.status, 'pending')));
      if (members > 0 || pending > 0) {
        throw new Conflict(
          `The role "${existing.key}" is held by ${members} member(s) and offered by ${pending} pending invitation(s); give them another role first.`,
          'role_in_use',
          { members, pendingInvitations: pending },
        );
      }
      await tx.delete(orgRoles).where(eq(orgRoles.id, existing.id));
    });
  }

  private async find(tx: Tx, orgId: string, roleId: string, lock: boolean): Promise<RoleRow> {
    const q = tx.select().from(orgRoles).where(and(eq(orgRoles.organizationId, orgId), eq(orgRoles.id, roleId)));
    const [row] = lock ? await q.for('update') : await q;
    if (!row) throw new NotFound('Role');
    return row;
  }
}
