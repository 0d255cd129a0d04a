import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { z } from 'zod';
import type { OrgContext, UserContext } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx, inTransaction, type Tx } from '../../../kernel/db/index.js';
import { Conflict, Invalid, NotFound } from '../../../kernel/errors/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { AccessService } from '../access/access.service.js';
import { OrganizationCreated, OrganizationMemberAdded } from '../identity.events.js';
import { userProfiles } from '../users/users.schema.js';
import type { CreateOrganization, MyOrganization, Organization, UpdateOrganization } from './organizations.dto.js';
import { RESERVED_SLUGS } from './organizations.dto.js';
import { memberships, type OrganizationSettings, organizations } from './organizations.schema.js';

type OrganizationView = z.infer<typeof Organization>;
type OrganizationRow = typeof organizations.$inferSelect;

export interface AddMemberInput {
  organizationId: string;
  userId: string;
  /** a built-in role key or a custom role of the organization */
  role: string;
  via: 'create' | 'invitation' | 'admin';
}

export interface OrganizationSummary {
  id: string;
  name: string;
  slug: string;
}

/** A URL-safe slug from a display name: "École Normale" -> "ecole-normale". */
export function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return base.length >= 3 && !RESERVED_SLUGS.has(base) ? base : `org-${base || randomBytes(3).toString('hex')}`.slice(0, 40);
}

function present(row: OrganizationRow, membership: { role: string; permissions: ReadonlySet<string> }): OrganizationView {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    settings: row.settings,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    membership: { role: membership.role, permissions: [...membership.permissions].sort() },
  };
}

