import { Inject, Injectable } from '@nestjs/common';
import { and, asc, count, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { type RequestContext, requirePermission } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx, type Tx } from '../../../kernel/db/index.js';
import { Conflict, Invalid, NotFound } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import type { Coupon, CouponInput, Redemption } from './coupons.dto.js';
import { type CouponDuration, type CouponKind, couponRedemptions, coupons } from './coupons.schema.js';
import { type DiscountLine, type DiscountRule, applyDiscounts } from './discounts.js';

type CouponRow = typeof coupons.$inferSelect;

export interface CouponEvaluationInput {
  organizationId: string;
  /** null for a guest's quote (per-buyer limits are checked at checkout) */
  userId: string | null;
  currency: string;
  lines: readonly DiscountLine[];
  codes: readonly string[];
  /** has the buyer paid an order of this organization before (for first-purchase-only coupons) */
  hasPriorPurchase: boolean;
  now?: Date;
}

export interface AppliedCoupon {
  couponId: string;
  code: string | null;
  name: string;
  discountMinor: number;
  perLine: number[];
}

/** What a subscription keeps of the coupon it started with, to discount its later charges. */
export interface SubscriptionCouponTerms {
  couponId: string;
  name: string;
  kind: CouponKind;
  percentBasisPoints: number | null;
  amountMinor: number | null;
  duration: CouponDuration;
  durationMonths: number | null;
}

export interface CouponEvaluation {
  applied: AppliedCoupon[];
  lineDiscounts: number[];
  /** entered codes that do not apply, with why */
  rejected: { code: string; reason: string }[];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;
const present = (c: CouponRow): z.input<typeof Coupon> => ({
  id: c.id,
  code: c.code,
  name: c.name,
  kind: c.kind,
  percentBasisPoints: c.percentBasisPoints,
  amountMinor: c.amountMinor,
  currency: c.currency,
  scope: c.scope,
  scopeIds: c.scopeIds,
  scopeCategories: c.scopeCategories,
  duration: c.duration,
  durationMonths: c.durationMonths,
  minOrderMinor: c.minOrderMinor,
  usageLimit: c.usageLimit,
  perUserLimit: c.perUserLimit,
  usedCount: c.usedCount,
  startsAt: iso(c.startsAt),
  endsAt: iso(c.endsAt),
  firstPurchaseOnly: c.firstPurchaseOnly,
  stackable: c.stackable,
  automatic: c.automatic,
  active: c.active,
  createdAt: c.createdAt.toISOString(),
});

function appliesTo(c: CouponRow, line: DiscountLine): boolean {
  if (c.scope === 'all') return line.kind === 'course' || line.kind === 'bundle';
  if (c.scope === 'plans') return line.kind === 'plan' && c.scopeIds.includes(line.refId);
  if (line.kind !== 'course' && line.kind !== 'bundle') return false;
  // a bundle is in scope when every course it grants is
  if (c.scope === 'categories') return line.courseCategories.length > 0 && line.courseCategories.every((cat) => cat !== null && c.scopeCategories.includes(cat));
  if (line.kind === 'course') return c.scopeIds.includes(line.refId);
  return line.courseIds.length > 0 && line.courseIds.every((id) => c.scopeIds.includes(id));
}

const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === '23505' || (e as { cause?: { code?: string } }).cause?.code === '23505';

/**
 * Coupons (by code) and automatic promotions: the admin API, evaluation against a cart, and
 * race-safe redemption (the checkout transaction locks the coupon rows, then counts a use only
 * while it is under its limit).
 */
@Injectable()
export class CouponsService {
  constructor(@Inject(DB) private readonly db: Database) {}

  // ---- admin ----

  async list(ctx: RequestContext, q: { limit: number; cursor?: string; automatic?: 'true' | 'false' }): Promise<Page<z.input<typeof Coupon>>> {
    const o = requirePermission(ctx, 'commerce.manage');
    const after = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(coupons)
      .where(
        and(
          eq(coupons.organizationId, o.membership.orgId),
          q.automatic ? eq(coupons.automatic, q.automatic === 'true') : undefined,
          after ? lt(coupons.id, String(after[0])) : undefined,
        ),
      )
      .orderBy(desc(coupons.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.id], present);
  }

  private values(body: z.output<typeof CouponInput>) {
    return {
      ...body,
      startsAt: body.startsAt ? new Date(body.startsAt) : null,
      endsAt: body.endsAt ? new Date(body.endsAt) : null,
    };
  }

