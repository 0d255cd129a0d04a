import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps, uuidv7Pk } from '../../../kernel/db/index.js';
import type { AppliedCoupon } from '../coupons/index.js';

/*
 * The billing module owns these tables. Organization, user and course ids point into other
 * modules and carry no foreign key.
 */

export const PLAN_INTERVALS = ['month', 'year'] as const;
export type PlanInterval = (typeof PLAN_INTERVALS)[number];

export const PLAN_SCOPES = ['courses', 'catalog'] as const;
export type PlanScope = (typeof PLAN_SCOPES)[number];

/** The coupon a subscription started with, and how many more charges it discounts (null: every one). */
export interface SubscriptionDiscount {
  couponId: string;
  name: string;
  kind: 'percent' | 'fixed' | 'free';
  percentBasisPoints: number | null;
  amountMinor: number | null;
  chargesLeft: number | null;
}

export interface PlanPrice {
  currency: string;
  amountMinor: number;
}

/** What an organization sells by subscription: a price per currency per interval, granting courses or the whole catalog. */
export const billingPlans = pgTable(
  'billing_plans',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    interval: text('interval', { enum: PLAN_INTERVALS }).notNull(),
    prices: jsonb('prices').$type<PlanPrice[]>().notNull(),
    trialDays: integer('trial_days').notNull().default(0),
    scope: text('scope', { enum: PLAN_SCOPES }).notNull(),
    /** the granted courses when scope = courses */
    courseIds: uuid('course_ids').array().notNull().default(sql`'{}'::uuid[]`),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdBy: uuid('created_by').notNull(),
    ...timestamps(),
  },
  (t) => [index('billing_plans_org_idx').on(t.organizationId, t.id), check('billing_plans_trial_ck', sql`${t.trialDays} >= 0`)],
);

/** A simulated clock (non-production only): subscriptions on it read its time instead of the wall clock. */
export const billingTestClocks = pgTable(
  'billing_test_clocks',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    name: text('name').notNull(),
    frozenTime: timestamp('frozen_time', { withTimezone: true }).notNull(),
    createdBy: uuid('created_by').notNull(),
    ...timestamps(),
  },
  // one clock per organization: while it exists, the organization's new subscriptions run on it
  (t) => [uniqueIndex('billing_test_clocks_org_uq').on(t.organizationId)],
);

