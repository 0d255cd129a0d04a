import { sql } from 'drizzle-orm';
import { boolean, check, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps, uuidv7Pk } from '../../../kernel/db/index.js';
import type { Answer, Question } from './questions.model.js';
import { QUESTION_TYPES } from './questions.model.js';

/*
 * The assessments module owns these tables. Course, lesson, user and organization ids point into
 * other modules and carry no foreign key.
 */

/** A bank of questions: a course's (courseId set) or the whole organization's (courseId null). */
export const questionBanks = pgTable(
  'question_banks',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id'),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    createdBy: uuid('created_by').notNull(),
    ...timestamps(),
  },
  (t) => [index('question_banks_org_course_idx').on(t.organizationId, t.courseId)],
);

/** One question: the validated model in `data`, plus the columns lists filter and search on. */
export const bankQuestions = pgTable(
  'bank_questions',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    bankId: uuid('bank_id')
      .notNull()
      .references(() => questionBanks.id, { onDelete: 'cascade' }),
    type: text('type', { enum: QUESTION_TYPES }).notNull(),
    /** the prompt as plain text, for search */
    prompt: text('prompt').notNull(),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    data: jsonb('data').$type<Question>().notNull(),
    /** bumped on every edit */
    version: integer('version').notNull().default(1),
    updatedBy: uuid('updated_by').notNull(),
    ...timestamps(),
  },
  (t) => [
    index('bank_questions_bank_idx').on(t.bankId, t.id),
    index('bank_questions_tags_idx').using('gin', t.tags),
    index('bank_questions_prompt_trgm_idx').using('gin', sql`lower(${t.prompt}) gin_trgm_ops`),
  ],
);

export const KEEP_POLICIES = ['highest', 'latest', 'average'] as const;
export const FEEDBACK_TIMINGS = ['immediately', 'after_close', 'never'] as const;

/** One entry of a quiz's pool: a question, or "N from bank X (with tag Y)". */
export type QuizItemSource =
  | { kind: 'question'; questionId: string; points?: number | null }
  | { kind: 'draw'; bankId: string; tag?: string | null; count: number; points?: number | null };

/** The quiz behind a `quiz` lesson: one per lesson. */
export const quizzes = pgTable(
  'quizzes',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    lessonId: uuid('lesson_id').notNull(),
    instructions: text('instructions').notNull().default(''),
    timeLimitSeconds: integer('time_limit_seconds'),
    /** null: unlimited */
    attemptsAllowed: integer('attempts_allowed'),
    keepPolicy: text('keep_policy', { enum: KEEP_POLICIES }).notNull().default('highest'),
    passingScore: integer('passing_score').notNull().default(60),
    shuffleQuestions: boolean('shuffle_questions').notNull().default(false),
    shuffleOptions: boolean('shuffle_options').notNull().default(false),
    /** draw this many of the pool per attempt (null: all of it) */
    drawCount: integer('draw_count'),
    opensAt: timestamp('opens_at', { withTimezone: true }),
    closesAt: timestamp('closes_at', { withTimezone: true }),
    feedbackTiming: text('feedback_timing', { enum: FEEDBACK_TIMINGS }).notNull().default('immediately'),
    showCorrectAnswers: boolean('show_correct_answers').notNull().default(true),
    items: jsonb('items').$type<QuizItemSource[]>().notNull().default([]),
    updatedBy: uuid('updated_by').notNull(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('quizzes_lesson_uq').on(t.lessonId),
    index('quizzes_org_course_idx').on(t.organizationId, t.courseId),
    check('quizzes_passing_ck', sql`${t.passingScore} BETWEEN 0 AND 100`),
  ],
);

/** A question as frozen into an attempt when it starts. */
export interface FrozenItem {
  questionId: string;
  bankId: string;
  question: Question;
  points: number;
  /** option / choice / item ids in the order this learner sees them */
  optionOrder?: string[];
}

export type ItemStatus = 'graded' | 'pending_manual' | 'pending_code';
export interface ItemResult {
  status: ItemStatus;
  score: number | null;
  maxScore: number;
  comment?: string | null;
  gradedBy?: string | null;
  gradedAt?: string | null;
  /** code questions: tests passed / total */
  passed?: number;
  total?: number;
}

export const ATTEMPT_STATUSES = ['in_progress', 'grading', 'graded'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

export const quizAttempts = pgTable(
  'quiz_attempts',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    lessonId: uuid('lesson_id').notNull(),
    quizId: uuid('quiz_id')
      .notNull()
      .references(() => quizzes.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    number: integer('number').notNull(),
    status: text('status', { enum: ATTEMPT_STATUSES }).notNull().default('in_progress'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    /** when the attempt closes by itself (time limit, or the quiz's close date); null: never */
    deadline: timestamp('deadline', { withTimezone: true }),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    /** closed by the deadline job rather than by the learner */
    autoSubmitted: boolean('auto_submitted').notNull().default(false),
    items: jsonb('items').$type<FrozenItem[]>().notNull(),
    answers: jsonb('answers').$type<Record<string, Answer>>().notNull().default({}),
    answersSavedAt: jsonb('answers_saved_at').$type<Record<string, string>>().notNull().default({}),
    results: jsonb('results').$type<Record<string, ItemResult>>().notNull().default({}),
    score: doublePrecision('score'),
    maxScore: doublePrecision('max_score').notNull(),
    passed: boolean('passed'),
    gradedAt: timestamp('graded_at', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('quiz_attempts_number_uq').on(t.quizId, t.userId, t.number),
    index('quiz_attempts_course_status_idx').on(t.organizationId, t.courseId, t.status),
  ],
);

/** The audit of answer-key changes: who, when, old and new key, and how many attempts were regraded. */
export const questionKeyChanges = pgTable(
  'question_key_changes',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    bankId: uuid('bank_id').notNull(),
    questionId: uuid('question_id').notNull(),
    changedBy: uuid('changed_by').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
    oldKey: jsonb('old_key').$type<Record<string, unknown>>().notNull(),
    newKey: jsonb('new_key').$type<Record<string, unknown>>().notNull(),
    /** null until the regrade job has run */
    attemptsAffected: integer('attempts_affected'),
    regradedAt: timestamp('regraded_at', { withTimezone: true }),
  },
  (t) => [index('question_key_changes_bank_idx').on(t.organizationId, t.bankId, t.id)],
);
