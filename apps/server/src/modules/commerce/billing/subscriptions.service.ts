import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, gt, inArray, isNotNull, isNull, lt, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { type OrgContext, type RequestContext, requireOrg } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx, type Tx } from '../../../kernel/db/index.js';
import { Conflict, Invalid, NotFound } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { CouponsService, type SubscriptionCouponTerms } from '../coupons/index.js';
import { BillingAccess } from './billing-access.js';
import { BillingClock } from './billing-clock.js';
import type { BillingAddress, Charge, SubscribePaymentMethod, SubscriptionQuote } from './billing.dto.js';
import { requireBillingAdmin, requireRefunder, requireSubscriptionAccess } from './billing.policy.js';
import { addDays, addInterval } from './billing.rules.js';
import {
  billingPlans,
  type PlanRow,
  subscriptionCharges,
  subscriptionCheckouts,
  type SubscriptionDiscount,
  subscriptions,
  type SubscriptionKind,
  type SubscriptionRow,
} from './billing.schema.js';
import { Charger } from './charger.js';
import { PlansService } from './plans.service.js';
import { Renewals } from './renewals.js';
import { type CheckoutView, presentCheckout, StripeBilling } from './stripe-billing.service.js';
import { presentCharge, presentSubscription, type SubscriptionView } from './subscription.presenter.js';
import { declined, findSubscription, LIVE, planOfSubscription } from './subscription-rows.js';

interface StartTerms {
  price: { currency: string; amountMinor: number };
  clock: { id: string; now: Date } | null;
  now: Date;
  trial: boolean;
  end: Date;
  coupon: Awaited<ReturnType<CouponsService['forSubscription']>>;
  discount: SubscriptionDiscount | null;
}

export interface StartInput {
  plan: PlanRow;
  currency?: string;
  cardNumber: string;
  kind: SubscriptionKind;
  quantity: number;
  billingAddress?: z.infer<typeof BillingAddress>;
  couponCode?: string;
  /** the referral code attributed at subscribe (the `lyceum_ref` cookie) */
  referralCode?: string | null;
}

/** How many charges a coupon's duration covers on a plan of this interval (null: all of them). */
export function discountedCharges(duration: SubscriptionCouponTerms['duration'], months: number | null, interval: PlanRow['interval']): number | null {
  if (duration === 'forever') return null;
  if (duration === 'once') return 1;
  return interval === 'year' ? Math.ceil((months ?? 1) / 12) : (months ?? 1);
}

export interface SubscribeBody {
  planId: string;
  currency?: string;
  paymentMethod: z.infer<typeof SubscribePaymentMethod>;
  billingAddress?: z.infer<typeof BillingAddress>;
  couponCode?: string;
}