export const SUBSCRIPTION_STATUSES = ['trialing', 'active', 'past_due', 'canceled', 'expired'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export const SUBSCRIPTION_KINDS = ['personal', 'seats'] as const;
export type SubscriptionKind = (typeof SUBSCRIPTION_KINDS)[number];

/**
 * One subscriber's subscription to a plan. `personal`: the subscriber learns; `seats`: an
 * organization admin bought `quantity` seats and assigns them to members.
 */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    userId: uuid('user_id').notNull(),
    customerEmail: text('customer_email').notNull(),
    customerName: text('customer_name').notNull(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => billingPlans.id),
    kind: text('kind', { enum: SUBSCRIPTION_KINDS }).notNull().default('personal'),
    quantity: integer('quantity').notNull().default(1),
    currency: text('currency').notNull(),
    /** the plan's price per unit in `currency` when the subscription started or last changed plan */
    unitAmountMinor: integer('unit_amount_minor').notNull(),
    status: text('status', { enum: SUBSCRIPTION_STATUSES }).notNull(),
    testClockId: uuid('test_clock_id').references(() => billingTestClocks.id),
    provider: text('provider', { enum: ['manual', 'stripe'] }).notNull().default('manual'),
    /** manual provider: the test card charged off-session (a test number, never a real card) */
    cardNumber: text('card_number'),
    cardLast4: text('card_last4'),
    /** Stripe's subscription id, when Stripe bills it (its webhooks then drive the state) */
    providerSubscriptionId: text('provider_subscription_id'),
    billingAddress: jsonb('billing_address').$type<Record<string, string>>(),
    currentPeriodStart: timestamp('current_period_start', { withTimezone: true }).notNull(),
    currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }).notNull(),
    /** the day of the month periods renew on (1-31, clamped in shorter months), set when the first paid period starts; null: the current period's start day */
    billingAnchorDay: integer('billing_anchor_day'),
    trialEnd: timestamp('trial_end', { withTimezone: true }),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    canceledAt: timestamp('canceled_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** a plan coupon redeemed at subscribe: taken off the plan line of the next charges */
    discount: jsonb('discount').$type<SubscriptionDiscount>(),
    /** credit from downgrades, taken off the next charges */
    creditMinor: integer('credit_minor').notNull().default(0),
    /** the referral code (the `lyceum_ref` cookie) in force when the subscriber subscribed: each paid charge earns its affiliate the plan's commission */
    referralCode: text('referral_code'),
    /** dunning: when the first failed charge of the current period happened, and the failures since */
    pastDueSince: timestamp('past_due_since', { withTimezone: true }),
    failedAttempts: integer('failed_attempts').notNull().default(0),
    nextRetryAt: timestamp('next_retry_at', { withTimezone: true }),
    /** past due: access is kept until this instant, then suspended until a charge succeeds */
    graceEndsAt: timestamp('grace_ends_at', { withTimezone: true }),
    /** true while the subscription's enrollments are granted */
    accessGranted: boolean('access_granted').notNull().default(false),
    ...timestamps(),
  },
  (t) => [
    index('subscriptions_org_user_idx').on(t.organizationId, t.userId, t.id),
    index('subscriptions_due_idx').on(t.currentPeriodEnd).where(sql`${t.status} IN ('trialing', 'active')`),
    index('subscriptions_retry_idx').on(t.nextRetryAt).where(sql`${t.status} = 'past_due'`),
    index('subscriptions_grace_idx').on(t.graceEndsAt).where(sql`${t.status} = 'past_due' AND ${t.accessGranted}`),
    index('subscriptions_clock_idx').on(t.testClockId),
    uniqueIndex('subscriptions_provider_uq').on(t.providerSubscriptionId),
    check('subscriptions_quantity_ck', sql`${t.quantity} >= 1`),
    check('subscriptions_credit_ck', sql`${t.creditMinor} >= 0`),
    check('subscriptions_anchor_ck', sql`${t.billingAnchorDay} BETWEEN 1 AND 31`),
  ],
);

export const CHARGE_REASONS = ['initial', 'renewal', 'retry', 'proration'] as const;
export type ChargeReason = (typeof CHARGE_REASONS)[number];

export interface ChargeLine {
  description: string;
  amountMinor: number;
  taxMinor: number;
  /** the subscription coupon's line (a success counts one discounted charge) */
  discount?: boolean;
}

export interface ChargeTaxLine {
  label: string;
  rateBasisPoints: number;
  inclusive: boolean;
  amountMinor: number;
}

/**
 * Every charge attempt. `idempotency_key` is unique: a renewal of one period (or one retry of it)
 * is attempted once however often the cron runs, and the provider gets the same key on a retry.
 */
export const subscriptionCharges = pgTable(
  'subscription_charges',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id, { onDelete: 'cascade' }),
    reason: text('reason', { enum: CHARGE_REASONS }).notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    periodStart: timestamp('period_start', { withTimezone: true }).notNull(),
    periodEnd: timestamp('period_end', { withTimezone: true }).notNull(),
    currency: text('currency').notNull(),
    /** what the provider was asked for: the lines less credit, plus tax when the rate is exclusive */
    amountMinor: integer('amount_minor').notNull(),
    lines: jsonb('lines').$type<ChargeLine[]>().notNull(),
    /** the tax inside amountMinor (by the subscriber's billing country/region) and its rate */
    taxMinor: integer('tax_minor').notNull().default(0),
    taxLines: jsonb('tax_lines').$type<ChargeTaxLine[]>().notNull().default([]),
    /** refunded so far (the unused time when cancelled at once) */
    refundedMinor: integer('refunded_minor').notNull().default(0),
    status: text('status', { enum: ['succeeded', 'failed'] }).notNull(),
    providerPaymentId: text('provider_payment_id'),
    declineCode: text('decline_code'),
    failureReason: text('failure_reason'),
    /** the (possibly simulated) time of the charge */
    chargedAt: timestamp('charged_at', { withTimezone: true }).notNull(),
    ...timestamps(),
  },
  (t) => [uniqueIndex('subscription_charges_key_uq').on(t.idempotencyKey), index('subscription_charges_sub_idx').on(t.subscriptionId, t.id)],
);

