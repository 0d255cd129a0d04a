import { sql } from 'drizzle-orm';
import { boolean, check, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps, uuidv7Pk } from '../../../kernel/db/index.js';

/**
 * A sales-tax rate of an organization for a country, or a region of it (ISO 3166-2 subdivision
 * code without the country, e.g. "CA" in US). Rates are basis points (21% = 2100). Inclusive
 * rates are already inside the price; exclusive ones are added on top.
 */
export const taxRates = pgTable(
  'tax_rates',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    country: text('country').notNull(),
    /** '' for the whole country */
    region: text('region').notNull().default(''),
    label: text('label').notNull(),
    rateBasisPoints: integer('rate_basis_points').notNull(),
    inclusive: boolean('inclusive').notNull().default(false),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('tax_rates_org_place_uq').on(t.organizationId, t.country, t.region),
    check('tax_rates_rate_ck', sql`${t.rateBasisPoints} >= 0 AND ${t.rateBasisPoints} <= 10000`),
  ],
);