/** Subscribing (by card or through Stripe Checkout), the subscription lists and charges, and an admin's refund of a charge. The subscriber's changes are SubscriptionChangesService's. */
@Injectable()
export class SubscriptionsService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly clock: BillingClock,
    private readonly charger: Charger,
    private readonly access: BillingAccess,
    private readonly renewals: Renewals,
    private readonly plans: PlansService,
    private readonly coupons: CouponsService,
    private readonly stripe: StripeBilling,
  ) {}

  /**
   * Subscribes the caller: with a test card the subscription starts here (trial, or the first
   * period charged now); with `stripe_checkout` a Stripe Checkout Session is opened and the
   * pending checkout is answered (the subscription is created by Stripe's webhook).
   */
  async subscribe(ctx: RequestContext, body: SubscribeBody, referralCode: string | null = null): Promise<{ subscription: SubscriptionView } | { checkout: CheckoutView }> {
    const o = requireOrg(ctx);
    const method = body.paymentMethod;
    if (method.type === 'stripe_checkout') return { checkout: await this.subscribeWithStripe(o, body, referralCode) };
    return this.db.transaction(async (tx) => {
      const plan = await this.plans.find(tx, o.membership.orgId, body.planId);
      await this.refuseSecond(tx, o, plan);
      await this.stripe.closeOpenCheckouts(tx, o.membership.orgId, o.actor.userId, plan.id);
      const sub = await this.start(tx, o, { plan, currency: body.currency, cardNumber: method.cardNumber, kind: 'personal', quantity: 1, billingAddress: body.billingAddress, couponCode: body.couponCode, referralCode });
      return { subscription: presentSubscription(sub, plan) };
    });
  }

  /** One live personal subscription per member and plan, also under concurrent requests (the lock lasts the transaction). */
  private async refuseSecond(tx: Tx, o: OrgContext, plan: PlanRow): Promise<void> {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`billing:${o.actor.userId}:${plan.id}`}))`);
    const [live] = await tx
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(and(eq(subscriptions.userId, o.actor.userId), eq(subscriptions.planId, plan.id), eq(subscriptions.kind, 'personal'), inArray(subscriptions.status, [...LIVE])));
    if (live) throw new Conflict('You already subscribe to this plan.', 'already_subscribed', { subscriptionId: live.id });
  }

  /**
   * Stripe Checkout in `mode: subscription` at the plan's price (and trial). A plan coupon (entered,
   * or an automatic promotion) priced like the card path is made a Stripe coupon on the session
   * (StripeBilling.openSession); its use is counted when the checkout completes. A session the
   * member opened for the same plan, currency and coupon in the last 23 hours is answered again
   * (Stripe keeps a session open for 24), so a second click never opens a second subscription.
   */
  private async subscribeWithStripe(o: OrgContext, body: SubscribeBody, referralCode: string | null): Promise<CheckoutView> {
    if (!this.stripe.configured) throw new Conflict('Stripe is not configured here; pay by card instead.', 'provider_unavailable');
    const { checkout, plan } = await this.db.transaction(async (tx) => {
      const plan = await this.plans.find(tx, o.membership.orgId, body.planId);
      await this.refuseSecond(tx, o, plan);
      const { price, trial, coupon, discount } = await this.terms(tx, o, { plan, currency: body.currency, kind: 'personal', quantity: 1, couponCode: body.couponCode }, true);
      const [open] = await tx
        .select()
        .from(subscriptionCheckouts)
        .where(
          and(
            eq(subscriptionCheckouts.organizationId, o.membership.orgId),
            eq(subscriptionCheckouts.userId, o.actor.userId),
            eq(subscriptionCheckouts.planId, plan.id),
            eq(subscriptionCheckouts.currency, price.currency),
            eq(subscriptionCheckouts.status, 'pending'),
            isNotNull(subscriptionCheckouts.redirectUrl),
            gt(subscriptionCheckouts.createdAt, new Date(Date.now() - 23 * 3600_000)),
            discount ? sql`${subscriptionCheckouts.discount}->>'couponId' = ${discount.couponId}` : isNull(subscriptionCheckouts.discount),
          ),
        )
        .limit(1);
      if (open) return { checkout: open, plan };
      const [created] = await tx
        .insert(subscriptionCheckouts)
        .values({
          organizationId: o.membership.orgId,
          userId: o.actor.userId,
          customerEmail: o.actor.email,
          customerName: o.actor.name,
          planId: plan.id,
          currency: price.currency,
          unitAmountMinor: price.amountMinor,
          trialDays: trial ? plan.trialDays : 0,
          billingAddress: body.billingAddress ?? null,
          discount,
          appliedCoupon: coupon?.applied ?? null,
          referralCode,
        })
        .returning();
      return { checkout: created!, plan };
    });
    if (checkout.redirectUrl) return presentCheckout(checkout);
    return this.stripe.openSession(checkout, plan);
  }

  /**
   * The terms a new subscription would start on now: its price, clock time, trial or first
   * period, and the plan coupon (an entered code that does not apply is a 400 on body.couponCode).
   * Subscribing and the quote both price through here. `lock` takes the coupon rows for update.
   */
  private async terms(db: DbOrTx, o: OrgContext, input: Omit<StartInput, 'cardNumber' | 'billingAddress'>, lock: boolean): Promise<StartTerms> {
    const { plan } = input;
    if (plan.archivedAt) throw new Conflict('This plan is archived and takes no new subscribers.', 'plan_archived');
    const price = input.currency ? plan.prices.find((p) => p.currency === input.currency) : plan.prices[0];
    if (!price) throw new Invalid(`This plan has no price in ${input.currency}.`, [{ field: 'body.currency', message: 'no price in this currency' }], 'currency_unavailable');
    const clock = await this.clock.clockForNewSubscription(o.membership.orgId, db);
    const now = clock?.now ?? this.clock.wall();
    const trial = input.kind === 'personal' && plan.trialDays > 0;
    const end = trial ? addDays(now, plan.trialDays) : addInterval(now, plan.interval);
    const [prior] = await db
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(and(eq(subscriptions.organizationId, o.membership.orgId), eq(subscriptions.userId, o.actor.userId)))
      .limit(1);
    const coupon = await this.coupons.forSubscription(
      db,
      {
        organizationId: o.membership.orgId,
        userId: o.actor.userId,
        planId: plan.id,
        currency: price.currency,
        subtotalMinor: price.amountMinor * input.quantity,
        code: input.couponCode ?? null,
        hasPriorPurchase: Boolean(prior),
        now,
      },
      lock,
    );
    const discount: SubscriptionDiscount | null = coupon
      ? {
          couponId: coupon.terms.couponId,
          name: coupon.terms.name,
          kind: coupon.terms.kind,
          percentBasisPoints: coupon.terms.percentBasisPoints,
          amountMinor: coupon.terms.amountMinor,
          chargesLeft: discountedCharges(coupon.terms.duration, coupon.terms.durationMonths, plan.interval),
        }
      : null;
    return { price, clock, now, trial, end, coupon, discount };
  }

  /**
   * What subscribing would cost, priced like `subscribe`: the first charge's lines (plan, coupon),
   * its tax by the billing country/region and its total; due now, or at the trial's end.
   */
  async quote(ctx: RequestContext, planId: string, body: { currency?: string; billingAddress?: z.infer<typeof BillingAddress>; couponCode?: string }): Promise<z.infer<typeof SubscriptionQuote>> {
    const o = requireOrg(ctx);
    const plan = await this.plans.find(this.db, o.membership.orgId, planId);
    const { price, now, trial, end, discount } = await this.terms(this.db, o, { plan, currency: body.currency, kind: 'personal', quantity: 1, couponCode: body.couponCode }, false);
    const start = trial ? end : now;
    const periodEnd = trial ? addInterval(end, plan.interval) : end;
    const lines = this.renewals.chargeLines({ unitAmountMinor: price.amountMinor, quantity: 1, discount }, plan, start, periodEnd);
    const amount = lines.reduce((s, l) => s + l.amountMinor, 0);
    const tax = await this.charger.taxOn(this.db, { organizationId: o.membership.orgId, billingAddress: body.billingAddress ?? null }, amount);
    return {
      planId: plan.id,
      currency: price.currency,
      lines: lines.map((l) => ({ description: l.description, amountMinor: l.amountMinor })),
      subtotalMinor: price.amountMinor,
      discountMinor: price.amountMinor - amount,
      discount: discount ? { name: discount.name, chargesLeft: discount.chargesLeft } : null,
      taxMinor: tax.taxMinor,
      taxLines: tax.taxLines,
      totalMinor: tax.totalMinor,
      trialEnd: trial ? end.toISOString() : null,
      dueNowMinor: trial ? 0 : tax.totalMinor,
      firstChargeAt: start.toISOString(),
    };
  }

  /** Creates the subscription inside `tx`: a trial, or the first period charged now (a decline creates nothing). */
  async start(tx: Tx, o: OrgContext, input: StartInput): Promise<SubscriptionRow> {
    const { plan } = input;
    const { price, clock, now, trial, end, coupon, discount } = await this.terms(tx, o, input, true);
    const [created] = await tx
      .insert(subscriptions)
      .values({
        organizationId: o.membership.orgId,
        userId: o.actor.userId,
        customerEmail: o.actor.email,
        customerName: o.actor.name,
        planId: plan.id,
        kind: input.kind,
        quantity: input.quantity,
        currency: price.currency,
        unitAmountMinor: price.amountMinor,
        status: trial ? 'trialing' : 'active',
        testClockId: clock?.id ?? null,
        cardNumber: input.cardNumber,
        cardLast4: input.cardNumber.slice(-4),
        billingAddress: input.billingAddress ?? null,
        currentPeriodStart: now,
        currentPeriodEnd: end,
        billingAnchorDay: trial ? null : now.getUTCDate(),
        trialEnd: trial ? end : null,
        discount,
        referralCode: input.referralCode ?? null,
      })
      .returning();
    let sub = created!;
    if (coupon) await this.coupons.redeem(tx, { organizationId: o.membership.orgId, subscriptionId: sub.id, userId: o.actor.userId, currency: price.currency, applied: [coupon.applied] });
    if (!trial) {
      const { charge } = await this.charger.charge(tx, sub, plan, {
        reason: 'initial',
        key: `sub:${sub.id}:initial:${now.toISOString()}`,
        periodStart: now,
        periodEnd: end,
        lines: this.renewals.chargeLines(sub, plan, now, end),
        offSession: false,
        at: now,
      });
      if (charge.status !== 'succeeded') declined(charge);
    }
    sub = await this.access.sync(tx, sub, plan, now);
    return sub;
  }

  async listMine(ctx: RequestContext, q: { limit: number; cursor?: string }): Promise<Page<SubscriptionView>> {
    const o = requireOrg(ctx);
    const where: SQL[] = [eq(subscriptions.organizationId, o.membership.orgId), eq(subscriptions.userId, o.actor.userId), eq(subscriptions.kind, 'personal')];
    return this.pageWithPlans(where, q);
  }

  /** One page of the subscriptions matching `where`, each with its plan, newest first. */
  private async pageWithPlans(where: SQL[], q: { limit: number; cursor?: string }): Promise<Page<SubscriptionView>> {
    const cursor = decodeCursor(q.cursor, 1);
    if (cursor) where.push(lt(subscriptions.id, String(cursor[0])));
    const rows = await this.db
      .select({ s: subscriptions, p: billingPlans })
      .from(subscriptions)
      .innerJoin(billingPlans, eq(billingPlans.id, subscriptions.planId))
      .where(and(...where))
      .orderBy(desc(subscriptions.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.s.id], (r) => presentSubscription(r.s, r.p));
  }

  async get(ctx: RequestContext, id: string): Promise<SubscriptionView> {
    const { sub } = requireSubscriptionAccess(ctx, await findSubscription(this.db, id));
    return presentSubscription(sub, await planOfSubscription(this.db, sub));
  }

  async charges(ctx: RequestContext, id: string, q: { limit: number; cursor?: string }): Promise<Page<z.infer<typeof Charge>>> {
    const { sub } = requireSubscriptionAccess(ctx, await findSubscription(this.db, id));
    const cursor = decodeCursor(q.cursor, 1);
    const where: SQL[] = [eq(subscriptionCharges.subscriptionId, sub.id)];
    if (cursor) where.push(lt(subscriptionCharges.id, String(cursor[0])));
    const rows = await this.db
      .select()
      .from(subscriptionCharges)
      .where(and(...where))
      .orderBy(desc(subscriptionCharges.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.id], presentCharge);
  }

  /** The organization's subscriptions (personal and seat licences), newest first: billing admins. */
  async listForOrg(ctx: RequestContext, q: { limit: number; cursor?: string; status?: SubscriptionRow['status'] }): Promise<Page<SubscriptionView>> {
    const o = requireBillingAdmin(ctx);
    const where: SQL[] = [eq(subscriptions.organizationId, o.membership.orgId)];
    if (q.status) where.push(eq(subscriptions.status, q.status));
    return this.pageWithPlans(where, q);
  }

  /**
   * An admin refunds a succeeded charge, in full (what is left of it) or by amount, through the
   * payment provider (Charger.refund: the charge's refunded total grows and
   * SubscriptionChargeRefunded goes out in this transaction). The subscription's row is locked,
   * so two admins cannot refund the same money twice; the subscription and its access stay as
   * they are (cancelling is a separate step).
   */
  async refundCharge(ctx: RequestContext, id: string, chargeId: string, amountMinor: number | undefined): Promise<z.infer<typeof Charge>> {
    const o = requireRefunder(ctx);
    return this.db.transaction(async (tx) => {
      const [sub] = await tx.select().from(subscriptions).where(eq(subscriptions.id, id)).for('update');
      if (!sub || sub.organizationId !== o.membership.orgId) throw new NotFound('Subscription');
      const [charge] = await tx
        .select()
        .from(subscriptionCharges)
        .where(and(eq(subscriptionCharges.id, chargeId), eq(subscriptionCharges.subscriptionId, sub.id)))
        .for('update');
      if (!charge) throw new NotFound('Charge');
      if (charge.status !== 'succeeded') throw new Conflict('A failed charge took no money, so there is nothing to refund.', 'charge_not_refundable');
      const left = charge.amountMinor - charge.refundedMinor;
      if (!charge.providerPaymentId || left <= 0) throw new Conflict('There is nothing left to refund on this charge.', 'nothing_to_refund');
      const amount = amountMinor ?? left;
      if (amount > left) throw new Invalid(`At most ${left} (minor units) is left to refund on this charge.`, [{ field: 'body.amountMinor', message: 'more than is left' }]);
      const refundKey = `sub:${sub.id}:refund:${charge.id}:${charge.refundedMinor}:${amount}`;
      const updated = await this.charger.refund(tx, sub, charge, { amountMinor: amount, idempotencyKey: refundKey, reason: 'admin', at: await this.clock.now(sub.testClockId, tx) });
      return presentCharge(updated);
    });
  }

}
