import { sql } from 'drizzle-orm';
import { boolean, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps, uuidv7Pk } from '../../../kernel/db/index.js';

/*
 * The assignments module owns these tables. Course, lesson, user and organization ids point into
 * other modules (courses, identity) and carry no foreign key.
 */

export interface RubricLevel {
  id: string;
  title: string;
  description: string;
  points: number;
}
export interface RubricCriterion {
  id: string;
  title: string;
  description: string;
  levels: RubricLevel[];
}
/** criterion id -> chosen level id */
export type RubricSelection = Record<string, string>;

export const ASSIGNMENT_MODES = ['individual', 'group'] as const;
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];

/** The setup behind an `assignment` lesson: one per lesson. */
export const assignments = pgTable(
  'assignments',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    lessonId: uuid('lesson_id').notNull(),
    instructions: text('instructions').notNull().default(''),
    dueAt: timestamp('due_at', { withTimezone: true }),
    /** percent of the score taken off per started day late */
    latePenaltyPerDay: integer('late_penalty_per_day').notNull().default(0),
    /** after this instant submissions are refused */
    cutoffAt: timestamp('cutoff_at', { withTimezone: true }),
    allowText: boolean('allow_text').notNull().default(true),
    allowedFileTypes: jsonb('allowed_file_types').$type<string[]>().notNull().default([]),
    maxFileBytes: integer('max_file_bytes').notNull().default(10 * 1024 * 1024),
    maxFiles: integer('max_files').notNull().default(0),
    mode: text('mode', { enum: ASSIGNMENT_MODES }).notNull().default('individual'),
    pointsPossible: integer('points_possible').notNull(),
    rubric: jsonb('rubric').$type<RubricCriterion[]>().notNull().default([]),
    anonymousGrading: boolean('anonymous_grading').notNull().default(false),
    peerReviewCount: integer('peer_review_count').notNull().default(0),
    passingPercent: integer('passing_percent').notNull().default(50),
    peerReviewsAssignedAt: timestamp('peer_reviews_assigned_at', { withTimezone: true }),
    updatedBy: uuid('updated_by').notNull(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('assignments_lesson_uq').on(t.lessonId),
    index('assignments_org_course_idx').on(t.organizationId, t.courseId),
    check(
      'assignments_numbers_ck',
      sql`${t.latePenaltyPerDay} BETWEEN 0 AND 100 AND ${t.passingPercent} BETWEEN 0 AND 100 AND ${t.pointsPossible} > 0 AND ${t.maxFiles} >= 0 AND ${t.peerReviewCount} >= 0`,
    ),
  ],
);

/** Groups of learners of a course, for group assignments. */
export const assignmentGroups = pgTable(
  'assignment_groups',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    name: text('name').notNull(),
    ...timestamps(),
  },
  (t) => [uniqueIndex('assignment_groups_name_uq').on(t.courseId, t.name)],
);

export const assignmentGroupMembers = pgTable(
  'assignment_group_members',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => assignmentGroups.id, { onDelete: 'cascade' }),
    /** denormalised so that a learner is in at most one group per course */
    courseId: uuid('course_id').notNull(),
    userId: uuid('user_id').notNull(),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), uniqueIndex('assignment_group_members_course_user_uq').on(t.courseId, t.userId)],
);

