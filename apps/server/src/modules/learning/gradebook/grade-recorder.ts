import { Inject, Injectable, Logger } from '@nestjs/common';
import { and, eq, sql } from 'drizzle-orm';
import { DB, type Database, inTransaction, type Tx } from '../../../kernel/db/index.js';
import { EventBus, type EventDef } from '../../../kernel/events/index.js';
import { UsersService } from '../../identity/index.js';
import { CoursesService } from '../courses/index.js';
import { EnrollmentService, LearnerService, ProgressService } from '../enrollment/index.js';
import { type EnrollmentCreated, type EnrollmentRevoked, GradebookRequirementsPassed, type GradeReported } from '../learning.events.js';
import { gradebookCompletions, gradebookGrades, gradebookItems, gradebookLearners } from './gradebook.schema.js';
import { GradebookStore } from './gradebook.store.js';
import { computeLearner } from './grading.js';

type Payload<E> = E extends EventDef<infer P> ? P : never;

/** Serialises every gradebook write for one learner in one course (reports, overrides). */
export async function lockLearner(tx: Tx, courseId: string, userId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`gradebook:${courseId}:${userId}`}))`);
}

/**
 * The gradebook's subscribers: grades (GradeReported), and its read model of a course's learners
 * (enrollment and profile events). Each runs inside the event's transaction with its receipt, so
 * a redelivered event changes nothing.
 */
@Injectable()
export class GradeRecorder {
  private readonly log = new Logger('gradebook');

  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly enrollment: EnrollmentService,
    private readonly events: EventBus,
    private readonly store: GradebookStore,
    private readonly courses: CoursesService,
    private readonly learners: LearnerService,
    private readonly progress: ProgressService,
    private readonly users: UsersService,
  ) {}

  /**
   * Keeps the newest report per lesson and learner: a report whose `gradedAt` is older than the
   * stored one is ignored; on a tie the later arrival wins.
   */
  async onGradeReported(tx: Tx, e: Payload<typeof GradeReported>, eventId: string): Promise<void> {
    const course = await this.courses.getCourseInfo(e.courseId, tx);
    if (!course || course.organizationId !== e.organizationId) {
      this.log.warn(`grade for lesson ${e.lessonId} names course ${e.courseId} outside organization ${e.organizationId}: ignored`);
      return;
    }
    await lockLearner(tx, e.courseId, e.userId);
    const values = {
      source: e.source,
      sourceId: e.sourceId,
      score: e.score === null ? null : String(e.score),
      maxScore: String(e.maxScore),
      passed: e.passed,
      gradedAt: new Date(e.gradedAt),
      eventId,
      receivedAt: new Date(),
    };
    const stored = await tx
      .insert(gradebookGrades)
      .values({ organizationId: e.organizationId, courseId: e.courseId, lessonId: e.lessonId, userId: e.userId, ...values })
      .onConflictDoUpdate({
        target: [gradebookGrades.lessonId, gradebookGrades.userId],
        set: values,
        setWhere: sql`${gradebookGrades.gradedAt} <= excluded.graded_at`,
      })
      .returning({ id: gradebookGrades.id });
    if (!stored.length) return; // an older report than the one kept
    await this.store.load(tx, course); // makes sure the item row exists
    await tx
      .update(gradebookItems)
      .set({ knownMaxScore: String(e.maxScore), updatedAt: new Date() })
      .where(and(eq(gradebookItems.courseId, e.courseId), eq(gradebookItems.lessonId, e.lessonId)));
    await this.settle(tx, course, e.userId);
  }

  /**
   * After a learner's grades change: every passed graded item completes its lesson (graded items
   * are lessons), and once every required item is passed the gradebook records its completion
   * signal (once) and emits GradebookRequirementsPassed. Course completion stays in enrollment.
   */
  async settle(tx: Tx, course: { id: string; organizationId: string }, userId: string): Promise<void> {
    const loaded = await this.store.load(tx, course);
    const data = (await this.store.learnerData(tx, course.id, [userId])).get(userId)!;
    const result = computeLearner(loaded.rules, data.input, new Date());
    const passedLessons = result.items.filter((i) => i.passed && i.status !== 'excluded').map((i) => i.lessonId);
    for (const lessonId of passedLessons) {
      const access = await this.learners.lessonAccess(userId, course.id, lessonId);
      if (!access.enrollmentId) continue; // staff trying it out, or access ended
      await this.progress.recordLessonCompletion(tx, { userId, courseId: course.id, lessonId, source: 'gradebook' });
    }
    if (result.requiredItems > 0 && result.requiredItemsPassed) {
      const fresh = await tx
        .insert(gradebookCompletions)
        .values({ organizationId: course.organizationId, courseId: course.id, userId })
        .onConflictDoNothing()
        .returning({ completedAt: gradebookCompletions.completedAt });
      if (fresh.length) {
        await this.events.emit(tx, GradebookRequirementsPassed, {
          organizationId: course.organizationId,
          courseId: course.id,
          userId,
          requiredItems: result.requiredItems,
          passedAt: fresh[0]!.completedAt.toISOString(),
        });
      }
    }
  }

  // ---- the read model of learners ----

  async onEnrolled(tx: Tx, e: Payload<typeof EnrollmentCreated>): Promise<void> {
    const me = await this.users.me(e.userId, tx);
    await tx
      .insert(gradebookLearners)
      .values({ organizationId: e.organizationId, courseId: e.courseId, userId: e.userId, enrollmentId: e.enrollmentId, name: me.name, email: me.email.toLowerCase() })
      .onConflictDoUpdate({
        target: [gradebookLearners.courseId, gradebookLearners.userId],
        set: { enrollmentId: e.enrollmentId, name: me.name, email: me.email.toLowerCase(), active: true },
      });
  }

  /**
   * Adds the course's learners the read model lacks (enrolled before the gradebook heard of
   * them), a page per transaction. Rows already there, active or not, are left alone: enrollment
   * events keep those current.
   */
  async backfillLearners(course: { courseId: string; organizationId: string }, pageSize = 500): Promise<number> {
    let after: string | undefined;
    let added = 0;
    for (;;) {
      const page = await this.enrollment.courseLearners(this.db, course.courseId, { limit: pageSize, afterId: after });
      const mine = page.filter((l) => l.organizationId === course.organizationId);
      if (mine.length) {
        added += await inTransaction(this.db, async (tx) => {
          const rows = await tx
            .insert(gradebookLearners)
            .values(mine.map((l) => ({ organizationId: l.organizationId, courseId: course.courseId, userId: l.userId, enrollmentId: l.enrollmentId, name: l.name, email: l.email.toLowerCase(), enrolledAt: l.enrolledAt })))
            .onConflictDoNothing({ target: [gradebookLearners.courseId, gradebookLearners.userId] })
            .returning({ id: gradebookLearners.id });
          return rows.length;
        });
      }
      if (page.length < pageSize) return added;
      after = page.at(-1)!.enrollmentId;
    }
  }

  async onRevoked(tx: Tx, e: Payload<typeof EnrollmentRevoked>): Promise<void> {
    await tx
      .update(gradebookLearners)
      .set({ active: false })
      .where(and(eq(gradebookLearners.courseId, e.courseId), eq(gradebookLearners.userId, e.userId)));
  }

  async onRenamed(tx: Tx, userId: string, name: string): Promise<void> {
    await tx.update(gradebookLearners).set({ name }).where(eq(gradebookLearners.userId, userId));
  }
}
