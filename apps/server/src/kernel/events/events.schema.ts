import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** One row per (event, subscriber) handled: makes at-least-once delivery act exactly once. */
export const eventReceipts = pgTable(
  'event_receipts',
  {
    eventId: uuid('event_id').notNull(),
    subscriber: text('subscriber').notNull(),
    handledAt: timestamp('handled_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.subscriber] })],
);
