import { Inject, Injectable } from '@nestjs/common';
import { and, asc, count, eq, gt, ilike, or } from 'drizzle-orm';
import type { z } from 'zod';
import type { OrgContext } from '../../../kernel/auth/index.js';
import { DB, type Database, inTransaction, type Tx } from '../../../kernel/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../kernel/errors/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { assertMayGrant } from '../access/access.policy.js';
import { AccessService } from '../access/access.service.js';
import { users } from '../auth/auth.schema.js';
import { OrganizationMemberRemoved, OrganizationMemberRoleChanged } from '../identity.events.js';
import { AvatarsService } from '../users/avatars.service.js';
import { userProfiles } from '../users/users.schema.js';
import type { ListMembersQuery, Member } from './members.dto.js';
import { lockOrganization } from './organization-lock.js';
import { memberships } from './organizations.schema.js';

type MemberView = z.infer<typeof Member>;

/** `%` and `_` typed by a user are literal characters, not wildcards. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The member list and the rules for changing roles, removing people and leaving. */
@Injectable()
export class MembersService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly events: EventBus,
    private readonly access: AccessService,
    private readonly avatars: AvatarsService,
  ) {}

  async list(ctx: OrgContext, q: z.infer<typeof ListMembersQuery>): Promise<Page<MemberView>> {
    const after = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select({
        id: memberships.id,
        userId: users.id,
        name: users.name,
        email: users.email,
        image: users.image,
        avatarKey: userProfiles.avatarKey,
        role: memberships.role,
        joinedAt: memberships.createdAt,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .leftJoin(userProfiles, eq(userProfiles.userId, memberships.userId))
      .where(
        and(
          eq(memberships.organizationId, ctx.membership.orgId),
          q.role ? eq(memberships.role, q.role) : undefined,
          q.q ? or(ilike(users.name, likePattern(q.q)), ilike(users.email, likePattern(q.q))) : undefined,
          after ? gt(memberships.id, String(after[0])) : undefined,
        ),
      )
      .orderBy(asc(memberships.id))
      .limit(q.limit + 1);
    return toPage(
      rows,
      q.limit,
      (r) => [r.id],
      (r) => ({ userId: r.userId, name: r.name, email: r.email, image: this.avatars.url(r.avatarKey, r.image), role: r.role, joinedAt: r.joinedAt.toISOString() }),
    );
  }

  async changeRole(ctx: OrgContext, userId: string, newRole: string): Promise<MemberView> {
    if (userId === ctx.actor.userId) throw new Forbidden('You cannot change your own role.', 'cannot_change_own_role');
    const orgId = ctx.membership.orgId;
    return inTransaction(this.db, async (tx) => {
      await lockOrganization(tx, orgId);
      const target = await this.target(tx, orgId, userId);
      const to = await this.access.role(orgId, newRole, tx);
      if (!to) throw new Invalid(`"${newRole}" is not a role of this organization.`, [{ field: 'body.role', message: 'unknown role' }], 'unknown_role');
      const from = await this.access.role(orgId, target.role, tx);
      // Taking a role away is as powerful as giving it.
      if (from) assertMayGrant(ctx.membership, from);
      else if (target.role === 'owner') throw new Forbidden('Only owners can change an owner.', 'owner_required');
      assertMayGrant(ctx.membership, to);
      if (target.role === 'owner' && newRole !== 'owner') await this.assertNotLastOwner(tx, orgId);
      if (target.role !== newRole) {
        await tx.update(memberships).set({ role: newRole }).where(eq(memberships.id, target.id));
        await this.events.emit(tx, OrganizationMemberRoleChanged, { organizationId: orgId, userId, from: target.role, to: newRole, by: ctx.actor.userId });
      }
      const [u] = await tx
        .select({ name: users.name, email: users.email, image: users.image, avatarKey: userProfiles.avatarKey })
        .from(users)
        .leftJoin(userProfiles, eq(userProfiles.userId, users.id))
        .where(eq(users.id, userId));
      return { userId, name: u!.name, email: u!.email, image: this.avatars.url(u!.avatarKey, u!.image), role: newRole, joinedAt: target.createdAt.toISOString() };
    });
  }

  async remove(ctx: OrgContext, userId: string): Promise<void> {
    const orgId = ctx.membership.orgId;
    await inTransaction(this.db, async (tx) => {
      await lockOrganization(tx, orgId);
      const target = await this.target(tx, orgId, userId);
      if (userId !== ctx.actor.userId) {
        const role = await this.access.role(orgId, target.role, tx);
        if (role) assertMayGrant(ctx.membership, role);
      }
      await this.removeMembership(tx, orgId, target);
    });
  }

  async leave(ctx: OrgContext): Promise<void> {
    const orgId = ctx.membership.orgId;
    await inTransaction(this.db, async (tx) => {
      await lockOrganization(tx, orgId);
      const target = await this.target(tx, orgId, ctx.actor.userId);
      await this.removeMembership(tx, orgId, target);
    });
  }

  private async removeMembership(tx: Tx, orgId: string, target: typeof memberships.$inferSelect): Promise<void> {
    if (target.role === 'owner') await this.assertNotLastOwner(tx, orgId);
    await tx.delete(memberships).where(eq(memberships.id, target.id));
    await tx
      .update(userProfiles)
      .set({ activeOrganizationId: null, updatedAt: new Date() })
      .where(and(eq(userProfiles.userId, target.userId), eq(userProfiles.activeOrganizationId, orgId)));
    await this.events.emit(tx, OrganizationMemberRemoved, { organizationId: orgId, userId: target.userId });
  }

  private async target(tx: Tx, orgId: string, userId: string) {
    const [m] = await tx.select().from(memberships).where(and(eq(memberships.organizationId, orgId), eq(memberships.userId, userId)));
    if (!m) throw new NotFound('Member');
    return m;
  }

  /** Call with the organization locked: an organization always keeps at least one owner. */
  private async assertNotLastOwner(tx: Tx, orgId: string): Promise<void> {
    const [{ owners } = { owners: 0 }] = await tx
      .select({ owners: count() })
      .from(memberships)
      .where(and(eq(memberships.organizationId, orgId), eq(memberships.role, 'owner')));
    if (owners <= 1) {
      throw new Conflict('An organization needs at least one owner: make someone else an owner first.', 'last_owner');
    }
  }
}
