import { Inject, Injectable } from '@nestjs/common';
import { and, asc, desc, eq, inArray, lt, lte, sql } from 'drizzle-orm';
import { type RequestContext, requirePermission } from '../../../kernel/auth/index.js';
import { DB, type Database, type Tx } from '../../../kernel/db/index.js';
import { Conflict } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import type { OrderPaid, OrderRefunded, SubscriptionChargeRefunded, SubscriptionPaymentSucceeded } from '../commerce.events.js';
import { divRound, formatMinor, isCurrency, percentOf } from '../money.js';
import type { LedgerEntryView, PayoutRowView, PayoutView } from './affiliates.dto.js';
import { affiliatePayouts, affiliateRefundsSeen, commissionEntries, referralCodes } from './affiliates.schema.js';
import { type CodeRow, ReferralService } from './referral.service.js';

type EntryRow = typeof commissionEntries.$inferSelect;
type Data<E> = E extends { schema: { parse(v: unknown): infer P } } ? P : never;
const DAY = 86_400_000;

function csvCell(v: string | number): string {
  const s = String(v);
  // quote, and defuse spreadsheet formulas
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The commission ledger, fed by the commerce events: entries on paid orders and subscription
 * charges, approval after the refund window (cron), clawbacks on refunds, payouts.
 */
@Injectable()
export class LedgerService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly referrals: ReferralService,
  ) {}

  // ---- events (each runs in the event's transaction; the bus dedupes on event id, the unique key on order line) ----

  async onOrderPaid(tx: Tx, e: Data<typeof OrderPaid>): Promise<void> {
    const code = await this.codeFor(tx, e.referralCode, e.organizationId);
    if (!code) return;
    const settings = await this.referrals.settings(e.organizationId, tx);
    const paidAt = new Date(e.paidAt);
    const self = code.userId === e.userId;
    for (const line of e.lines) {
      const base = line.subtotalMinor - line.discountMinor;
      if (base <= 0) continue;
      const target = line.kind === 'course' ? { kind: 'course' as const, id: line.refId } : line.kind === 'plan' ? { kind: 'plan' as const, id: line.refId } : null;
      const rate = await this.referrals.rateFor(tx, code, target);
      await tx
        .insert(commissionEntries)
        .values({
          organizationId: e.organizationId,
          codeId: code.id,
          affiliateUserId: code.userId,
          buyerUserId: e.userId,
          kind: 'order',
          sourceId: e.orderId,
          lineKey: line.lineId,
          orderId: e.orderId,
          description: `Order ${e.orderNumber} (${line.kind})`,
          currency: e.currency,
          lineTotalMinor: line.totalMinor,
          baseMinor: base,
          commissionBp: rate.bp,
          rateSource: rate.source,
          amountMinor: self ? 0 : percentOf(base, rate.bp),
          status: self ? 'refused' : 'pending',
          reason: self ? 'self_referral' : null,
          approveAt: new Date(paidAt.getTime() + settings.refundWindowDays * DAY),
          occurredAt: paidAt,
        })
        .onConflictDoNothing();
    }
  }

  async onSubscriptionPaid(tx: Tx, e: Data<typeof SubscriptionPaymentSucceeded>): Promise<void> {
    const code = await this.codeFor(tx, e.referralCode, e.organizationId);
    if (!code || e.netMinor <= 0) return;
    const settings = await this.referrals.settings(e.organizationId, tx);
    const paidAt = new Date(e.paidAt);
    const self = code.userId === e.userId;
    const rate = await this.referrals.rateFor(tx, code, { kind: 'plan', id: e.planId });
    await tx
      .insert(commissionEntries)
      .values({
        organizationId: e.organizationId,
        codeId: code.id,
        affiliateUserId: code.userId,
        buyerUserId: e.userId,
        kind: 'subscription',
        sourceId: e.chargeId,
        lineKey: e.chargeId,
        orderId: null,
        description: `Subscription ${e.reason} charge`,
        currency: e.currency,
        lineTotalMinor: e.totalMinor,
        baseMinor: e.netMinor,
        commissionBp: rate.bp,
        rateSource: rate.source,
        amountMinor: self ? 0 : percentOf(e.netMinor, rate.bp),
        status: self ? 'refused' : 'pending',
        reason: self ? 'self_referral' : null,
        approveAt: new Date(paidAt.getTime() + settings.refundWindowDays * DAY),
        occurredAt: paidAt,
      })
      .onConflictDoNothing();
  }

  /**
   * Claws back the commission of refunded lines, in proportion to the refunded share of what the
   * line paid (cumulative, so several partial refunds add up to exactly the whole). Pending and
   * approved entries shrink (to `reversed` when nothing is left); a paid entry gets a negative
   * entry that the next payout nets.
   */
  async onOrderRefunded(tx: Tx, e: Data<typeof OrderRefunded>): Promise<void> {
    const fresh = await tx.insert(affiliateRefundsSeen).values({ refundId: e.refundId }).onConflictDoNothing().returning();
    if (!fresh.length) return;
    const now = new Date(e.refundedAt);
    for (const line of e.lines) {
      const [entry] = await tx
        .select()
        .from(commissionEntries)
        .where(and(eq(commissionEntries.kind, 'order'), eq(commissionEntries.sourceId, e.orderId), eq(commissionEntries.lineKey, line.lineId), eq(commissionEntries.organizationId, e.organizationId)))
        .for('update');
      if (entry) await this.clawBack(tx, entry, { refundId: e.refundId, orderId: e.orderId, refundedTotal: e.full ? entry.lineTotalMinor : entry.refundedMinor + line.amountMinor, at: now });
    }
  }

  /** A refund of a subscription charge claws back the charge's commission as an order refund does a line's. */
  async onSubscriptionChargeRefunded(tx: Tx, e: Data<typeof SubscriptionChargeRefunded>): Promise<void> {
    const fresh = await tx.insert(affiliateRefundsSeen).values({ refundId: e.refundId }).onConflictDoNothing().returning();
    if (!fresh.length) return;
    const [entry] = await tx
      .select()
      .from(commissionEntries)
      .where(and(eq(commissionEntries.kind, 'subscription'), eq(commissionEntries.sourceId, e.chargeId), eq(commissionEntries.lineKey, e.chargeId), eq(commissionEntries.organizationId, e.organizationId)))
      .for('update');
    if (entry) await this.clawBack(tx, entry, { refundId: e.refundId, orderId: null, refundedTotal: e.full ? entry.lineTotalMinor : entry.refundedMinor + e.amountMinor, at: new Date(e.refundedAt) });
  }

  /**
   * The entry's line is now refunded up to `refundedTotal` (capped at what it paid): the clawback
   * grows to the same share of the commission, rounded, so it never passes the commission.
   */
  private async clawBack(tx: Tx, entry: EntryRow, r: { refundId: string; orderId: string | null; refundedTotal: number; at: Date }): Promise<void> {
    if (entry.status === 'refused' || entry.status === 'reversed') return;
    const now = r.at;
    const refunded = Math.min(entry.lineTotalMinor, r.refundedTotal);
    const clawTotal = entry.lineTotalMinor === 0 ? entry.amountMinor : divRound(BigInt(entry.amountMinor) * BigInt(refunded), entry.lineTotalMinor);
    if (entry.status === 'paid') {
      // what was paid stays as paid; the clawback beyond what was taken back before payment is a new negative entry
      const [earlier] = await tx
        .select({ n: sql<number>`coalesce(sum(-${commissionEntries.amountMinor}), 0)::int` })
        .from(commissionEntries)
        .where(and(eq(commissionEntries.kind, 'refund'), eq(commissionEntries.lineKey, entry.id)));
      const delta = clawTotal - entry.clawedBackMinor - (earlier?.n ?? 0);
      await tx.update(commissionEntries).set({ refundedMinor: refunded }).where(eq(commissionEntries.id, entry.id));
      if (delta > 0) {
        await tx.insert(commissionEntries).values({
          organizationId: entry.organizationId,
          codeId: entry.codeId,
          affiliateUserId: entry.affiliateUserId,
          buyerUserId: entry.buyerUserId,
          kind: 'refund',
          sourceId: r.refundId,
          lineKey: entry.id,
          orderId: r.orderId,
          description: `Refund of ${entry.description}`,
          currency: entry.currency,
          lineTotalMinor: 0,
          baseMinor: 0,
          commissionBp: entry.commissionBp,
          rateSource: entry.rateSource,
          amountMinor: -delta,
          status: 'approved',
          approveAt: now,
          approvedAt: now,
          occurredAt: now,
        });
      }
      return;
    }
    await tx
      .update(commissionEntries)
      .set({ refundedMinor: refunded, clawedBackMinor: clawTotal, status: clawTotal >= entry.amountMinor ? 'reversed' : entry.status })
      .where(eq(commissionEntries.id, entry.id));
  }

  private async codeFor(tx: Tx, referralCode: string | null, orgId: string): Promise<CodeRow | null> {
    if (!referralCode) return null;
    const code = await this.referrals.activeCode(referralCode.trim(), tx);
    return code && code.organizationId === orgId ? code : null;
  }

  // ---- approval (cron) ----

  /** Pending entries whose refund window has passed become approved; returns how many. */
  async approveDue(now = new Date()): Promise<number> {
    const rows = await this.db
      .update(commissionEntries)
      .set({ status: 'approved', approvedAt: now })
      .where(and(eq(commissionEntries.status, 'pending'), lte(commissionEntries.approveAt, now)))
      .returning({ id: commissionEntries.id });
    return rows.length;
  }

  // ---- reads ----

  async ledgerOf(code: CodeRow, q: { limit: number; cursor?: string }): Promise<Page<LedgerEntryView>> {
    const after = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(commissionEntries)
      .where(and(eq(commissionEntries.codeId, code.id), after ? lt(commissionEntries.id, String(after[0])) : undefined))
      .orderBy(desc(commissionEntries.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.id], (r) => this.present(r));
  }

  private present(r: EntryRow): LedgerEntryView {
    return {
      id: r.id,
      kind: r.kind,
      description: r.description,
      currency: r.currency,
      baseMinor: r.baseMinor,
      commissionBp: r.commissionBp,
      rateSource: r.rateSource,
      amountMinor: r.amountMinor,
      clawedBackMinor: r.clawedBackMinor,
      status: r.status,
      reason: r.reason,
      approveAt: r.approveAt.toISOString(),
      paidAt: r.paidAt ? r.paidAt.toISOString() : null,
      occurredAt: r.occurredAt.toISOString(),
    };
  }

  /** Per affiliate and currency: the approved, unpaid commission net of clawbacks. */
  async payoutReport(ctx: RequestContext): Promise<{ items: PayoutRowView[] }> {
    const o = requirePermission(ctx, 'affiliate.manage');
    const rows = await this.db
      .select({
        codeId: referralCodes.id,
        code: referralCodes.code,
        name: referralCodes.name,
        email: referralCodes.email,
        currency: commissionEntries.currency,
        amountMinor: sql<number>`sum(${commissionEntries.amountMinor} - ${commissionEntries.clawedBackMinor})::int`,
        entries: sql<number>`count(*)::int`,
      })
      .from(commissionEntries)
      .innerJoin(referralCodes, eq(referralCodes.id, commissionEntries.codeId))
      .where(and(eq(commissionEntries.organizationId, o.membership.orgId), eq(commissionEntries.status, 'approved')))
      .groupBy(referralCodes.id, commissionEntries.currency)
      .orderBy(asc(referralCodes.name), asc(referralCodes.id), asc(commissionEntries.currency));
    return { items: rows };
  }

  async payoutCsv(ctx: RequestContext): Promise<string> {
    const { items } = await this.payoutReport(ctx);
    const head = ['affiliate_code', 'name', 'email', 'currency', 'amount_minor', 'amount', 'entries'];
    const lines = items.map((r) =>
      [r.code, r.name, r.email, r.currency, r.amountMinor, isCurrency(r.currency) ? formatMinor(r.amountMinor, r.currency).split(' ')[0]! : String(r.amountMinor), r.entries].map(csvCell).join(','),
    );
    return [head.join(','), ...lines].join('\r\n') + '\r\n';
  }

  /** Marks an affiliate's approved entries in one currency as paid, as one payout. */
  async markPaid(ctx: RequestContext, codeId: string, input: { currency: string; reference: string }): Promise<PayoutView> {
    const o = requirePermission(ctx, 'affiliate.manage');
    const code = await this.referrals.codeOfOrg(o, codeId);
    const currency = input.currency.toUpperCase();
    return this.db.transaction(async (tx) => {
      const entries = await tx
        .select()
        .from(commissionEntries)
        .where(and(eq(commissionEntries.codeId, code.id), eq(commissionEntries.currency, currency), eq(commissionEntries.status, 'approved')))
        .for('update');
      const amount = entries.reduce((s, r) => s + r.amountMinor - r.clawedBackMinor, 0);
      if (entries.length === 0 || amount <= 0) throw new Conflict('Nothing approved is left to pay this affiliate in this currency.', 'nothing_to_pay');
      const [payout] = await tx
        .insert(affiliatePayouts)
        .values({ organizationId: o.membership.orgId, codeId: code.id, currency, amountMinor: amount, entryCount: entries.length, reference: input.reference, paidBy: o.actor.userId })
        .returning();
      await tx
        .update(commissionEntries)
        .set({ status: 'paid', payoutId: payout!.id, paidAt: payout!.paidAt })
        .where(inArray(commissionEntries.id, entries.map((r) => r.id)));
      return { id: payout!.id, codeId: code.id, currency, amountMinor: amount, entryCount: entries.length, reference: payout!.reference, paidAt: payout!.paidAt.toISOString() };
    });
  }
}
