import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { and, eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database, type Tx } from '../../../kernel/db/index.js';
import { Conflict, ServiceUnavailable } from '../../../kernel/errors/index.js';
import { PAYMENT_PROVIDERS, type PaymentProviders, type ProviderEvent, STRIPE_CLIENT, type StripeClient } from '../payments/index.js';
import { CouponsService } from '../coupons/index.js';
import { TaxService } from '../tax/index.js';
import { BillingAccess } from './billing-access.js';
import { BillingClock } from './billing-clock.js';
import type { SubscriptionCheckout } from './billing.dto.js';
import { billingPlans, type CheckoutRow, type PlanRow, subscriptionCheckouts, subscriptions, type SubscriptionRow } from './billing.schema.js';
import { payloadObject, StripeCheckoutSession, stripeMirror, stripePeriod, StripeSetupIntent, StripeSubscription, STRIPE_STATUS } from './stripe-objects.js';

export type CheckoutView = z.infer<typeof SubscriptionCheckout>;

export function presentCheckout(c: CheckoutRow): CheckoutView {
  return { checkoutId: c.id, planId: c.planId, status: c.status, redirectUrl: c.redirectUrl! };
}

const uuid = z.uuid();

/**
 * The Stripe coupon of a checkout's plan coupon, so Stripe discounts the same charges the card path
 * would: percent (free: 100%) or a fixed amount in the checkout's currency, on the first charge
 * (`once`), every charge (`forever`) or the first N (`repeating`, N periods in months). With a trial
 * Stripe counts the months from the subscription's start, so the trial's whole months are added.
 */
export function stripeCouponOf(checkout: Pick<CheckoutRow, 'id' | 'currency' | 'trialDays' | 'discount' | 'appliedCoupon'>, plan: Pick<PlanRow, 'interval'>): Stripe.CouponCreateParams {
  const d = checkout.discount!;
  const value: Stripe.CouponCreateParams =
    d.kind === 'fixed'
      ? { amount_off: checkout.appliedCoupon?.discountMinor ?? d.amountMinor ?? 0, currency: checkout.currency.toLowerCase() }
      : { percent_off: d.kind === 'free' ? 100 : (d.percentBasisPoints ?? 0) / 100 };
  const months = plan.interval === 'year' ? 12 : 1;
  const duration: Pick<Stripe.CouponCreateParams, 'duration' | 'duration_in_months'> =
    d.chargesLeft === null
      ? { duration: 'forever' }
      : d.chargesLeft === 1 && checkout.trialDays === 0
        ? { duration: 'once' }
        : { duration: 'repeating', duration_in_months: d.chargesLeft * months + Math.floor(checkout.trialDays / 30) };
  return { ...value, ...duration, name: d.name.slice(0, 40), metadata: { checkoutId: checkout.id, couponId: d.couponId } };
}

/**
 * Subscriptions Stripe bills. Subscribing opens a Stripe Checkout Session in `mode: subscription`
 * (a pending `subscription_checkouts` row); Stripe's `checkout.session.completed` (or an
 * `invoice.paid` that arrives first and names the checkout in the subscription's metadata) creates
 * our subscription once, with Stripe's status and period, and grants access; an expired session
 * closes the checkout. The subscriber's cancel / resume go through the SDK and the answer is
 * mirrored on our row (the `customer.subscription.*` webhooks keep it in step afterwards).
 */
