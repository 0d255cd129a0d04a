import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps, uuidv7Pk } from '../../../kernel/db/index.js';

export const COUPON_KINDS = ['percent', 'fixed', 'free'] as const;
export type CouponKind = (typeof COUPON_KINDS)[number];
export const COUPON_SCOPES = ['all', 'courses', 'categories', 'plans'] as const;
export type CouponScope = (typeof COUPON_SCOPES)[number];
/** How many charges of a subscription a plan coupon discounts: the first, the first N months, or all. */
export const COUPON_DURATIONS = ['once', 'repeating', 'forever'] as const;
export type CouponDuration = (typeof COUPON_DURATIONS)[number];

/**
 * A coupon (entered by code) or an automatic promotion (no code, applied to every matching cart).
 * `usedCount` is the number of live redemptions; checkout locks the row and increments it only
 * while it is below `usageLimit`, so two buyers racing for the last use cannot both win.
 */
export const coupons = pgTable(
  'coupons',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    /** upper case; null for an automatic promotion */
    code: text('code'),
    name: text('name').notNull(),
    kind: text('kind', { enum: COUPON_KINDS }).notNull(),
    percentBasisPoints: integer('percent_basis_points'),
    amountMinor: integer('amount_minor'),
    /** the currency of `amountMinor` and `minOrderMinor` */
    currency: text('currency'),
    scope: text('scope', { enum: COUPON_SCOPES }).notNull().default('all'),
    /** course ids (scope courses) or billing plan ids (scope plans) */
    scopeIds: uuid('scope_ids').array().notNull().default(sql`'{}'::uuid[]`),
    /** course categories (scope categories), as the catalog spells them */
    scopeCategories: text('scope_categories').array().notNull().default(sql`'{}'::text[]`),
    /** subscriptions only: which charges the discount applies to */
    duration: text('duration', { enum: COUPON_DURATIONS }).notNull().default('once'),
    /** with duration repeating: how many months of charges are discounted */
    durationMonths: integer('duration_months'),
    minOrderMinor: integer('min_order_minor'),
    usageLimit: integer('usage_limit'),
    perUserLimit: integer('per_user_limit'),
    usedCount: integer('used_count').notNull().default(0),
    startsAt: timestamp('starts_at', { withTimezone: true }),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    firstPurchaseOnly: boolean('first_purchase_only').notNull().default(false),
    stackable: boolean('stackable').notNull().default(false),
    automatic: boolean('automatic').notNull().default(false),
    active: boolean('active').notNull().default(true),
    createdBy: uuid('created_by').notNull(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('coupons_org_code_uq').on(t.organizationId, t.code),
    index('coupons_org_idx').on(t.organizationId, t.id),
    check('coupons_used_ck', sql`${t.usedCount} >= 0 AND (${t.usageLimit} IS NULL OR ${t.usedCount} <= ${t.usageLimit})`),
    check('coupons_code_ck', sql`(${t.code} IS NULL) = ${t.automatic}`),
  ],
);

/**
 * One use of a coupon by an order or by a subscription (exactly one of the two); an order's is
 * deleted (and the count released) when the payment fails or the order is canceled.
 */
export const couponRedemptions = pgTable(
  'coupon_redemptions',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    couponId: uuid('coupon_id')
      .notNull()
      .references(() => coupons.id, { onDelete: 'cascade' }),
    orderId: uuid('order_id'),
    subscriptionId: uuid('subscription_id'),
    userId: uuid('user_id').notNull(),
    discountMinor: integer('discount_minor').notNull(),
    currency: text('currency').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('coupon_redemptions_order_uq').on(t.couponId, t.orderId),
    uniqueIndex('coupon_redemptions_subscription_uq').on(t.couponId, t.subscriptionId),
    index('coupon_redemptions_user_idx').on(t.couponId, t.userId),
    check('coupon_redemptions_target_ck', sql`(${t.orderId} IS NULL) <> (${t.subscriptionId} IS NULL)`),
  ],
);
