import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps, uuidv7Pk } from '../../../kernel/db/index.js';

/*
 * The affiliates module owns these tables. User, organization, course, plan and order ids point
 * into other modules and carry no foreign key.
 */

/** An organization's referral settings; defaults apply while it has no row. */
export const affiliateSettings = pgTable(
  'affiliate_settings',
  {
    organizationId: uuid('organization_id').primaryKey(),
    /** how long the `lyceum_ref` cookie attributes a purchase to the last click */
    cookieDays: integer('cookie_days').notNull().default(30),
    /** commissions become payable this many days after the sale, when no refund can come any more */
    refundWindowDays: integer('refund_window_days').notNull().default(30),
    /** the commission when no course or plan rule applies, in basis points */
    defaultCommissionBp: integer('default_commission_bp').notNull().default(1000),
    ...timestamps(),
  },
  (t) => [
    check('affiliate_settings_cookie_ck', sql`${t.cookieDays} BETWEEN 1 AND 365`),
    check('affiliate_settings_window_ck', sql`${t.refundWindowDays} BETWEEN 0 AND 365`),
    check('affiliate_settings_bp_ck', sql`${t.defaultCommissionBp} BETWEEN 0 AND 10000`),
  ],
);

export const REFERRER_STATUSES = ['member', 'applied', 'approved', 'suspended'] as const;
export type ReferrerStatus = (typeof REFERRER_STATUSES)[number];

/**
 * A person's referral code in an organization. Any member has one (`member`); one who applies and
 * is approved by an admin becomes an affiliate with an optional commission rate of their own.
 */
export const referralCodes = pgTable(
  'referral_codes',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    userId: uuid('user_id').notNull(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    code: text('code').notNull(),
    status: text('status', { enum: REFERRER_STATUSES }).notNull().default('member'),
    /** an approved affiliate's own rate (basis points), over the course/plan rules */
    commissionBp: integer('commission_bp'),
    approvedBy: uuid('approved_by'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('referral_codes_code_uq').on(t.code),
    uniqueIndex('referral_codes_user_uq').on(t.organizationId, t.userId),
    index('referral_codes_org_status_idx').on(t.organizationId, t.status, t.id),
    check('referral_codes_bp_ck', sql`${t.commissionBp} IS NULL OR ${t.commissionBp} BETWEEN 0 AND 10000`),
  ],
);

export const RULE_TARGETS = ['course', 'plan'] as const;
/** where an entry's rate came from: the affiliate's own rate, a course or plan rule, or the organization's default */
export const RATE_SOURCES = ['affiliate', 'course', 'plan', 'default'] as const;
export type RateSource = (typeof RATE_SOURCES)[number];
export type RuleTarget = (typeof RULE_TARGETS)[number];

/** The commission for one course or plan, in basis points. */
export const commissionRules = pgTable(
  'commission_rules',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    targetKind: text('target_kind', { enum: RULE_TARGETS }).notNull(),
    targetId: uuid('target_id').notNull(),
    commissionBp: integer('commission_bp').notNull(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('commission_rules_target_uq').on(t.organizationId, t.targetKind, t.targetId),
    check('commission_rules_bp_ck', sql`${t.commissionBp} BETWEEN 0 AND 10000`),
  ],
);

/** One visit through a referral link (for the dashboard). */
export const referralClicks = pgTable(
  'referral_clicks',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    codeId: uuid('code_id')
      .notNull()
      .references(() => referralCodes.id),
    target: text('target').notNull(),
    clickedAt: timestamp('clicked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('referral_clicks_code_idx').on(t.codeId, t.clickedAt)],
);

export const LEDGER_STATUSES = ['pending', 'approved', 'paid', 'reversed', 'refused'] as const;
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

/**
 * The commission ledger: one entry per commissionable line of a paid order or subscription
 * charge. pending → approved (after the refund window) → paid; a refund claws back
 * `clawedBackMinor` of a pending/approved entry (all of it: `reversed`), or adds a negative entry
 * (`kind` refund) against a paid one. Self-referrals are kept as `refused` with no amount.
 */
export const commissionEntries = pgTable(
  'commission_entries',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    codeId: uuid('code_id')
      .notNull()
      .references(() => referralCodes.id),
    affiliateUserId: uuid('affiliate_user_id').notNull(),
    buyerUserId: uuid('buyer_user_id').notNull(),
    /** 'order' (a line of an order), 'subscription' (a charge), 'refund' (a clawback of a paid entry) */
    kind: text('kind', { enum: ['order', 'subscription', 'refund'] }).notNull(),
    /** the order id or charge id; for a refund entry, the refund id */
    sourceId: uuid('source_id').notNull(),
    /** the order line (or the charge id again); for a refund entry, the entry it claws back */
    lineKey: uuid('line_key').notNull(),
    orderId: uuid('order_id'),
    description: text('description').notNull(),
    currency: text('currency').notNull(),
    /** what the line paid, tax included: the base for proportional clawbacks */
    lineTotalMinor: integer('line_total_minor').notNull(),
    /** the commissionable amount (net of discounts, excluding tax) */
    baseMinor: integer('base_minor').notNull(),
    commissionBp: integer('commission_bp').notNull(),
    /** which rate applied (null on entries recorded before this was kept) */
    rateSource: text('rate_source', { enum: RATE_SOURCES }),
    amountMinor: integer('amount_minor').notNull(),
    /** refunded so far on this line (tax included) and the commission taken back for it */
    refundedMinor: integer('refunded_minor').notNull().default(0),
    clawedBackMinor: integer('clawed_back_minor').notNull().default(0),
    status: text('status', { enum: LEDGER_STATUSES }).notNull(),
    reason: text('reason'),
    approveAt: timestamp('approve_at', { withTimezone: true }).notNull(),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    payoutId: uuid('payout_id'),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('commission_entries_source_uq').on(t.kind, t.sourceId, t.lineKey),
    index('commission_entries_code_idx').on(t.codeId, t.id),
    index('commission_entries_org_status_idx').on(t.organizationId, t.status),
    index('commission_entries_order_idx').on(t.orderId),
    check('commission_entries_claw_ck', sql`${t.clawedBackMinor} >= 0 AND ${t.clawedBackMinor} <= abs(${t.amountMinor})`),
  ],
);

/** A payout an admin marked as paid: the approved entries of one affiliate in one currency. */
export const affiliatePayouts = pgTable(
  'affiliate_payouts',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    codeId: uuid('code_id')
      .notNull()
      .references(() => referralCodes.id),
    currency: text('currency').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    entryCount: integer('entry_count').notNull(),
    reference: text('reference').notNull().default(''),
    paidBy: uuid('paid_by').notNull(),
    paidAt: timestamp('paid_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('affiliate_payouts_code_idx').on(t.codeId, t.id)],
);

/** Refunds already clawed back (dedupe across redelivered or re-emitted refund events). */
export const affiliateRefundsSeen = pgTable('affiliate_refunds_seen', {
  refundId: uuid('refund_id').primaryKey(),
  seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
});
