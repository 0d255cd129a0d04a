import { z } from 'zod';
import type { ProviderEvent } from '../payments/index.js';
import { addDays } from './billing.rules.js';
import type { SubscriptionRow, SubscriptionStatus } from './billing.schema.js';

/* Stripe's objects as billing reads them (webhook payloads and SDK answers), and how a Stripe subscription maps onto our row. */

export const unix = z.number().int().transform((s) => new Date(s * 1000));

/** A reference to another Stripe object: its id, or the object when expanded (null when absent). */
const stripeRef = () =>
  z
    .union([z.string(), z.object({ id: z.string() })])
    .nullable()
    .optional()
    .transform((s) => (typeof s === 'string' ? s : (s?.id ?? null)));

export const StripeSubscription = z.object({
  id: z.string(),
  status: z.enum(['incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused']),
  customer: stripeRef(),
  cancel_at_period_end: z.boolean().default(false),
  canceled_at: unix.nullable().optional(),
  ended_at: unix.nullable().optional(),
  current_period_start: unix.optional(),
  current_period_end: unix.optional(),
  trial_end: unix.nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  items: z.object({ data: z.array(z.object({ id: z.string().optional(), current_period_start: unix.optional(), current_period_end: unix.optional() })) }).optional(),
});
export type StripeSubscription = z.infer<typeof StripeSubscription>;

/** A Checkout Session (`checkout.session.completed|expired`): `subscription` is an id, or the object when expanded. */
export const StripeCheckoutSession = z.object({
  id: z.string(),
  mode: z.string().nullable().optional(),
  client_reference_id: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  subscription: stripeRef(),
  /** mode setup: the SetupIntent that saved the payment method */
  setup_intent: stripeRef(),
});

/** A SetupIntent with its payment method expanded (a card's last four digits when it is a card). */
export const StripeSetupIntent = z.object({
  id: z.string(),
  payment_method: z.union([z.string(), z.object({ id: z.string(), card: z.object({ last4: z.string() }).nullable().optional() })]).nullable(),
});

export const payloadObject = (e: ProviderEvent) => z.object({ data: z.object({ object: z.unknown() }) }).parse(e.payload).data.object;

export const STRIPE_STATUS: Record<StripeSubscription['status'], SubscriptionStatus> = {
  incomplete: 'past_due',
  incomplete_expired: 'expired',
  trialing: 'trialing',
  active: 'active',
  past_due: 'past_due',
  unpaid: 'past_due',
  paused: 'past_due',
  canceled: 'canceled',
};

/** The period of a Stripe subscription (on the subscription in older API versions, on its items in newer ones). */
export function stripePeriod(s: StripeSubscription): { start: Date | undefined; end: Date | undefined } {
  return { start: s.current_period_start ?? s.items?.data[0]?.current_period_start, end: s.current_period_end ?? s.items?.data[0]?.current_period_end };
}

/** What our row becomes to mirror Stripe's subscription: status, period, trial and cancellation. */
export function stripeMirror(sub: SubscriptionRow, s: StripeSubscription, now: Date, graceDays: number): Partial<SubscriptionRow> {
  const status = STRIPE_STATUS[s.status];
  const period = stripePeriod(s);
  const patch: Partial<SubscriptionRow> = {
    status,
    cancelAtPeriodEnd: s.cancel_at_period_end,
    canceledAt: s.canceled_at ?? (s.cancel_at_period_end ? (sub.canceledAt ?? now) : null),
    currentPeriodStart: period.start ?? sub.currentPeriodStart,
    currentPeriodEnd: period.end ?? sub.currentPeriodEnd,
    trialEnd: s.trial_end ?? sub.trialEnd,
  };
  if (status === 'past_due') {
    patch.pastDueSince = sub.pastDueSince ?? now;
    patch.graceEndsAt = sub.graceEndsAt ?? addDays(now, graceDays);
  } else {
    Object.assign(patch, { pastDueSince: null, graceEndsAt: null, nextRetryAt: null, failedAttempts: 0 });
  }
  if (status === 'canceled' || status === 'expired') {
    patch.endedAt = s.ended_at ?? sub.endedAt ?? now;
    patch.cancelAtPeriodEnd = false;
  }
  return patch;
}
