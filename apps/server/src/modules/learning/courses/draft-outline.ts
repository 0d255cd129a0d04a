import { asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../kernel/db/index.js';
import { courseDraftLessons, courseDraftSections, courseDrafts, courses } from './courses.schema.js';
import type { z } from 'zod';
import type { LessonSummaryOut, SectionOut } from './courses.dto.js';
import { renderMarkdown } from './courses.markdown.js';
import type { CourseSnapshot } from './courses.snapshot.js';

export type DraftSectionRow = typeof courseDraftSections.$inferSelect;
export type DraftLessonRow = typeof courseDraftLessons.$inferSelect;

export interface DraftOutline {
  sections: DraftSectionRow[];
  lessons: DraftLessonRow[];
}

/** The draft curriculum of a course, sections and lessons each in outline order. */
export async function loadDraftOutline(db: DbOrTx, courseId: string): Promise<DraftOutline> {
  // sequential: `db` may be a transaction, whose single connection runs one query at a time
  const sections = await db
    .select()
    .from(courseDraftSections)
    .where(eq(courseDraftSections.courseId, courseId))
    .orderBy(asc(courseDraftSections.position), asc(courseDraftSections.id));
  const lessons = await db
    .select()
    .from(courseDraftLessons)
    .where(eq(courseDraftLessons.courseId, courseId))
    .orderBy(asc(courseDraftLessons.position), asc(courseDraftLessons.id));
  return { sections, lessons };
}

export function presentLessonSummary(l: DraftLessonRow): z.infer<typeof LessonSummaryOut> {
  return {
    id: l.id,
    sectionId: l.sectionId,
    position: l.position,
    title: l.title,
    type: l.type,
    isPreview: l.isPreview,
    required: l.required,
    dripDays: l.dripDays,
    dripDate: l.dripDate?.toISOString() ?? null,
    prerequisiteLessonIds: l.prerequisiteLessonIds,
    durationSeconds: l.durationSeconds,
  };
}

export function presentOutline(o: DraftOutline): z.infer<typeof SectionOut>[] {
  return o.sections.map((s) => ({
    id: s.id,
    title: s.title,
    position: s.position,
    lessons: o.lessons.filter((l) => l.sectionId === s.id).map(presentLessonSummary),
  }));
}

/** Any draft edit: the editor view then reports unpublished changes. */
export async function markDraftChanged(db: DbOrTx, courseId: string): Promise<void> {
  await db
    .update(courseDrafts)
    .set({ hasUnpublishedChanges: true, updatedAt: sql`now()` })
    .where(eq(courseDrafts.courseId, courseId));
  await db.update(courses).set({ updatedAt: new Date() }).where(eq(courses.id, courseId));
}

/** A draft's course fields as learners (snapshot) and editors see them, markdown rendered and sanitized. */
export function draftCourseDetails(draft: typeof courseDrafts.$inferSelect): CourseSnapshot['course'] {
  return {
    title: draft.title,
    subtitle: draft.subtitle,
    description: draft.description,
    descriptionHtml: renderMarkdown(draft.description),
    language: draft.language,
    level: draft.level,
    category: draft.category,
    tags: draft.tags,
    coverKey: draft.coverKey,
  };
}
