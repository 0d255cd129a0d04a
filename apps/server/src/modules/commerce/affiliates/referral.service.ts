import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { and, asc, count, eq, gt, sql } from 'drizzle-orm';
import { type OrgContext, type RequestContext, requireOrg, requirePermission } from '../../../kernel/auth/index.js';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database, type DbOrTx } from '../../../kernel/db/index.js';
import { Conflict, NotFound, Unprocessable } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { CoursesService } from '../../learning/courses/index.js';
import { PlansService } from '../billing/index.js';
import type { AffiliateSettingsView, AffiliateView, CommissionRuleView, DashboardView } from './affiliates.dto.js';
import { affiliateSettings, commissionEntries, commissionRules, type RateSource, type ReferrerStatus, referralClicks, referralCodes, type RuleTarget } from './affiliates.schema.js';

export type CodeRow = typeof referralCodes.$inferSelect;
export const REF_COOKIE = 'lyceum_ref';
export const DEFAULT_SETTINGS: AffiliateSettingsView = { cookieDays: 30, refundWindowDays: 30, defaultCommissionBp: 1000 };
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DAY = 86_400_000;

function newCode(): string {
  return [...randomBytes(8)].map((b) => CROCKFORD[b & 31]).join('');
}

export function presentAffiliate(r: CodeRow): AffiliateView {
  return {
    id: r.id,
    userId: r.userId,
    name: r.name,
    email: r.email,
    code: r.code,
    status: r.status,
    commissionBp: r.commissionBp,
    approvedAt: r.approvedAt ? r.approvedAt.toISOString() : null,
    createdAt: r.createdAt.toISOString(),
  };
}