  async create(ctx: RequestContext, body: z.output<typeof CouponInput>): Promise<z.input<typeof Coupon>> {
    const o = requirePermission(ctx, 'commerce.manage');
    try {
      const [row] = await this.db
        .insert(coupons)
        .values({ organizationId: o.membership.orgId, createdBy: o.actor.userId, ...this.values(body) })
        .returning();
      return present(row!);
    } catch (e) {
      if (isUniqueViolation(e)) throw new Conflict(`The code ${body.code} is already in use in this organization.`, 'coupon_code_taken');
      throw e;
    }
  }

  async get(ctx: RequestContext, id: string): Promise<z.input<typeof Coupon>> {
    const o = requirePermission(ctx, 'commerce.manage');
    const [row] = await this.db.select().from(coupons).where(and(eq(coupons.id, id), eq(coupons.organizationId, o.membership.orgId)));
    if (!row) throw new NotFound('Coupon');
    return present(row);
  }

  async update(ctx: RequestContext, id: string, body: z.output<typeof CouponInput>): Promise<z.input<typeof Coupon>> {
    const o = requirePermission(ctx, 'commerce.manage');
    return this.db.transaction(async (tx) => {
      const [cur] = await tx.select().from(coupons).where(and(eq(coupons.id, id), eq(coupons.organizationId, o.membership.orgId))).for('update');
      if (!cur) throw new NotFound('Coupon');
      if (body.usageLimit !== null && body.usageLimit < cur.usedCount) {
        throw new Conflict(`This coupon was used ${cur.usedCount} times already; the limit cannot be lower.`, 'coupon_limit_below_use');
      }
      try {
        const [row] = await tx.update(coupons).set({ ...this.values(body), updatedAt: new Date() }).where(eq(coupons.id, id)).returning();
        return present(row!);
      } catch (e) {
        if (isUniqueViolation(e)) throw new Conflict(`The code ${body.code} is already in use in this organization.`, 'coupon_code_taken');
        throw e;
      }
    });
  }

