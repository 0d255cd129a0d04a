import { Inject, Injectable, Logger } from '@nestjs/common';
import { and, asc, eq, gt, ne, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { type RequestContext, requireOrg } from '../../../kernel/auth/index.js';
import { DB, type Database, inTransaction, type Tx } from '../../../kernel/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../kernel/errors/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { UrlSigner } from '../../../kernel/storage/index.js';
import { CodeRunnerService } from '../code-runner/index.js';
import { CoursesService } from '../courses/index.js';
import { LearnerService, ProgressService } from '../enrollment/index.js';
import { GradeReported } from '../learning.events.js';
import type { GradingItem } from './assessments.dto.js';
import { BanksService } from './banks.service.js';
import { CloseAttemptJob, GradeCodeAnswersJob } from './assessments.jobs.js';
import { type ItemResult, questionKeyChanges, quizAttempts, quizzes } from './assessments.schema.js';
import { answerKey, codeFraction, gradeAnswer, keptScore, pointsOf } from './grading.js';
import { MANUALLY_GRADED, type Question } from './questions.model.js';

export type AttemptRow = typeof quizAttempts.$inferSelect;
export type QuizRow = typeof quizzes.$inferSelect;

/**
 * Closing and grading attempts: objective items at close, code items in a job through the code
 * runner's sandbox, essays and files by a person from the grading queue, and regrades after an
 * answer key changes. Every change reports the quiz's kept grade (GradeReported) and a passing
 * grade completes the lesson.
 */
@Injectable()
export class AttemptGrader {
  private readonly log = new Logger('assessments');

  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly jobs: JobsService,
    private readonly events: EventBus,
    private readonly courses: CoursesService,
    private readonly learners: LearnerService,
    private readonly progress: ProgressService,
    private readonly runner: CodeRunnerService,
    private readonly signer: UrlSigner,
    private readonly banks: BanksService,
  ) {}

  /** Grades what can be graded now; the rest waits for the code job or a person. */
  gradeItems(a: AttemptRow, only?: string): Record<string, ItemResult> {
    const results: Record<string, ItemResult> = { ...a.results };
    for (const item of a.items) {
      if (only && item.questionId !== only) continue;
      const prev = results[item.questionId];
      const answer = a.answers[item.questionId];
      if (MANUALLY_GRADED.has(item.question.type)) {
        // a manual grade already given stays; an unanswered essay or file earns 0 without a grader
        if (prev?.status === 'graded' && prev.gradedBy) continue;
        results[item.questionId] = answer
          ? { status: 'pending_manual', score: null, maxScore: item.points }
          : { status: 'graded', score: 0, maxScore: item.points, comment: null };
      } else if (item.question.type === 'code') {
        results[item.questionId] =
          answer && answer.type === 'code' && answer.code.trim()
            ? { status: 'pending_code', score: null, maxScore: item.points }
            : { status: 'graded', score: 0, maxScore: item.points, passed: 0, total: item.question.tests.length };
      } else {
        results[item.questionId] = { status: 'graded', score: pointsOf(gradeAnswer(item.question, answer) ?? 0, item.points), maxScore: item.points };
      }
    }
    return results;
  }

  /** Score, passed and status from the item results. */
  private totals(quiz: QuizRow, a: AttemptRow, results: Record<string, ItemResult>) {
    const rs = a.items.map((i) => results[i.questionId]);
    const pending = rs.some((r) => !r || r.status !== 'graded');
    if (pending) return { status: 'grading' as const, score: null, passed: null, gradedAt: null };
    const score = Math.round(rs.reduce((s, r) => s + (r!.score ?? 0), 0) * 100) / 100;
    const pct = a.maxScore > 0 ? (score / a.maxScore) * 100 : 100;
    return { status: 'graded' as const, score, passed: pct + 1e-9 >= quiz.passingScore, gradedAt: new Date() };
  }

  private async quizOf(tx: Tx, quizId: string): Promise<QuizRow> {
    const [quiz] = await tx.select().from(quizzes).where(eq(quizzes.id, quizId));
    return quiz!;
  }

  private async lockAttempt(tx: Tx, attemptId: string): Promise<AttemptRow | undefined> {
    const [a] = await tx.select().from(quizAttempts).where(eq(quizAttempts.id, attemptId)).for('update');
    return a;
  }

  /** Writes results, recomputes the score, enqueues code grading when needed, reports the grade. */
  private async store(tx: Tx, quiz: QuizRow, a: AttemptRow, results: Record<string, ItemResult>, extra: Partial<AttemptRow> = {}): Promise<AttemptRow> {
    const t = this.totals(quiz, a, results);
    const [updated] = await tx
      .update(quizAttempts)
      .set({ ...extra, results, status: t.status, score: t.score, passed: t.passed, gradedAt: t.gradedAt, updatedAt: new Date() })
      .where(eq(quizAttempts.id, a.id))
      .returning();
    if (Object.values(results).some((r) => r.status === 'pending_code')) {
      await this.jobs.enqueue(tx, GradeCodeAnswersJob, { attemptId: a.id }, { jobKey: `quiz-code:${a.id}` });
    }
    await this.reportGrade(tx, quiz, a.userId);
    return updated!;
  }

  /** Closes an open attempt (the learner submitted, or its deadline passed) and grades it. */
  async close(tx: Tx, a: AttemptRow, auto: boolean): Promise<AttemptRow> {
    const quiz = await this.quizOf(tx, a.quizId);
    const submittedAt = auto && a.deadline ? a.deadline : new Date();
    return this.store(tx, quiz, a, this.gradeItems(a), { submittedAt, autoSubmitted: auto });
  }

  /** The deadline job. Idempotent: an attempt already closed is left alone; one not yet due waits. */
  async closeAtDeadline(attemptId: string): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const a = await this.lockAttempt(tx, attemptId);
      if (!a || a.status !== 'in_progress' || !a.deadline) return;
      if (a.deadline.getTime() > Date.now()) {
        // woken early (a clock change): sleep again until the deadline
        await this.jobs.enqueue(tx, CloseAttemptJob, { attemptId }, { runAt: a.deadline, jobKey: `quiz-close:${attemptId}` });
        return;
      }
      await this.close(tx, a, true);
    });
  }

  /**
   * The code job: judges each pending code answer in the sandbox (outside any transaction), then
   * stores the scores. Idempotent: only items still pending are judged and written.
   */
  async gradeCode(attemptId: string): Promise<void> {
    const [a] = await this.db.select().from(quizAttempts).where(eq(quizAttempts.id, attemptId));
    if (!a) return;
    const pending = a.items.filter((i) => a.results[i.questionId]?.status === 'pending_code');
    const judged: Record<string, { passed: number; total: number }> = {};
    for (const item of pending) {
      const q = item.question;
      const answer = a.answers[item.questionId];
      if (q.type !== 'code' || answer?.type !== 'code') continue;
      // SandboxUnavailable propagates: the job fails and graphile-worker retries it with backoff
      const r = await this.runner.judgeCode({
        language: q.language,
        code: answer.code,
        tests: q.tests,
        timeLimitMs: q.timeLimitMs,
        memoryLimitMb: q.memoryLimitMb,
        compareMode: q.compareMode,
      });
      judged[item.questionId] = { passed: r.passed, total: r.total };
    }
    if (!Object.keys(judged).length) return;
    await inTransaction(this.db, async (tx) => {
      const fresh = await this.lockAttempt(tx, attemptId);
      if (!fresh) return;
      const results = { ...fresh.results };
      let changed = false;
      for (const [qid, r] of Object.entries(judged)) {
        const item = fresh.items.find((i) => i.questionId === qid);
        if (!item || results[qid]?.status !== 'pending_code') continue;
        results[qid] = { status: 'graded', score: pointsOf(codeFraction(r.passed, r.total), item.points), maxScore: item.points, passed: r.passed, total: r.total };
        changed = true;
      }
      if (changed) await this.store(tx, await this.quizOf(tx, fresh.quizId), fresh, results);
    });
  }

  // ---- the manual grading queue ----

  private async teachableCourse(ctx: RequestContext, courseId: string) {
    const o = requireOrg(ctx);
    const course = await this.courses.getCourseInfo(courseId);
    if (!course || course.organizationId !== o.membership.orgId) throw new NotFound('Course');
    if (!this.courses.canTeachCourse(ctx, course) && !this.courses.canEditCourse(ctx, course)) {
      throw new Forbidden("Only the course's instructors grade its quizzes.", 'missing_permission');
    }
    return course;
  }

  /** Essays and file responses waiting for a grader, oldest submission first (a page of attempts). */
  async queue(ctx: RequestContext, courseId: string, q: { limit: number; cursor?: string; lessonId?: string }): Promise<Page<z.input<typeof GradingItem>>> {
    const course = await this.teachableCourse(ctx, courseId);
    const cursor = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(quizAttempts)
      .where(
        and(
          eq(quizAttempts.organizationId, course.organizationId),
          eq(quizAttempts.courseId, courseId),
          eq(quizAttempts.status, 'grading'),
          q.lessonId ? eq(quizAttempts.lessonId, q.lessonId) : undefined,
          sql`jsonb_path_exists(${quizAttempts.results}, '$.* ? (@.status == "pending_manual")')`,
          cursor ? gt(quizAttempts.id, String(cursor[0])) : undefined,
        ),
      )
      .orderBy(asc(quizAttempts.id))
      .limit(q.limit + 1);
    const page = toPage(rows, q.limit, (r) => [r.id], (r) => r);
    const items = page.items.flatMap((a) =>
      a.items
        .filter((i) => a.results[i.questionId]?.status === 'pending_manual')
        .map((i) => {
          const answer = a.answers[i.questionId] ?? null;
          return {
            attemptId: a.id,
            questionId: i.questionId,
            lessonId: a.lessonId,
            quizId: a.quizId,
            userId: a.userId,
            attemptNumber: a.number,
            submittedAt: a.submittedAt?.toISOString() ?? null,
            question: i.question,
            answer,
            fileUrl: answer?.type === 'file_response' ? this.signer.sign(answer.fileId, { ttlSeconds: 3600 }) : null,
            maxScore: i.points,
          };
        }),
    );
    return { items, nextCursor: page.nextCursor };
  }

  /** A grader scores one essay or file response; when it was the last one the score is final. */
  async gradeManual(ctx: RequestContext, attemptId: string, questionId: string, body: { points: number; comment: string }): Promise<AttemptRow> {
    const o = requireOrg(ctx);
    const [peek] = await this.db
      .select()
      .from(quizAttempts)
      .where(and(eq(quizAttempts.id, attemptId), eq(quizAttempts.organizationId, o.membership.orgId)));
    if (!peek) throw new NotFound('Attempt');
    await this.teachableCourse(ctx, peek.courseId);
    return inTransaction(this.db, async (tx) => {
      const a = (await this.lockAttempt(tx, attemptId))!;
      const item = a.items.find((i) => i.questionId === questionId);
      if (!item) throw new NotFound('Question in this attempt');
      if (!MANUALLY_GRADED.has(item.question.type)) throw new Conflict('Only essays and file responses are graded by hand.', 'not_manually_graded');
      if (a.status === 'in_progress') throw new Conflict('The attempt is still in progress.', 'attempt_in_progress');
      const prev = a.results[questionId];
      if (!prev || (prev.status !== 'pending_manual' && !prev.gradedBy)) throw new Conflict('There is nothing to grade here: the question was not answered.', 'nothing_to_grade');
      if (body.points > item.points) {
        throw new Invalid(`At most ${item.points} points.`, [{ field: 'body.points', message: `at most ${item.points}` }], 'too_many_points');
      }
      const results = {
        ...a.results,
        [questionId]: { status: 'graded' as const, score: body.points, maxScore: item.points, comment: body.comment || null, gradedBy: o.actor.userId, gradedAt: new Date().toISOString() },
      };
      return this.store(tx, await this.quizOf(tx, a.quizId), a, results);
    });
  }

  // ---- regrading ----

  /**
   * The regrade job for one audited key change: every attempt holding the question gets the new key
   * in its frozen copy (wording and option order stay as the learner saw them); closed attempts are
   * graded again. Idempotent: applying the current key twice gives the same grades.
   */
  async regrade(changeId: string): Promise<void> {
    const [change] = await this.db.select().from(questionKeyChanges).where(eq(questionKeyChanges.id, changeId));
    if (!change) return;
    const current = (await this.banks.questionsByIds(this.db, change.organizationId, [change.questionId]))[0]?.data;
    if (!current) return;
    const key = answerKey(current);
    const ids = await this.db
      .select({ id: quizAttempts.id })
      .from(quizAttempts)
      .where(
        and(
          eq(quizAttempts.organizationId, change.organizationId),
          sql`${quizAttempts.items} @> ${JSON.stringify([{ questionId: change.questionId }])}::jsonb`,
        ),
      );
    let affected = 0;
    for (const { id } of ids) {
      await inTransaction(this.db, async (tx) => {
        const a = await this.lockAttempt(tx, id);
        if (!a) return;
        const items = a.items.map((i) => (i.questionId === change.questionId && i.question.type === current.type ? { ...i, question: { ...i.question, ...key } as Question } : i));
        const withKey = { ...a, items };
        affected++;
        if (a.status === 'in_progress') {
          await tx.update(quizAttempts).set({ items, updatedAt: new Date() }).where(eq(quizAttempts.id, id));
          return;
        }
        const results = this.gradeItems(withKey, change.questionId);
        await this.store(tx, await this.quizOf(tx, a.quizId), withKey, results, { items });
      });
    }
    await this.db.update(questionKeyChanges).set({ attemptsAffected: affected, regradedAt: new Date() }).where(eq(questionKeyChanges.id, changeId));
    this.log.log(`regraded ${affected} attempt(s) after a key change of question ${change.questionId}`);
  }

  // ---- the grade that counts ----

  /** The kept grade over a learner's closed attempts (null score while it waits for grading). */
  async keptGrade(db: Tx | Database, quiz: QuizRow, userId: string): Promise<{ score: number | null; maxScore: number; passed: boolean | null; sourceId: string } | null> {
    const closed = await db
      .select()
      .from(quizAttempts)
      .where(and(eq(quizAttempts.quizId, quiz.id), eq(quizAttempts.userId, userId), ne(quizAttempts.status, 'in_progress')))
      .orderBy(asc(quizAttempts.number));
    if (!closed.length) return null;
    const latest = closed[closed.length - 1]!;
    const final = closed.filter((c) => c.status === 'graded');
    if ((quiz.keepPolicy === 'latest' && latest.status !== 'graded') || !final.length) {
      return { score: null, maxScore: latest.maxScore, passed: null, sourceId: latest.id };
    }
    const kept = keptScore(quiz.keepPolicy, final.map((f) => ({ score: f.score ?? 0, maxScore: f.maxScore })))!;
    const source =
      quiz.keepPolicy === 'highest' ? final.reduce((b, f) => ((f.score ?? 0) / (f.maxScore || 1) > (b.score ?? 0) / (b.maxScore || 1) ? f : b)) : final[final.length - 1]!;
    const pct = kept.maxScore > 0 ? (kept.score / kept.maxScore) * 100 : 100;
    return { score: kept.score, maxScore: kept.maxScore, passed: pct + 1e-9 >= quiz.passingScore, sourceId: source.id };
  }

  private async reportGrade(tx: Tx, quiz: QuizRow, userId: string): Promise<void> {
    const g = await this.keptGrade(tx, quiz, userId);
    if (!g) return;
    await this.events.emit(tx, GradeReported, {
      organizationId: quiz.organizationId,
      courseId: quiz.courseId,
      lessonId: quiz.lessonId,
      userId,
      source: 'quiz',
      sourceId: g.sourceId,
      score: g.score,
      maxScore: g.maxScore,
      passed: g.passed,
      gradedAt: new Date().toISOString(),
    });
    if (g.passed) {
      // staff trying the quiz out are not enrolled; a learner whose access ended keeps the grade only
      const access = await this.learners.lessonAccess(userId, quiz.courseId, quiz.lessonId);
      if (access.enrollmentId) await this.progress.recordLessonCompletion(tx, { userId, courseId: quiz.courseId, lessonId: quiz.lessonId, source: 'quiz' });
    }
  }
}
