import { Inject, Injectable } from '@nestjs/common';
import { and, asc, between, eq, isNotNull, sql } from 'drizzle-orm';
import { can, type RequestContext, requireOrg, requirePermission } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx, type Tx } from '../../../kernel/db/index.js';
import { Forbidden, NotFound } from '../../../kernel/errors/index.js';
import { UsersService } from '../../identity/index.js';
import { CoursesService } from '../../learning/courses/index.js';
import type { OrderPaid, OrderRefunded, SubscriptionChargeRefunded, SubscriptionPaymentSucceeded } from '../commerce.events.js';
import { allocate, divRound, formatMinor, isCurrency, percentOf } from '../money.js';
import type { RevenueQueryInput, RevenueRowView } from './revenue.dto.js';
import { revenueCourseShares, revenueEntries, revenueInstructorShares, revenueSettings } from './revenue.schema.js';

type EntryRow = typeof revenueEntries.$inferSelect;
type Data<E> = E extends { schema: { parse(v: unknown): infer P } } ? P : never;
export const DEFAULT_INSTRUCTOR_SHARE_BP = 5000;
const dayOf = (iso: string) => new Date(iso).toISOString().slice(0, 10);

/** Revenue per day, course, instructor and organization, net of refunds, with the instructor share split exactly. */
@Injectable()
export class RevenueService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly courses: CoursesService,
    private readonly users: UsersService,
  ) {}

  // ---- settings ----

  async orgShare(orgId: string, db: DbOrTx = this.db): Promise<number> {
    const [row] = await db.select().from(revenueSettings).where(eq(revenueSettings.organizationId, orgId));
    return row?.instructorShareBp ?? DEFAULT_INSTRUCTOR_SHARE_BP;
  }

  async getSettings(ctx: RequestContext): Promise<{ instructorShareBp: number }> {
    const o = requirePermission(ctx, 'revenue.read_all');
    return { instructorShareBp: await this.orgShare(o.membership.orgId) };
  }

  async putSettings(ctx: RequestContext, bp: number): Promise<{ instructorShareBp: number }> {
    const o = requirePermission(ctx, 'revenue.read_all');
    await this.db
      .insert(revenueSettings)
      .values({ organizationId: o.membership.orgId, instructorShareBp: bp })
      .onConflictDoUpdate({ target: revenueSettings.organizationId, set: { instructorShareBp: bp, updatedAt: new Date() } });
    return { instructorShareBp: bp };
  }

  async putCourseShare(ctx: RequestContext, courseId: string, bp: number | null): Promise<{ courseId: string; instructorShareBp: number; overridden: boolean }> {
    const o = requirePermission(ctx, 'revenue.read_all');
    const course = await this.courses.getCourseInfo(courseId);
    if (!course || course.organizationId !== o.membership.orgId) throw new NotFound('Course');
    if (bp === null) {
      await this.db.delete(revenueCourseShares).where(eq(revenueCourseShares.courseId, course.id));
      return { courseId, instructorShareBp: await this.orgShare(o.membership.orgId), overridden: false };
    }
    await this.db
      .insert(revenueCourseShares)
      .values({ courseId: course.id, organizationId: course.organizationId, instructorShareBp: bp })
      .onConflictDoUpdate({ target: revenueCourseShares.courseId, set: { instructorShareBp: bp, updatedAt: new Date() } });
    return { courseId, instructorShareBp: bp, overridden: true };
  }

  private async shareOf(tx: Tx, orgId: string, courseId: string): Promise<number> {
    const [row] = await tx.select().from(revenueCourseShares).where(eq(revenueCourseShares.courseId, courseId));
    return row?.instructorShareBp ?? this.orgShare(orgId, tx);
  }

  // ---- the read model (event handlers, in the event's transaction) ----

  async onOrderPaid(tx: Tx, e: Data<typeof OrderPaid>): Promise<void> {
    const day = dayOf(e.paidAt);
    for (const line of e.lines) {
      const net = line.subtotalMinor - line.discountMinor;
      const courseIds = line.courseIds.length ? line.courseIds : [null];
      // a bundle's net splits evenly over its courses, exactly
      const parts = allocate(net, courseIds.map(() => 1));
      for (const [i, courseId] of courseIds.entries()) {
        const gross = parts[i]!;
        const course = courseId ? await this.courses.getCourseInfo(courseId, tx) : null;
        const share = course ? percentOf(gross, await this.shareOf(tx, e.organizationId, course.id)) : 0;
        const [entry] = await tx
          .insert(revenueEntries)
          .values({
            organizationId: e.organizationId,
            kind: 'order',
            sourceId: e.orderId,
            lineKey: `${line.lineId}:${courseId ?? '-'}`,
            day,
            currency: e.currency,
            courseId: course?.id ?? null,
            grossMinor: gross,
            instructorShareMinor: share,
            lineTotalMinor: line.totalMinor,
            orderLineId: line.lineId,
          })
          .onConflictDoNothing()
          .returning();
        if (!entry || !course || course.instructorIds.length === 0) continue;
        const split = allocate(share, course.instructorIds.map(() => 1));
        await tx.insert(revenueInstructorShares).values(
          course.instructorIds.map((instructorId, k) => ({ entryId: entry.id, instructorId, organizationId: e.organizationId, day, currency: e.currency, courseId: course.id, amountMinor: split[k]! })),
        );
      }
    }
  }

  async onSubscriptionPaid(tx: Tx, e: Data<typeof SubscriptionPaymentSucceeded>): Promise<void> {
    await tx
      .insert(revenueEntries)
      .values({ organizationId: e.organizationId, kind: 'subscription', sourceId: e.chargeId, lineKey: '-', day: dayOf(e.paidAt), currency: e.currency, courseId: null, grossMinor: e.netMinor, instructorShareMinor: 0, lineTotalMinor: e.totalMinor })
      .onConflictDoNothing();
  }

  /**
   * A refund subtracts, on the refund's day, the refunded share of each sale row (cumulative, so
   * partial refunds add up to exactly the sale), and the instructors' shares in the same split.
   */
  async onOrderRefunded(tx: Tx, e: Data<typeof OrderRefunded>): Promise<void> {
    const day = dayOf(e.refundedAt);
    for (const line of e.lines) {
      const rows = await tx
        .select()
        .from(revenueEntries)
        .where(and(eq(revenueEntries.kind, 'order'), eq(revenueEntries.sourceId, e.orderId), eq(revenueEntries.orderLineId, line.lineId), eq(revenueEntries.organizationId, e.organizationId)))
        .orderBy(asc(revenueEntries.id))
        .for('update');
      for (const row of rows) await this.refundRow(tx, row, e.refundId, day, e.full ? row.lineTotalMinor : row.refundedMinor + line.amountMinor);
    }
  }

  /** A subscription charge's refund subtracts from the charge's row as an order refund does from a line's (no instructor share). */
  async onSubscriptionChargeRefunded(tx: Tx, e: Data<typeof SubscriptionChargeRefunded>): Promise<void> {
    const [row] = await tx
      .select()
      .from(revenueEntries)
      .where(and(eq(revenueEntries.kind, 'subscription'), eq(revenueEntries.sourceId, e.chargeId), eq(revenueEntries.organizationId, e.organizationId)))
      .for('update');
    if (!row) return;
    await this.refundRow(tx, row, e.refundId, dayOf(e.refundedAt), e.full ? row.lineTotalMinor : row.refundedMinor + e.amountMinor);
  }

  /**
   * Records one refund of a sale row, its refunded total becoming `refundedTotal` (capped at what
   * the row's line paid): a negative row for the difference of the cumulative shares, once per
   * refund (the unique key on refund id and row makes a redelivery a no-op).
   */
  private async refundRow(tx: Tx, row: EntryRow, refundId: string, day: string, refundedTotal: number): Promise<void> {
    const total = row.lineTotalMinor;
    const before = row.refundedMinor;
    const after = Math.min(total, refundedTotal);
    const part = (amount: number, r: number) => (total === 0 ? amount : divRound(BigInt(amount) * BigInt(r), total));
    const dGross = part(row.grossMinor, after) - part(row.grossMinor, before);
    const dShare = part(row.instructorShareMinor, after) - part(row.instructorShareMinor, before);
    const [refund] = await tx
      .insert(revenueEntries)
      .values({ organizationId: row.organizationId, kind: 'refund', sourceId: refundId, lineKey: row.id, day, currency: row.currency, courseId: row.courseId, grossMinor: -dGross, instructorShareMinor: -dShare })
      .onConflictDoNothing()
      .returning();
    if (!refund) return; // this refund was applied already
    await tx.update(revenueEntries).set({ refundedMinor: after }).where(eq(revenueEntries.id, row.id));
    const shares = await tx.select().from(revenueInstructorShares).where(eq(revenueInstructorShares.entryId, row.id)).orderBy(asc(revenueInstructorShares.instructorId));
    if (!shares.length || !row.courseId) return;
    // cumulative per instructor too, so that all refunds together take back exactly each one's share
    const weights = shares.map((s) => Math.abs(s.amountMinor));
    const upTo = (r: number) => allocate(part(row.instructorShareMinor, r), weights);
    const [was, now] = [upTo(before), upTo(after)];
    const split = now.map((v, k) => -(v - was[k]!));
    await tx.insert(revenueInstructorShares).values(
      shares.map((s, k) => ({ entryId: refund.id, instructorId: s.instructorId, organizationId: row.organizationId, day, currency: row.currency, courseId: row.courseId!, amountMinor: split[k]! })),
    );
  }

  // ---- reports ----

  /** Admins (revenue.read_all) see everything; anyone else in the organization sees their own instructor share only. */
  async report(ctx: RequestContext, q: RevenueQueryInput): Promise<{ groupBy: RevenueQueryInput['groupBy']; items: RevenueRowView[] }> {
    const o = requireOrg(ctx);
    const admin = can(o, 'revenue.read_all');
    if (!admin && q.groupBy !== 'instructor') throw new Forbidden('Only administrators see the revenue of the organization and its courses; instructors see their own share.', 'missing_permission');
    const org = o.membership.orgId;
    const range = between(revenueEntries.day, q.from, q.to);
    const sales = sql<number>`coalesce(sum(${revenueEntries.grossMinor}) filter (where ${revenueEntries.kind} <> 'refund'), 0)::int`;
    const refunded = sql<number>`coalesce(-sum(${revenueEntries.grossMinor}) filter (where ${revenueEntries.kind} = 'refund'), 0)::int`;
    let items: RevenueRowView[];
    if (q.groupBy === 'instructor') {
      const rows = await this.db
        .select({ day: revenueInstructorShares.day, currency: revenueInstructorShares.currency, instructorId: revenueInstructorShares.instructorId, share: sql<number>`sum(${revenueInstructorShares.amountMinor})::int` })
        .from(revenueInstructorShares)
        .where(and(eq(revenueInstructorShares.organizationId, org), between(revenueInstructorShares.day, q.from, q.to), admin ? undefined : eq(revenueInstructorShares.instructorId, o.actor.userId), q.courseId ? eq(revenueInstructorShares.courseId, q.courseId) : undefined))
        .groupBy(revenueInstructorShares.day, revenueInstructorShares.currency, revenueInstructorShares.instructorId)
        .orderBy(asc(revenueInstructorShares.day), asc(revenueInstructorShares.currency), asc(revenueInstructorShares.instructorId));
      const names = await this.users.publicProfiles([...new Set(rows.map((r) => r.instructorId))]);
      items = rows.map((r) => ({ day: r.day, currency: r.currency, courseId: null, courseTitle: null, instructorId: r.instructorId, instructorName: names.get(r.instructorId)?.name ?? null, grossMinor: null, salesMinor: null, refundsMinor: null, instructorShareMinor: r.share }));
    } else if (q.groupBy === 'course') {
      const rows = await this.db
        .select({ day: revenueEntries.day, currency: revenueEntries.currency, courseId: revenueEntries.courseId, gross: sql<number>`sum(${revenueEntries.grossMinor})::int`, sales, refunded, share: sql<number>`sum(${revenueEntries.instructorShareMinor})::int` })
        .from(revenueEntries)
        .where(and(eq(revenueEntries.organizationId, org), range, q.courseId ? eq(revenueEntries.courseId, q.courseId) : isNotNull(revenueEntries.courseId)))
        .groupBy(revenueEntries.day, revenueEntries.currency, revenueEntries.courseId)
        .orderBy(asc(revenueEntries.day), asc(revenueEntries.currency), asc(revenueEntries.courseId));
      const titles = new Map<string, string>();
      for (const r of rows) if (r.courseId && !titles.has(r.courseId)) titles.set(r.courseId, (await this.courses.getCourseInfo(r.courseId))?.title ?? '');
      items = rows.map((r) => ({ day: r.day, currency: r.currency, courseId: r.courseId, courseTitle: r.courseId ? (titles.get(r.courseId) ?? null) : null, instructorId: null, instructorName: null, grossMinor: r.gross, salesMinor: r.sales, refundsMinor: r.refunded, instructorShareMinor: r.share }));
    } else {
      const rows = await this.db
        .select({ day: revenueEntries.day, currency: revenueEntries.currency, gross: sql<number>`sum(${revenueEntries.grossMinor})::int`, sales, refunded, share: sql<number>`sum(${revenueEntries.instructorShareMinor})::int` })
        .from(revenueEntries)
        .where(and(eq(revenueEntries.organizationId, org), range, q.courseId ? eq(revenueEntries.courseId, q.courseId) : undefined))
        .groupBy(revenueEntries.day, revenueEntries.currency)
        .orderBy(asc(revenueEntries.day), asc(revenueEntries.currency));
      items = rows.map((r) => ({ day: r.day, currency: r.currency, courseId: null, courseTitle: null, instructorId: null, instructorName: null, grossMinor: r.gross, salesMinor: r.sales, refundsMinor: r.refunded, instructorShareMinor: r.share }));
    }
    return { groupBy: q.groupBy, items };
  }

  async reportCsv(ctx: RequestContext, q: RevenueQueryInput): Promise<string> {
    const { items } = await this.report(ctx, q);
    const money = (n: number | null, c: string) => (n === null ? '' : isCurrency(c) ? formatMinor(n, c).split(' ')[0]! : String(n));
    const cell = (v: string) => (/^[=+\-@]/.test(v) && !/^-?\d/.test(v) ? `'${v}` : v);
    const quote = (v: string) => (/[",\r\n]/.test(cell(v)) ? `"${cell(v).replace(/"/g, '""')}"` : cell(v));
    const head = 'day,currency,course_id,course_title,instructor_id,instructor_name,revenue,instructor_share';
    const lines = items.map((r) => [r.day, r.currency, r.courseId ?? '', r.courseTitle ?? '', r.instructorId ?? '', r.instructorName ?? '', money(r.grossMinor, r.currency), money(r.instructorShareMinor, r.currency)].map(quote).join(','));
    return [head, ...lines].join('\r\n') + '\r\n';
  }
}
