import { integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Stored responses of create/pay requests sent with an Idempotency-Key header. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    /** null while a request that supplies its fingerprint after reading its body (multipart) runs */
    requestHash: text('request_hash'),
    status: integer('status'),
    response: jsonb('response'),
    /**
     * While the claiming request runs (status null) it renews this lease; a claim whose lease ran
     * out belongs to a request that died (a crash, a kill) and a retry takes it over.
     */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);
