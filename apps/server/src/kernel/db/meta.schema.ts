import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Install-wide facts the kernel keeps (e.g. when the demo data was seeded). */
export const appMeta = pgTable('app_meta', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
