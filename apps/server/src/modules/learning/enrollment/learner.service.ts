import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, inArray, lt, ne, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { type RequestContext, requireUser, type UserContext } from '../../../kernel/auth/index.js';
import { DB, type Database } from '../../../kernel/db/index.js';
import { AppError, Forbidden, NotFound, Unprocessable } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { type CourseInfo, CoursesService, type LiveLesson } from '../courses/index.js';
import { cohorts, type EnrollmentRow, type EnrollmentStatus, enrollments, type LessonProgressRow, lessonProgress } from './enrollment.schema.js';
import type { ContinueTarget, LessonCompletion, LessonContent, LessonLock, MyEnrollment, Outline, OutlineLesson } from './learner.dto.js';
import { LearnerDirectory } from './learner-directory.js';
import { ProgressService } from './progress.service.js';
import {
  continueTarget,
  effectiveStatus,
  grantsAccess,
  type LearnerAccess,
  type LessonLock as Lock,
  lockOf,
  progressOf,
} from './progress.rules.js';
import { effectiveStatusIs } from './roster.service.js';

/** Lessons a learner marks complete themselves; other types report completion from their modules. */
const SELF_COMPLETED_TYPES = new Set(['text', 'link']);

type LockView = z.input<typeof LessonLock>;
type OutlineLessonView = z.input<typeof OutlineLesson>;

const LOCK_MESSAGES: Record<Lock['reason'], string> = {
  not_enrolled: 'Enroll in this course to open this lesson.',
  drip: 'This lesson is not available yet.',
  prerequisites: 'Complete the prerequisite lessons first.',
};

/** 403 with the lock (reason, availableAt or missing lessons) in the problem body. */
export class LessonLocked extends AppError {
  readonly status = 403;
  readonly title = 'Lesson locked';
  constructor(lock: Lock) {
    super('lesson_locked', LOCK_MESSAGES[lock.reason], undefined, { lock: presentLock(lock) });
  }
}