  async redemptions(ctx: RequestContext, id: string, q: { limit: number; cursor?: string }): Promise<Page<z.input<typeof Redemption>>> {
    await this.get(ctx, id);
    const after = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(couponRedemptions)
      .where(and(eq(couponRedemptions.couponId, id), after ? lt(couponRedemptions.id, String(after[0])) : undefined))
      .orderBy(desc(couponRedemptions.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.id], (r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
  }

  // ---- evaluation and redemption (cart and checkout) ----

  /**
   * Which coupons apply to these lines, and how much each takes off which line. With `lock`
   * (inside the checkout transaction) the coupon rows are locked first, so the limits checked
   * here hold until the redemption commits.
   */
  async evaluate(db: DbOrTx, input: CouponEvaluationInput, lock = false): Promise<CouponEvaluation> {
    const now = input.now ?? new Date();
    const codes = [...new Set(input.codes.map((c) => c.trim().toUpperCase()).filter(Boolean))];
    const query = db
      .select()
      .from(coupons)
      .where(
        and(
          eq(coupons.organizationId, input.organizationId),
          or(codes.length ? inArray(coupons.code, codes) : sql`false`, and(eq(coupons.automatic, true), eq(coupons.active, true))),
        ),
      )
      .orderBy(asc(coupons.id));
    const rows = lock ? await query.for('update') : await query;
    const rejected: { code: string; reason: string }[] = [];
    for (const code of codes) if (!rows.some((r) => r.code === code)) rejected.push({ code, reason: 'There is no such coupon code.' });

    const subtotal = input.lines.reduce((s, l) => s + l.subtotalMinor, 0);
    const usedByUser = new Map<string, number>();
    if (input.userId && rows.some((r) => r.perUserLimit !== null)) {
      const counts = await db
        .select({ couponId: couponRedemptions.couponId, n: count() })
        .from(couponRedemptions)
        .where(and(eq(couponRedemptions.userId, input.userId), inArray(couponRedemptions.couponId, rows.map((r) => r.id))))
        .groupBy(couponRedemptions.couponId);
      for (const c of counts) usedByUser.set(c.couponId, c.n);
    }
    const problem = (c: CouponRow): string | null => {
      if (!c.active) return 'This coupon is no longer active.';
      if (c.startsAt && now < c.startsAt) return 'This coupon is not valid yet.';
      if (c.endsAt && now >= c.endsAt) return 'This coupon has expired.';
      if (c.currency && c.currency !== input.currency && (c.kind === 'fixed' || c.minOrderMinor !== null)) return `This coupon applies to ${c.currency} orders only.`;
      if (c.minOrderMinor !== null && subtotal < c.minOrderMinor) return 'The order is below the minimum for this coupon.';
      if (c.usageLimit !== null && c.usedCount >= c.usageLimit) return 'This coupon has been used up.';
      if (c.perUserLimit !== null && (usedByUser.get(c.id) ?? 0) >= c.perUserLimit) return 'You have already used this coupon.';
      if (c.firstPurchaseOnly && input.hasPriorPurchase) return 'This coupon is for a first purchase only.';
      if (!input.lines.some((l) => appliesTo(c, l))) return 'This coupon does not apply to anything in your cart.';
      return null;
    };
    const usable: CouponRow[] = [];
    for (const c of rows) {
      const why = problem(c);
      if (why === null) usable.push(c);
      else if (!c.automatic && c.code) rejected.push({ code: c.code, reason: why });
    }
    const rules: DiscountRule[] = usable.map((c) => ({
      id: c.id,
      kind: c.kind,
      percentBasisPoints: c.percentBasisPoints,
      amountMinor: c.amountMinor,
      stackable: c.stackable,
      appliesTo: (l) => appliesTo(c, l),
    }));
    const { applied, lineDiscounts } = applyDiscounts(input.lines, rules);
    const byId = new Map(usable.map((c) => [c.id, c]));
    for (const c of usable) {
      if (c.code && !applied.some((a) => a.ruleId === c.id)) rejected.push({ code: c.code, reason: 'This coupon does not combine with a better offer already applied.' });
    }
    return {
      applied: applied.map((a) => ({ couponId: a.ruleId, code: byId.get(a.ruleId)!.code, name: byId.get(a.ruleId)!.name, discountMinor: a.discountMinor, perLine: a.perLine })),
      lineDiscounts,
      rejected,
    };
  }

  /**
   * Counts one use of each applied coupon for the order or subscription (call after
   * `evaluate(tx, …, true)` in the same transaction). The conditional UPDATE is the last guard:
   * no use is counted past a limit.
   */
  async redeem(
    tx: Tx,
    input: { organizationId: string; userId: string; currency: string; applied: readonly AppliedCoupon[] } & ({ orderId: string } | { subscriptionId: string }),
  ): Promise<void> {
    for (const a of input.applied) {
      const bumped = await tx
        .update(coupons)
        .set({ usedCount: sql`${coupons.usedCount} + 1` })
        .where(and(eq(coupons.id, a.couponId), or(isNull(coupons.usageLimit), lt(coupons.usedCount, coupons.usageLimit))))
        .returning({ id: coupons.id });
      if (!bumped.length) throw new Conflict(`The coupon ${a.code ?? a.name} has just been used up.`, 'coupon_exhausted');
      await tx.insert(couponRedemptions).values({
        organizationId: input.organizationId,
        couponId: a.couponId,
        orderId: 'orderId' in input ? input.orderId : null,
        subscriptionId: 'subscriptionId' in input ? input.subscriptionId : null,
        userId: input.userId,
        discountMinor: a.discountMinor,
        currency: input.currency,
      });
    }
  }

  /**
   * The coupon (by code) or automatic promotion that applies to a new subscription to a plan,
   * evaluated with the coupon rows locked (call inside the subscribe transaction, then `redeem`).
   * A code that does not apply is a 400 naming why; null when nothing applies.
   */
  async forSubscription(
    db: DbOrTx,
    input: { organizationId: string; userId: string; planId: string; currency: string; subtotalMinor: number; code: string | null; hasPriorPurchase: boolean; now: Date },
    lock = true,
  ): Promise<{ applied: AppliedCoupon; terms: SubscriptionCouponTerms } | null> {
    const ev = await this.evaluate(
      db,
      {
        organizationId: input.organizationId,
        userId: input.userId,
        currency: input.currency,
        lines: [{ kind: 'plan', refId: input.planId, courseIds: [], courseCategories: [], subtotalMinor: input.subtotalMinor }],
        codes: input.code ? [input.code] : [],
        hasPriorPurchase: input.hasPriorPurchase,
        now: input.now,
      },
      lock,
    );
    const rejected = ev.rejected[0];
    if (rejected) throw new Invalid(rejected.reason, [{ field: 'body.couponCode', message: rejected.reason }], 'coupon_not_applicable');
    const applied = ev.applied[0];
    if (!applied) return null;
    const [c] = await db.select().from(coupons).where(eq(coupons.id, applied.couponId));
    return {
      applied,
      terms: { couponId: c!.id, name: c!.name, kind: c!.kind, percentBasisPoints: c!.percentBasisPoints, amountMinor: c!.amountMinor, duration: c!.duration, durationMonths: c!.durationMonths },
    };
  }

  /** Gives back the uses an order took (its payment failed or it was canceled). */
  async release(tx: Tx, orderId: string): Promise<void> {
    const gone = await tx.delete(couponRedemptions).where(eq(couponRedemptions.orderId, orderId)).returning({ couponId: couponRedemptions.couponId });
    for (const g of gone) {
      await tx.update(coupons).set({ usedCount: sql`greatest(${coupons.usedCount} - 1, 0)` }).where(eq(coupons.id, g.couponId));
    }
  }
}
