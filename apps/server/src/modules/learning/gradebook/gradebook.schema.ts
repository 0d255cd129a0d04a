import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, numeric, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, timestamps, uuidv7Pk } from '../../../kernel/db/index.js';

/*
 * The gradebook owns these tables. Course, lesson, user and organization ids point into other
 * modules (courses, enrollment, identity) and carry no foreign key. Numbers that enter grade
 * arithmetic are `numeric` (exact decimals, read as strings).
 */

export const GRADING_MODES = ['weighted', 'points'] as const;
export const GRADE_SOURCES = ['quiz', 'assignment', 'code'] as const;

/** Per-course settings; a course without a row uses the defaults (points, 60%). */
export const gradebookSettings = pgTable(
  'gradebook_settings',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    mode: text('mode', { enum: GRADING_MODES }).notNull().default('points'),
    passingPercent: numeric('passing_percent', { precision: 5, scale: 2 }).notNull().default('60'),
    updatedBy: uuid('updated_by'),
    ...timestamps(),
  },
  (t) => [uniqueIndex('gradebook_settings_course_uq').on(t.courseId), check('gradebook_settings_pass_ck', sql`${t.passingPercent} BETWEEN 0 AND 100`)],
);

export const gradebookCategories = pgTable(
  'gradebook_categories',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    name: text('name').notNull(),
    /** percent of the final grade (weighted mode); the course's categories sum to 100 */
    weight: numeric('weight', { precision: 5, scale: 2 }).notNull(),
    position: integer('position').notNull(),
    ...timestamps(),
  },
  (t) => [
    index('gradebook_categories_course_idx').on(t.organizationId, t.courseId),
    uniqueIndex('gradebook_categories_name_uq').on(t.courseId, sql`lower(${t.name})`),
    check('gradebook_categories_weight_ck', sql`${t.weight} BETWEEN 0 AND 100`),
  ],
);

/** A graded lesson's settings; rows appear on their own for the live version's quiz, assignment and code lessons. */
export const gradebookItems = pgTable(
  'gradebook_items',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    lessonId: uuid('lesson_id').notNull(),
    categoryId: uuid('category_id').references(() => gradebookCategories.id, { onDelete: 'set null' }),
    /** weight inside its category (weighted mode) */
    weight: numeric('weight', { precision: 8, scale: 2 }).notNull().default('1'),
    /** worth in points mode; null: the max score the item reports */
    points: numeric('points', { precision: 10, scale: 2 }),
    required: boolean('required').notNull().default(false),
    excluded: boolean('excluded').notNull().default(false),
    /** this item's pass mark in percent; null: the course's passing percent */
    passingPercent: numeric('passing_percent', { precision: 5, scale: 2 }),
    /** after this instant a missing grade counts as 0 */
    dueAt: timestamp('due_at', { withTimezone: true }),
    /** the max score last reported for the item (what a missing grade is worth) */
    knownMaxScore: numeric('known_max_score', { precision: 12, scale: 4 }),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('gradebook_items_lesson_uq').on(t.courseId, t.lessonId),
    check('gradebook_items_ck', sql`${t.weight} >= 0 AND (${t.points} IS NULL OR ${t.points} >= 0) AND (${t.passingPercent} IS NULL OR ${t.passingPercent} BETWEEN 0 AND 100)`),
  ],
);

/** The newest reported grade per lesson and learner (GradeReported). */
export const gradebookGrades = pgTable(
  'gradebook_grades',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    lessonId: uuid('lesson_id').notNull(),
    userId: uuid('user_id').notNull(),
    source: text('source', { enum: GRADE_SOURCES }).notNull(),
    sourceId: uuid('source_id').notNull(),
    /** null: waiting for manual grading */
    score: numeric('score', { precision: 12, scale: 4 }),
    maxScore: numeric('max_score', { precision: 12, scale: 4 }).notNull(),
    passed: boolean('passed'),
    gradedAt: timestamp('graded_at', { withTimezone: true }).notNull(),
    /** the event the stored grade came from */
    eventId: uuid('event_id').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('gradebook_grades_lesson_user_uq').on(t.lessonId, t.userId), index('gradebook_grades_course_user_idx').on(t.organizationId, t.courseId, t.userId)],
);

/** Current overrides: an item's percent (lesson id set) or the final grade (lesson id null). */
export const gradebookOverrides = pgTable(
  'gradebook_overrides',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    userId: uuid('user_id').notNull(),
    lessonId: uuid('lesson_id'),
    percent: numeric('percent', { precision: 5, scale: 2 }).notNull(),
    reason: text('reason').notNull(),
    setBy: uuid('set_by').notNull(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('gradebook_overrides_uq').on(t.courseId, t.userId, sql`coalesce(${t.lessonId}, '00000000-0000-0000-0000-000000000000'::uuid)`),
    check('gradebook_overrides_pct_ck', sql`${t.percent} BETWEEN 0 AND 100`),
  ],
);

export const OVERRIDE_ACTIONS = ['set', 'removed'] as const;

/** Every override change, never updated or deleted: who, when, old value, new value and why. */
export const gradebookOverrideLog = pgTable(
  'gradebook_override_log',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    userId: uuid('user_id').notNull(),
    lessonId: uuid('lesson_id'),
    action: text('action', { enum: OVERRIDE_ACTIONS }).notNull(),
    /** the percent that counted before (the previous override, else the computed/reported value) */
    oldPercent: numeric('old_percent', { precision: 5, scale: 2 }),
    /** the percent that counts after (the override, or the reported value it falls back to) */
    newPercent: numeric('new_percent', { precision: 5, scale: 2 }),
    reason: text('reason').notNull(),
    actorId: uuid('actor_id').notNull(),
    actorName: text('actor_name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('gradebook_override_log_course_idx').on(t.courseId, t.id)],
);

/** The gradebook's read model of a course's learners (from enrollment and identity events). */
export const gradebookLearners = pgTable(
  'gradebook_learners',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    userId: uuid('user_id').notNull(),
    enrollmentId: uuid('enrollment_id').notNull(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    active: boolean('active').notNull().default(true),
    enrolledAt: timestamp('enrolled_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('gradebook_learners_course_user_uq').on(t.courseId, t.userId),
    index('gradebook_learners_user_idx').on(t.userId),
    index('gradebook_learners_list_idx').on(t.courseId, t.name, t.userId),
  ],
);

/** The gradebook's completion signal: the learner passed every required item (once). */
export const gradebookCompletions = pgTable(
  'gradebook_completions',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    userId: uuid('user_id').notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('gradebook_completions_uq').on(t.courseId, t.userId)],
);