/** Referral codes, affiliates and their approval, commission rules, settings and click attribution. */
@Injectable()
export class ReferralService {
  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly courses: CoursesService,
    private readonly plans: PlansService,
  ) {}

  // ---- settings and rules (admins: affiliate.manage) ----

  async settings(orgId: string, db: DbOrTx = this.db): Promise<AffiliateSettingsView> {
    const [row] = await db.select().from(affiliateSettings).where(eq(affiliateSettings.organizationId, orgId));
    return row ? { cookieDays: row.cookieDays, refundWindowDays: row.refundWindowDays, defaultCommissionBp: row.defaultCommissionBp } : DEFAULT_SETTINGS;
  }

  async getSettings(ctx: RequestContext): Promise<AffiliateSettingsView> {
    const o = requirePermission(ctx, 'affiliate.manage');
    return this.settings(o.membership.orgId);
  }

  async putSettings(ctx: RequestContext, input: AffiliateSettingsView): Promise<AffiliateSettingsView> {
    const o = requirePermission(ctx, 'affiliate.manage');
    await this.db
      .insert(affiliateSettings)
      .values({ organizationId: o.membership.orgId, ...input })
      .onConflictDoUpdate({ target: affiliateSettings.organizationId, set: { ...input, updatedAt: new Date() } });
    return this.settings(o.membership.orgId);
  }

  async listRules(ctx: RequestContext): Promise<{ items: CommissionRuleView[] }> {
    const o = requirePermission(ctx, 'affiliate.manage');
    const rows = await this.db.select().from(commissionRules).where(eq(commissionRules.organizationId, o.membership.orgId)).orderBy(asc(commissionRules.id));
    return { items: rows.map((r) => ({ id: r.id, targetKind: r.targetKind, targetId: r.targetId, commissionBp: r.commissionBp })) };
  }

  async putRule(ctx: RequestContext, input: { targetKind: RuleTarget; targetId: string; commissionBp: number }): Promise<CommissionRuleView> {
    const o = requirePermission(ctx, 'affiliate.manage');
    const org = o.membership.orgId;
    // the course or plan must be this organization's: an unknown or another organization's id is refused, naming it
    const known =
      input.targetKind === 'course'
        ? await this.courses.getCourseInfo(input.targetId).then((c) => c?.organizationId === org)
        : await this.plans.idsInOrg(org, [input.targetId]).then((ids) => ids.has(input.targetId));
    if (!known) {
      throw new Unprocessable(`No ${input.targetKind} ${input.targetId} in this organization.`, `unknown_${input.targetKind}`, [
        { field: 'body.targetId', message: `unknown ${input.targetKind} ${input.targetId}` },
      ]);
    }
    const [row] = await this.db
      .insert(commissionRules)
      .values({ organizationId: o.membership.orgId, ...input })
      .onConflictDoUpdate({ target: [commissionRules.organizationId, commissionRules.targetKind, commissionRules.targetId], set: { commissionBp: input.commissionBp, updatedAt: new Date() } })
      .returning();
    return { id: row!.id, targetKind: row!.targetKind, targetId: row!.targetId, commissionBp: row!.commissionBp };
  }

  async deleteRule(ctx: RequestContext, ruleId: string): Promise<void> {
    const o = requirePermission(ctx, 'affiliate.manage');
    const gone = await this.db
      .delete(commissionRules)
      .where(and(eq(commissionRules.id, ruleId), eq(commissionRules.organizationId, o.membership.orgId)))
      .returning({ id: commissionRules.id });
    if (!gone.length) throw new NotFound('Commission rule');
  }

  /** The rate for a line: an approved affiliate's own rate, else the course/plan rule, else the org default. */
  async rateFor(db: DbOrTx, code: CodeRow, target: { kind: RuleTarget; id: string } | null): Promise<{ bp: number; source: RateSource }> {
    if (code.status === 'approved' && code.commissionBp !== null) return { bp: code.commissionBp, source: 'affiliate' };
    if (target) {
      const [rule] = await db
        .select()
        .from(commissionRules)
        .where(and(eq(commissionRules.organizationId, code.organizationId), eq(commissionRules.targetKind, target.kind), eq(commissionRules.targetId, target.id)));
      if (rule) return { bp: rule.commissionBp, source: target.kind };
    }
    return { bp: (await this.settings(code.organizationId, db)).defaultCommissionBp, source: 'default' };
  }

  // ---- affiliates ----

  async listAffiliates(ctx: RequestContext, q: { limit: number; cursor?: string; status?: ReferrerStatus }): Promise<Page<AffiliateView>> {
    const o = requirePermission(ctx, 'affiliate.manage');
    const after = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(referralCodes)
      .where(and(eq(referralCodes.organizationId, o.membership.orgId), q.status ? eq(referralCodes.status, q.status) : undefined, after ? gt(referralCodes.id, String(after[0])) : undefined))
      .orderBy(asc(referralCodes.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.id], presentAffiliate);
  }

  async approve(ctx: RequestContext, codeId: string, commissionBp: number | null): Promise<AffiliateView> {
    const o = requirePermission(ctx, 'affiliate.manage');
    const row = await this.codeOfOrg(o, codeId);
    const [updated] = await this.db
      .update(referralCodes)
      .set({ status: 'approved', commissionBp, approvedBy: o.actor.userId, approvedAt: row.approvedAt ?? new Date(), updatedAt: new Date() })
      .where(eq(referralCodes.id, row.id))
      .returning();
    return presentAffiliate(updated!);
  }

  async suspend(ctx: RequestContext, codeId: string): Promise<AffiliateView> {
    const o = requirePermission(ctx, 'affiliate.manage');
    const row = await this.codeOfOrg(o, codeId);
    const [updated] = await this.db.update(referralCodes).set({ status: 'suspended', updatedAt: new Date() }).where(eq(referralCodes.id, row.id)).returning();
    return presentAffiliate(updated!);
  }

  async codeOfOrg(o: OrgContext, codeId: string): Promise<CodeRow> {
    const [row] = await this.db.select().from(referralCodes).where(and(eq(referralCodes.id, codeId), eq(referralCodes.organizationId, o.membership.orgId)));
    if (!row) throw new NotFound('Affiliate');
    return row;
  }

  // ---- my code ----

  /** The caller's code in their organization, created on first use. */
  async ensureMine(ctx: RequestContext): Promise<{ row: CodeRow; created: boolean }> {
    const o = requireOrg(ctx);
    const existing = await this.mine(o);
    if (existing) return { row: existing, created: false };
    for (let attempt = 0; attempt < 5; attempt++) {
      const [row] = await this.db
        .insert(referralCodes)
        .values({ organizationId: o.membership.orgId, userId: o.actor.userId, name: o.actor.name, email: o.actor.email, code: newCode() })
        .onConflictDoNothing()
        .returning();
      if (row) return { row, created: true };
      const raced = await this.mine(o);
      if (raced) return { row: raced, created: false };
    }
    throw new Conflict('Could not allocate a referral code; try again.', 'code_allocation');
  }

  async mine(o: OrgContext): Promise<CodeRow | null> {
    const [row] = await this.db.select().from(referralCodes).where(and(eq(referralCodes.organizationId, o.membership.orgId), eq(referralCodes.userId, o.actor.userId)));
    return row ?? null;
  }

  async requireMine(ctx: RequestContext): Promise<CodeRow> {
    const row = await this.mine(requireOrg(ctx));
    if (!row) throw new NotFound('Referral code', 'no_referral_code');
    return row;
  }

  /** Ask to become an affiliate (an admin approves). */
  async apply(ctx: RequestContext): Promise<CodeRow> {
    const { row } = await this.ensureMine(ctx);
    if (row.status === 'approved') throw new Conflict('You are an approved affiliate already.', 'already_affiliate');
    if (row.status === 'suspended') throw new Conflict('Your referral code is suspended; ask an administrator.', 'affiliate_suspended');
    const [updated] = await this.db.update(referralCodes).set({ status: 'applied', updatedAt: new Date() }).where(eq(referralCodes.id, row.id)).returning();
    return updated!;
  }

  async dashboard(row: CodeRow): Promise<DashboardView> {
    const [clicks] = await this.db.select({ n: count() }).from(referralClicks).where(eq(referralClicks.codeId, row.id));
    const [conv] = await this.db
      .select({ n: sql<number>`count(DISTINCT ${commissionEntries.sourceId})::int` })
      .from(commissionEntries)
      .where(and(eq(commissionEntries.codeId, row.id), sql`${commissionEntries.kind} <> 'refund'`, sql`${commissionEntries.status} <> 'refused'`));
    const totals = await this.db
      .select({
        currency: commissionEntries.currency,
        pendingMinor: sql<number>`coalesce(sum(${commissionEntries.amountMinor} - ${commissionEntries.clawedBackMinor}) FILTER (WHERE ${commissionEntries.status} = 'pending'), 0)::int`,
        approvedMinor: sql<number>`coalesce(sum(${commissionEntries.amountMinor} - ${commissionEntries.clawedBackMinor}) FILTER (WHERE ${commissionEntries.status} = 'approved'), 0)::int`,
        paidMinor: sql<number>`coalesce(sum(${commissionEntries.amountMinor} - ${commissionEntries.clawedBackMinor}) FILTER (WHERE ${commissionEntries.status} = 'paid'), 0)::int`,
        /** commission taken back by refunds: shrunk entries plus the negative entries against paid ones */
        reversedMinor: sql<number>`coalesce(sum(CASE WHEN ${commissionEntries.kind} = 'refund' THEN -${commissionEntries.amountMinor} ELSE ${commissionEntries.clawedBackMinor} END), 0)::int`,
      })
      .from(commissionEntries)
      .where(eq(commissionEntries.codeId, row.id))
      .groupBy(commissionEntries.currency)
      .orderBy(asc(commissionEntries.currency));
    return { affiliate: presentAffiliate(row), link: this.linkOf(row.code), clicks: Number(clicks?.n ?? 0), conversions: conv?.n ?? 0, totals };
  }

  linkOf(code: string): string {
    return `${this.config.publicUrl}/api/v1/ref/${code}`;
  }

  // ---- attribution ----

  /** An active code by its text (suspended codes attribute nothing). */
  async activeCode(code: string, db: DbOrTx = this.db): Promise<CodeRow | null> {
    const [row] = await db.select().from(referralCodes).where(eq(referralCodes.code, code.toUpperCase()));
    return row && row.status !== 'suspended' ? row : null;
  }

  /**
   * A visit through a referral link: records the click and returns the `Set-Cookie` value that
   * attributes later purchases to the code for the organization's cookie window (last click wins:
   * it overwrites any earlier code). Unknown or suspended codes set nothing.
   */
  async visit(code: string, target: string): Promise<string | null> {
    const row = await this.activeCode(code);
    if (!row) return null;
    await this.db.insert(referralClicks).values({ organizationId: row.organizationId, codeId: row.id, target });
    const { cookieDays } = await this.settings(row.organizationId);
    const secure = this.config.publicUrl.startsWith('https:') ? '; Secure' : '';
    const expires = new Date(Date.now() + cookieDays * DAY).toUTCString();
    return `${REF_COOKIE}=${row.code}; Max-Age=${cookieDays * 86_400}; Expires=${expires}; Path=/; SameSite=Lax; HttpOnly${secure}`;
  }
}
