import { sql } from 'drizzle-orm';
import { check, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps, uuidv7Pk } from '../../../kernel/db/index.js';

/*
 * Enrollment owns these tables. Course, user and organization ids point into other modules
 * (courses, identity), so they carry no foreign key: this module reacts to their events instead.
 */

export const ENROLLMENT_STATUSES = ['active', 'completed', 'expired', 'revoked'] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

/** How a learner got access: self-enrollment, an instructor, a CSV import, or (later) a purchase. */
export const ENROLLMENT_SOURCES = ['self', 'instructor', 'bulk', 'purchase', 'subscription', 'integration'] as const;
export type EnrollmentSource = (typeof ENROLLMENT_SOURCES)[number];

/** Named groups of learners moving through a course together; drip schedules start at `starts_at`. */
export const cohorts = pgTable(
  'cohorts',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    name: text('name').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    /** seat limit of the cohort (null: none); the waitlist module enforces it and runs its waitlist */
    capacity: integer('capacity'),
    ...timestamps(),
  },
  (t) => [
    check('cohorts_capacity_ck', sql`${t.capacity} IS NULL OR ${t.capacity} >= 0`),
    uniqueIndex('cohorts_course_name_uq').on(t.courseId, t.name),
    index('cohorts_org_course_idx').on(t.organizationId, t.courseId),
    check('cohorts_dates_ck', sql`${t.endsAt} IS NULL OR ${t.endsAt} > ${t.startsAt}`),
  ],
);

export const enrollments = pgTable(
  'enrollments',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    userId: uuid('user_id').notNull(),
    status: text('status', { enum: ENROLLMENT_STATUSES }).notNull().default('active'),
    source: text('source', { enum: ENROLLMENT_SOURCES }).notNull(),
    /** who granted access (null for self-enrollment) */
    enrolledBy: uuid('enrolled_by'),
    enrolledAt: timestamp('enrolled_at', { withTimezone: true }).notNull().defaultNow(),
    /** access ends at this instant; past it the enrollment counts as expired */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    cohortId: uuid('cohort_id').references(() => cohorts.id, { onDelete: 'set null' }),
    /** the lesson the learner last opened or moved in, for "continue" */
    lastLessonId: uuid('last_lesson_id'),
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('enrollments_course_user_uq').on(t.courseId, t.userId),
    index('enrollments_org_course_idx').on(t.organizationId, t.courseId, t.id),
    index('enrollments_user_idx').on(t.userId, t.id),
    index('enrollments_cohort_idx').on(t.cohortId),
    index('enrollments_expiry_idx')
      .on(t.expiresAt)
      .where(sql`${t.status} IN ('active', 'completed') AND ${t.expiresAt} IS NOT NULL`),
  ],
);

/** Per learner and lesson: completion and the last position (seconds of media, or scroll percent). */
export const lessonProgress = pgTable(
  'lesson_progress',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    enrollmentId: uuid('enrollment_id')
      .notNull()
      .references(() => enrollments.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    courseId: uuid('course_id').notNull(),
    lessonId: uuid('lesson_id').notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    /** who reported the completion: the learner, or the module of the lesson type (video, quiz, ...) */
    completionSource: text('completion_source'),
    position: doublePrecision('position'),
    positionUpdatedAt: timestamp('position_updated_at', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('lesson_progress_enrollment_lesson_uq').on(t.enrollmentId, t.lessonId),
    index('lesson_progress_user_course_idx').on(t.userId, t.courseId),
  ],
);

/**
 * Read model of the identity facts enrollment lists show and search (email, name), refreshed
 * whenever this module learns them from identity; never joined against identity's tables.
 */
export const enrollmentLearners = pgTable(
  'enrollment_learners',
  {
    userId: uuid('user_id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('enrollment_learners_email_idx').on(t.email)],
);

export const IMPORT_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** One CSV row as planned when the import was accepted (invalid and repeated rows are decided then). */
export interface ImportInputRow {
  row: number;
  email: string;
  result: 'invalid_email' | 'duplicate_in_file' | null;
}

/** One row of an import's report, as stored. */
export interface ImportReportRow {
  row: number;
  email: string;
  result: 'enrolled' | 'already_enrolled' | 'no_account' | 'invalid_email' | 'duplicate_in_file';
  enrollmentId: string | null;
  userId: string | null;
  message: string;
}

/**
 * A CSV enrollment run in the background. `processed` counts the input rows whose report rows are
 * stored; each batch writes its enrollments, its report rows and the new `processed` in one
 * transaction, so a retried job resumes exactly where the last committed batch ended.
 */
export const enrollmentImports = pgTable(
  'enrollment_imports',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    createdBy: uuid('created_by').notNull(),
    status: text('status', { enum: IMPORT_STATUSES }).notNull().default('queued'),
    total: integer('total').notNull(),
    processed: integer('processed').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    cohortId: uuid('cohort_id').references(() => cohorts.id, { onDelete: 'set null' }),
    rows: jsonb('rows').$type<ImportInputRow[]>().notNull(),
    report: jsonb('report').$type<ImportReportRow[]>().notNull().default([]),
    /** why the import stopped, when it failed */
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [index('enrollment_imports_org_course_idx').on(t.organizationId, t.courseId, t.id)],
);

export type EnrollmentImportRow = typeof enrollmentImports.$inferSelect;
export type EnrollmentRow = typeof enrollments.$inferSelect;
export type CohortRow = typeof cohorts.$inferSelect;
export type LessonProgressRow = typeof lessonProgress.$inferSelect;
