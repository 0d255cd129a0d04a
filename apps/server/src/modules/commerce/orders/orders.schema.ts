import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps, uuidv7Pk } from '../../../kernel/db/index.js';
import { ORDER_LINE_KINDS } from '../commerce.events.js';

export const ORDER_STATUSES = ['pending', 'paid', 'fulfilled', 'failed', 'canceled', 'refunded', 'partially_refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface BillingAddress {
  name: string;
  country: string;
  region: string;
  line1: string;
  city: string;
  postalCode: string;
}

export interface TaxLine {
  label: string;
  rateBasisPoints: number;
  inclusive: boolean;
  amountMinor: number;
}

export interface AppliedCoupon {
  couponId: string;
  code: string | null;
  name: string;
  discountMinor: number;
}

/** Per-organization order number counter (ORD-000001, ...). */
export const orderCounters = pgTable('order_counters', {
  organizationId: uuid('organization_id').primaryKey(),
  last: integer('last').notNull(),
});

/**
 * An order: what a buyer pays one organization for, frozen at checkout. The totals are stored
 * so they never change: net = subtotal - discount; total = net + tax (exclusive) or net (inclusive).
 */
export const orders = pgTable(
  'orders',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    number: text('number').notNull(),
    userId: uuid('user_id').notNull(),
    buyerEmail: text('buyer_email').notNull(),
    buyerName: text('buyer_name').notNull(),
    /** the checkout's Idempotency-Key: a retry after a crash finds the same order */
    idempotencyKey: text('idempotency_key').notNull(),
    status: text('status', { enum: ORDER_STATUSES }).notNull().default('pending'),
    currency: text('currency').notNull(),
    subtotalMinor: integer('subtotal_minor').notNull(),
    discountMinor: integer('discount_minor').notNull(),
    taxMinor: integer('tax_minor').notNull(),
    totalMinor: integer('total_minor').notNull(),
    refundedMinor: integer('refunded_minor').notNull().default(0),
    billingAddress: jsonb('billing_address').$type<BillingAddress>().notNull(),
    taxLines: jsonb('tax_lines').$type<TaxLine[]>().notNull(),
    coupons: jsonb('coupons').$type<AppliedCoupon[]>().notNull(),
    referralCode: text('referral_code'),
    provider: text('provider', { enum: ['manual', 'stripe'] }).notNull(),
    providerPaymentId: text('provider_payment_id'),
    redirectUrl: text('redirect_url'),
    failureCode: text('failure_code'),
    failureReason: text('failure_reason'),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    fulfilledAt: timestamp('fulfilled_at', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('orders_org_number_uq').on(t.organizationId, t.number),
    uniqueIndex('orders_user_key_uq').on(t.userId, t.idempotencyKey),
    uniqueIndex('orders_provider_payment_uq').on(t.provider, t.providerPaymentId),
    index('orders_user_idx').on(t.userId, t.id),
    index('orders_org_idx').on(t.organizationId, t.id),
    check('orders_totals_ck', sql`${t.subtotalMinor} >= 0 AND ${t.discountMinor} >= 0 AND ${t.taxMinor} >= 0 AND ${t.totalMinor} >= 0 AND ${t.refundedMinor} BETWEEN 0 AND ${t.totalMinor}`),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    id: uuidv7Pk(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    kind: text('kind', { enum: ORDER_LINE_KINDS }).notNull(),
    refId: uuid('ref_id').notNull(),
    title: text('title').notNull(),
    courseIds: uuid('course_ids').array().notNull(),
    quantity: integer('quantity').notNull().default(1),
    subtotalMinor: integer('subtotal_minor').notNull(),
    discountMinor: integer('discount_minor').notNull(),
    taxMinor: integer('tax_minor').notNull(),
    totalMinor: integer('total_minor').notNull(),
    refundedMinor: integer('refunded_minor').notNull().default(0),
    /** access taken back by a refund of this line */
    revoked: boolean('revoked').notNull().default(false),
  },
  (t) => [uniqueIndex('order_lines_order_pos_uq').on(t.orderId, t.position), check('order_lines_refund_ck', sql`${t.refundedMinor} BETWEEN 0 AND ${t.totalMinor}`)],
);

/**
 * What fulfillment granted for a line, per course: `granted` is false when the buyer already had
 * the course, so a refund revokes exactly what the purchase gave and nothing the learner had before.
 */
export const orderLineGrants = pgTable(
  'order_line_grants',
  {
    lineId: uuid('line_id')
      .notNull()
      .references(() => orderLines.id, { onDelete: 'cascade' }),
    courseId: uuid('course_id').notNull(),
    enrollmentId: uuid('enrollment_id').notNull(),
    granted: boolean('granted').notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('order_line_grants_uq').on(t.lineId, t.courseId)],
);

export interface RefundLine {
  lineId: string;
  amountMinor: number;
  revokeAccess: boolean;
}

export const refunds = pgTable(
  'refunds',
  {
    id: uuidv7Pk(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    full: boolean('full').notNull(),
    lines: jsonb('lines').$type<RefundLine[]>().notNull(),
    reason: text('reason').notNull().default(''),
    providerRefundId: text('provider_refund_id'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('refunds_order_idx').on(t.orderId), check('refunds_amount_ck', sql`${t.amountMinor} > 0`)],
);
