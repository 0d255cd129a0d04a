import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { and, count, desc, eq, lt, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { type RequestContext, requireOrg, requireUser } from '../../../kernel/auth/index.js';
import { DB, type Database, inTransaction, type Tx } from '../../../kernel/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { STORAGE, type Storage, UploadService } from '../../../kernel/storage/index.js';
import { type CourseInfo, CoursesService, renderMarkdown } from '../courses/index.js';
import { LearnerService } from '../enrollment/index.js';
import type { Attempt, AttemptSummary, PutQuiz, Quiz, SavedQuizAnswerDto } from './assessments.dto.js';
import { CloseAttemptJob } from './assessments.jobs.js';
import { type FrozenItem, type QuizItemSource, quizAttempts, quizzes } from './assessments.schema.js';
import { AttemptGrader, type AttemptRow, type QuizRow } from './attempt-grader.service.js';
import { BanksService } from './banks.service.js';
import { redactForLearner, shufflableIds, shuffle, wordLimitErrors } from './grading.js';
import type { Answer, Question } from './questions.model.js';

/** Types a file response accepts when its question lists none. */
const ANY_FILE = ['application/pdf', 'image/png', 'image/jpeg', 'image/webp', 'image/gif', 'text/plain', 'application/zip'] as const;

/**
 * Quizzes on `quiz` lessons and the attempts learners make. The server owns the clock: an
 * attempt's deadline is fixed when it starts, answers after it are refused, and a job scheduled at
 * the deadline closes and grades an attempt left open.
 */
@Injectable()
export class QuizzesService {
  /** the random source for draws and shuffles (tests may replace it) */
  random: () => number = Math.random;

  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly jobs: JobsService,
    private readonly courses: CoursesService,
    private readonly learners: LearnerService,
    private readonly banks: BanksService,
    private readonly grader: AttemptGrader,
    private readonly uploads: UploadService,
    @Inject(STORAGE) private readonly storage: Storage,
  ) {}

  private async editableCourse(ctx: RequestContext, courseId: string): Promise<CourseInfo> {
    const o = requireOrg(ctx);
    const course = await this.courses.getCourseInfo(courseId);
    if (!course || course.organizationId !== o.membership.orgId) throw new NotFound('Course');
    if (!this.courses.canEditCourse(ctx, course)) throw new Forbidden('You may not edit this course.', 'missing_permission');
    return course;
  }

  /** Staff of the course (same organization), or a learner allowed into the lesson now. */
  private async access(ctx: RequestContext, courseId: string, lessonId: string): Promise<{ course: CourseInfo; staff: boolean }> {
    const u = requireUser(ctx);
    const course = await this.courses.getCourseInfo(courseId);
    if (!course) throw new NotFound('Course');
    const sameOrg = course.organizationId === ctx.membership?.orgId;
    if (sameOrg && (this.courses.canTeachCourse(ctx, course) || this.courses.canEditCourse(ctx, course))) return { course, staff: true };
    const access = await this.learners.lessonAccess(u.actor.userId, courseId, lessonId);
    if (access.reason === 'course_not_visible') throw new NotFound('Course');
    if (access.reason === 'lesson_not_found') throw new NotFound('Lesson');
    if (!access.allowed) throw new Forbidden('This lesson is locked for you: enroll or complete what comes before it first.', 'lesson_locked');
    return { course, staff: false };
  }

  private async quizRow(courseId: string, lessonId: string, db: Database | Tx = this.db): Promise<QuizRow> {
    const [quiz] = await db
      .select()
      .from(quizzes)
      .where(and(eq(quizzes.lessonId, lessonId), eq(quizzes.courseId, courseId)));
    if (!quiz) throw new NotFound('Quiz');
    return quiz;
  }

  // ---- authoring ----

  async putQuiz(ctx: RequestContext, courseId: string, lessonId: string, body: z.output<typeof PutQuiz>): Promise<z.input<typeof Quiz>> {
    const course = await this.editableCourse(ctx, courseId);
    const lesson = await this.courses.getDraftLessonRef(courseId, lessonId);
    if (!lesson) throw new NotFound('Lesson');
    if (lesson.type !== 'quiz') throw new Invalid(`The lesson is a ${lesson.type} lesson; quizzes belong to quiz lessons.`, [], 'not_a_quiz_lesson');
    const orgId = course.organizationId;
    // every listed question and bank must be this course's or the organization's
    const qIds = body.items.flatMap((i) => (i.kind === 'question' ? [i.questionId] : []));
    const bIds = body.items.flatMap((i) => (i.kind === 'draw' ? [i.bankId] : []));
    const qs = await this.banks.questionsByIds(this.db, orgId, qIds);
    const bankIds = [...new Set([...bIds, ...qs.map((q) => q.bankId)])];
    const banks = new Map((await this.banks.bankRows(this.db, orgId, bankIds)).map((b) => [b.id, b]));
    const errors: { field: string; message: string }[] = [];
    body.items.forEach((item, i) => {
      const bankId = item.kind === 'draw' ? item.bankId : qs.find((q) => q.id === item.questionId)?.bankId;
      const bank = bankId ? banks.get(bankId) : undefined;
      if (!bank || !this.banks.usableInCourse(bank, courseId, orgId)) {
        errors.push({ field: `body.items.${i}`, message: item.kind === 'draw' ? 'no such bank in this course or organization' : 'no such question in this course or organization' });
      }
    });
    if (new Set(qIds).size !== qIds.length) errors.push({ field: 'body.items', message: 'a question is listed twice' });
    if (errors.length) throw new Invalid('Some quiz items are not usable here.', errors, 'invalid_quiz_items');
    const values = {
      instructions: body.instructions,
      timeLimitSeconds: body.timeLimitSeconds,
      attemptsAllowed: body.attemptsAllowed,
      keepPolicy: body.keepPolicy,
      passingScore: body.passingScore,
      shuffleQuestions: body.shuffleQuestions,
      shuffleOptions: body.shuffleOptions,
      drawCount: body.drawCount,
      opensAt: body.opensAt ? new Date(body.opensAt) : null,
      closesAt: body.closesAt ? new Date(body.closesAt) : null,
      feedbackTiming: body.feedbackTiming,
      showCorrectAnswers: body.showCorrectAnswers,
      items: body.items as QuizItemSource[],
      updatedBy: ctx.actor!.userId,
    };
    await this.db
      .insert(quizzes)
      .values({ organizationId: orgId, courseId, lessonId, ...values })
      .onConflictDoUpdate({ target: quizzes.lessonId, set: { ...values, updatedAt: new Date() } });
    return this.getQuiz(ctx, courseId, lessonId);
  }

  async getQuiz(ctx: RequestContext, courseId: string, lessonId: string): Promise<z.input<typeof Quiz>> {
    const { staff } = await this.access(ctx, courseId, lessonId);
    const quiz = await this.quizRow(courseId, lessonId);
    const userId = ctx.actor!.userId;
    const [used] = await this.db
      .select({ n: count() })
      .from(quizAttempts)
      .where(and(eq(quizAttempts.quizId, quiz.id), eq(quizAttempts.userId, userId)));
    const [open] = await this.db
      .select({ id: quizAttempts.id })
      .from(quizAttempts)
      .where(and(eq(quizAttempts.quizId, quiz.id), eq(quizAttempts.userId, userId), eq(quizAttempts.status, 'in_progress')));
    const kept = await this.grader.keptGrade(this.db, quiz, userId);
    const n = used?.n ?? 0;
    const now = Date.now();
    return {
      id: quiz.id,
      courseId: quiz.courseId,
      lessonId: quiz.lessonId,
      instructions: quiz.instructions,
      instructionsHtml: renderMarkdown(quiz.instructions),
      timeLimitSeconds: quiz.timeLimitSeconds,
      attemptsAllowed: quiz.attemptsAllowed,
      keepPolicy: quiz.keepPolicy,
      passingScore: quiz.passingScore,
      shuffleQuestions: quiz.shuffleQuestions,
      shuffleOptions: quiz.shuffleOptions,
      drawCount: quiz.drawCount,
      opensAt: quiz.opensAt?.toISOString() ?? null,
      closesAt: quiz.closesAt?.toISOString() ?? null,
      feedbackTiming: quiz.feedbackTiming,
      showCorrectAnswers: quiz.showCorrectAnswers,
      items: staff ? quiz.items : [],
      questionCount: await this.poolSize(quiz),
      attemptsUsed: n,
      attemptsLeft: quiz.attemptsAllowed === null ? null : Math.max(0, quiz.attemptsAllowed - n),
      isOpen: (!quiz.opensAt || quiz.opensAt.getTime() <= now) && (!quiz.closesAt || quiz.closesAt.getTime() > now),
      openAttemptId: open?.id ?? null,
      keptScore: kept?.score ?? null,
      maxScore: kept?.maxScore ?? null,
      staff,
      updatedAt: quiz.updatedAt.toISOString(),
    };
  }

  private async poolSize(quiz: QuizRow): Promise<number> {
    let n = 0;
    for (const item of quiz.items) {
      if (item.kind === 'question') n++;
      else n += Math.min(item.count, (await this.banks.poolOf(this.db, item.bankId, item.tag)).length);
    }
    return quiz.drawCount ? Math.min(quiz.drawCount, n) : n;
  }

  // ---- attempts ----

  /** The questions of a new attempt: the pool resolved, drawn and shuffled, then frozen. */
  private async drawItems(tx: Tx, quiz: QuizRow): Promise<FrozenItem[]> {
    const qIds = quiz.items.flatMap((i) => (i.kind === 'question' ? [i.questionId] : []));
    const explicit = new Map((await this.banks.questionsByIds(tx, quiz.organizationId, qIds)).map((q) => [q.id, q]));
    const picked: FrozenItem[] = [];
    const seen = new Set<string>();
    for (const src of quiz.items) {
      if (src.kind === 'question') {
        const q = explicit.get(src.questionId);
        if (!q || seen.has(q.id)) continue;
        seen.add(q.id);
        picked.push({ questionId: q.id, bankId: q.bankId, question: q.data, points: src.points ?? q.data.points });
      } else {
        const pool = (await this.banks.poolOf(tx, src.bankId, src.tag)).filter((q) => !seen.has(q.id));
        for (const q of shuffle(pool, this.random).slice(0, src.count)) {
          seen.add(q.id);
          picked.push({ questionId: q.id, bankId: q.bankId, question: q.data, points: src.points ?? q.data.points });
        }
      }
    }
    let items = picked;
    if (quiz.drawCount && quiz.drawCount < items.length) {
      // keep the authored order among the drawn ones unless questions are shuffled too
      const chosen = new Set(shuffle(items, this.random).slice(0, quiz.drawCount).map((i) => i.questionId));
      items = items.filter((i) => chosen.has(i.questionId));
    }
    if (quiz.shuffleQuestions) items = shuffle(items, this.random);
    return items.map((i) => {
      const ids = shufflableIds(i.question);
      const scramble = ids && (i.question.type === 'ordering' || i.question.type === 'matching' || quiz.shuffleOptions);
      return scramble ? { ...i, optionOrder: shuffle(ids, this.random) } : i;
    });
  }

  /**
   * Starts an attempt, or returns the one still running. Checks the lesson access, the window and
   * the attempts left; the deadline is the time limit from now, and never after the close date.
   */
  async start(ctx: RequestContext, courseId: string, lessonId: string): Promise<z.input<typeof Attempt>> {
    const { course, staff } = await this.access(ctx, courseId, lessonId);
    const userId = ctx.actor!.userId;
    const row = await inTransaction(this.db, async (tx) => {
      const quiz = await this.quizRow(courseId, lessonId, tx);
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${'quiz-attempt:' + quiz.id + ':' + userId}))`);
      const mine = await tx
        .select()
        .from(quizAttempts)
        .where(and(eq(quizAttempts.quizId, quiz.id), eq(quizAttempts.userId, userId)))
        .orderBy(desc(quizAttempts.number));
      const running = mine.find((a) => a.status === 'in_progress');
      if (running && (!running.deadline || running.deadline.getTime() > Date.now())) return running;
      if (running) await this.grader.close(tx, running, true);
      const now = new Date();
      if (quiz.opensAt && now < quiz.opensAt) throw new Conflict(`The quiz opens at ${quiz.opensAt.toISOString()}.`, 'quiz_not_open', { opensAt: quiz.opensAt.toISOString() });
      if (quiz.closesAt && now >= quiz.closesAt) throw new Conflict('The quiz has closed.', 'quiz_closed');
      if (quiz.attemptsAllowed !== null && mine.length >= quiz.attemptsAllowed) {
        throw new Conflict(`You have used all ${quiz.attemptsAllowed} attempt(s) of this quiz.`, 'no_attempts_left');
      }
      const items = await this.drawItems(tx, quiz);
      if (!items.length) throw new Conflict('This quiz has no questions yet.', 'quiz_empty');
      const limitEnd = quiz.timeLimitSeconds ? now.getTime() + quiz.timeLimitSeconds * 1000 : null;
      const closeEnd = quiz.closesAt?.getTime() ?? null;
      const ends = [limitEnd, closeEnd].filter((x): x is number => x !== null);
      const deadline = ends.length ? new Date(Math.min(...ends)) : null;
      const [a] = await tx
        .insert(quizAttempts)
        .values({
          organizationId: course.organizationId,
          courseId,
          lessonId,
          quizId: quiz.id,
          userId,
          number: (mine[0]?.number ?? 0) + 1,
          startedAt: now,
          deadline,
          items,
          maxScore: items.reduce((s, i) => s + i.points, 0),
        })
        .returning();
      if (deadline) await this.jobs.enqueue(tx, CloseAttemptJob, { attemptId: a!.id }, { runAt: deadline, jobKey: `quiz-close:${a!.id}` });
      return a!;
    });
    const quiz = await this.quizRow(courseId, lessonId);
    return this.present(row, quiz, staff);
  }

  /** The attempt for its learner or the course's staff; anyone else gets 404. */
  private async readable(ctx: RequestContext, attemptId: string): Promise<{ a: AttemptRow; quiz: QuizRow; staff: boolean; owner: boolean }> {
    const u = requireUser(ctx);
    const [a] = await this.db.select().from(quizAttempts).where(eq(quizAttempts.id, attemptId));
    if (!a) throw new NotFound('Attempt');
    const owner = a.userId === u.actor.userId;
    let staff = false;
    if (a.organizationId === ctx.membership?.orgId) {
      const course = await this.courses.getCourseInfo(a.courseId);
      staff = !!course && (this.courses.canTeachCourse(ctx, course) || this.courses.canEditCourse(ctx, course));
    }
    if (!owner && !staff) throw new NotFound('Attempt');
    const [quiz] = await this.db.select().from(quizzes).where(eq(quizzes.id, a.quizId));
    return { a, quiz: quiz!, staff, owner };
  }

  async get(ctx: RequestContext, attemptId: string): Promise<z.input<typeof Attempt>> {
    const { a, quiz, staff } = await this.readable(ctx, attemptId);
    return this.present(a, quiz, staff);
  }

  async list(ctx: RequestContext, courseId: string, lessonId: string, q: { limit: number; cursor?: string; userId?: string }): Promise<Page<z.input<typeof AttemptSummary>>> {
    const { staff } = await this.access(ctx, courseId, lessonId);
    const quiz = await this.quizRow(courseId, lessonId);
    const me = ctx.actor!.userId;
    if (!staff && q.userId && q.userId !== me) throw new Forbidden("Only the course's staff see other learners' attempts.", 'missing_permission');
    const userId = staff ? q.userId : me;
    const cursor = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(quizAttempts)
      .where(
        and(
          eq(quizAttempts.quizId, quiz.id),
          userId ? eq(quizAttempts.userId, userId) : undefined,
          cursor ? lt(quizAttempts.id, String(cursor[0])) : undefined,
        ),
      )
      .orderBy(desc(quizAttempts.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.id], (r) => {
      const { items: _items, ...summary } = this.present(r, quiz, staff);
      return summary;
    });
  }

  /** An open attempt of the caller's, before its deadline (409 after it). */
  private async writable(ctx: RequestContext, attemptId: string, tx: Tx): Promise<AttemptRow> {
    const u = requireUser(ctx);
    const [a] = await tx.select().from(quizAttempts).where(eq(quizAttempts.id, attemptId)).for('update');
    if (!a || a.userId !== u.actor.userId) throw new NotFound('Attempt');
    if (a.status !== 'in_progress') throw new Conflict('This attempt is closed.', 'attempt_closed');
    return a;
  }

  private pastDeadline(a: AttemptRow): boolean {
    return a.deadline !== null && Date.now() >= a.deadline.getTime();
  }

  private checkAnswer(item: FrozenItem, answer: Answer, attemptId: string): void {
    const q = item.question;
    if (answer.type !== q.type) throw new Invalid(`This is a ${q.type} question.`, [{ field: 'body.answer.type', message: `must be ${q.type}` }], 'answer_type_mismatch');
    if (answer.type === 'file_response' && !answer.fileId.startsWith(this.filePrefix(attemptId, item.questionId) + '/')) {
      throw new Invalid('Upload the file to this attempt first.', [{ field: 'body.answer.fileId', message: 'not a file uploaded to this attempt' }], 'invalid_file');
    }
  }

  private filePrefix(attemptId: string, questionId: string): string {
    return `quiz-attempts/${attemptId}/${questionId}`;
  }

  /** Autosave of one answer; refused (409) once the deadline has passed. */
  async saveAnswer(ctx: RequestContext, attemptId: string, questionId: string, answer: Answer): Promise<z.input<typeof SavedQuizAnswerDto.schema>> {
    return (await this.storeAnswer(ctx, attemptId, questionId, answer)).saved;
  }

  private async storeAnswer(ctx: RequestContext, attemptId: string, questionId: string, answer: Answer): Promise<{ saved: z.input<typeof SavedQuizAnswerDto.schema>; previous: Answer | undefined }> {
    return inTransaction(this.db, async (tx) => {
      const a = await this.writable(ctx, attemptId, tx);
      if (this.pastDeadline(a)) throw new Conflict('Time is up: the attempt can no longer be changed.', 'attempt_deadline_passed');
      const item = a.items.find((i) => i.questionId === questionId);
      if (!item) throw new NotFound('Question in this attempt');
      this.checkAnswer(item, answer, attemptId);
      const savedAt = new Date().toISOString();
      await tx
        .update(quizAttempts)
        .set({ answers: { ...a.answers, [questionId]: answer }, answersSavedAt: { ...a.answersSavedAt, [questionId]: savedAt }, updatedAt: new Date() })
        .where(eq(quizAttempts.id, attemptId));
      return { saved: { questionId, savedAt, deadline: a.deadline?.toISOString() ?? null }, previous: a.answers[questionId] };
    });
  }

  /** Uploads a file response and saves it as the answer (multipart field `file`). */
  async uploadAnswer(ctx: RequestContext, attemptId: string, questionId: string, req: FastifyRequest): Promise<z.input<typeof SavedQuizAnswerDto.schema>> {
    const u = requireUser(ctx);
    const [a] = await this.db.select().from(quizAttempts).where(eq(quizAttempts.id, attemptId));
    if (!a || a.userId !== u.actor.userId) throw new NotFound('Attempt');
    if (a.status !== 'in_progress') throw new Conflict('This attempt is closed.', 'attempt_closed');
    if (this.pastDeadline(a)) throw new Conflict('Time is up: the attempt can no longer be changed.', 'attempt_deadline_passed');
    const item = a.items.find((i) => i.questionId === questionId);
    if (!item) throw new NotFound('Question in this attempt');
    if (item.question.type !== 'file_response') throw new Invalid('This question does not take a file.', [], 'answer_type_mismatch');
    const q: Question & { type: 'file_response' } = item.question;
    const file = await this.uploads.receive(req, { allowed: q.allowedTypes.length ? q.allowedTypes : ANY_FILE, keyPrefix: this.filePrefix(attemptId, questionId), maxBytes: q.maxBytes });
    let stored: Awaited<ReturnType<QuizzesService['storeAnswer']>>;
    try {
      stored = await this.storeAnswer(ctx, attemptId, questionId, { type: 'file_response', fileId: file.key });
    } catch (err) {
      // not saved (closed or timed out meanwhile): the upload must not linger
      await this.storage.delete(file.key).catch(() => undefined);
      throw err;
    }
    // a new file replaces the old one: the attempt keeps only the file its answer points at
    const prev = stored.previous;
    if (prev?.type === 'file_response' && prev.fileId !== file.key) await this.storage.delete(prev.fileId).catch(() => undefined);
    return stored.saved;
  }

  /** The learner submits; the attempt is closed and graded (code answers in a job, essays by a person). */
  async submit(ctx: RequestContext, attemptId: string): Promise<z.input<typeof Attempt>> {
    const row = await inTransaction(this.db, async (tx) => {
      const a = await this.writable(ctx, attemptId, tx);
      const late = this.pastDeadline(a);
      // word limits hold the learner's own submit; after the deadline nothing can be edited any more
      if (!late) this.checkWordLimits(a);
      // after the deadline the saved answers are what counts, exactly as the deadline job would grade them
      return this.grader.close(tx, a, late);
    });
    const { quiz, staff } = await this.readable(ctx, row.id);
    return this.present(row, quiz, staff);
  }

  private checkWordLimits(a: AttemptRow): void {
    const bad = wordLimitErrors(a.items, a.answers);
    if (!bad.length) return;
    throw new Invalid(
      bad.length === 1 ? 'An essay is outside its word limit.' : `${bad.length} essays are outside their word limits.`,
      bad.map((e) => ({
        field: `answers.${e.questionId}`,
        message:
          e.minWords !== undefined && e.words < e.minWords
            ? `Write at least ${e.minWords} words (this answer has ${e.words}).`
            : `Write at most ${e.maxWords} words (this answer has ${e.words}).`,
      })),
      'essay_word_limit',
    );
  }

  // ---- presenting ----

  /** What the caller may see: learners get no key until the feedback policy allows it. */
  present(a: AttemptRow, quiz: QuizRow, staff: boolean): z.input<typeof Attempt> {
    const now = Date.now();
    const closed = a.status !== 'in_progress';
    const feedbackVisible =
      staff || (closed && (quiz.feedbackTiming === 'immediately' || (quiz.feedbackTiming === 'after_close' && !!quiz.closesAt && now >= quiz.closesAt.getTime())));
    const showCorrect = staff || (feedbackVisible && quiz.showCorrectAnswers);
    const scoreFinal = a.status === 'graded';
    return {
      id: a.id,
      quizId: a.quizId,
      courseId: a.courseId,
      lessonId: a.lessonId,
      userId: a.userId,
      number: a.number,
      status: a.status,
      startedAt: a.startedAt.toISOString(),
      deadline: a.deadline?.toISOString() ?? null,
      serverNow: new Date(now).toISOString(),
      submittedAt: a.submittedAt?.toISOString() ?? null,
      autoSubmitted: a.autoSubmitted,
      score: scoreFinal ? a.score : null,
      maxScore: a.maxScore,
      passed: scoreFinal ? a.passed : null,
      feedbackVisible,
      pendingManual: Object.values(a.results).filter((r) => r.status === 'pending_manual').length,
      items: a.items.map((i) => {
        const r = a.results[i.questionId];
        const fb = i.question.feedback ?? {};
        const right = r?.status === 'graded' && r.score !== null && r.score >= r.maxScore;
        const text = [r?.status === 'graded' ? (right ? fb.correct : fb.incorrect) : undefined, fb.general].filter(Boolean).join('\n\n');
        return {
          questionId: i.questionId,
          points: i.points,
          question: staff ? { ...i.question, points: i.points, optionOrder: i.optionOrder } : { ...redactForLearner(i.question, i.optionOrder), points: i.points },
          answer: a.answers[i.questionId] ?? null,
          savedAt: a.answersSavedAt[i.questionId] ?? null,
          result:
            feedbackVisible && r
              ? { status: r.status, score: r.score, maxScore: r.maxScore, comment: r.comment ?? null, feedback: text || null, passed: r.passed ?? null, total: r.total ?? null }
              : null,
          correct: showCorrect ? i.question : null,
        };
      }),
    };
  }
}
