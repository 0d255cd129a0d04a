import { z } from 'zod';
import { defineEvent } from '../../kernel/events/index.js';

/**
 * Events of the commerce modules; shared here so orders, fulfillment, affiliates, revenue and
 * billing agree. Amounts are integer minor units of `currency` (ISO 4217).
 */

export const ORDER_LINE_KINDS = ['course', 'bundle', 'plan', 'seats'] as const;
export type OrderLineKind = (typeof ORDER_LINE_KINDS)[number];

const OrderLine = z.object({
  lineId: z.uuid(),
  kind: z.enum(ORDER_LINE_KINDS),
  /** the course, bundle or plan id */
  refId: z.uuid(),
  /** the courses this line grants (one for a course, several for a bundle) */
  courseIds: z.array(z.uuid()),
  quantity: z.number().int().min(1),
  /** before discounts, excluding tax */
  subtotalMinor: z.number().int().min(0),
  discountMinor: z.number().int().min(0),
  taxMinor: z.number().int().min(0),
  /** what the buyer paid for this line: subtotal - discount + tax (exclusive) or subtotal - discount (inclusive) */
  totalMinor: z.number().int().min(0),
});
export type OrderLineEvent = z.infer<typeof OrderLine>;

/** An order was paid (once per order). Fulfillment, affiliates, revenue and email subscribe. */
export const OrderPaid = defineEvent(
  'order.paid',
  z.object({
    organizationId: z.uuid(),
    orderId: z.uuid(),
    orderNumber: z.string(),
    userId: z.uuid(),
    currency: z.string().length(3),
    /** net of discounts, excluding tax */
    netMinor: z.number().int().min(0),
    taxMinor: z.number().int().min(0),
    totalMinor: z.number().int().min(0),
    lines: z.array(OrderLine).min(1),
    /** the affiliate referral code attributed at checkout (last click within the cookie window), if any */
    referralCode: z.string().nullable(),
    paidAt: z.iso.datetime({ offset: true }),
  }),
);

/**
 * Money went back to the buyer. `lines` lists what the refund covers; a full refund lists every
 * line with its whole total. Fulfillment revokes what those lines granted; affiliates claw back.
 */
export const OrderRefunded = defineEvent(
  'order.refunded',
  z.object({
    organizationId: z.uuid(),
    orderId: z.uuid(),
    refundId: z.uuid(),
    userId: z.uuid(),
    currency: z.string().length(3),
    /** the refunded amount, tax included */
    amountMinor: z.number().int().min(0),
    full: z.boolean(),
    lines: z.array(z.object({ lineId: z.uuid(), amountMinor: z.number().int().min(0), revokeAccess: z.boolean() })),
    refundedAt: z.iso.datetime({ offset: true }),
  }),
);

/**
 * A subscription charge succeeded (the first payment, a renewal, a dunning retry or a proration).
 * Invoicing subscribes and issues the numbered invoice and the receipt email; revenue and
 * affiliates subscribe as for orders. `lines` are what the invoice lists.
 */
export const SubscriptionPaymentSucceeded = defineEvent(
  'subscription.payment_succeeded',
  z.object({
    organizationId: z.uuid(),
    subscriptionId: z.uuid(),
    /** our id for this charge (the billing module's row), unique */
    chargeId: z.uuid(),
    userId: z.uuid(),
    planId: z.uuid(),
    currency: z.string().length(3),
    reason: z.enum(['initial', 'renewal', 'retry', 'proration']),
    periodStart: z.iso.datetime({ offset: true }),
    periodEnd: z.iso.datetime({ offset: true }),
    lines: z.array(z.object({ description: z.string(), amountMinor: z.number().int(), taxMinor: z.number().int().min(0) })).min(1),
    netMinor: z.number().int(),
    taxMinor: z.number().int().min(0),
    totalMinor: z.number().int().min(0),
    /** the rate(s) behind taxMinor (the subscriber's billing country/region); absent: untaxed */
    taxLines: z.array(z.object({ label: z.string(), rateBasisPoints: z.number().int(), inclusive: z.boolean(), amountMinor: z.number().int().min(0) })).optional(),
    /** the subscriber's billing address at the charge (country, region, …) */
    billingAddress: z.record(z.string(), z.string()).optional(),
    referralCode: z.string().nullable(),
    paidAt: z.iso.datetime({ offset: true }),
  }),
);

/**
 * Money of a subscription charge went back to the subscriber: the unused time of a subscription
 * cancelled at once, or an admin's refund of the charge. Emitted in the refund's transaction;
 * `refundId` is unique per refund, so every subscriber applies it once. Invoicing counts it on
 * the charge's invoice, revenue subtracts it on the refund's day, affiliates claw back the
 * commission the charge earned in proportion.
 */
export const SubscriptionChargeRefunded = defineEvent(
  'subscription.charge_refunded',
  z.object({
    organizationId: z.uuid(),
    subscriptionId: z.uuid(),
    chargeId: z.uuid(),
    refundId: z.uuid(),
    userId: z.uuid(),
    /** the subscription's plan at the refund */
    planId: z.uuid(),
    currency: z.string().length(3),
    /** tax included */
    amountMinor: z.number().int().min(1),
    /** true when this refund leaves nothing of the charge unrefunded */
    full: z.boolean(),
    /** cancel: the unused time of a cancel now; admin: an admin's refund here; provider: refunded at the provider (Stripe's dashboard) */
    reason: z.enum(['cancel', 'admin', 'provider']),
    refundedAt: z.iso.datetime({ offset: true }),
  }),
);
