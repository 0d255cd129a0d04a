import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps, uuidv7Pk } from '../../../kernel/db/index.js';

/*
 * The revenue read model, fed by OrderPaid, OrderRefunded and SubscriptionPaymentSucceeded. The
 * revenue module owns these tables; course, instructor and organization ids carry no foreign key.
 */

/** The instructor revenue share of an organization (basis points); 50% while it has no row. */
export const revenueSettings = pgTable(
  'revenue_settings',
  {
    organizationId: uuid('organization_id').primaryKey(),
    instructorShareBp: integer('instructor_share_bp').notNull().default(5000),
    ...timestamps(),
  },
  (t) => [check('revenue_settings_bp_ck', sql`${t.instructorShareBp} BETWEEN 0 AND 10000`)],
);

/** A course's own instructor share, over the organization's. */
export const revenueCourseShares = pgTable(
  'revenue_course_shares',
  {
    courseId: uuid('course_id').primaryKey(),
    organizationId: uuid('organization_id').notNull(),
    instructorShareBp: integer('instructor_share_bp').notNull(),
    ...timestamps(),
  },
  (t) => [check('revenue_course_shares_bp_ck', sql`${t.instructorShareBp} BETWEEN 0 AND 10000`)],
);

/**
 * One row per course of a paid order line (a bundle line splits into one per course), per
 * subscription charge (no course), and per refund of such a row (negative amounts). Amounts are
 * net of discounts and exclude tax; the instructor share is fixed when the sale happens.
 */
export const revenueEntries = pgTable(
  'revenue_entries',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    kind: text('kind', { enum: ['order', 'subscription', 'refund'] }).notNull(),
    /** order id, charge id or refund id */
    sourceId: uuid('source_id').notNull(),
    /** `<lineId>:<courseId|->` for sales; the origin entry id for refunds */
    lineKey: text('line_key').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    courseId: uuid('course_id'),
    grossMinor: integer('gross_minor').notNull(),
    instructorShareMinor: integer('instructor_share_minor').notNull(),
    /** sales: the line's paid total (tax included) and how much of it was refunded so far */
    lineTotalMinor: integer('line_total_minor').notNull().default(0),
    refundedMinor: integer('refunded_minor').notNull().default(0),
    /** the order line id, to find a sale's rows when it is refunded */
    orderLineId: uuid('order_line_id'),
  },
  (t) => [
    uniqueIndex('revenue_entries_source_uq').on(t.kind, t.sourceId, t.lineKey),
    index('revenue_entries_org_day_idx').on(t.organizationId, t.day),
    index('revenue_entries_line_idx').on(t.orderLineId),
  ],
);

/** An entry's instructor share split among the course's instructors (exactly, largest remainder). */
export const revenueInstructorShares = pgTable(
  'revenue_instructor_shares',
  {
    entryId: uuid('entry_id')
      .notNull()
      .references(() => revenueEntries.id),
    instructorId: uuid('instructor_id').notNull(),
    organizationId: uuid('organization_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    currency: text('currency').notNull(),
    courseId: uuid('course_id').notNull(),
    amountMinor: integer('amount_minor').notNull(),
  },
  (t) => [uniqueIndex('revenue_instructor_shares_uq').on(t.entryId, t.instructorId), index('revenue_instructor_shares_idx').on(t.organizationId, t.instructorId, t.day)],
);
