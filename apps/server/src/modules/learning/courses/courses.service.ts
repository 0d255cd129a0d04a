import { Inject, Injectable } from '@nestjs/common';
import { and, eq } from 'drizzle-orm';
import type { RequestContext } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx } from '../../../kernel/db/index.js';
import { CourseStore } from './course-store.js';
import * as policy from './courses.policy.js';
import { courseDraftLessons, courses } from './courses.schema.js';
import type { SnapshotLesson, SnapshotSection } from './courses.snapshot.js';
import type { CourseInfo, LessonType, LiveLesson, LiveLessonContent } from './courses.types.js';

function liveLessonOf(section: SnapshotSection, lesson: SnapshotLesson): LiveLesson {
  return {
    id: lesson.id,
    sectionId: section.id,
    sectionTitle: section.title,
    sectionPosition: section.position,
    position: lesson.position,
    title: lesson.title,
    type: lesson.type,
    isPreview: lesson.isPreview,
    required: lesson.required,
    dripDays: lesson.dripDays,
    dripDate: lesson.dripDate ? new Date(lesson.dripDate) : null,
    prerequisiteLessonIds: [...lesson.prerequisiteLessonIds],
    durationSeconds: lesson.durationSeconds,
  };
}

/**
 * The courses module's door for other modules: course facts, the live (published) curriculum and
 * the per-course policy. Editing lives in CourseEditorService, CurriculumService and
 * PublishingService inside this module.
 */
@Injectable()
export class CoursesService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly store: CourseStore,
  ) {}

  /** Course settings and status; null when no such course. Callers compare `organizationId` to scope. */
  async getCourseInfo(courseId: string, db: DbOrTx = this.db): Promise<CourseInfo | null> {
    const [row] = await db.select().from(courses).where(eq(courses.id, courseId));
    if (!row) return null;
    return this.store.infoOf(row, await this.store.instructorIdsOf(courseId, db), db);
  }

  /** The lessons of the published version in outline order (empty when never published). */
  async getLiveLessons(courseId: string, db: DbOrTx = this.db): Promise<LiveLesson[]> {
    const snap = await this.store.liveSnapshot(courseId, db);
    if (!snap) return [];
    return snap.sections.flatMap((s) => s.lessons.map((l) => liveLessonOf(s, l)));
  }

  /** One lesson of the published version with its content; null when absent from the live version. */
  async getLiveLessonContent(courseId: string, lessonId: string, db: DbOrTx = this.db): Promise<LiveLessonContent | null> {
    const snap = await this.store.liveSnapshot(courseId, db);
    if (!snap) return null;
    for (const s of snap.sections) {
      const l = s.lessons.find((x) => x.id === lessonId);
      if (l) return { ...liveLessonOf(s, l), body: { ...l.body } };
    }
    return null;
  }

  /**
   * The type and title of a lesson in the course's draft curriculum (what instructors edit), null
   * when the draft has no such lesson. Lesson-type modules (code, quiz, ...) attach their content to it.
   */
  async getDraftLessonRef(courseId: string, lessonId: string, db: DbOrTx = this.db): Promise<{ id: string; type: LessonType; title: string } | null> {
    const [row] = await db
      .select({ id: courseDraftLessons.id, type: courseDraftLessons.type, title: courseDraftLessons.title })
      .from(courseDraftLessons)
      .where(and(eq(courseDraftLessons.courseId, courseId), eq(courseDraftLessons.id, lessonId)));
    return row ?? null;
  }

  canEditCourse(ctx: RequestContext, course: CourseInfo): boolean {
    return policy.canEditCourse(ctx, course);
  }

  canTeachCourse(ctx: RequestContext, course: CourseInfo): boolean {
    return policy.canTeachCourse(ctx, course);
  }

  /** The ids of the organization's published courses (billing grants them to whole-catalog plans). */
  async publishedCourseIds(organizationId: string, db: DbOrTx = this.db): Promise<string[]> {
    const rows = await db
      .select({ id: courses.id })
      .from(courses)
      .where(and(eq(courses.organizationId, organizationId), eq(courses.status, 'published')))
      .orderBy(courses.id);
    return rows.map((r) => r.id);
  }
}