function presentLock(lock: Lock | null): LockView | null {
  if (!lock) return null;
  if (lock.reason === 'drip') return { reason: 'drip', availableAt: lock.availableAt.toISOString() };
  if (lock.reason === 'prerequisites') return { reason: 'prerequisites', missingLessonIds: lock.missingLessonIds };
  return { reason: 'not_enrolled' };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export interface LessonAccess {
  allowed: boolean;
  reason: 'course_not_visible' | 'lesson_not_found' | 'locked' | null;
  /** the enrollment granting access now, if any (null for preview-only access) */
  enrollmentId: string | null;
  lock: Lock | null;
  lesson: LiveLesson | null;
}

interface LearnerCourse {
  u: UserContext;
  course: CourseInfo;
  enrollment: EnrollmentRow | null;
  status: EnrollmentStatus | null;
  access: LearnerAccess;
  now: Date;
}

function enrollmentInfo(e: EnrollmentRow, status: EnrollmentStatus) {
  return { id: e.id, status, enrolledAt: e.enrolledAt.toISOString(), expiresAt: iso(e.expiresAt), completedAt: iso(e.completedAt), cohortId: e.cohortId };
}

function courseRef(c: CourseInfo) {
  return { id: c.id, organizationId: c.organizationId, title: c.title, slug: c.slug };
}

function lessonRef(l: LiveLesson) {
  return { id: l.id, title: l.title, type: l.type, sectionId: l.sectionId, sectionTitle: l.sectionTitle };
}

function completedSet(rows: Map<string, LessonProgressRow>): Set<string> {
  return new Set([...rows.values()].filter((r) => r.completedAt).map((r) => r.lessonId));
}

/** The learner side of a course: outline with lock state, content, resume point, progress. */
@Injectable()
export class LearnerService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly courses: CoursesService,
    private readonly progress: ProgressService,
    private readonly directory: LearnerDirectory,
  ) {}

  async outline(ctx: RequestContext, courseId: string): Promise<z.input<typeof Outline>> {
    const lc = await this.learnerCourse(ctx, courseId);
    const lessons = await this.courses.getLiveLessons(courseId);
    const rows = lc.enrollment ? await this.progress.rowsOf(this.db, lc.enrollment.id) : new Map<string, LessonProgressRow>();
    const done = completedSet(rows);
    const sections: z.input<typeof Outline>['sections'] = [];
    for (const l of lessons) {
      let s = sections[sections.length - 1];
      if (!s || s.id !== l.sectionId) {
        s = { id: l.sectionId, title: l.sectionTitle, position: l.sectionPosition, lessons: [] };
        sections.push(s);
      }
      s.lessons.push(this.lessonView(l, rows.get(l.id), lockOf(l, lc.access, done, lc.now)));
    }
    const p = progressOf(lessons, done);
    return {
      course: courseRef(lc.course),
      enrollment: lc.enrollment && lc.status ? enrollmentInfo(lc.enrollment, lc.status) : null,
      progress: { percent: p.percent, completedLessons: p.completedCount, totalLessons: p.totalCount },
      sections,
    };
  }

  /** A lesson's content when the learner may open it (enrolled and unlocked, or a preview lesson). */
  async lessonContent(ctx: RequestContext, courseId: string, lessonId: string): Promise<z.input<typeof LessonContent>> {
    const lc = await this.learnerCourse(ctx, courseId);
    const content = await this.courses.getLiveLessonContent(courseId, lessonId);
    if (!content) throw new NotFound('Lesson');
    const rows = lc.enrollment ? await this.progress.rowsOf(this.db, lc.enrollment.id) : new Map<string, LessonProgressRow>();
    const lock = lockOf(content, lc.access, completedSet(rows), lc.now);
    if (lock) throw new LessonLocked(lock);
    if (lc.enrollment && lc.access.enrolled) {
      await this.db
        .update(enrollments)
        .set({ lastLessonId: lessonId, lastActivityAt: lc.now })
        .where(eq(enrollments.id, lc.enrollment.id));
    }
    const { body, ...lesson } = content;
    return {
      courseId,
      lesson: { ...this.lessonView(lesson, rows.get(lessonId), null), sectionId: lesson.sectionId, sectionTitle: lesson.sectionTitle },
      body: { markdown: body.markdown, html: body.html, url: body.url, embedUrl: body.embedUrl },
    };
  }

  async continueTarget(ctx: RequestContext, courseId: string): Promise<z.input<typeof ContinueTarget>> {
    const lc = await this.learnerCourse(ctx, courseId);
    if (!lc.enrollment || !lc.access.enrolled) throw notEnrolled();
    const lessons = await this.courses.getLiveLessons(courseId);
    const rows = await this.progress.rowsOf(this.db, lc.enrollment.id);
    return this.presentContinue(courseId, lessons, lc.access, rows, lc.enrollment.lastLessonId, lc.now);
  }

  /** The learner marks a text or link lesson complete; repeating it changes nothing. */
  async complete(ctx: RequestContext, courseId: string, lessonId: string): Promise<z.input<typeof LessonCompletion>> {
    const lc = await this.learnerCourse(ctx, courseId);
    if (!lc.enrollment || !lc.access.enrolled) throw notEnrolled();
    const lesson = await this.openLesson(lc, lessonId);
    if (!SELF_COMPLETED_TYPES.has(lesson.type)) {
      throw new Unprocessable(
        `A ${lesson.type} lesson is completed by doing it (its player, quiz or submission reports completion), not by marking it.`,
        'completion_not_manual',
      );
    }
    const r = await this.db.transaction((tx) =>
      this.progress.recordLessonCompletion(tx, { userId: lc.u.actor.userId, courseId, lessonId, source: 'learner' }),
    );
    const [e] = await this.db.select({ status: enrollments.status, expiresAt: enrollments.expiresAt }).from(enrollments).where(eq(enrollments.id, r.enrollmentId));
    return {
      lessonId,
      completedAt: r.completedAt.toISOString(),
      newlyCompleted: r.newlyCompleted,
      courseCompleted: r.courseCompleted,
      enrollmentStatus: effectiveStatus(e!, new Date()),
      progress: r.progress,
    };
  }

  async savePosition(ctx: RequestContext, courseId: string, lessonId: string, position: number): Promise<{ lessonId: string; position: number; updatedAt: string }> {
    const lc = await this.learnerCourse(ctx, courseId);
    if (!lc.enrollment || !lc.access.enrolled) throw notEnrolled();
    await this.openLesson(lc, lessonId);
    const enrollment = lc.enrollment;
    const at = await this.db.transaction((tx) => this.progress.savePosition(tx, enrollment, lessonId, position));
    return { lessonId, position, updatedAt: at.toISOString() };
  }

  /** "My learning": the caller's enrollments (all organizations), newest first, revoked ones only on request. */
  async myEnrollments(ctx: RequestContext, q: { limit: number; cursor?: string; status?: EnrollmentStatus }): Promise<Page<z.input<typeof MyEnrollment>>> {
    const u = requireUser(ctx);
    const now = new Date();
    const conds: SQL[] = [eq(enrollments.userId, u.actor.userId)];
    conds.push(q.status ? effectiveStatusIs(q.status, now) : ne(enrollments.status, 'revoked'));
    const cursor = decodeCursor(q.cursor, 1);
    if (cursor) conds.push(lt(enrollments.id, String(cursor[0])));
    const rows = await this.db
      .select({ e: enrollments, cohortStartsAt: cohorts.startsAt })
      .from(enrollments)
      .leftJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
      .where(and(...conds))
      .orderBy(desc(enrollments.id))
      .limit(q.limit + 1);
    const pageRows = rows.slice(0, q.limit);
    const progressRows = pageRows.length
      ? await this.db.select().from(lessonProgress).where(inArray(lessonProgress.enrollmentId, pageRows.map((r) => r.e.id)))
      : [];
    const views = new Map<string, z.input<typeof MyEnrollment>>();
    for (const { e, cohortStartsAt } of pageRows) {
      const course = await this.courses.getCourseInfo(e.courseId);
      if (!course) continue; // the course was deleted: nothing left to show
      const lessons = await this.courses.getLiveLessons(e.courseId);
      const mine = new Map(progressRows.filter((p) => p.enrollmentId === e.id).map((p) => [p.lessonId, p]));
      const status = effectiveStatus(e, now);
      const access: LearnerAccess = { enrolled: grantsAccess(status), dripBase: cohortStartsAt ?? e.enrolledAt };
      const p = progressOf(lessons, completedSet(mine));
      const last = e.lastLessonId ? lessons.find((l) => l.id === e.lastLessonId) : undefined;
      views.set(e.id, {
        enrollment: enrollmentInfo(e, status),
        course: courseRef(course),
        progress: { percent: p.percent, completedLessons: p.completedCount, totalLessons: p.totalCount },
        lastLesson: last ? lessonRef(last) : null,
        lastActivityAt: iso(e.lastActivityAt),
        continue: access.enrolled ? this.presentContinue(e.courseId, lessons, access, mine, e.lastLessonId, now) : null,
      });
    }
    const page = toPage(rows, q.limit, (r) => [r.e.id], (r) => views.get(r.e.id));
    return { items: page.items.filter((v): v is z.input<typeof MyEnrollment> => v !== undefined), nextCursor: page.nextCursor };
  }

  /**
   * For the modules behind other lesson types (video, quiz, assignment, code): may this user open
   * this lesson of the live version now? Same rules as the learner endpoints: enrolled with access
   * and unlocked, or a preview lesson of a course they can see.
   */
  async lessonAccess(userId: string, courseId: string, lessonId: string): Promise<LessonAccess> {
    const lc = await this.courseFor(userId, courseId);
    if (!lc) return { allowed: false, reason: 'course_not_visible', enrollmentId: null, lock: null, lesson: null };
    const lessons = await this.courses.getLiveLessons(courseId);
    const lesson = lessons.find((l) => l.id === lessonId) ?? null;
    if (!lesson) return { allowed: false, reason: 'lesson_not_found', enrollmentId: lc.enrollment?.id ?? null, lock: null, lesson: null };
    const done = lc.enrollment ? await this.progress.completedLessonIds(this.db, lc.enrollment.id) : new Set<string>();
    const lock = lockOf(lesson, lc.access, done, lc.now);
    return {
      allowed: lock === null,
      reason: lock ? 'locked' : null,
      enrollmentId: lc.access.enrolled ? lc.enrollment!.id : null,
      lock,
      lesson,
    };
  }

  // ---- helpers ----

  /**
   * The course as this learner sees it. Visible when they hold a (non-revoked) enrollment, or the
   * course is published and public, or published for an organization they belong to.
   */
  private async learnerCourse(ctx: RequestContext, courseId: string): Promise<LearnerCourse> {
    const u = requireUser(ctx);
    const lc = await this.courseFor(u.actor.userId, courseId);
    if (!lc) throw new NotFound('Course');
    return { ...lc, u };
  }

  private async courseFor(userId: string, courseId: string): Promise<Omit<LearnerCourse, 'u'> | null> {
    const now = new Date();
    const course = await this.courses.getCourseInfo(courseId);
    if (!course) return null;
    const [row] = await this.db
      .select({ e: enrollments, cohortStartsAt: cohorts.startsAt })
      .from(enrollments)
      .leftJoin(cohorts, eq(cohorts.id, enrollments.cohortId))
      .where(and(eq(enrollments.courseId, courseId), eq(enrollments.userId, userId)));
    const status = row ? effectiveStatus(row.e, now) : null;
    const enrolled = status !== null && grantsAccess(status);
    let visible = status !== null && status !== 'revoked';
    if (!visible && course.status === 'published') {
      visible = course.visibility === 'public' || (await this.directory.isMember(userId, course.organizationId));
    }
    if (!visible) return null;
    return {
      course,
      enrollment: row?.e ?? null,
      status,
      access: { enrolled, dripBase: enrolled ? (row!.cohortStartsAt ?? row!.e.enrolledAt) : null },
      now,
    };
  }

  /** The live lesson, refusing locked ones. */
  private async openLesson(lc: LearnerCourse, lessonId: string): Promise<LiveLesson> {
    const lessons = await this.courses.getLiveLessons(lc.course.id);
    const lesson = lessons.find((l) => l.id === lessonId);
    if (!lesson) throw new NotFound('Lesson');
    const done = lc.enrollment ? await this.progress.completedLessonIds(this.db, lc.enrollment.id) : new Set<string>();
    const lock = lockOf(lesson, lc.access, done, lc.now);
    if (lock) throw new LessonLocked(lock);
    return lesson;
  }

  private lessonView(l: LiveLesson, p: LessonProgressRow | undefined, lock: Lock | null): OutlineLessonView {
    return {
      id: l.id,
      title: l.title,
      type: l.type,
      position: l.position,
      isPreview: l.isPreview,
      required: l.required,
      durationSeconds: l.durationSeconds,
      completed: !!p?.completedAt,
      completedAt: iso(p?.completedAt ?? null),
      lastPosition: p?.position ?? null,
      locked: lock !== null,
      lock: presentLock(lock),
    };
  }

  private presentContinue(
    courseId: string,
    lessons: LiveLesson[],
    access: LearnerAccess,
    rows: Map<string, LessonProgressRow>,
    lastLessonId: string | null,
    now: Date,
  ): z.input<typeof ContinueTarget> {
    const t = continueTarget(lessons, access, completedSet(rows), lastLessonId, now);
    return {
      courseId,
      reason: t.reason,
      lesson: t.lesson ? lessonRef(t.lesson) : null,
      lock: presentLock(t.lock),
      lastPosition: t.lesson ? (rows.get(t.lesson.id)?.position ?? null) : null,
    };
  }
}

function notEnrolled(): Forbidden {
  return new Forbidden('You are not enrolled in this course (or your access has ended).', 'not_enrolled');
}
