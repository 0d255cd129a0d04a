import { Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../../kernel/db/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { SubscriptionPaymentSucceeded } from '../commerce.events.js';
import type { ProviderEvent } from '../payments/index.js';
import { BillingAccess } from './billing-access.js';
import { BillingClock } from './billing-clock.js';
import { addDays } from './billing.rules.js';
import { billingPlans, subscriptionCharges, subscriptions, type SubscriptionRow, type SubscriptionStatus } from './billing.schema.js';
import { Renewals } from './renewals.js';

/*
 * Stripe's subscription webhooks, for subscriptions Stripe bills (`provider_subscription_id` set).
 * The payments module verifies the signature and dedupes event ids; these handlers run inside that
 * transaction, and are idempotent on their own too (a paid invoice is recorded once, by its id).
 */

const unix = z.number().int().transform((s) => new Date(s * 1000));

const StripeInvoice = z.object({
  id: z.string(),
  subscription: z.string().nullable().optional(),
  parent: z.object({ subscription_details: z.object({ subscription: z.string() }).nullable().optional() }).nullable().optional(),
  currency: z.string(),
  amount_paid: z.number().int().min(0),
  billing_reason: z.string().nullable().optional(),
  status_transitions: z.object({ paid_at: unix.nullable().optional() }).optional(),
  lines: z.object({
    data: z.array(z.object({ description: z.string().nullable().optional(), amount: z.number().int(), period: z.object({ start: unix, end: unix }) })),
  }),
});

const StripeSubscription = z.object({
  id: z.string(),
  status: z.enum(['incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused']),
  cancel_at_period_end: z.boolean().default(false),
  canceled_at: unix.nullable().optional(),
  ended_at: unix.nullable().optional(),
  current_period_start: unix.optional(),
  current_period_end: unix.optional(),
  trial_end: unix.nullable().optional(),
  items: z.object({ data: z.array(z.object({ current_period_start: unix.optional(), current_period_end: unix.optional() })) }).optional(),
});

const payloadObject = (e: ProviderEvent) => z.object({ data: z.object({ object: z.unknown() }) }).parse(e.payload).data.object;

const STATUS: Record<z.infer<typeof StripeSubscription>['status'], SubscriptionStatus> = {
  incomplete: 'past_due',
  incomplete_expired: 'expired',
  trialing: 'trialing',
  active: 'active',
  past_due: 'past_due',
  unpaid: 'past_due',
  paused: 'past_due',
  canceled: 'canceled',
};

@Injectable()
export class BillingWebhooks {
  constructor(
    private readonly events: EventBus,
    private readonly access: BillingAccess,
    private readonly clock: BillingClock,
  ) {}

  /** `invoice.paid`: the period is paid; record the charge once and emit SubscriptionPaymentSucceeded. */
  async invoicePaid(tx: Tx, e: ProviderEvent): Promise<void> {
    const inv = StripeInvoice.parse(payloadObject(e));
    const stripeSubId = inv.subscription ?? inv.parent?.subscription_details?.subscription;
    if (!stripeSubId) return; // a one-off invoice: not billing's
    const sub = await this.lockByProviderId(tx, stripeSubId);
    if (!sub) return;
    const key = `stripe:invoice:${inv.id}`;
    const [prior] = await tx.select({ id: subscriptionCharges.id }).from(subscriptionCharges).where(eq(subscriptionCharges.idempotencyKey, key));
    if (prior) return;
    const period = inv.lines.data.reduce(
      (acc, l) => ({ start: l.period.start < acc.start ? l.period.start : acc.start, end: l.period.end > acc.end ? l.period.end : acc.end }),
      { start: inv.lines.data[0]?.period.start ?? sub.currentPeriodStart, end: inv.lines.data[0]?.period.end ?? sub.currentPeriodEnd },
    );
    const paidAt = inv.status_transitions?.paid_at ?? this.clock.wall();
    const reason = inv.billing_reason === 'subscription_create' ? 'initial' : inv.billing_reason === 'subscription_update' ? 'proration' : sub.status === 'past_due' ? 'retry' : 'renewal';
    const lines = inv.lines.data.map((l) => ({ description: l.description ?? 'Subscription', amountMinor: l.amount, taxMinor: 0 }));
    const [charge] = await tx
      .insert(subscriptionCharges)
      .values({
        organizationId: sub.organizationId,
        subscriptionId: sub.id,
        reason,
        idempotencyKey: key,
        periodStart: period.start,
        periodEnd: period.end,
        currency: inv.currency.toUpperCase(),
        amountMinor: inv.amount_paid,
        lines,
        status: 'succeeded',
        providerPaymentId: inv.id,
        chargedAt: paidAt,
      })
      .returning();
    const [updated] = await tx
      .update(subscriptions)
      .set({ ...Renewals.recovered, currentPeriodStart: period.start, currentPeriodEnd: period.end })
      .where(eq(subscriptions.id, sub.id))
      .returning();
    await this.sync(tx, updated!, paidAt);
    await this.events.emit(tx, SubscriptionPaymentSucceeded, {
      organizationId: sub.organizationId,
      subscriptionId: sub.id,
      chargeId: charge!.id,
      userId: sub.userId,
      planId: sub.planId,
      currency: inv.currency.toUpperCase(),
      reason,
      periodStart: period.start.toISOString(),
      periodEnd: period.end.toISOString(),
      lines: lines.length ? lines : [{ description: 'Subscription', amountMinor: inv.amount_paid, taxMinor: 0 }],
      netMinor: inv.amount_paid,
      taxMinor: 0,
      totalMinor: inv.amount_paid,
      referralCode: null,
      paidAt: paidAt.toISOString(),
    });
  }

  /** `customer.subscription.updated`: mirror Stripe's status, period and cancellation flag. */
  async subscriptionUpdated(tx: Tx, e: ProviderEvent): Promise<void> {
    const s = StripeSubscription.parse(payloadObject(e));
    const sub = await this.lockByProviderId(tx, s.id);
    if (!sub) return;
    const now = this.clock.wall();
    const status = STATUS[s.status];
    const start = s.current_period_start ?? s.items?.data[0]?.current_period_start ?? sub.currentPeriodStart;
    const end = s.current_period_end ?? s.items?.data[0]?.current_period_end ?? sub.currentPeriodEnd;
    const patch: Partial<SubscriptionRow> = {
      status,
      cancelAtPeriodEnd: s.cancel_at_period_end,
      canceledAt: s.canceled_at ?? (s.cancel_at_period_end ? (sub.canceledAt ?? now) : null),
      currentPeriodStart: start,
      currentPeriodEnd: end,
      trialEnd: s.trial_end ?? sub.trialEnd,
    };
    if (status === 'past_due') {
      patch.pastDueSince = sub.pastDueSince ?? now;
      patch.graceEndsAt = sub.graceEndsAt ?? addDays(now, this.clock.graceDays);
    } else {
      Object.assign(patch, { pastDueSince: null, graceEndsAt: null, nextRetryAt: null, failedAttempts: 0 });
    }
    if (status === 'canceled' || status === 'expired') patch.endedAt = s.ended_at ?? sub.endedAt ?? now;
    const [updated] = await tx.update(subscriptions).set(patch).where(eq(subscriptions.id, sub.id)).returning();
    await this.sync(tx, updated!, now);
  }

  /** `customer.subscription.deleted`: the subscription ended; access goes. */
  async subscriptionDeleted(tx: Tx, e: ProviderEvent): Promise<void> {
    const s = StripeSubscription.parse(payloadObject(e));
    const sub = await this.lockByProviderId(tx, s.id);
    if (!sub) return;
    const now = this.clock.wall();
    const [updated] = await tx
      .update(subscriptions)
      .set({ status: 'canceled', endedAt: s.ended_at ?? now, canceledAt: s.canceled_at ?? sub.canceledAt ?? now, cancelAtPeriodEnd: false, nextRetryAt: null, graceEndsAt: null })
      .where(eq(subscriptions.id, sub.id))
      .returning();
    await this.sync(tx, updated!, now);
  }

  private async lockByProviderId(tx: Tx, providerSubscriptionId: string): Promise<SubscriptionRow | undefined> {
    const [sub] = await tx.select().from(subscriptions).where(eq(subscriptions.providerSubscriptionId, providerSubscriptionId)).for('update');
    return sub;
  }

  private async sync(tx: Tx, sub: SubscriptionRow, at: Date): Promise<void> {
    const [plan] = await tx.select().from(billingPlans).where(eq(billingPlans.id, sub.planId));
    await this.access.sync(tx, sub, plan!, at);
  }
}
