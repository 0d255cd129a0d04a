import { Inject, Injectable, Logger } from '@nestjs/common';
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { type RequestContext, requireUser } from '../../../kernel/auth/index.js';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database } from '../../../kernel/db/index.js';
import { Conflict, Invalid } from '../../../kernel/errors/index.js';
import { EnrollmentService } from '../../learning/enrollment/index.js';
import { type CartOwner, CartService } from '../cart/index.js';
import { CouponsService } from '../coupons/index.js';
import { PAYMENT_PROVIDERS, type PaymentMethodInput, type PaymentOutcome, type PaymentProviders } from '../payments/index.js';
import type { CheckoutRequest, Order, Quote, QuoteRequest } from './orders.dto.js';
import { orderLines, orders } from './orders.schema.js';
import { type OrderRow, OrdersService } from './orders.service.js';
import { WaitlistService } from '../waitlist/index.js';
import { QuoteService } from './quote.service.js';

/** How long a seat offer is kept alive, at least, once its holder starts paying for it. */
const PAYMENT_HOLD_MS = 30 * 60_000;
const KEY_RE = /^[A-Za-z0-9_.:-]{8,255}$/;
const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === '23505' || (e as { cause?: { code?: string } }).cause?.code === '23505';

/**
 * Checkout: re-prices the cart (prices, coupons, tax) in one transaction that creates the order
 * and counts the coupon uses, then charges the provider. The manual provider answers in the
 * request; Stripe returns a redirect and its webhook completes the order. The Idempotency-Key is
 * stored on the order (unique per buyer), so a retry after a crash finds the same order and never
 * charges twice (the provider is called with the order id as its idempotency key).
 */
