import { Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../../kernel/db/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { SubscriptionPaymentSucceeded } from '../commerce.events.js';
import type { ProviderEvent } from '../payments/index.js';
import { BillingAccess } from './billing-access.js';
import { BillingClock } from './billing-clock.js';
import { billingPlans, type ChargeLine, type ChargeTaxLine, subscriptionCharges, subscriptions, type SubscriptionRow } from './billing.schema.js';
import { Renewals } from './renewals.js';
import { StripeBilling } from './stripe-billing.service.js';
import { payloadObject, StripeSubscription, stripeMirror, unix } from './stripe-objects.js';

/*
 * Stripe's subscription webhooks, for subscriptions Stripe bills (`provider_subscription_id` set).
 * The payments module verifies the signature and dedupes event ids; these handlers run inside that
 * transaction, and are idempotent on their own too (a paid invoice is recorded once, by its id).
 */

/** A tax amount: `taxes` / `total_taxes` (API 2025-03-31 and later: tax_behavior) or `tax_amounts` / `total_tax_amounts` (earlier: inclusive). */
const StripeTaxRate = z.union([z.string(), z.object({ display_name: z.string().nullable().optional(), percentage: z.number().nullable().optional() })]);
const StripeTax = z.object({
  amount: z.number().int().min(0),
  inclusive: z.boolean().optional(),
  tax_behavior: z.enum(['inclusive', 'exclusive']).nullable().optional(),
  tax_rate: StripeTaxRate.nullable().optional(),
  tax_rate_details: z.object({ tax_rate: StripeTaxRate.nullable().optional() }).nullable().optional(),
});
const StripeDiscountAmount = z.object({ amount: z.number().int().min(0) });

const StripeMetadata = z.record(z.string(), z.string()).nullable().optional();

const StripeInvoice = z.object({
  id: z.string(),
  subscription: z.string().nullable().optional(),
  parent: z.object({ subscription_details: z.object({ subscription: z.string(), metadata: StripeMetadata }).nullable().optional() }).nullable().optional(),
  /** API versions before 2025-03-31: the subscription's metadata */
  subscription_details: z.object({ metadata: StripeMetadata }).nullable().optional(),
  currency: z.string(),
  amount_paid: z.number().int().min(0),
  billing_reason: z.string().nullable().optional(),
  status_transitions: z.object({ paid_at: unix.nullable().optional() }).optional(),
  /** the invoice's tax: total_taxes (new API versions), total_tax_amounts or tax (older ones) */
  total_taxes: z.array(StripeTax).nullable().optional(),
  total_tax_amounts: z.array(StripeTax).nullable().optional(),
  tax: z.number().int().min(0).nullable().optional(),
  total_discount_amounts: z.array(StripeDiscountAmount).nullable().optional(),
  lines: z.object({
    data: z.array(
      z.object({
        description: z.string().nullable().optional(),
        /** before discounts; with an inclusive tax the tax is inside it, an exclusive one comes on top */
        amount: z.number().int(),
        period: z.object({ start: unix, end: unix }),
        taxes: z.array(StripeTax).nullable().optional(),
        tax_amounts: z.array(StripeTax).nullable().optional(),
        discount_amounts: z.array(StripeDiscountAmount).nullable().optional(),
      }),
    ),
  }),
});
type StripeInvoice = z.infer<typeof StripeInvoice>;

const sum = (xs: readonly { amount: number }[] | null | undefined) => (xs ?? []).reduce((s, x) => s + x.amount, 0);
const isInclusive = (t: z.infer<typeof StripeTax>) => t.inclusive ?? t.tax_behavior === 'inclusive';

/**
 * Stripe's own figures of a paid invoice as our charge: the lines (each with its tax), the
 * discount as a negative line, tax lines by rate, and net + tax = total = amount_paid exactly
 * (the lines sum to the total less exclusive tax, like a charge we make; a customer balance
 * Stripe applied is its own line).
 */
export function stripeInvoiceCharge(inv: StripeInvoice): { lines: ChargeLine[]; taxMinor: number; taxLines: ChargeTaxLine[]; netMinor: number; totalMinor: number; discountMinor: number } {
  const lineTaxes = inv.lines.data.flatMap((l) => l.taxes ?? l.tax_amounts ?? []);
  const taxes = inv.total_taxes ?? inv.total_tax_amounts ?? (lineTaxes.length ? lineTaxes : inv.tax ? [{ amount: inv.tax, inclusive: false }] : []);
  const taxMinor = sum(taxes);
  const exclusiveTax = sum(taxes.filter((t) => !isInclusive(t)));
  const lines: ChargeLine[] = inv.lines.data.map((l) => ({ description: l.description ?? 'Subscription', amountMinor: l.amount, taxMinor: sum(l.taxes ?? l.tax_amounts) }));
  const discountMinor = inv.total_discount_amounts ? sum(inv.total_discount_amounts) : inv.lines.data.reduce((s, l) => s + sum(l.discount_amounts), 0);
  if (discountMinor > 0) lines.push({ description: 'Discount', amountMinor: -discountMinor, taxMinor: 0 });
  const rest = inv.amount_paid - exclusiveTax - lines.reduce((s, l) => s + l.amountMinor, 0);
  if (rest !== 0 || lines.length === 0) lines.push({ description: lines.length === 0 ? 'Subscription' : rest < 0 ? 'Account credit applied' : 'Adjustment', amountMinor: rest, taxMinor: 0 });
  const byRate = new Map<string, ChargeTaxLine>();
  for (const t of taxes) {
    const rate = t.tax_rate ?? t.tax_rate_details?.tax_rate;
    const label = (typeof rate === 'object' && rate?.display_name) || 'Tax';
    const rateBasisPoints = typeof rate === 'object' && rate?.percentage != null ? Math.round(rate.percentage * 100) : 0;
    const k = `${label}:${rateBasisPoints}:${isInclusive(t)}`;
    const prev = byRate.get(k);
    byRate.set(k, { label, rateBasisPoints, inclusive: isInclusive(t), amountMinor: (prev?.amountMinor ?? 0) + t.amount });
  }
  const taxLines = [...byRate.values()].filter((t) => t.amountMinor > 0);
  return { lines, taxMinor, taxLines, netMinor: inv.amount_paid - taxMinor, totalMinor: inv.amount_paid, discountMinor };
}

@Injectable()
export class BillingWebhooks {
  constructor(
    private readonly events: EventBus,
    private readonly access: BillingAccess,
    private readonly clock: BillingClock,
    private readonly stripe: StripeBilling,
  ) {}

  /** `invoice.paid`: the period is paid; record the charge once and emit SubscriptionPaymentSucceeded. */
  async invoicePaid(tx: Tx, e: ProviderEvent): Promise<void> {
    const inv = StripeInvoice.parse(payloadObject(e));
    const stripeSubId = inv.subscription ?? inv.parent?.subscription_details?.subscription;
    if (!stripeSubId) return; // a one-off invoice: not billing's
    let sub = await this.lockByProviderId(tx, stripeSubId);
    if (!sub) {
      // the first invoice can come before checkout.session.completed: the checkout it names creates the subscription first
      const checkoutId = inv.parent?.subscription_details?.metadata?.checkoutId ?? inv.subscription_details?.metadata?.checkoutId;
      if (!checkoutId || !(await this.stripe.subscriptionForCheckout(tx, checkoutId, stripeSubId))) return;
      sub = await this.lockByProviderId(tx, stripeSubId);
      if (!sub) return;
    }
    // a trial's €0 first invoice pays nothing: the subscription stays trialing and no charge is recorded
    if (inv.amount_paid === 0 && sub.status === 'trialing') return;
    const key = `stripe:invoice:${inv.id}`;
    const [prior] = await tx.select({ id: subscriptionCharges.id }).from(subscriptionCharges).where(eq(subscriptionCharges.idempotencyKey, key));
    if (prior) return;
    const period = inv.lines.data.reduce(
      (acc, l) => ({ start: l.period.start < acc.start ? l.period.start : acc.start, end: l.period.end > acc.end ? l.period.end : acc.end }),
      { start: inv.lines.data[0]?.period.start ?? sub.currentPeriodStart, end: inv.lines.data[0]?.period.end ?? sub.currentPeriodEnd },
    );
    const paidAt = inv.status_transitions?.paid_at ?? this.clock.wall();
    const reason = inv.billing_reason === 'subscription_create' ? 'initial' : inv.billing_reason === 'subscription_update' ? 'proration' : sub.status === 'past_due' ? 'retry' : 'renewal';
    const figures = stripeInvoiceCharge(inv);
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
        amountMinor: figures.totalMinor,
        lines: figures.lines,
        taxMinor: figures.taxMinor,
        taxLines: figures.taxLines,
        status: 'succeeded',
        providerPaymentId: inv.id,
        chargedAt: paidAt,
      })
      .returning();
    const [updated] = await tx
      .update(subscriptions)
      .set({
        ...Renewals.recovered,
        currentPeriodStart: period.start,
        currentPeriodEnd: period.end,
        // a limited coupon counts down on each invoice Stripe discounted, as on a charge made here
        ...(sub.discount && sub.discount.chargesLeft !== null && figures.discountMinor > 0
          ? { discount: { ...sub.discount, chargesLeft: Math.max(0, sub.discount.chargesLeft - 1) } }
          : {}),
      })
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
      lines: figures.lines,
      netMinor: figures.netMinor,
      taxMinor: figures.taxMinor,
      totalMinor: figures.totalMinor,
      taxLines: figures.taxLines,
      billingAddress: sub.billingAddress ?? {},
      referralCode: sub.referralCode,
      paidAt: paidAt.toISOString(),
    });
  }

  /** `customer.subscription.updated`: mirror Stripe's status, period and cancellation flag. */
  async subscriptionUpdated(tx: Tx, e: ProviderEvent): Promise<void> {
    const s = StripeSubscription.parse(payloadObject(e));
    const sub = await this.lockByProviderId(tx, s.id);
    if (!sub) return;
    const now = this.clock.wall();
    const [updated] = await tx.update(subscriptions).set(stripeMirror(sub, s, now, this.clock.graceDays)).where(eq(subscriptions.id, sub.id)).returning();
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
