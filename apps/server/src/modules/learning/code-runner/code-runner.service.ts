import { availableParallelism } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { and, asc, count, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { type RequestContext, requireUser } from '../../../kernel/auth/index.js';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database, inTransaction, type Tx } from '../../../kernel/db/index.js';
import { Forbidden, Invalid, NotFound, ServiceUnavailable, TooManyRequests } from '../../../kernel/errors/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { RealtimeService } from '../../../kernel/realtime/index.js';
import { type CourseInfo, CoursesService, renderMarkdown } from '../courses/index.js';
import { LearnerService, ProgressService } from '../enrollment/index.js';
import type { CodeExercise, CodeRunnerStatus, CodeSubmission, PutExercise } from './code-runner.dto.js';
import { GradeReported } from '../learning.events.js';
import { CodeSubmissionJudged } from './code-runner.events.js';
import { JudgeSubmissionJob } from './code-runner.jobs.js';
import { codeExercises, codeSubmissions, codeTestCases, type StoredTestResult, type SubmissionMode } from './code-runner.schema.js';
import { type CompareMode, judge, type Verdict } from './judge.js';
import { type Language, type LanguageSpec, languageSpecs } from './languages.js';
import { BubblewrapSandbox, SandboxUnavailable } from './sandbox.js';
import { SlotPool } from './slots.js';

type ExerciseRow = typeof codeExercises.$inferSelect;
type TestRow = typeof codeTestCases.$inferSelect;
type SubmissionRow = typeof codeSubmissions.$inferSelect;

/** What another module asks the sandbox to judge (see judgeCode). */
export interface JudgeCodeInput {
  language: Language;
  code: string;
  tests: { stdin: string; expectedStdout: string }[];
  timeLimitMs: number;
  memoryLimitMb: number;
  compareMode: CompareMode;
}
export interface JudgeCodeResult {
  passed: number;
  total: number;
  verdict: Verdict;
}

/** The realtime event a learner's browser receives when a run changes state. */
export const SUBMISSION_EVENT = 'code.submission';

/**
 * Code exercises: instructors attach one to a `code` lesson (starter code, limits, visible and
 * hidden tests); learners run the visible tests or submit against all of them. Every run is a
 * job: the sandbox never runs inside an HTTP request, and at most `concurrency` run at once per
 * process, each in its own slot (its own unprivileged uid when running as root).
 */