@Injectable()
export class CheckoutService {
  private readonly log = new Logger('checkout');

  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PAYMENT_PROVIDERS) private readonly providers: PaymentProviders,
    private readonly cart: CartService,
    private readonly quotes: QuoteService,
    private readonly orders: OrdersService,
    private readonly coupons: CouponsService,
    private readonly enrollment: EnrollmentService,
    private readonly waitlist: WaitlistService,
  ) {}

  async quote(ctx: RequestContext, owner: CartOwner, body: z.output<typeof QuoteRequest>): Promise<z.input<typeof Quote>> {
    const lines = await this.cart.lines(ctx, owner);
    if (!lines.length) return QuoteService.present(null, []);
    const q = await this.quotes.price(this.db, owner.userId, lines, body, false);
    return QuoteService.present(q, QuoteService.commonCurrencies(lines));
  }

  async checkout(ctx: RequestContext, key: string | undefined, body: z.output<typeof CheckoutRequest>, referralCode: string | null): Promise<z.input<typeof Order>> {
    const u = requireUser(ctx);
    if (!key || !KEY_RE.test(key)) {
      throw new Invalid('Send an Idempotency-Key header (8-255 letters, digits, _ . : -) so a retried checkout cannot charge twice.', [{ field: 'header.idempotency-key', message: 'required' }], 'idempotency_key_required');
    }
    const provider = this.providers.get(body.paymentMethod.type === 'manual_card' ? 'manual' : 'stripe');
    if (!provider) throw new Invalid('Card payments through Stripe are not configured here.', [{ field: 'body.paymentMethod.type', message: 'not available' }], 'provider_unavailable');
    const userId = u.actor.userId;

    let order = await this.byKey(userId, key);
    if (!order) order = await this.createOrder(ctx, userId, key, body, provider.name, referralCode);
    if (order.status !== 'pending' || order.providerPaymentId) return this.orders.present(order);
    return this.orders.present(await this.pay(order, body.paymentMethod));
  }

  private async byKey(userId: string, key: string): Promise<OrderRow | null> {
    const [o] = await this.db.select().from(orders).where(and(eq(orders.userId, userId), eq(orders.idempotencyKey, key)));
    return o ?? null;
  }

  private async createOrder(ctx: RequestContext, userId: string, key: string, body: z.output<typeof CheckoutRequest>, provider: 'manual' | 'stripe', referralCode: string | null): Promise<OrderRow> {
    const actor = ctx.actor!;
    try {
      return await this.db.transaction(async (tx) => {
        const lines = await this.cart.lines(ctx, { userId, guestId: null }, tx);
        if (!lines.length) throw new Conflict('Your cart is empty.', 'cart_empty');
        const owned = await this.enrollment.coursesWithAccess(userId, lines.flatMap((l) => l.priced?.courseIds ?? []), tx);
        const already = lines.find((l) => l.priced && l.priced.courseIds.every((id) => owned.has(id)));
        if (already) throw new Conflict(`You already have ${already.priced!.title}; remove it from your cart.`, 'already_owned');
        // a course at its seat limit is sold only while a seat is free (or held by the buyer's offer); the
        // seat is held for the order below, under the same capacity lock, so a second buyer is refused before paying
        const toHold: string[] = [];
        for (const l of lines) {
          for (const courseId of l.priced?.courseIds ?? []) {
            if (owned.has(courseId)) continue;
            if (!(await this.waitlist.seatOpenFor(tx, courseId, userId))) {
              throw new Conflict(`${l.priced!.title} is full. Join its waitlist to be offered the next free seat.`, 'course_full', { courseId });
            }
            toHold.push(courseId);
          }
        }
        const q = await this.quotes.price(tx, userId, lines, { currency: body.currency, couponCodes: body.couponCodes, country: body.billingAddress.country, region: body.billingAddress.region }, true);
        if (q.coupons.rejected.length) {
          const r = q.coupons.rejected[0]!;
          throw new Conflict(`Coupon ${r.code}: ${r.reason}`, 'coupon_rejected', { rejected: q.coupons.rejected });
        }
        const number = await this.orders.nextNumber(tx, q.organizationId);
        const [o] = await tx
          .insert(orders)
          .values({
            organizationId: q.organizationId,
            number,
            userId,
            buyerEmail: actor.email,
            buyerName: actor.name || body.billingAddress.name,
            idempotencyKey: key,
            currency: q.currency,
            subtotalMinor: q.totals.subtotalMinor,
            discountMinor: q.totals.discountMinor,
            taxMinor: q.totals.taxMinor,
            totalMinor: q.totals.totalMinor,
            billingAddress: body.billingAddress,
            taxLines: q.totals.taxLines,
            coupons: q.coupons.applied.map((a) => ({ couponId: a.couponId, code: a.code, name: a.name, discountMinor: a.discountMinor })),
            referralCode,
            provider,
          })
          .returning();
        await tx.insert(orderLines).values(
          q.lines.map((p, i) => ({
            orderId: o!.id,
            position: i,
            kind: p.line.item.kind,
            refId: p.line.item.refId,
            title: p.line.priced!.title,
            courseIds: p.line.priced!.courseIds,
            ...q.totals.lines[i]!,
          })),
        );
        await this.coupons.redeem(tx, { organizationId: q.organizationId, orderId: o!.id, userId, currency: q.currency, applied: q.coupons.applied });
        const holdUntil = new Date(Date.now() + PAYMENT_HOLD_MS);
        for (const courseId of new Set(toHold)) await this.waitlist.holdSeatWhilePaying(tx, { courseId, userId, orderId: o!.id, until: holdUntil });
        // nothing to charge (a free coupon): paid at once
        if (q.totals.totalMinor === 0) {
          await this.orders.markPaid(tx, o!.id, null);
          return (await tx.select().from(orders).where(eq(orders.id, o!.id)))[0]!;
        }
        return o!;
      });
    } catch (e) {
      // the same key raced in from a parallel retry: that request created the order
      if (isUniqueViolation(e)) {
        const o = await this.byKey(userId, key);
        if (o) return o;
      }
      throw e;
    }
  }

  private async pay(order: OrderRow, method: PaymentMethodInput): Promise<OrderRow> {
    const provider = this.providers.get(order.provider)!;
    let outcome: PaymentOutcome;
    try {
      outcome = await provider.charge({
        reference: order.id,
        amountMinor: order.totalMinor,
        currency: order.currency,
        idempotencyKey: `order:${order.id}`,
        customerEmail: order.buyerEmail,
        description: `Order ${order.number}`,
        paymentMethod: method,
        offSession: false,
        returnUrl: `${this.config.publicUrl}/orders/${order.id}`,
        metadata: { orderId: order.id, organizationId: order.organizationId },
      });
    } catch (err) {
      this.log.error({ err, orderId: order.id }, 'payment provider error');
      outcome = { status: 'failed', providerPaymentId: null, declineCode: 'provider_error', reason: 'The payment provider could not be reached; nothing was charged. Try again.' };
    }
    await this.db.transaction(async (tx) => {
      if (outcome.status === 'succeeded') await this.orders.markPaid(tx, order.id, outcome.providerPaymentId);
      else if (outcome.status === 'failed') await this.orders.markFailed(tx, order.id, outcome.declineCode, outcome.reason, outcome.providerPaymentId);
      else await tx.update(orders).set({ providerPaymentId: outcome.providerPaymentId, redirectUrl: outcome.redirectUrl, updatedAt: new Date() }).where(eq(orders.id, order.id));
    });
    return (await this.db.select().from(orders).where(eq(orders.id, order.id)))[0]!;
  }
}
