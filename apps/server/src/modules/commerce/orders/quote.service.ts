import { Injectable } from '@nestjs/common';
import { and, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import type { DbOrTx } from '../../../kernel/db/index.js';
import { Conflict, Invalid } from '../../../kernel/errors/index.js';
import type { CartLine } from '../cart/index.js';
import { type CouponEvaluation, CouponsService } from '../coupons/index.js';
import { TaxService } from '../tax/index.js';
import type { Quote } from './orders.dto.js';
import { orders } from './orders.schema.js';
import { computeTotals, type OrderTotals } from './totals.js';

export interface QuoteInput {
  currency?: string;
  couponCodes: readonly string[];
  country?: string;
  region: string;
}

export interface PricedQuote {
  organizationId: string;
  currency: string;
  lines: { line: CartLine; subtotalMinor: number }[];
  coupons: CouponEvaluation;
  totals: OrderTotals;
  taxKnown: boolean;
}

const PAID = ['paid', 'fulfilled', 'refunded', 'partially_refunded'] as const;

/**
 * Prices a cart now: the currency every item is priced in, coupons and automatic promotions, and
 * the tax of the buyer's country/region. Checkout calls it again inside its transaction (with the
 * coupon rows locked), so what is charged is re-validated, not what the browser last saw.
 */
@Injectable()
export class QuoteService {
  constructor(
    private readonly coupons: CouponsService,
    private readonly tax: TaxService,
  ) {}

  async hasPriorPurchase(db: DbOrTx, userId: string, organizationId: string): Promise<boolean> {
    const [row] = await db
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.userId, userId), eq(orders.organizationId, organizationId), inArray(orders.status, [...PAID])))
      .limit(1);
    return Boolean(row);
  }

  static commonCurrencies(lines: readonly CartLine[]): string[] {
    const sets = lines.filter((l) => l.priced).map((l) => new Set(Object.keys(l.priced!.prices)));
    return sets.length ? [...sets[0]!].filter((c) => sets.every((s) => s.has(c))).sort() : [];
  }

  async price(db: DbOrTx, userId: string | null, lines: readonly CartLine[], input: QuoteInput, lock: boolean): Promise<PricedQuote> {
    const bad = lines.find((l) => !l.priced);
    if (bad) throw new Conflict(`An item in your cart can no longer be bought (${bad.problem}); remove it to continue.`, 'cart_item_unavailable');
    const organizationId = lines[0]!.item.organizationId;
    const common = QuoteService.commonCurrencies(lines);
    if (!common.length) throw new Conflict('The items in your cart have no currency in common; buy them separately.', 'no_common_currency');
    let currency = input.currency ?? (common.includes('USD') ? 'USD' : common[0]!);
    if (!common.includes(currency)) {
      if (input.currency) throw new Invalid(`Your cart cannot be paid in ${input.currency}; choose one of ${common.join(', ')}.`, [{ field: 'body.currency', message: 'not offered' }], 'currency_not_offered');
      currency = common[0]!;
    }
    const priced = lines.map((line) => ({ line, subtotalMinor: line.priced!.prices[currency]! }));
    const coupons = await this.coupons.evaluate(
      db,
      {
        organizationId,
        userId,
        currency,
        lines: priced.map((p) => ({ kind: p.line.item.kind, refId: p.line.item.refId, courseIds: p.line.priced!.courseIds, courseCategories: p.line.priced!.courseCategories, subtotalMinor: p.subtotalMinor })),
        codes: input.couponCodes,
        hasPriorPurchase: userId ? await this.hasPriorPurchase(db, userId, organizationId) : false,
      },
      lock,
    );
    const rate = input.country ? await this.tax.rateFor(organizationId, input.country, input.region, db) : null;
    const totals = computeTotals(
      priced.map((p) => p.subtotalMinor),
      coupons.lineDiscounts,
      rate,
    );
    return { organizationId, currency, lines: priced, coupons, totals, taxKnown: Boolean(input.country) };
  }

  static present(q: PricedQuote | null, currencies: string[]): z.input<typeof Quote> {
    if (!q) {
      return { organizationId: null, currency: null, currencies, lines: [], coupons: [], rejectedCoupons: [], taxLines: [], taxKnown: false, subtotalMinor: 0, discountMinor: 0, taxMinor: 0, totalMinor: 0 };
    }
    return {
      organizationId: q.organizationId,
      currency: q.currency,
      currencies,
      lines: q.lines.map((p, i) => ({ itemId: p.line.item.id, kind: p.line.item.kind, refId: p.line.item.refId, title: p.line.priced!.title, ...q.totals.lines[i]! })),
      coupons: q.coupons.applied.map((a) => ({ code: a.code, name: a.name, discountMinor: a.discountMinor })),
      rejectedCoupons: q.coupons.rejected,
      taxLines: q.totals.taxLines,
      taxKnown: q.taxKnown,
      subtotalMinor: q.totals.subtotalMinor,
      discountMinor: q.totals.discountMinor,
      taxMinor: q.totals.taxMinor,
      totalMinor: q.totals.totalMinor,
    };
  }
}