/** Organizations (tenants): creation, settings, and the one way members are added. */
@Injectable()
export class OrganizationsService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly events: EventBus,
    private readonly access: AccessService,
  ) {}

  /** The creator becomes its owner, and it becomes their active organization. */
  async create(ctx: UserContext, input: z.infer<typeof CreateOrganization>): Promise<OrganizationView> {
    const userId = ctx.actor.userId;
    return inTransaction(this.db, async (tx) => {
      const slug = input.slug ?? (await this.freeSlug(tx, slugify(input.name)));
      const [row] = await tx
        .insert(organizations)
        .values({ name: input.name, slug, settings: input.settings })
        .onConflictDoNothing({ target: organizations.slug })
        .returning();
      if (!row) throw new Conflict(`The slug "${slug}" is taken.`, 'slug_taken');
      await this.events.emit(tx, OrganizationCreated, { organizationId: row.id, name: row.name, slug: row.slug, createdBy: userId });
      await this.addMember(tx, { organizationId: row.id, userId, role: 'owner', via: 'create' });
      await this.setActive(tx, userId, row.id);
      return present(row, { role: 'owner', permissions: await this.access.permissionsOf(row.id, 'owner', tx) });
    });
  }

  async get(ctx: OrgContext): Promise<OrganizationView> {
    const [row] = await this.db.select().from(organizations).where(eq(organizations.id, ctx.membership.orgId));
    if (!row) throw new NotFound('Organization');
    return present(row, ctx.membership);
  }

  async update(ctx: OrgContext, input: z.infer<typeof UpdateOrganization>): Promise<OrganizationView> {
    return inTransaction(this.db, async (tx) => {
      const [current] = await tx.select().from(organizations).where(eq(organizations.id, ctx.membership.orgId)).for('update');
      if (!current) throw new NotFound('Organization');
      const settings: OrganizationSettings = { ...current.settings };
      for (const [k, v] of Object.entries(input.settings ?? {})) {
        if (v === null) delete settings[k as keyof OrganizationSettings];
        else if (v !== undefined) Object.assign(settings, { [k]: v });
      }
      if (input.slug && input.slug !== current.slug) {
        const [taken] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, input.slug));
        if (taken) throw new Conflict(`The slug "${input.slug}" is taken.`, 'slug_taken');
      }
      const [row] = await tx
        .update(organizations)
        .set({ ...(input.name ? { name: input.name } : {}), ...(input.slug ? { slug: input.slug } : {}), settings, updatedAt: new Date() })
        .where(eq(organizations.id, current.id))
        .returning();
      return present(row!, ctx.membership);
    });
  }

  async listMine(ctx: UserContext, q: { limit: number; cursor?: string }): Promise<Page<z.infer<typeof MyOrganization>>> {
    const after = decodeCursor(q.cursor, 1);
    const [profile] = await this.db
      .select({ active: userProfiles.activeOrganizationId })
      .from(userProfiles)
      .where(eq(userProfiles.userId, ctx.actor.userId));
    const rows = await this.db
      .select({ membershipId: memberships.id, role: memberships.role, joinedAt: memberships.createdAt, org: organizations })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
      .where(and(eq(memberships.userId, ctx.actor.userId), after ? gt(memberships.id, String(after[0])) : undefined))
      .orderBy(asc(memberships.id))
      .limit(q.limit + 1);
    const permissions = new Map<string, string[]>();
    for (const r of rows.slice(0, q.limit)) permissions.set(r.membershipId, [...(await this.access.permissionsOf(r.org.id, r.role))].sort());
    return toPage(
      rows,
      q.limit,
      (r) => [r.membershipId],
      (r) => ({
        id: r.org.id,
        name: r.org.name,
        slug: r.org.slug,
        role: r.role,
        permissions: permissions.get(r.membershipId) ?? [],
        joinedAt: r.joinedAt.toISOString(),
        active: r.org.id === profile?.active,
      }),
    );
  }

  /** Switches the caller's active organization (null clears it); they must belong to it. */
  async switchActive(ctx: UserContext, orgId: string | null): Promise<{ activeOrganizationId: string | null }> {
    if (orgId) {
      const m = await this.access.membershipFor(ctx.actor.userId, orgId);
      if (!m) throw new NotFound('Organization');
    }
    await this.setActive(this.db, ctx.actor.userId, orgId);
    return { activeOrganizationId: orgId };
  }

  /**
   * Adds a member inside the caller's transaction and emits organization.member_added with it.
   * The member's active organization becomes this one when they had none. Other modules use this
   * (for example to seat a buyer in a company's organization).
   */
  async addMember(tx: DbOrTx, input: AddMemberInput): Promise<void> {
    await inTransaction(tx, async (t) => {
      const role = await this.access.role(input.organizationId, input.role, t);
      if (!role) throw new Invalid(`"${input.role}" is not a role of this organization.`, [{ field: 'body.role', message: 'unknown role' }], 'unknown_role');
      const inserted = await t
        .insert(memberships)
        .values({ organizationId: input.organizationId, userId: input.userId, role: input.role })
        .onConflictDoNothing()
        .returning({ id: memberships.id });
      if (inserted.length === 0) throw new Conflict('That person is already a member of this organization.', 'already_member');
      await t
        .insert(userProfiles)
        .values({ userId: input.userId, activeOrganizationId: input.organizationId })
        .onConflictDoUpdate({
          target: userProfiles.userId,
          set: { activeOrganizationId: input.organizationId, updatedAt: new Date() },
          setWhere: isNullActive(),
        });
      await this.events.emit(t, OrganizationMemberAdded, input);
    });
  }

  /** Names and slugs of organizations by id (unknown ids are absent), for other modules' views. */
  async summaries(ids: readonly string[], db: DbOrTx = this.db): Promise<Map<string, OrganizationSummary>> {
    if (ids.length === 0) return new Map();
    const rows = await db
      .select({ id: organizations.id, name: organizations.name, slug: organizations.slug })
      .from(organizations)
      .where(inArray(organizations.id, [...new Set(ids)]));
    return new Map(rows.map((r) => [r.id, r]));
  }

  async setActive(db: DbOrTx, userId: string, orgId: string | null): Promise<void> {
    await db
      .insert(userProfiles)
      .values({ userId, activeOrganizationId: orgId })
      .onConflictDoUpdate({ target: userProfiles.userId, set: { activeOrganizationId: orgId, updatedAt: new Date() } });
  }

  private async freeSlug(tx: Tx, base: string): Promise<string> {
    for (let i = 0; i < 6; i++) {
      const candidate = i === 0 ? base : `${base.slice(0, 40)}-${randomBytes(3).toString('hex')}`;
      const [taken] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.slug, candidate));
      if (!taken) return candidate;
    }
    throw new Conflict('Could not find a free slug for that name; choose one.', 'slug_taken');
  }
}

function isNullActive() {
  return isNull(userProfiles.activeOrganizationId);
}
