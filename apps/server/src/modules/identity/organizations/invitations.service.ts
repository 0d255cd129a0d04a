import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, gt, lt, lte, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { OrgContext, UserContext } from '../../../kernel/auth/index.js';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database, inTransaction } from '../../../kernel/db/index.js';
import { Mailer } from '../../../kernel/email/index.js';
import { Conflict, Forbidden, Gone, Invalid, NotFound } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { assertMayGrant } from '../access/access.policy.js';
import { AccessService } from '../access/access.service.js';
import { users } from '../auth/auth.schema.js';
import type { AcceptedInvitation, CreateInvitation, Invitation, InvitationPreview, InvitationStatus, ListInvitationsQuery } from './invitations.dto.js';
import { lockOrganization } from './organization-lock.js';
import { invitations, memberships, organizations } from './organizations.schema.js';
import { OrganizationsService } from './organizations.service.js';

export const INVITATION_TTL_DAYS = 7;

type InvitationRow = typeof invitations.$inferSelect;
type Status = z.infer<typeof InvitationStatus>;

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function statusOf(row: InvitationRow, now = new Date()): Status {
  if (row.status === 'pending' && row.expiresAt <= now) return 'expired';
  return row.status;
}

function present(row: InvitationRow): z.infer<typeof Invitation> {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    status: statusOf(row),
    invitedBy: row.invitedBy,
    expiresAt: row.expiresAt.toISOString(),
    acceptedAt: row.acceptedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * Email invitations. The emailed link carries a random token; only its SHA-256 is stored, so a
 * database leak yields no usable links.
 */
@Injectable()
export class InvitationsService {
  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly mailer: Mailer,
    private readonly access: AccessService,
    private readonly organizations: OrganizationsService,
  ) {}

  async create(ctx: OrgContext, input: z.infer<typeof CreateInvitation>): Promise<z.infer<typeof Invitation>> {
    const orgId = ctx.membership.orgId;
    const token = randomBytes(32).toString('base64url');
    return inTransaction(this.db, async (tx) => {
      await lockOrganization(tx, orgId);
      const role = await this.access.role(orgId, input.role, tx);
      if (!role) throw new Invalid(`"${input.role}" is not a role of this organization.`, [{ field: 'body.role', message: 'unknown role' }], 'unknown_role');
      assertMayGrant(ctx.membership, role);
      const [already] = await tx
        .select({ id: memberships.id })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.organizationId, orgId), eq(users.email, input.email)));
      if (already) throw new Conflict(`${input.email} is already a member.`, 'already_member');
      // A new invitation replaces any pending one for the same address.
      await tx
        .update(invitations)
        .set({ status: 'revoked' })
        .where(and(eq(invitations.organizationId, orgId), eq(invitations.email, input.email), eq(invitations.status, 'pending')));
      const [row] = await tx
        .insert(invitations)
        .values({
          organizationId: orgId,
          email: input.email,
          role: input.role,
          tokenHash: hashInvitationToken(token),
          invitedBy: ctx.actor.userId,
          expiresAt: new Date(Date.now() + INVITATION_TTL_DAYS * 86_400_000),
        })
        .returning();
      const [org] = await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, orgId));
      const link = `${this.config.publicUrl}/invitations/${token}`;
      await this.mailer.enqueue(tx, {
        to: input.email,
        subject: `${ctx.actor.name} invited you to ${org!.name} on Lyceum`,
        text:
          `Hello,\n\n${ctx.actor.name} (${ctx.actor.email}) invited you to join ${org!.name} on Lyceum as ${role.name}.\n\n` +
          `Accept the invitation by opening this link (valid for ${INVITATION_TTL_DAYS} days):\n\n${link}\n\n` +
          `Sign in or create an account with this email address (${input.email}) to accept it. If you were not expecting it, ignore this message.\n`,
      });
      return present(row!);
    });
  }

  async list(ctx: OrgContext, q: z.infer<typeof ListInvitationsQuery>): Promise<Page<z.infer<typeof Invitation>>> {
    const after = decodeCursor(q.cursor, 1);
    const now = new Date();
    const statusFilter: Record<Status, SQL | undefined> = {
      pending: and(eq(invitations.status, 'pending'), gt(invitations.expiresAt, now)),
      expired: and(eq(invitations.status, 'pending'), lte(invitations.expiresAt, now)),
      accepted: eq(invitations.status, 'accepted'),
      revoked: eq(invitations.status, 'revoked'),
    };
    const rows = await this.db
      .select()
      .from(invitations)
      .where(
        and(
          eq(invitations.organizationId, ctx.membership.orgId),
          q.status ? statusFilter[q.status] : undefined,
          after ? lt(invitations.id, String(after[0])) : undefined,
        ),
      )
      .orderBy(desc(invitations.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.id], present);
  }

  async revoke(ctx: OrgContext, invitationId: string): Promise<void> {
    const [row] = await this.db
      .update(invitations)
      .set({ status: 'revoked' })
      .where(and(eq(invitations.id, invitationId), eq(invitations.organizationId, ctx.membership.orgId), eq(invitations.status, 'pending')))
      .returning({ id: invitations.id });
    if (row) return;
    const [existing] = await this.db
      .select({ status: invitations.status })
      .from(invitations)
      .where(and(eq(invitations.id, invitationId), eq(invitations.organizationId, ctx.membership.orgId)));
    if (!existing) throw new NotFound('Invitation');
    if (existing.status === 'accepted') throw new Conflict('That invitation was already accepted; remove the member instead.', 'invitation_already_accepted');
    // Revoking twice is harmless.
  }

  /** What the invitation page shows before anyone signs in. */
  async preview(token: string): Promise<z.infer<typeof InvitationPreview>> {
    const [row] = await this.db
      .select({ inv: invitations, orgName: organizations.name, inviterName: users.name })
      .from(invitations)
      .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
      .leftJoin(users, eq(users.id, invitations.invitedBy))
      .where(eq(invitations.tokenHash, hashInvitationToken(token)));
    if (!row) throw new NotFound('Invitation');
    const role = await this.access.role(row.inv.organizationId, row.inv.role);
    return {
      organization: { id: row.inv.organizationId, name: row.orgName },
      email: row.inv.email,
      role: row.inv.role,
      roleName: role?.name ?? row.inv.role,
      invitedBy: row.inviterName === null ? null : { name: row.inviterName },
      status: statusOf(row.inv),
      expiresAt: row.inv.expiresAt.toISOString(),
    };
  }

  /** The signed-in user whose email the invitation names joins with its role. */
  async accept(ctx: UserContext, token: string): Promise<z.infer<typeof AcceptedInvitation>> {
    return inTransaction(this.db, async (tx) => {
      const [found] = await tx
        .select({ id: invitations.id, organizationId: invitations.organizationId })
        .from(invitations)
        .where(eq(invitations.tokenHash, hashInvitationToken(token)));
      if (!found) throw new NotFound('Invitation');
      await lockOrganization(tx, found.organizationId);
      const [inv] = await tx.select().from(invitations).where(eq(invitations.id, found.id));
      const status = statusOf(inv!);
      if (status === 'revoked') throw new Gone('This invitation was revoked.', 'invitation_revoked');
      if (status === 'expired') throw new Gone('This invitation has expired; ask for a new one.', 'invitation_expired');
      if (status === 'accepted') throw new Conflict('This invitation was already accepted.', 'invitation_already_accepted');
      if (inv!.email !== ctx.actor.email.toLowerCase()) {
        throw new Forbidden(`This invitation is for another email address; sign in as ${inv!.email} to accept it.`, 'invitation_email_mismatch');
      }
      await this.organizations.addMember(tx, { organizationId: inv!.organizationId, userId: ctx.actor.userId, role: inv!.role, via: 'invitation' });
      await tx.update(invitations).set({ status: 'accepted', acceptedAt: new Date() }).where(eq(invitations.id, inv!.id));
      await this.organizations.setActive(tx, ctx.actor.userId, inv!.organizationId);
      const [org] = await tx
        .select({ id: organizations.id, name: organizations.name, slug: organizations.slug })
        .from(organizations)
        .where(eq(organizations.id, inv!.organizationId));
      return { organization: org!, role: inv!.role };
    });
  }
}
