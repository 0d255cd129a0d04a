import { Inject, Injectable } from '@nestjs/common';
import { eq, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { OrgContext, RequestContext } from '../../../kernel/auth/index.js';
import { DB, type Database, type Tx } from '../../../kernel/db/index.js';
import { Conflict, Forbidden, Invalid } from '../../../kernel/errors/index.js';
import { BillingAccess } from './billing-access.js';
import { BillingClock } from './billing-clock.js';
import type { CancelPreview, ProrationPreview, SubscribePaymentMethod } from './billing.dto.js';
import { requireSubscriptionAccess } from './billing.policy.js';
import { addInterval, prorate, type Proration } from './billing.rules.js';
import { type PlanRow, subscriptions, type SubscriptionRow } from './billing.schema.js';
import { Charger } from './charger.js';
import { Renewals } from './renewals.js';
import { PlansService } from './plans.service.js';
import { StripeBilling } from './stripe-billing.service.js';
import { presentSubscription, type SubscriptionView } from './subscription.presenter.js';
import { declined, findSubscription, LIVE, planOfSubscription } from './subscription-rows.js';

/** Stripe bills this subscription: changes that would charge here are refused rather than done the manual way. */
function refuseStripeBilled(sub: SubscriptionRow, what: string): void {
  if (sub.provider === 'stripe') throw new Conflict(`This subscription is billed by Stripe; ${what} is not taken for it (save a new payment method with Stripe instead).`, 'managed_by_stripe');
}

/** The subscriber's own changes: cancel (at period end or now, with the unused time refunded), resume, a new payment method, a change of plan with proration. A Stripe-billed subscription changes through Stripe (StripeBilling). */
@Injectable()
export class SubscriptionChangesService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly clock: BillingClock,
    private readonly charger: Charger,
    private readonly access: BillingAccess,
    private readonly renewals: Renewals,
    private readonly plans: PlansService,
    private readonly stripe: StripeBilling,
  ) {}

  /**
   * At period end: access lasts until then and nothing more is charged. Now: access ends at once
   * and an active subscription is refunded the unused time of the period (Charger.refundUnused;
   * trials and past-due subscriptions refund nothing). Once ended, a retry is refused (409) and
   * refunds nothing more.
   */
  async cancel(ctx: RequestContext, id: string, atPeriodEnd: boolean): Promise<SubscriptionView> {
    return this.mutate(ctx, id, async (tx, sub, plan, now) => {
      if (!LIVE.includes(sub.status as (typeof LIVE)[number])) throw new Conflict('This subscription has already ended.', 'subscription_ended');
      if (sub.provider === 'stripe') {
        if (atPeriodEnd && sub.status !== 'past_due') await this.stripe.setCancelAtPeriodEnd(tx, sub, true, now);
        else {
          // the unused time of what Stripe charged comes back like a card's (refunded through the invoice's payment; Stripe's cancel does not prorate)
          await this.charger.refundUnused(tx, sub, now);
          await this.stripe.cancelNow(tx, sub, now);
        }
        return;
      }
      if (atPeriodEnd && sub.status !== 'past_due') {
        await tx.update(subscriptions).set({ cancelAtPeriodEnd: true, canceledAt: now }).where(eq(subscriptions.id, sub.id));
      } else {
        await this.charger.refundUnused(tx, sub, now);
        await tx
          .update(subscriptions)
          .set({ status: 'canceled', canceledAt: now, endedAt: now, cancelAtPeriodEnd: false, nextRetryAt: null, graceEndsAt: null })
          .where(eq(subscriptions.id, sub.id));
      }
      void plan;
    });
  }

  /** What cancelling now would refund (the same rule as cancel). */
  async previewCancel(ctx: RequestContext, id: string): Promise<z.infer<typeof CancelPreview>> {
    const { sub } = requireSubscriptionAccess(ctx, await findSubscription(this.db, id));
    const now = await this.clock.now(sub.testClockId);
    const u = LIVE.includes(sub.status as (typeof LIVE)[number]) ? await this.charger.unused(this.db, sub, now) : { refundMinor: 0, remainingSeconds: 0, periodSeconds: 0 };
    return { currency: sub.currency, basis: 'seconds', remainingSeconds: u.remainingSeconds, periodSeconds: u.periodSeconds, refundMinor: u.refundMinor };
  }

  /** Undoes a cancellation at period end. */
  async resume(ctx: RequestContext, id: string): Promise<SubscriptionView> {
    return this.mutate(ctx, id, async (tx, sub, _plan, now) => {
      if (!sub.cancelAtPeriodEnd || (sub.status !== 'active' && sub.status !== 'trialing')) {
        throw new Conflict('Only a subscription set to cancel at period end can be resumed.', 'not_canceling');
      }
      if (sub.provider === 'stripe') return void (await this.stripe.setCancelAtPeriodEnd(tx, sub, false, now));
      await tx.update(subscriptions).set({ cancelAtPeriodEnd: false, canceledAt: null }).where(eq(subscriptions.id, sub.id));
    });
  }

  /**
   * Saves a new card; a past-due subscription is charged with it at once (a decline saves nothing).
   * A Stripe-billed subscription takes `stripe_checkout` instead: its subscriber is sent to a Stripe
   * setup page, and the webhook makes the saved method the subscription's default.
   */
  async updatePaymentMethod(ctx: RequestContext, id: string, method: z.infer<typeof SubscribePaymentMethod>): Promise<{ subscription: SubscriptionView } | { redirect: { redirectUrl: string } }> {
    if (method.type === 'stripe_checkout') {
      const { ctx: o, sub } = requireSubscriptionAccess(ctx, await findSubscription(this.db, id));
      if (!LIVE.includes(sub.status as (typeof LIVE)[number])) throw new Conflict('This subscription has ended; subscribe again instead.', 'subscription_ended');
      if (sub.provider !== 'stripe') throw new Conflict('This subscription is charged here with a test card; enter a card number instead.', 'not_stripe_billed');
      if (sub.userId !== o.actor.userId) throw new Forbidden('Only the subscriber can save a payment method with Stripe.', 'not_subscriber');
      return { redirect: await this.stripe.paymentMethodSession(sub) };
    }
    const { cardNumber } = method;
    const subscription = await this.mutate(ctx, id, async (tx, sub, plan, now) => {
      if (!LIVE.includes(sub.status as (typeof LIVE)[number])) throw new Conflict('This subscription has ended; subscribe again instead.', 'subscription_ended');
      refuseStripeBilled(sub, 'a test card');
      if (sub.status === 'past_due') {
        const { charge } = await this.charger.charge(tx, sub, plan, {
          reason: 'retry',
          key: `sub:${sub.id}:retry:${sub.currentPeriodStart.toISOString()}:card:${uuidv7()}`,
          periodStart: sub.currentPeriodStart,
          periodEnd: sub.currentPeriodEnd,
          lines: this.renewals.chargeLines(sub, plan, sub.currentPeriodStart, sub.currentPeriodEnd),
          offSession: false,
          at: now,
          cardNumber,
        });
        if (charge.status !== 'succeeded') declined(charge);
        await tx.update(subscriptions).set(Renewals.recovered).where(eq(subscriptions.id, sub.id));
      }
      await tx.update(subscriptions).set({ cardNumber, cardLast4: cardNumber.slice(-4) }).where(eq(subscriptions.id, sub.id));
    });
    return { subscription };
  }

  async previewChange(ctx: RequestContext, id: string, planId: string): Promise<z.infer<typeof ProrationPreview>> {
    const { ctx: o, sub } = requireSubscriptionAccess(ctx, await findSubscription(this.db, id));
    const from = await planOfSubscription(this.db, sub);
    const to = await this.plans.find(this.db, o.membership.orgId, planId);
    const now = await this.clock.now(sub.testClockId);
    const c = this.computeChange(sub, from, to, now);
    return this.presentChange(sub, from, to, c);
  }

  /**
   * Changes plan: upgrades are charged the prorated difference at once; downgrades leave account
   * credit. A Stripe-billed subscription changes through Stripe (StripeBilling.changePlan), which
   * prorates by its own rules (the preview is then an estimate).
   */
  async changePlan(ctx: RequestContext, id: string, planId: string): Promise<SubscriptionView> {
    return this.mutate(ctx, id, async (tx, sub, from, now, o) => {
      const to = await this.plans.find(tx, o.membership.orgId, planId);
      const c = this.computeChange(sub, from, to, now);
      if (sub.provider === 'stripe') {
        // Stripe prorates and invoices the change itself; nothing is charged or credited here
        await this.stripe.changePlan(tx, sub, to, c.unitMinor, now);
        return to;
      }
      const patch: Partial<SubscriptionRow> = { planId: to.id, unitAmountMinor: c.unitMinor };
      if (c.newPeriodEnd) Object.assign(patch, { currentPeriodStart: now, currentPeriodEnd: c.newPeriodEnd, billingAnchorDay: now.getUTCDate() });
      if (c.proration && c.proration.netMinor > 0) {
        const { charge } = await this.charger.charge(tx, sub, from, {
          reason: 'proration',
          key: `sub:${sub.id}:proration:${uuidv7()}`,
          periodStart: now,
          periodEnd: c.newPeriodEnd ?? sub.currentPeriodEnd,
          lines: c.proration.lines,
          offSession: false,
          at: now,
        });
        if (charge.status !== 'succeeded') declined(charge);
      } else if (c.proration && c.proration.netMinor < 0) {
        await tx.update(subscriptions).set({ creditMinor: sql`${subscriptions.creditMinor} + ${-c.proration.netMinor}` }).where(eq(subscriptions.id, sub.id));
      }
      await tx.update(subscriptions).set(patch).where(eq(subscriptions.id, sub.id));
      return to;
    });
  }

  private computeChange(sub: SubscriptionRow, from: PlanRow, to: PlanRow, now: Date): { unitMinor: number; proration: Proration | null; newPeriodEnd: Date | null } {
    if (to.id === from.id) throw new Invalid('This is already the plan of the subscription.', [{ field: 'body.planId', message: 'same plan' }], 'same_plan');
    if (to.archivedAt) throw new Conflict('That plan is archived and takes no new subscribers.', 'plan_archived');
    if (sub.status !== 'active' && sub.status !== 'trialing') throw new Conflict('Only an active or trialing subscription can change plan.', 'not_active');
    const price = to.prices.find((p) => p.currency === sub.currency);
    if (!price) throw new Invalid(`That plan has no price in ${sub.currency}.`, [{ field: 'body.planId', message: 'no price in this currency' }], 'currency_unavailable');
    // a trial changes plan without charge; the first charge is of the new plan
    if (sub.status === 'trialing') return { unitMinor: price.amountMinor, proration: null, newPeriodEnd: null };
    const newPeriodEnd = to.interval === from.interval ? null : addInterval(now, to.interval);
    const proration = prorate({
      oldName: from.name,
      newName: to.name,
      oldUnitMinor: sub.unitAmountMinor,
      newUnitMinor: price.amountMinor,
      quantity: sub.quantity,
      periodStart: sub.currentPeriodStart,
      periodEnd: sub.currentPeriodEnd,
      at: now,
      newPeriodEnd,
    });
    return { unitMinor: price.amountMinor, proration, newPeriodEnd };
  }

  private presentChange(sub: SubscriptionRow, from: PlanRow, to: PlanRow, c: ReturnType<SubscriptionChangesService['computeChange']>): z.infer<typeof ProrationPreview> {
    const p = c.proration;
    const net = p?.netMinor ?? 0;
    return {
      fromPlanId: from.id,
      toPlanId: to.id,
      currency: sub.currency,
      basis: 'seconds',
      remainingSeconds: p?.remainingSeconds ?? 0,
      periodSeconds: p?.periodSeconds ?? 0,
      creditMinor: p?.creditMinor ?? 0,
      chargeMinor: p?.chargeMinor ?? 0,
      netMinor: net,
      dueNowMinor: net > 0 ? net - Math.min(sub.creditMinor, net) : 0,
      lines: p?.lines ?? [],
      periodEnd: (c.newPeriodEnd ?? sub.currentPeriodEnd).toISOString(),
    };
  }

  /** Locks the caller's subscription, runs `fn` at the subscription's clock time, re-syncs access, presents. */
  private async mutate(
    ctx: RequestContext,
    id: string,
    fn: (tx: Tx, sub: SubscriptionRow, plan: PlanRow, now: Date, o: OrgContext) => Promise<PlanRow | void>,
  ): Promise<SubscriptionView> {
    return this.db.transaction(async (tx) => {
      const [locked] = await tx.select().from(subscriptions).where(eq(subscriptions.id, id)).for('update');
      const { ctx: o, sub } = requireSubscriptionAccess(ctx, locked);
      const plan = await planOfSubscription(tx, sub);
      const now = await this.clock.now(sub.testClockId, tx);
      const newPlan = (await fn(tx, sub, plan, now, o)) ?? plan;
      const fresh = (await findSubscription(tx, sub.id))!;
      const synced = await this.access.sync(tx, fresh, newPlan, now);
      return presentSubscription(synced, newPlan);
    });
  }
}