/** One learner's (or one group's) submission to an assignment; its versions hold the content. */
export const assignmentSubmissions = pgTable(
  'assignment_submissions',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    lessonId: uuid('lesson_id').notNull(),
    assignmentId: uuid('assignment_id')
      .notNull()
      .references(() => assignments.id, { onDelete: 'cascade' }),
    /** the user for individual submissions, the group for group ones */
    userId: uuid('user_id'),
    groupId: uuid('group_id').references(() => assignmentGroups.id, { onDelete: 'restrict' }),
    /** "Learner N" under anonymous grading: the order of first submission */
    anonNumber: integer('anon_number').notNull(),
    versionCount: integer('version_count').notNull().default(0),
    lastSubmittedAt: timestamp('last_submitted_at', { withTimezone: true }),
    /** the instructor's grade */
    selections: jsonb('selections').$type<RubricSelection>(),
    rawScore: doublePrecision('raw_score'),
    gradedVersion: integer('graded_version'),
    gradedBy: uuid('graded_by'),
    gradedAt: timestamp('graded_at', { withTimezone: true }),
    releasedAt: timestamp('released_at', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('assignment_submissions_user_uq').on(t.assignmentId, t.userId),
    uniqueIndex('assignment_submissions_group_uq').on(t.assignmentId, t.groupId),
    uniqueIndex('assignment_submissions_anon_uq').on(t.assignmentId, t.anonNumber),
    index('assignment_submissions_org_course_idx').on(t.organizationId, t.courseId),
    check('assignment_submissions_owner_ck', sql`(${t.userId} IS NULL) <> (${t.groupId} IS NULL)`),
  ],
);

/** Every (re)submission is a new version, kept. */
export const assignmentVersions = pgTable(
  'assignment_versions',
  {
    id: uuidv7Pk(),
    submissionId: uuid('submission_id')
      .notNull()
      .references(() => assignmentSubmissions.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    text: text('text').notNull().default(''),
    submittedBy: uuid('submitted_by').notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    late: boolean('late').notNull().default(false),
    daysLate: integer('days_late').notNull().default(0),
    /** percent taken off this version's score */
    penaltyPercent: integer('penalty_percent').notNull().default(0),
  },
  (t) => [uniqueIndex('assignment_versions_number_uq').on(t.submissionId, t.number)],
);

/** Uploaded files: pending until a version takes them, then attached to versions (a resubmission may keep them). */
export const assignmentFiles = pgTable(
  'assignment_files',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    assignmentId: uuid('assignment_id')
      .notNull()
      .references(() => assignments.id, { onDelete: 'cascade' }),
    uploadedBy: uuid('uploaded_by').notNull(),
    storageKey: text('storage_key').notNull(),
    name: text('name').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('assignment_files_uploader_idx').on(t.assignmentId, t.uploadedBy)],
);

export const assignmentVersionFiles = pgTable(
  'assignment_version_files',
  {
    versionId: uuid('version_id')
      .notNull()
      .references(() => assignmentVersions.id, { onDelete: 'cascade' }),
    fileId: uuid('file_id')
      .notNull()
      .references(() => assignmentFiles.id, { onDelete: 'restrict' }),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.fileId] })],
);

/** Peer reviews: a reviewer assigned to a submission fills the rubric. */
export const assignmentPeerReviews = pgTable(
  'assignment_peer_reviews',
  {
    id: uuidv7Pk(),
    submissionId: uuid('submission_id')
      .notNull()
      .references(() => assignmentSubmissions.id, { onDelete: 'cascade' }),
    reviewerId: uuid('reviewer_id').notNull(),
    selections: jsonb('selections').$type<RubricSelection>(),
    score: doublePrecision('score'),
    comment: text('comment').notNull().default(''),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('assignment_peer_reviews_pair_uq').on(t.submissionId, t.reviewerId), index('assignment_peer_reviews_reviewer_idx').on(t.reviewerId)],
);

export const COMMENT_ANCHORS = ['general', 'text', 'file'] as const;
export type CommentAnchor = (typeof COMMENT_ANCHORS)[number];

/** Feedback comments by graders: general, on a text range of a version's text, or on one of its files. */
export const assignmentComments = pgTable(
  'assignment_comments',
  {
    id: uuidv7Pk(),
    submissionId: uuid('submission_id')
      .notNull()
      .references(() => assignmentSubmissions.id, { onDelete: 'cascade' }),
    versionId: uuid('version_id')
      .notNull()
      .references(() => assignmentVersions.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').notNull(),
    anchor: text('anchor', { enum: COMMENT_ANCHORS }).notNull(),
    rangeStart: integer('range_start'),
    rangeEnd: integer('range_end'),
    quote: text('quote'),
    fileId: uuid('file_id').references(() => assignmentFiles.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('assignment_comments_submission_idx').on(t.submissionId, t.createdAt)],
);