@Injectable()
export class CodeRunnerService {
  private readonly log = new Logger('code-runner');
  readonly specs: LanguageSpec[];
  readonly sandbox: BubblewrapSandbox;
  readonly slots: SlotPool;

  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobsService,
    private readonly events: EventBus,
    private readonly realtime: RealtimeService,
    private readonly courses: CoursesService,
    private readonly learners: LearnerService,
    private readonly progress: ProgressService,
  ) {
    this.specs = languageSpecs();
    this.sandbox = new BubblewrapSandbox({ uidBase: config.CODE_RUNNER_UID_BASE, extraReadOnly: this.specs.flatMap((s) => s.readOnly ?? []) });
    this.slots = new SlotPool(config.CODE_RUNNER_CONCURRENCY ?? availableParallelism());
  }

  /** Logs at boot whether code can run here (and why not). */
  selfTest(): void {
    const check = this.sandbox.selfTest();
    if (check.ok) this.log.log(`sandbox ready (bubblewrap), ${this.slots.size} at once: ${this.specs.map((s) => s.id).join(', ')}`);
    else this.log.warn(`code exercises cannot run: ${check.reason}`);
  }

  status(ctx: RequestContext): z.input<typeof CodeRunnerStatus> {
    requireUser(ctx);
    const check = this.sandbox.selfTest();
    return {
      sandboxAvailable: check.ok,
      reason: check.ok ? null : check.reason,
      concurrency: this.slots.size,
      languages: this.specs.map((s) => ({ id: s.id, label: s.label })),
    };
  }

  private spec(language: Language): LanguageSpec | undefined {
    return this.specs.find((s) => s.id === language);
  }

  // ---- exercises ----

  /** A course of the caller's organization that they may edit; 404 across organizations. */
  private async editableCourse(ctx: RequestContext, courseId: string): Promise<CourseInfo> {
    requireUser(ctx);
    const course = await this.courses.getCourseInfo(courseId);
    if (!course || course.organizationId !== ctx.membership?.orgId) throw new NotFound('Course');
    if (!this.courses.canEditCourse(ctx, course)) throw new Forbidden('You may not edit this course.', 'missing_permission');
    return course;
  }

  async putExercise(ctx: RequestContext, courseId: string, lessonId: string, body: z.output<typeof PutExercise>): Promise<z.input<typeof CodeExercise>> {
    const course = await this.editableCourse(ctx, courseId);
    const lesson = await this.courses.getDraftLessonRef(courseId, lessonId);
    if (!lesson) throw new NotFound('Lesson');
    if (lesson.type !== 'code') throw new Invalid(`The lesson is a ${lesson.type} lesson; exercises belong to code lessons.`, [], 'not_a_code_lesson');
    if (!this.spec(body.language)) {
      throw new Invalid(`${body.language} is not available on this server.`, [{ field: 'body.language', message: 'not available on this server' }], 'language_unavailable');
    }
    const userId = ctx.actor!.userId;
    await inTransaction(this.db, async (tx) => {
      const values = {
        language: body.language,
        instructions: body.instructions,
        starterCode: body.starterCode,
        timeLimitMs: body.timeLimitMs,
        memoryLimitMb: body.memoryLimitMb,
        compareMode: body.compareMode,
        updatedBy: userId,
      };
      const [ex] = await tx
        .insert(codeExercises)
        .values({ organizationId: course.organizationId, courseId, lessonId, ...values })
        .onConflictDoUpdate({ target: codeExercises.lessonId, set: { ...values, updatedAt: new Date() } })
        .returning();
      await tx.delete(codeTestCases).where(eq(codeTestCases.exerciseId, ex!.id));
      await tx.insert(codeTestCases).values(
        body.tests.map((t, i) => ({
          exerciseId: ex!.id,
          position: i,
          name: t.name ?? `Test ${i + 1}`,
          stdin: t.stdin,
          expectedStdout: t.expectedStdout,
          hidden: t.hidden,
          points: t.points,
        })),
      );
    });
    return this.getExercise(ctx, courseId, lessonId);
  }

  private async exerciseOf(lessonId: string, courseId: string): Promise<{ ex: ExerciseRow; tests: TestRow[] } | null> {
    const [ex] = await this.db
      .select()
      .from(codeExercises)
      .where(and(eq(codeExercises.lessonId, lessonId), eq(codeExercises.courseId, courseId)));
    if (!ex) return null;
    const tests = await this.db.select().from(codeTestCases).where(eq(codeTestCases.exerciseId, ex.id)).orderBy(asc(codeTestCases.position));
    return { ex, tests };
  }

  /**
   * Who may open the exercise: staff of the course (all tests, hidden ones included), or a learner
   * allowed into the lesson right now (enrolled and unlocked, or a free preview).
   */
  private async access(ctx: RequestContext, courseId: string, lessonId: string): Promise<{ course: CourseInfo; staff: boolean; enrolled: boolean }> {
    const u = requireUser(ctx);
    const course = await this.courses.getCourseInfo(courseId);
    if (!course) throw new NotFound('Course');
    if (this.courses.canTeachCourse(ctx, course) || this.courses.canEditCourse(ctx, course)) return { course, staff: true, enrolled: false };
    const access = await this.learners.lessonAccess(u.actor.userId, courseId, lessonId);
    if (access.reason === 'course_not_visible') throw new NotFound('Course');
    if (access.reason === 'lesson_not_found') throw new NotFound('Lesson');
    if (!access.allowed) throw new Forbidden('This lesson is locked for you: enroll or complete what comes before it first.', 'lesson_locked');
    return { course, staff: false, enrolled: access.enrollmentId !== null };
  }

  async getExercise(ctx: RequestContext, courseId: string, lessonId: string): Promise<z.input<typeof CodeExercise>> {
    const { staff } = await this.access(ctx, courseId, lessonId);
    const found = await this.exerciseOf(lessonId, courseId);
    if (!found) throw new NotFound('Code exercise');
    return this.presentExercise(found.ex, found.tests, staff);
  }

  private presentExercise(ex: ExerciseRow, tests: TestRow[], staff: boolean): z.input<typeof CodeExercise> {
    return {
      id: ex.id,
      courseId: ex.courseId,
      lessonId: ex.lessonId,
      language: ex.language,
      languageLabel: this.spec(ex.language)?.label ?? ex.language,
      instructions: ex.instructions,
      instructionsHtml: renderMarkdown(ex.instructions),
      starterCode: ex.starterCode,
      timeLimitMs: ex.timeLimitMs,
      memoryLimitMb: ex.memoryLimitMb,
      compareMode: ex.compareMode,
      // learners see the visible tests in full; of the hidden ones only that they exist
      tests: tests
        .filter((t) => staff || !t.hidden)
        .map((t) => ({ id: t.id, name: t.name, hidden: t.hidden, points: t.points, stdin: t.stdin, expectedStdout: t.expectedStdout })),
      hiddenTestCount: tests.filter((t) => t.hidden).length,
      maxScore: tests.reduce((s, t) => s + t.points, 0),
      updatedAt: ex.updatedAt.toISOString(),
    };
  }

  /**
   * Judges `code` against the given tests inside the sandbox (never elsewhere) and returns how many
   * passed. For other modules' graded items (a quiz's code question); call it from a job, never
   * inside a request. Throws SandboxUnavailable (the caller's job retries) when the sandbox cannot
   * start, and refuses a language this server does not have.
   */
  async judgeCode(input: JudgeCodeInput): Promise<JudgeCodeResult> {
    const spec = this.spec(input.language);
    if (!spec) throw new SandboxUnavailable(`${input.language} is not installed on this server`);
    const check = this.sandbox.selfTest();
    if (!check.ok) throw new SandboxUnavailable(check.reason);
    const slot = await this.slots.acquire();
    try {
      const outcome = await judge(
        this.sandbox,
        spec,
        input.code,
        input.tests.map((t, i) => ({ id: `t${i}`, stdin: t.stdin, expectedStdout: t.expectedStdout, points: 1 })),
        { timeLimitMs: input.timeLimitMs, memoryLimitMb: input.memoryLimitMb },
        input.compareMode,
        slot,
      );
      const passed = outcome.tests.filter((t) => t.verdict === 'accepted').length;
      return { passed, total: input.tests.length, verdict: outcome.verdict };
    } finally {
      this.slots.release(slot);
    }
  }

  // ---- submissions ----

  async createSubmission(ctx: RequestContext, courseId: string, lessonId: string, mode: SubmissionMode, code: string): Promise<z.input<typeof CodeSubmission>> {
    const { course } = await this.access(ctx, courseId, lessonId);
    const found = await this.exerciseOf(lessonId, courseId);
    if (!found) throw new NotFound('Code exercise');
    const check = this.sandbox.selfTest();
    if (!check.ok) throw new ServiceUnavailable(`Code cannot run on this server right now: ${check.reason}.`, 'sandbox_unavailable');
    if (!this.spec(found.ex.language)) throw new ServiceUnavailable(`${found.ex.language} is not installed on this server.`, 'language_unavailable');
    const userId = ctx.actor!.userId;
    const row = await inTransaction(this.db, async (tx) => {
      // per-user rate limit over the last minute, counted in the same transaction as the insert
      // one user's concurrent requests queue here, so the count below cannot be raced
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${'code-runs:' + userId}))`);
      const since = new Date(Date.now() - 60_000);
      const [recent] = await tx
        .select({ n: count() })
        .from(codeSubmissions)
        .where(and(eq(codeSubmissions.userId, userId), gte(codeSubmissions.createdAt, since)));
      if ((recent?.n ?? 0) >= this.config.CODE_RUNNER_RUNS_PER_MINUTE) {
        throw new TooManyRequests(`You can start ${this.config.CODE_RUNNER_RUNS_PER_MINUTE} runs a minute; wait a moment and try again.`, 60);
      }
      const [s] = await tx
        .insert(codeSubmissions)
        .values({ organizationId: course.organizationId, courseId, lessonId, exerciseId: found.ex.id, userId, mode, language: found.ex.language, code })
        .returning();
      // "submit" goes ahead of "run" so graded attempts are not stuck behind experiments
      await this.jobs.enqueue(tx, JudgeSubmissionJob, { submissionId: s!.id }, { priority: mode === 'submit' ? 0 : 1 });
      return s!;
    });
    return this.presentSubmission(row);
  }

  async getSubmission(ctx: RequestContext, submissionId: string): Promise<z.input<typeof CodeSubmission>> {
    const u = requireUser(ctx);
    const [row] = await this.db.select().from(codeSubmissions).where(eq(codeSubmissions.id, submissionId));
    if (!row) throw new NotFound('Submission');
    if (row.userId !== u.actor.userId) {
      const course = await this.courses.getCourseInfo(row.courseId);
      if (!course || !this.courses.canTeachCourse(ctx, course)) throw new NotFound('Submission');
    }
    return this.presentSubmission(row);
  }

  async listSubmissions(
    ctx: RequestContext,
    courseId: string,
    lessonId: string,
    q: { limit: number; cursor?: string; userId?: string; mode?: SubmissionMode },
  ): Promise<Page<z.input<typeof CodeSubmission>>> {
    const { staff } = await this.access(ctx, courseId, lessonId);
    const me = ctx.actor!.userId;
    const userId = staff ? q.userId : me;
    if (!staff && q.userId && q.userId !== me) throw new Forbidden("Only the course's staff see other learners' submissions.", 'missing_permission');
    const cursor = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(codeSubmissions)
      .where(
        and(
          eq(codeSubmissions.courseId, courseId),
          eq(codeSubmissions.lessonId, lessonId),
          userId ? eq(codeSubmissions.userId, userId) : undefined,
          q.mode ? eq(codeSubmissions.mode, q.mode) : undefined,
          cursor ? lt(codeSubmissions.id, String(cursor[0])) : undefined,
        ),
      )
      .orderBy(desc(codeSubmissions.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.id], (r) => this.presentSubmission(r));
  }

  presentSubmission(r: SubmissionRow): z.input<typeof CodeSubmission> {
    return {
      id: r.id,
      courseId: r.courseId,
      lessonId: r.lessonId,
      userId: r.userId,
      mode: r.mode,
      language: r.language,
      code: r.code,
      status: r.status,
      verdict: r.verdict,
      score: r.score,
      maxScore: r.maxScore,
      compileOutput: r.compileOutput,
      results: r.results.map((t) => ({ ...t, verdict: t.verdict as z.input<typeof CodeSubmission>['results'][number]['verdict'] })),
      error: r.error,
      createdAt: r.createdAt.toISOString(),
      finishedAt: r.finishedAt?.toISOString() ?? null,
    };
  }

  // ---- the job ----

  /**
   * Judges one submission. Idempotent: a finished submission is left alone, and a retry after a
   * crash judges again from scratch and writes the whole result in one transaction.
   */
  async judgeSubmission(submissionId: string): Promise<void> {
    const [row] = await this.db.select().from(codeSubmissions).where(eq(codeSubmissions.id, submissionId));
    if (!row || row.status === 'done' || row.status === 'error') return;
    const found = await this.exerciseOf(row.lessonId, row.courseId);
    const spec = this.spec(row.language);
    if (!found || !spec) {
      await this.finishWithError(row, !found ? 'The exercise was deleted.' : `${row.language} is not installed on this server.`);
      return;
    }
    const tests = row.mode === 'run' ? found.tests.filter((t) => !t.hidden) : found.tests;
    const slot = await this.slots.acquire();
    let outcome;
    try {
      await this.db.update(codeSubmissions).set({ status: 'running', startedAt: new Date() }).where(eq(codeSubmissions.id, row.id));
      this.push(row.userId, { ...row, status: 'running' });
      outcome = await judge(
        this.sandbox,
        spec,
        row.code,
        tests.map((t) => ({ id: t.id, stdin: t.stdin, expectedStdout: t.expectedStdout, points: t.points })),
        { timeLimitMs: found.ex.timeLimitMs, memoryLimitMb: found.ex.memoryLimitMb },
        found.ex.compareMode,
        slot,
      );
    } catch (e) {
      if (e instanceof SandboxUnavailable) {
        await this.finishWithError(row, `Code cannot run on this server right now: ${e.message}.`);
        return;
      }
      throw e;
    } finally {
      this.slots.release(slot);
    }
    const byId = new Map(tests.map((t) => [t.id, t]));
    const results: StoredTestResult[] = outcome.tests.map((o) => {
      const t = byId.get(o.testId)!;
      const base = { testId: t.id, name: t.name, hidden: t.hidden, points: t.points, verdict: o.verdict, timeMs: o.timeMs, exitCode: o.exitCode, signal: o.signal };
      // a hidden test's data (input, expected and actual output) never leaves the server
      return t.hidden ? base : { ...base, stdin: t.stdin, expectedStdout: t.expectedStdout, stdout: o.stdout, stderr: o.stderr };
    });
    const done = await inTransaction(this.db, async (tx) => {
      const [updated] = await tx
        .update(codeSubmissions)
        .set({
          status: 'done',
          verdict: outcome.verdict,
          score: outcome.score,
          maxScore: outcome.maxScore,
          compileOutput: outcome.compileOutput,
          results,
          finishedAt: new Date(),
        })
        .where(and(eq(codeSubmissions.id, row.id), eq(codeSubmissions.status, 'running')))
        .returning();
      if (!updated) return null;
      if (row.mode === 'submit') {
        await this.events.emit(tx, CodeSubmissionJudged, {
          organizationId: row.organizationId,
          courseId: row.courseId,
          lessonId: row.lessonId,
          userId: row.userId,
          submissionId: row.id,
          verdict: outcome.verdict,
          score: outcome.score,
          maxScore: outcome.maxScore,
        });
        await this.reportGrade(tx, row);
        if (outcome.verdict === 'accepted') await this.completeLesson(tx, row);
      }
      return updated;
    });
    if (done) this.push(row.userId, done);
  }

  /** The exercise's grade is the learner's best submission so far (all tests passed = passed). */
  private async reportGrade(tx: Tx, row: SubmissionRow): Promise<void> {
    const [best] = await tx
      .select({ id: codeSubmissions.id, score: codeSubmissions.score, maxScore: codeSubmissions.maxScore, verdict: codeSubmissions.verdict, finishedAt: codeSubmissions.finishedAt })
      .from(codeSubmissions)
      .where(and(eq(codeSubmissions.lessonId, row.lessonId), eq(codeSubmissions.userId, row.userId), eq(codeSubmissions.mode, 'submit'), eq(codeSubmissions.status, 'done')))
      .orderBy(desc(codeSubmissions.score), desc(codeSubmissions.id))
      .limit(1);
    if (!best || best.score === null || best.maxScore === null) return;
    await this.events.emit(tx, GradeReported, {
      organizationId: row.organizationId,
      courseId: row.courseId,
      lessonId: row.lessonId,
      userId: row.userId,
      source: 'code',
      sourceId: best.id,
      score: best.score,
      maxScore: best.maxScore,
      passed: best.verdict === 'accepted',
      gradedAt: new Date().toISOString(),
    });
  }

  /** An accepted submission completes the lesson for an enrolled learner (staff trying it out are not enrolled). */
  private async completeLesson(tx: Tx, row: SubmissionRow): Promise<void> {
    const access = await this.learners.lessonAccess(row.userId, row.courseId, row.lessonId);
    if (!access.enrollmentId) return;
    await this.progress.recordLessonCompletion(tx, { userId: row.userId, courseId: row.courseId, lessonId: row.lessonId, source: 'code' });
  }

  private async finishWithError(row: SubmissionRow, error: string): Promise<void> {
    const [updated] = await this.db
      .update(codeSubmissions)
      .set({ status: 'error', error, finishedAt: new Date() })
      .where(eq(codeSubmissions.id, row.id))
      .returning();
    if (updated) this.push(row.userId, updated);
  }

  private push(userId: string, row: SubmissionRow): void {
    this.realtime.toUser(userId, SUBMISSION_EVENT, this.presentSubmission(row));
  }
}