/** The enrollments a subscription granted (only these are ended when it loses access). */
export const subscriptionGrants = pgTable(
  'subscription_grants',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    courseId: uuid('course_id').notNull(),
    enrollmentId: uuid('enrollment_id').notNull(),
    /** null while granted */
    endedAt: timestamp('ended_at', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [uniqueIndex('subscription_grants_uq').on(t.subscriptionId, t.userId, t.courseId), index('subscription_grants_user_idx').on(t.userId)],
);

/** A seat of a `seats` subscription held by a member of the organization. */
export const seatAssignments = pgTable(
  'seat_assignments',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    assignedBy: uuid('assigned_by').notNull(),
    ...timestamps(),
  },
  (t) => [uniqueIndex('seat_assignments_uq').on(t.subscriptionId, t.userId), index('seat_assignments_sub_idx').on(t.subscriptionId, t.id)],
);

export const CHECKOUT_STATUSES = ['pending', 'completed', 'expired'] as const;
export type CheckoutStatus = (typeof CHECKOUT_STATUSES)[number];

/**
 * A member subscribing through Stripe Checkout (`mode: subscription`): pending until Stripe's
 * `checkout.session.completed` (or an earlier `invoice.paid` naming it) creates the subscription
 * once, or `checkout.session.expired` closes it unpaid.
 */
export const subscriptionCheckouts = pgTable(
  'subscription_checkouts',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    userId: uuid('user_id').notNull(),
    customerEmail: text('customer_email').notNull(),
    customerName: text('customer_name').notNull(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => billingPlans.id),
    currency: text('currency').notNull(),
    /** the plan's price in `currency` the session was created with */
    unitAmountMinor: integer('unit_amount_minor').notNull(),
    trialDays: integer('trial_days').notNull().default(0),
    billingAddress: jsonb('billing_address').$type<Record<string, string>>(),
    /** the plan coupon the session discounts (a Stripe coupon made for it), kept by the subscription; its use is counted when the checkout completes */
    discount: jsonb('discount').$type<SubscriptionDiscount>(),
    appliedCoupon: jsonb('applied_coupon').$type<AppliedCoupon>(),
    /** the referral code (lyceum_ref) in force at subscribe, kept by the subscription it creates */
    referralCode: text('referral_code'),
    status: text('status', { enum: CHECKOUT_STATUSES }).notNull().default('pending'),
    /** Stripe's Checkout Session, set once Stripe created it */
    sessionId: text('session_id'),
    redirectUrl: text('redirect_url'),
    /** the subscription it created (once completed) */
    subscriptionId: uuid('subscription_id').references(() => subscriptions.id),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    expiredAt: timestamp('expired_at', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('subscription_checkouts_session_uq').on(t.sessionId),
    index('subscription_checkouts_user_idx').on(t.organizationId, t.userId, t.planId).where(sql`${t.status} = 'pending'`),
  ],
);

export type PlanRow = typeof billingPlans.$inferSelect;
export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type ChargeRow = typeof subscriptionCharges.$inferSelect;
export type TestClockRow = typeof billingTestClocks.$inferSelect;
export type SeatRow = typeof seatAssignments.$inferSelect;
export type CheckoutRow = typeof subscriptionCheckouts.$inferSelect;