@Injectable()
export class StripeBilling {
  private readonly log = new Logger('StripeBilling');

  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(STRIPE_CLIENT) private readonly stripe: StripeClient,
    @Inject(PAYMENT_PROVIDERS) private readonly providers: PaymentProviders,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly access: BillingAccess,
    private readonly clock: BillingClock,
    private readonly coupons: CouponsService,
    private readonly tax: TaxService,
  ) {}

  get configured(): boolean {
    return this.stripe !== null;
  }

  private client(): Stripe {
    if (!this.stripe) throw new Conflict('Stripe is not configured here; pay by card instead.', 'provider_unavailable');
    return this.stripe;
  }

  /**
   * Creates the Stripe Checkout Session of a pending checkout (recorded by the caller) and stores
   * its url. When Stripe cannot be reached the pending row is removed, so nothing is left behind.
   */
  async openSession(checkout: CheckoutRow, plan: PlanRow): Promise<CheckoutView> {
    const stripe = this.client();
    const metadata = { checkoutId: checkout.id, organizationId: checkout.organizationId, userId: checkout.userId, planId: checkout.planId };
    const back = `${this.config.publicUrl}/my-subscription`;
    let session: Stripe.Checkout.Session;
    try {
      const coupon = checkout.discount ? await stripe.coupons.create(stripeCouponOf(checkout, plan), { idempotencyKey: `subscription-checkout:${checkout.id}:coupon` }) : null;
      // our rate for the billing country/region, as a Stripe tax rate on every invoice of the subscription
      const country = checkout.billingAddress?.country;
      const region = checkout.billingAddress?.region ?? '';
      const rate = country ? await this.tax.rateFor(checkout.organizationId, country, region) : null;
      const taxRate =
        rate && rate.rateBasisPoints > 0
          ? await stripe.taxRates.create(
              { display_name: rate.label, percentage: rate.rateBasisPoints / 100, inclusive: rate.inclusive, country, ...(region ? { state: region } : {}), metadata: { organizationId: checkout.organizationId } },
              { idempotencyKey: `subscription-checkout:${checkout.id}:tax` },
            )
          : null;
      session = await stripe.checkout.sessions.create(
        {
          mode: 'subscription',
          customer_email: checkout.customerEmail,
          client_reference_id: checkout.id,
          line_items: [
            {
              quantity: 1,
              price_data: { currency: checkout.currency.toLowerCase(), unit_amount: checkout.unitAmountMinor, recurring: { interval: plan.interval }, product_data: { name: plan.name } },
            },
          ],
          subscription_data: { metadata, ...(checkout.trialDays > 0 ? { trial_period_days: checkout.trialDays } : {}), ...(taxRate ? { default_tax_rates: [taxRate.id] } : {}) },
          ...(coupon ? { discounts: [{ coupon: coupon.id }] } : {}),
          metadata,
          // the page waits for the subscription to this plan to appear (the webhook creates it)
          success_url: `${back}?stripe=success&plan=${checkout.planId}`,
          cancel_url: `${back}?stripe=canceled`,
        },
        { idempotencyKey: `subscription-checkout:${checkout.id}` },
      );
      if (!session.url) throw new Error('Stripe returned a Checkout Session without a url');
    } catch (err) {
      this.log.error({ err, checkoutId: checkout.id }, 'Stripe Checkout Session not created');
      await this.db.delete(subscriptionCheckouts).where(and(eq(subscriptionCheckouts.id, checkout.id), eq(subscriptionCheckouts.status, 'pending')));
      throw new ServiceUnavailable('Stripe could not be reached; nothing was charged. Try again.', 'provider_error');
    }
    const [row] = await this.db
      .update(subscriptionCheckouts)
      .set({ sessionId: session.id, redirectUrl: session.url, updatedAt: new Date() })
      .where(eq(subscriptionCheckouts.id, checkout.id))
      .returning();
    return presentCheckout(row!);
  }

  /**
   * `checkout.session.completed`: a subscription session creates our subscription (once); a setup
   * session saved a new payment method for one. Payment sessions are orders'.
   */
  async sessionCompleted(tx: Tx, e: ProviderEvent): Promise<void> {
    const session = StripeCheckoutSession.parse(payloadObject(e));
    if (session.mode === 'setup') return this.paymentMethodSaved(tx, session);
    if (session.mode !== 'subscription') return;
    const checkout = await this.lockCheckout(tx, session.metadata?.checkoutId ?? session.client_reference_id ?? null, session.id);
    if (!checkout) return void this.log.warn(`checkout.session.completed ${session.id}: no subscription checkout of ours`);
    if (!session.subscription) return void this.log.warn(`checkout.session.completed ${session.id}: no subscription on the session`);
    await this.complete(tx, checkout, session.subscription);
  }

  /**
   * A Checkout Session in `mode: setup` where the subscriber saves a new payment method for the
   * Stripe subscription (its customer, the subscription's currency); our ids ride in the metadata.
   */
  async paymentMethodSession(sub: SubscriptionRow): Promise<{ redirectUrl: string }> {
    const stripe = this.client();
    const id = sub.providerSubscriptionId!;
    const current = StripeSubscription.parse(await this.call(() => stripe.subscriptions.retrieve(id)));
    if (!current.customer) throw new Conflict('Stripe reports no customer on this subscription.', 'stripe_refused');
    const customer = current.customer;
    const metadata = { subscriptionId: sub.id, stripeSubscriptionId: id, organizationId: sub.organizationId };
    const back = `${this.config.publicUrl}/my-subscription`;
    const session = await this.call(() =>
      stripe.checkout.sessions.create(
        {
          mode: 'setup',
          customer,
          currency: sub.currency.toLowerCase(),
          setup_intent_data: { metadata },
          metadata,
          success_url: `${back}?stripe=payment-method`,
          cancel_url: `${back}?stripe=canceled`,
        },
        { idempotencyKey: `sub:${sub.id}:payment-method:${randomUUID()}` },
      ),
    );
    if (!session.url) throw new ServiceUnavailable('Stripe returned no page to save the payment method; try again.', 'provider_error');
    return { redirectUrl: session.url };
  }

  /**
   * A setup session completed: the payment method it saved becomes the Stripe subscription's
   * default (Stripe charges it from then on, also its own retries of a past-due invoice), and our
   * row shows its card's last four digits. A session naming a subscription that is not this one is ignored.
   */
  private async paymentMethodSaved(tx: Tx, session: z.infer<typeof StripeCheckoutSession>): Promise<void> {
    const subscriptionId = session.metadata?.subscriptionId;
    const stripeSubscriptionId = session.metadata?.stripeSubscriptionId;
    if (!subscriptionId || !uuid.safeParse(subscriptionId).success || !stripeSubscriptionId || !session.setup_intent) return;
    const [sub] = await tx.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId)).for('update');
    if (!sub || sub.provider !== 'stripe' || sub.providerSubscriptionId !== stripeSubscriptionId) {
      return void this.log.warn(`checkout.session.completed ${session.id} (setup): no Stripe-billed subscription of ours`);
    }
    const stripe = this.client();
    const si = StripeSetupIntent.parse(await stripe.setupIntents.retrieve(session.setup_intent, { expand: ['payment_method'] }));
    const pm = si.payment_method;
    if (!pm) return void this.log.warn(`setup intent ${si.id}: no payment method`);
    const pmId = typeof pm === 'string' ? pm : pm.id;
    const updated = await stripe.subscriptions.update(stripeSubscriptionId, { default_payment_method: pmId }, { idempotencyKey: `sub:${sub.id}:default-payment-method:${session.id}` });
    const last4 = typeof pm === 'string' ? null : (pm.card?.last4 ?? null);
    await tx.update(subscriptions).set({ cardLast4: last4 }).where(eq(subscriptions.id, sub.id));
    // past due: the open invoice is paid with the new method at once, as a new card is charged here (its invoice.paid then recovers the subscription)
    const open = typeof updated.latest_invoice === 'string' ? updated.latest_invoice : (updated.latest_invoice?.id ?? null);
    if (sub.status === 'past_due' && open) {
      try {
        await stripe.invoices.pay(open, { payment_method: pmId }, { idempotencyKey: `sub:${sub.id}:pay-open-invoice:${session.id}` });
      } catch (err) {
        // declined or already paid: Stripe's own retries go on with the new default method
        if (!(err instanceof Stripe.errors.StripeCardError || err instanceof Stripe.errors.StripeInvalidRequestError)) throw err;
        this.log.warn(`invoice ${open} of subscription ${sub.id} not paid with the new payment method: ${err.message}`);
      }
    }
  }

  /**
   * Before a member subscribes to `planId` another way (a card): their open Stripe checkouts for
   * the plan are expired at Stripe and closed here, so Stripe cannot also start a subscription. A
   * session the member already paid in is 409 payment_in_progress (its webhook subscribes them).
   */
  async closeOpenCheckouts(tx: Tx, organizationId: string, userId: string, planId: string): Promise<void> {
    const open = await tx
      .select()
      .from(subscriptionCheckouts)
      .where(and(eq(subscriptionCheckouts.organizationId, organizationId), eq(subscriptionCheckouts.userId, userId), eq(subscriptionCheckouts.planId, planId), eq(subscriptionCheckouts.status, 'pending')))
      .for('update');
    for (const checkout of open) {
      // (without Stripe configured no webhook can complete it either: it is only closed here)
      const stripeProvider = this.providers.get('stripe');
      if (checkout.sessionId && stripeProvider?.cancelPending) {
        const id = checkout.sessionId;
        const { status } = await this.call(() => stripeProvider.cancelPending!(id));
        if (status !== 'canceled') throw new Conflict('You have just paid for this plan on Stripe; your subscription appears once Stripe confirms it.', 'payment_in_progress');
      }
      await tx.update(subscriptionCheckouts).set({ status: 'expired', expiredAt: new Date(), updatedAt: new Date() }).where(eq(subscriptionCheckouts.id, checkout.id));
    }
  }

  /** `checkout.session.expired`: the member never paid; the pending checkout is closed. */
  async sessionExpired(tx: Tx, e: ProviderEvent): Promise<void> {
    const session = StripeCheckoutSession.parse(payloadObject(e));
    if (session.mode !== 'subscription') return;
    const checkout = await this.lockCheckout(tx, session.metadata?.checkoutId ?? session.client_reference_id ?? null, session.id);
    if (!checkout || checkout.status !== 'pending') return;
    await tx.update(subscriptionCheckouts).set({ status: 'expired', expiredAt: new Date(), updatedAt: new Date() }).where(eq(subscriptionCheckouts.id, checkout.id));
  }

  /**
   * The subscription of a checkout named in Stripe's metadata, created now if the completed event
   * has not come yet (Stripe does not order events). Null when the checkout is not ours.
   */
  async subscriptionForCheckout(tx: Tx, checkoutId: string, stripeSubscriptionId: string): Promise<SubscriptionRow | null> {
    const checkout = await this.lockCheckout(tx, checkoutId, null);
    if (!checkout) return null;
    return this.complete(tx, checkout, stripeSubscriptionId);
  }

  /**
   * Creates the checkout's subscription from Stripe's (retrieved through the SDK), grants access and
   * marks the checkout completed. The checkout row is locked by the caller; a completed checkout,
   * or a Stripe subscription we already have, is returned as it is.
   */
  private async complete(tx: Tx, checkout: CheckoutRow, stripeSubscriptionId: string): Promise<SubscriptionRow> {
    if (checkout.subscriptionId) {
      const [done] = await tx.select().from(subscriptions).where(eq(subscriptions.id, checkout.subscriptionId));
      if (done) return done;
    }
    let [sub] = await tx.select().from(subscriptions).where(eq(subscriptions.providerSubscriptionId, stripeSubscriptionId));
    if (!sub) {
      const s = StripeSubscription.parse(await this.client().subscriptions.retrieve(stripeSubscriptionId));
      const now = this.clock.wall();
      const period = stripePeriod(s);
      const [plan] = await tx.select().from(billingPlans).where(eq(billingPlans.id, checkout.planId));
      const [created] = await tx
        .insert(subscriptions)
        .values({
          organizationId: checkout.organizationId,
          userId: checkout.userId,
          customerEmail: checkout.customerEmail,
          customerName: checkout.customerName,
          planId: checkout.planId,
          kind: 'personal',
          quantity: 1,
          currency: checkout.currency,
          unitAmountMinor: checkout.unitAmountMinor,
          status: STRIPE_STATUS[s.status],
          provider: 'stripe',
          providerSubscriptionId: s.id,
          billingAddress: checkout.billingAddress,
          currentPeriodStart: period.start ?? now,
          currentPeriodEnd: period.end ?? now,
          trialEnd: s.trial_end ?? null,
          discount: checkout.discount,
          referralCode: checkout.referralCode,
          cancelAtPeriodEnd: s.cancel_at_period_end,
          canceledAt: s.canceled_at ?? null,
          endedAt: s.ended_at ?? null,
        })
        .returning();
      sub = await this.access.sync(tx, created!, plan!, now);
      if (checkout.appliedCoupon) await this.countCouponUse(tx, checkout, sub);
    }
    await tx
      .update(subscriptionCheckouts)
      .set({ status: 'completed', subscriptionId: sub.id, completedAt: new Date(), updatedAt: new Date() })
      .where(eq(subscriptionCheckouts.id, checkout.id));
    return sub;
  }

  /**
   * Counts the coupon's use for the new subscription. Stripe has already billed the discounted
   * price, so a coupon used up in the meantime is logged, not a reason to refuse Stripe's event.
   */
  private async countCouponUse(tx: Tx, checkout: CheckoutRow, sub: SubscriptionRow): Promise<void> {
    const applied = checkout.appliedCoupon!;
    try {
      await tx.transaction((sp) => this.coupons.redeem(sp, { organizationId: sub.organizationId, subscriptionId: sub.id, userId: sub.userId, currency: sub.currency, applied: [applied] }));
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
      this.log.warn(`subscription ${sub.id}: coupon ${applied.couponId} was used up before Stripe confirmed the checkout; the use is not counted`);
    }
  }

  /** A checkout by our id (Stripe's metadata / client_reference_id), else by its session id, locked. */
  private async lockCheckout(tx: Tx, checkoutId: string | null, sessionId: string | null): Promise<CheckoutRow | undefined> {
    if (checkoutId && uuid.safeParse(checkoutId).success) {
      const [row] = await tx.select().from(subscriptionCheckouts).where(eq(subscriptionCheckouts.id, checkoutId)).for('update');
      if (row) return row;
    }
    if (!sessionId) return undefined;
    const [row] = await tx.select().from(subscriptionCheckouts).where(eq(subscriptionCheckouts.sessionId, sessionId)).for('update');
    return row;
  }

  /** Cancel at period end (true) or undo it (false) on Stripe, then mirror Stripe's answer on our row. */
  async setCancelAtPeriodEnd(tx: Tx, sub: SubscriptionRow, cancel: boolean, now: Date): Promise<void> {
    const s = await this.call(() => this.client().subscriptions.update(sub.providerSubscriptionId!, { cancel_at_period_end: cancel }, { idempotencyKey: `sub:${sub.id}:cancel-at-period-end:${cancel}:${now.toISOString()}` }));
    await this.mirror(tx, sub, s, now);
  }

  /** Cancel now on Stripe (access ends at once; Stripe refunds nothing by itself), then mirror its answer. */
  async cancelNow(tx: Tx, sub: SubscriptionRow, now: Date): Promise<void> {
    const s = await this.call(() => this.client().subscriptions.cancel(sub.providerSubscriptionId!, {}, { idempotencyKey: `sub:${sub.id}:cancel:${now.toISOString()}` }));
    await this.mirror(tx, sub, s, now);
  }

  /**
   * Moves the Stripe subscription to another plan: its one item gets the new plan's price (a
   * product made for the plan, the price in the subscription's currency and the plan's interval);
   * Stripe prorates and invoices the difference at once (`always_invoice`; its invoice.paid records
   * the proration charge here). Our row takes the plan, the price and Stripe's period.
   */
  async changePlan(tx: Tx, sub: SubscriptionRow, plan: PlanRow, unitAmountMinor: number, now: Date): Promise<void> {
    const stripe = this.client();
    const id = sub.providerSubscriptionId!;
    const current = StripeSubscription.parse(await this.call(() => stripe.subscriptions.retrieve(id)));
    const item = current.items?.data[0]?.id;
    if (!item) throw new Conflict('Stripe reports no item on this subscription to change.', 'stripe_refused');
    const key = `sub:${sub.id}:change-plan:${plan.id}:${now.toISOString()}`;
    const product = await this.call(() => stripe.products.create({ name: plan.name, metadata: { planId: plan.id, organizationId: plan.organizationId } }, { idempotencyKey: `${key}:product` }));
    const answer = await this.call(() =>
      stripe.subscriptions.update(
        id,
        {
          items: [{ id: item, price_data: { currency: sub.currency.toLowerCase(), product: product.id, unit_amount: unitAmountMinor, recurring: { interval: plan.interval } } }],
          proration_behavior: 'always_invoice',
          metadata: { planId: plan.id },
        },
        { idempotencyKey: key },
      ),
    );
    const s = StripeSubscription.parse(answer);
    await tx
      .update(subscriptions)
      .set({ ...stripeMirror(sub, s, now, this.clock.graceDays), planId: plan.id, unitAmountMinor })
      .where(eq(subscriptions.id, sub.id));
  }

  private async mirror(tx: Tx, sub: SubscriptionRow, answer: unknown, now: Date): Promise<void> {
    const s = StripeSubscription.parse(answer);
    await tx.update(subscriptions).set(stripeMirror(sub, s, now, this.clock.graceDays)).where(eq(subscriptions.id, sub.id));
  }

  /** A Stripe call of the subscriber's request: Stripe's refusal is a 409 with its message, no answer a 503. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof Stripe.errors.StripeInvalidRequestError) throw new Conflict(`Stripe refused the change: ${err.message}`, 'stripe_refused');
      this.log.error({ err }, 'Stripe subscription call failed');
      throw new ServiceUnavailable('Stripe could not be reached; nothing changed. Try again.', 'provider_error');
    }
  }
}
