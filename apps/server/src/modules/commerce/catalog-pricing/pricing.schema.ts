import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { timestamps, uuidv7Pk } from '../../../kernel/db/index.js';

/*
 * Catalog pricing owns these tables. Course ids point into the courses module and carry no
 * foreign key. Amounts are integer minor units of `currency` (ISO 4217).
 */

/** A course's price in one currency, with an optional sale price for a time window. */
export const coursePrices = pgTable(
  'course_prices',
  {
    courseId: uuid('course_id').notNull(),
    organizationId: uuid('organization_id').notNull(),
    currency: text('currency').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    saleAmountMinor: integer('sale_amount_minor'),
    saleStartsAt: timestamp('sale_starts_at', { withTimezone: true }),
    saleEndsAt: timestamp('sale_ends_at', { withTimezone: true }),
    updatedBy: uuid('updated_by').notNull(),
    ...timestamps(),
  },
  (t) => [
    primaryKey({ columns: [t.courseId, t.currency] }),
    index('course_prices_org_idx').on(t.organizationId),
    check('course_prices_amount_ck', sql`${t.amountMinor} >= 0 AND (${t.saleAmountMinor} IS NULL OR (${t.saleAmountMinor} >= 0 AND ${t.saleAmountMinor} < ${t.amountMinor}))`),
    check('course_prices_window_ck', sql`${t.saleStartsAt} IS NULL OR ${t.saleEndsAt} IS NULL OR ${t.saleStartsAt} < ${t.saleEndsAt}`),
  ],
);

/** Several courses of one organization sold together at one price. */
export const bundles = pgTable(
  'bundles',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    title: text('title').notNull(),
    courseIds: uuid('course_ids').array().notNull(),
    active: boolean('active').notNull().default(true),
    createdBy: uuid('created_by').notNull(),
    ...timestamps(),
  },
  (t) => [index('bundles_org_idx').on(t.organizationId, t.id)],
);

/** A bundle's price in one currency (like course prices: one row per currency). */
export const bundlePrices = pgTable(
  'bundle_prices',
  {
    bundleId: uuid('bundle_id')
      .notNull()
      .references(() => bundles.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id').notNull(),
    currency: text('currency').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    ...timestamps(),
  },
  (t) => [primaryKey({ columns: [t.bundleId, t.currency] }), check('bundle_prices_amount_ck', sql`${t.amountMinor} >= 0`)],
);
