import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps, uuidv7Pk } from '../../../kernel/db/index.js';

/*
 * The waitlist module owns these tables. Course, user and organization ids point into other
 * modules and carry no foreign key.
 */

/** A course's seat limit; a course without a row has no limit. The row is also the lock that serializes seat changes. */
export const courseCapacities = pgTable(
  'course_capacities',
  {
    courseId: uuid('course_id').primaryKey(),
    organizationId: uuid('organization_id').notNull(),
    capacity: integer('capacity').notNull(),
    /** how long a seat offer is held for the person it is offered to */
    claimWindowHours: integer('claim_window_hours').notNull().default(48),
    updatedBy: uuid('updated_by').notNull(),
    ...timestamps(),
  },
  (t) => [
    index('course_capacities_org_idx').on(t.organizationId),
    check('course_capacities_capacity_ck', sql`${t.capacity} >= 0`),
    check('course_capacities_window_ck', sql`${t.claimWindowHours} BETWEEN 1 AND 720`),
  ],
);

export const WAITLIST_STATUSES = ['waiting', 'offered', 'enrolled', 'left', 'expired'] as const;
export type WaitlistStatus = (typeof WAITLIST_STATUSES)[number];

/** A place in a course's line; the order is the id (UUIDv7, time-ordered). */
export const waitlistEntries = pgTable(
  'waitlist_entries',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    /** set: the line of one cohort of the course (enrollment's cohort id, no foreign key); null: the course's own line */
    cohortId: uuid('cohort_id'),
    userId: uuid('user_id').notNull(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: WAITLIST_STATUSES }).notNull().default('waiting'),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('waitlist_entries_open_uq')
      .on(t.courseId, t.userId)
      .where(sql`${t.status} IN ('waiting', 'offered') AND ${t.cohortId} IS NULL`),
    uniqueIndex('waitlist_entries_cohort_open_uq')
      .on(t.cohortId, t.userId)
      .where(sql`${t.status} IN ('waiting', 'offered') AND ${t.cohortId} IS NOT NULL`),
    index('waitlist_entries_course_idx').on(t.courseId, t.status, t.id),
    index('waitlist_entries_cohort_idx').on(t.cohortId, t.status, t.id),
    index('waitlist_entries_user_idx').on(t.userId),
  ],
);

export const OFFER_STATUSES = ['pending', 'claimed', 'expired', 'declined'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

/** A seat held for one waitlisted person until `expiresAt`. */
export const seatOffers = pgTable(
  'seat_offers',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    /** set: a seat in this cohort of the course (the entry's cohort) */
    cohortId: uuid('cohort_id'),
    entryId: uuid('entry_id')
      .notNull()
      .references(() => waitlistEntries.id),
    userId: uuid('user_id').notNull(),
    status: text('status', { enum: OFFER_STATUSES }).notNull().default('pending'),
    offeredAt: timestamp('offered_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('seat_offers_pending_uq').on(t.entryId).where(sql`${t.status} = 'pending'`),
    index('seat_offers_course_idx').on(t.courseId, t.status),
    index('seat_offers_cohort_idx').on(t.cohortId, t.status),
    index('seat_offers_user_idx').on(t.userId, t.status),
    index('seat_offers_expiry_idx').on(t.expiresAt).where(sql`${t.status} = 'pending'`),
  ],
);

export const SEAT_HOLD_STATUSES = ['held', 'used', 'released'] as const;
export type SeatHoldStatus = (typeof SEAT_HOLD_STATUSES)[number];

/**
 * A seat of a limited course held for a buyer while their order is pending (and paid, until
 * fulfillment enrolls them): it counts against the capacity like a pending offer, so two buyers
 * racing for the last seat cannot both pay. `used` once the seat is taken, `released` when the
 * order is canceled, expires or fails. The order id points into the orders module (no foreign key).
 */
export const seatHolds = pgTable(
  'seat_holds',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    userId: uuid('user_id').notNull(),
    orderId: uuid('order_id').notNull(),
    status: text('status', { enum: SEAT_HOLD_STATUSES }).notNull().default('held'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('seat_holds_order_course_uq').on(t.orderId, t.courseId),
    index('seat_holds_course_idx').on(t.courseId, t.status),
    index('seat_holds_user_idx').on(t.userId, t.courseId).where(sql`${t.status} = 'held'`),
  ],
);
