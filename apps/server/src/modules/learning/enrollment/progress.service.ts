import { Injectable } from '@nestjs/common';
import { and, count, eq, inArray, isNotNull } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../kernel/db/index.js';
import { Forbidden, NotFound } from '../../../kernel/errors/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { CoursesService, type LiveLesson } from '../courses/index.js';
import { CourseCompleted, LessonCompleted } from '../learning.events.js';
import { type EnrollmentRow, enrollments, type LessonProgressRow, lessonProgress } from './enrollment.schema.js';
import { countedLessons, effectiveStatus, grantsAccess, isCourseComplete, progressOf } from './progress.rules.js';

export interface LessonCompletionInput {
  userId: string;
  courseId: string;
  lessonId: string;
  /** who reports it: `learner`, or the module of the lesson type (`video`, `quiz`, `assignment`, `code`, ...) */
  source: string;
}

export interface LessonCompletionResult {
  enrollmentId: string;
  lessonId: string;
  completedAt: Date;
  /** false when the lesson was already complete (nothing changed, no event) */
  newlyCompleted: boolean;
  /** true only for the call that completed the course */
  courseCompleted: boolean;
  progress: { percent: number; completedLessons: number; totalLessons: number };
}

export interface ProgressSummary {
  percent: number;
  completedLessons: number;
  totalLessons: number;
}

/** Lesson completion, positions and course progress. */
@Injectable()
export class ProgressService {
  constructor(
    private readonly events: EventBus,
    private readonly courses: CoursesService,
  ) {}

  /**
   * Marks a lesson of the live version complete for an enrolled learner, inside the caller's
   * transaction. The enrollment row is locked first, so concurrent completions of one learner's
   * course run one after another: LessonCompleted is emitted once per lesson and CourseCompleted
   * once per enrollment (when its last counted lesson completes).
   */
  async recordLessonCompletion(tx: Tx, input: LessonCompletionInput): Promise<LessonCompletionResult> {
    const now = new Date();
    const [enr] = await tx
      .select()
      .from(enrollments)
      .where(and(eq(enrollments.courseId, input.courseId), eq(enrollments.userId, input.userId)))
      .for('update');
    if (!enr || !grantsAccess(effectiveStatus(enr, now))) {
      throw new Forbidden('You are not enrolled in this course (or your access has ended).', 'not_enrolled');
    }
    const lessons = await this.courses.getLiveLessons(input.courseId, tx);
    if (!lessons.some((l) => l.id === input.lessonId)) throw new NotFound('Lesson');

    const [existing] = await tx
      .select()
      .from(lessonProgress)
      .where(and(eq(lessonProgress.enrollmentId, enr.id), eq(lessonProgress.lessonId, input.lessonId)));
    let completedAt = existing?.completedAt ?? null;
    const newlyCompleted = completedAt === null;
    if (newlyCompleted) {
      completedAt = now;
      if (existing) {
        await tx
          .update(lessonProgress)
          .set({ completedAt: now, completionSource: input.source })
          .where(eq(lessonProgress.id, existing.id));
      } else {
        await tx.insert(lessonProgress).values({
          organizationId: enr.organizationId,
          enrollmentId: enr.id,
          userId: enr.userId,
          courseId: enr.courseId,
          lessonId: input.lessonId,
          completedAt: now,
          completionSource: input.source,
        });
      }
      await this.events.emit(tx, LessonCompleted, {
        organizationId: enr.organizationId,
        courseId: enr.courseId,
        lessonId: input.lessonId,
        userId: enr.userId,
        enrollmentId: enr.id,
      });
    }

    const done = await this.completedLessonIds(tx, enr.id);
    let courseCompleted = false;
    const patch: Partial<EnrollmentRow> = { lastLessonId: input.lessonId, lastActivityAt: now };
    if (enr.completedAt === null && isCourseComplete(lessons, done)) {
      courseCompleted = true;
      patch.completedAt = now;
      if (enr.status === 'active') patch.status = 'completed';
      await this.events.emit(tx, CourseCompleted, {
        organizationId: enr.organizationId,
        courseId: enr.courseId,
        userId: enr.userId,
        enrollmentId: enr.id,
        completedAt: now.toISOString(),
      });
    }
    await tx.update(enrollments).set(patch).where(eq(enrollments.id, enr.id));
    const p = progressOf(lessons, done);
    return {
      enrollmentId: enr.id,
      lessonId: input.lessonId,
      completedAt: completedAt!,
      newlyCompleted,
      courseCompleted,
      progress: { percent: p.percent, completedLessons: p.completedCount, totalLessons: p.totalCount },
    };
  }

  /** Saves where the learner is in a lesson (seconds of media, or a scroll percentage). */
  async savePosition(tx: Tx, enr: EnrollmentRow, lessonId: string, position: number): Promise<Date> {
    const now = new Date();
    await tx
      .insert(lessonProgress)
      .values({
        organizationId: enr.organizationId,
        enrollmentId: enr.id,
        userId: enr.userId,
        courseId: enr.courseId,
        lessonId,
        position,
        positionUpdatedAt: now,
      })
      .onConflictDoUpdate({
        target: [lessonProgress.enrollmentId, lessonProgress.lessonId],
        set: { position, positionUpdatedAt: now, updatedAt: now },
      });
    await tx.update(enrollments).set({ lastLessonId: lessonId, lastActivityAt: now }).where(eq(enrollments.id, enr.id));
    return now;
  }

  async completedLessonIds(db: DbOrTx, enrollmentId: string): Promise<Set<string>> {
    const rows = await db
      .select({ lessonId: lessonProgress.lessonId })
      .from(lessonProgress)
      .where(and(eq(lessonProgress.enrollmentId, enrollmentId), isNotNull(lessonProgress.completedAt)));
    return new Set(rows.map((r) => r.lessonId));
  }

  async rowsOf(db: DbOrTx, enrollmentId: string): Promise<Map<string, LessonProgressRow>> {
    const rows = await db.select().from(lessonProgress).where(eq(lessonProgress.enrollmentId, enrollmentId));
    return new Map(rows.map((r) => [r.lessonId, r]));
  }

  /** Progress of many enrollments of ONE course against its live lessons, in one query. */
  async progressOfMany(db: DbOrTx, lessons: readonly LiveLesson[], enrollmentIds: readonly string[]): Promise<Map<string, ProgressSummary>> {
    const counted = countedLessons(lessons).map((l) => l.id);
    const out = new Map<string, ProgressSummary>();
    for (const id of enrollmentIds) out.set(id, { percent: 0, completedLessons: 0, totalLessons: counted.length });
    if (!enrollmentIds.length || !counted.length) return out;
    const rows = await db
      .select({ enrollmentId: lessonProgress.enrollmentId, done: count() })
      .from(lessonProgress)
      .where(
        and(
          inArray(lessonProgress.enrollmentId, [...enrollmentIds]),
          inArray(lessonProgress.lessonId, counted),
          isNotNull(lessonProgress.completedAt),
        ),
      )
      .groupBy(lessonProgress.enrollmentId);
    for (const r of rows) {
      out.set(r.enrollmentId, { percent: Math.floor((r.done * 100) / counted.length), completedLessons: r.done, totalLessons: counted.length });
    }
    return out;
  }
}
