import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps, uuidv7Pk } from '../../../kernel/db/index.js';
import { COMPARE_MODES, VERDICTS } from './judge.js';
import { LANGUAGES } from './languages.js';

/*
 * The code-runner owns these tables. Course, lesson, user and organization ids point into other
 * modules (courses, identity) and carry no foreign key.
 */

/** The exercise behind a `code` lesson: one per lesson. */
export const codeExercises = pgTable(
  'code_exercises',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    lessonId: uuid('lesson_id').notNull(),
    language: text('language', { enum: LANGUAGES }).notNull(),
    /** markdown shown above the editor */
    instructions: text('instructions').notNull().default(''),
    starterCode: text('starter_code').notNull().default(''),
    timeLimitMs: integer('time_limit_ms').notNull().default(2000),
    memoryLimitMb: integer('memory_limit_mb').notNull().default(256),
    compareMode: text('compare_mode', { enum: COMPARE_MODES }).notNull().default('trim_trailing'),
    updatedBy: uuid('updated_by').notNull(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('code_exercises_lesson_uq').on(t.lessonId),
    index('code_exercises_org_course_idx').on(t.organizationId, t.courseId),
    check('code_exercises_limits_ck', sql`${t.timeLimitMs} BETWEEN 100 AND 10000 AND ${t.memoryLimitMb} BETWEEN 16 AND 1024`),
  ],
);

export const codeTestCases = pgTable(
  'code_test_cases',
  {
    id: uuidv7Pk(),
    exerciseId: uuid('exercise_id')
      .notNull()
      .references(() => codeExercises.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    stdin: text('stdin').notNull().default(''),
    expectedStdout: text('expected_stdout').notNull(),
    /** hidden tests run on submit only, and their data never reaches learners */
    hidden: boolean('hidden').notNull().default(false),
    points: integer('points').notNull().default(1),
  },
  (t) => [uniqueIndex('code_test_cases_position_uq').on(t.exerciseId, t.position), check('code_test_cases_points_ck', sql`${t.points} >= 0`)],
);

export const SUBMISSION_MODES = ['run', 'submit'] as const;
export type SubmissionMode = (typeof SUBMISSION_MODES)[number];
export const SUBMISSION_STATUSES = ['queued', 'running', 'done', 'error'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/** One test's result as stored; `stdout`/`stderr`/`stdin`/`expected` only for visible tests. */
export interface StoredTestResult {
  testId: string;
  name: string;
  hidden: boolean;
  points: number;
  verdict: string;
  timeMs: number;
  exitCode: number | null;
  signal: string | null;
  stdin?: string;
  expectedStdout?: string;
  stdout?: string;
  stderr?: string;
}

export const codeSubmissions = pgTable(
  'code_submissions',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    lessonId: uuid('lesson_id').notNull(),
    exerciseId: uuid('exercise_id')
      .notNull()
      .references(() => codeExercises.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    mode: text('mode', { enum: SUBMISSION_MODES }).notNull(),
    language: text('language', { enum: LANGUAGES }).notNull(),
    code: text('code').notNull(),
    status: text('status', { enum: SUBMISSION_STATUSES }).notNull().default('queued'),
    verdict: text('verdict', { enum: VERDICTS }),
    score: integer('score'),
    maxScore: integer('max_score'),
    compileOutput: text('compile_output'),
    results: jsonb('results').$type<StoredTestResult[]>().notNull().default([]),
    /** why the run could not be judged (status `error`) */
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('code_submissions_lesson_user_idx').on(t.lessonId, t.userId, t.id),
    index('code_submissions_user_created_idx').on(t.userId, t.createdAt),
    index('code_submissions_org_course_idx').on(t.organizationId, t.courseId, t.id),
  ],
);
