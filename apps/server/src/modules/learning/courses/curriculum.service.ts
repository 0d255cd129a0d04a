import { Inject, Injectable } from '@nestjs/common';
import { and, eq, gte, sql } from 'drizzle-orm';
import type { RequestContext } from '../../../kernel/auth/index.js';
import { DB, type Database, type Tx, inTransaction } from '../../../kernel/db/index.js';
import { type FieldError, Invalid, NotFound } from '../../../kernel/errors/index.js';
import { renderMarkdown } from './courses.markdown.js';
import { CourseStore } from './course-store.js';
import * as policy from './courses.policy.js';
import { courseDraftLessons, courseDraftSections } from './courses.schema.js';
import type { DraftLessonBody } from './courses.snapshot.js';
import type { LessonType } from './courses.types.js';
import { LESSON_BODIES } from './curriculum.dto.js';
import type { DraftLessonView } from './curriculum.dto.js';
import { type DraftLessonRow, type DraftOutline, loadDraftOutline, markDraftChanged, presentLessonSummary, presentOutline } from './draft-outline.js';

export interface LessonInput {
  title?: string;
  type?: LessonType;
  body?: DraftLessonBody;
  isPreview?: boolean;
  required?: boolean;
  dripDays?: number | null;
  dripDate?: string | null;
  prerequisiteLessonIds?: string[];
  durationSeconds?: number | null;
  position?: number;
}

const DEFAULT_BODY: Record<LessonType, DraftLessonBody> = {
  text: { markdown: '' },
  link: {},
  video: {},
  document: {},
  quiz: {},
  assignment: {},
  code: {},
};

/** True when following prerequisites from `start` leads back to it. */
export function hasCycleThrough(edges: ReadonlyMap<string, readonly string[]>, start: string): boolean {
  const seen = new Set<string>();
  const stack = [...(edges.get(start) ?? [])];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === start) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(edges.get(id) ?? []));
  }
  return false;
}

function sameSet(given: readonly string[], actual: readonly string[]): boolean {
  if (given.length !== actual.length || new Set(given).size !== given.length) return false;
  const a = new Set(actual);
  return given.every((id) => a.has(id));
}

/** Postgres uuid[] literal from already-validated UUIDs. */
const uuidArray = (ids: readonly string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;

/** Sections and lessons of a course's draft. Every change locks the course row, then marks the draft changed. */
@Injectable()
export class CurriculumService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly store: CourseStore,
  ) {}

  private edit<T>(ctx: RequestContext, courseId: string, fn: (tx: Tx, orgId: string) => Promise<T>): Promise<T> {
    return inTransaction(this.db, async (tx) => {
      const { row } = await this.store.loadScoped(ctx, courseId, tx, policy.canEditCourse, { lock: true, action: 'edit' });
      const out = await fn(tx, row.organizationId);
      await markDraftChanged(tx, courseId);
      return out;
    });
  }

  // ---------- sections ----------

  addSection(ctx: RequestContext, courseId: string, input: { title: string; position?: number }) {
    return this.edit(ctx, courseId, async (tx, orgId) => {
      const count = await this.count(tx, courseDraftSections, courseDraftSections.courseId, courseId);
      const position = Math.min(input.position ?? count, count);
      await tx
        .update(courseDraftSections)
        .set({ position: sql`${courseDraftSections.position} + 1` })
        .where(and(eq(courseDraftSections.courseId, courseId), gte(courseDraftSections.position, position)));
      const [s] = await tx.insert(courseDraftSections).values({ organizationId: orgId, courseId, title: input.title, position }).returning();
      return { id: s!.id, title: s!.title, position: s!.position };
    });
  }

  updateSection(ctx: RequestContext, courseId: string, sectionId: string, input: { title: string }) {
    return this.edit(ctx, courseId, async (tx) => {
      const [s] = await tx
        .update(courseDraftSections)
        .set({ title: input.title })
        .where(and(eq(courseDraftSections.id, sectionId), eq(courseDraftSections.courseId, courseId)))
        .returning();
      if (!s) throw new NotFound('Section');
      return { id: s.id, title: s.title, position: s.position };
    });
  }

  /** Deletes a section with its lessons; they also stop being prerequisites of other lessons. */
  deleteSection(ctx: RequestContext, courseId: string, sectionId: string): Promise<void> {
    return this.edit(ctx, courseId, async (tx) => {
      const [s] = await tx
        .select()
        .from(courseDraftSections)
        .where(and(eq(courseDraftSections.id, sectionId), eq(courseDraftSections.courseId, courseId)));
      if (!s) throw new NotFound('Section');
      const gone = await tx.select({ id: courseDraftLessons.id }).from(courseDraftLessons).where(eq(courseDraftLessons.sectionId, sectionId));
      await tx.delete(courseDraftSections).where(eq(courseDraftSections.id, sectionId));
      await this.forgetPrerequisites(tx, courseId, gone.map((g) => g.id));
      await this.renumberSections(tx, courseId);
    });
  }

  /** `sectionIds` must be exactly the course's sections, each once, in the new order. */
  reorderSections(ctx: RequestContext, courseId: string, sectionIds: string[]) {
    return this.edit(ctx, courseId, async (tx) => {
      const outline = await loadDraftOutline(tx, courseId);
      if (!sameSet(sectionIds, outline.sections.map((s) => s.id))) {
        throw new Invalid('sectionIds must list every section of this course exactly once.', [
          { field: 'body.sectionIds', message: 'not exactly the sections of this course' },
        ], 'reorder_mismatch');
      }
      await tx.execute(sql`
        UPDATE course_draft_sections s SET position = u.ord - 1, updated_at = now()
        FROM unnest(${uuidArray(sectionIds)}) WITH ORDINALITY AS u(id, ord)
        WHERE s.id = u.id AND s.course_id = ${courseId}`);
      return { sections: presentOutline(await loadDraftOutline(tx, courseId)) };
    });
  }

  // ---------- lessons ----------

  async getLesson(ctx: RequestContext, courseId: string, lessonId: string): Promise<DraftLessonView> {
    await this.store.loadScoped(ctx, courseId, this.db, policy.canViewCourseDraft, { action: 'see' });
    const [l] = await this.db
      .select()
      .from(courseDraftLessons)
      .where(and(eq(courseDraftLessons.id, lessonId), eq(courseDraftLessons.courseId, courseId)));
    if (!l) throw new NotFound('Lesson');
    return this.presentLesson(l);
  }

  addLesson(ctx: RequestContext, courseId: string, sectionId: string, input: LessonInput & { title: string; type: LessonType }) {
    return this.edit(ctx, courseId, async (tx, orgId) => {
      const [s] = await tx
        .select({ id: courseDraftSections.id })
        .from(courseDraftSections)
        .where(and(eq(courseDraftSections.id, sectionId), eq(courseDraftSections.courseId, courseId)));
      if (!s) throw new NotFound('Section');
      const outline = await loadDraftOutline(tx, courseId);
      const prerequisites = input.prerequisiteLessonIds ?? [];
      this.checkPrerequisites(outline, null, prerequisites);
      const count = outline.lessons.filter((l) => l.sectionId === sectionId).length;
      const position = Math.min(input.position ?? count, count);
      await tx
        .update(courseDraftLessons)
        .set({ position: sql`${courseDraftLessons.position} + 1` })
        .where(and(eq(courseDraftLessons.sectionId, sectionId), gte(courseDraftLessons.position, position)));
      const [l] = await tx
        .insert(courseDraftLessons)
        .values({
          organizationId: orgId,
          courseId,
          sectionId,
          position,
          title: input.title,
          type: input.type,
          body: input.body ?? DEFAULT_BODY[input.type],
          isPreview: input.isPreview ?? false,
          required: input.required ?? true,
          dripDays: input.dripDays ?? null,
          dripDate: input.dripDate ? new Date(input.dripDate) : null,
          prerequisiteLessonIds: [...new Set(prerequisites)],
          durationSeconds: input.durationSeconds ?? null,
        })
        .returning();
      return this.presentLesson(l!);
    });
  }

  updateLesson(ctx: RequestContext, courseId: string, lessonId: string, input: LessonInput) {
    return this.edit(ctx, courseId, async (tx) => {
      const outline = await loadDraftOutline(tx, courseId);
      const current = outline.lessons.find((l) => l.id === lessonId);
      if (!current) throw new NotFound('Lesson');
      const type = input.type ?? current.type;
      let body = current.body;
      if (input.body !== undefined) body = input.body;
      else if (input.type !== undefined && input.type !== current.type) body = DEFAULT_BODY[type];
      const checked = LESSON_BODIES[type].safeParse(body);
      if (!checked.success) {
        throw new Invalid(
          `The body does not fit a ${type} lesson.`,
          checked.error.issues.map((i): FieldError => ({ field: ['body', 'body', ...i.path.map(String)].join('.'), message: i.message })),
          'validation_failed',
        );
      }
      if (input.prerequisiteLessonIds !== undefined) this.checkPrerequisites(outline, lessonId, input.prerequisiteLessonIds);
      const patch: Partial<typeof courseDraftLessons.$inferInsert> = { type, body: checked.data as DraftLessonBody };
      if (input.title !== undefined) patch.title = input.title;
      if (input.isPreview !== undefined) patch.isPreview = input.isPreview;
      if (input.required !== undefined) patch.required = input.required;
      if (input.durationSeconds !== undefined) patch.durationSeconds = input.durationSeconds;
      if (input.prerequisiteLessonIds !== undefined) patch.prerequisiteLessonIds = [...new Set(input.prerequisiteLessonIds)];
      // drip is one of two kinds: setting one clears the other
      if (input.dripDays !== undefined) {
        patch.dripDays = input.dripDays;
        if (input.dripDays !== null) patch.dripDate = null;
      }
      if (input.dripDate !== undefined) {
        patch.dripDate = input.dripDate ? new Date(input.dripDate) : null;
        if (input.dripDate !== null) patch.dripDays = null;
      }
      const [l] = await tx.update(courseDraftLessons).set(patch).where(eq(courseDraftLessons.id, lessonId)).returning();
      return this.presentLesson(l!);
    });
  }

  deleteLesson(ctx: RequestContext, courseId: string, lessonId: string): Promise<void> {
    return this.edit(ctx, courseId, async (tx) => {
      const [l] = await tx
        .delete(courseDraftLessons)
        .where(and(eq(courseDraftLessons.id, lessonId), eq(courseDraftLessons.courseId, courseId)))
        .returning();
      if (!l) throw new NotFound('Lesson');
      await this.forgetPrerequisites(tx, courseId, [lessonId]);
      await tx.execute(sql`
        UPDATE course_draft_lessons l SET position = r.pos
        FROM (SELECT id, row_number() OVER (ORDER BY position, id) - 1 AS pos FROM course_draft_lessons WHERE section_id = ${l.sectionId}) r
        WHERE l.id = r.id AND l.position <> r.pos`);
    });
  }

  /**
   * New lesson order, possibly moving lessons between sections: `sections` must list every section
   * of the course once, and their `lessonIds` together every lesson of the course once.
   */
  reorderLessons(ctx: RequestContext, courseId: string, sections: { sectionId: string; lessonIds: string[] }[]) {
    return this.edit(ctx, courseId, async (tx) => {
      const outline = await loadDraftOutline(tx, courseId);
      const errors: FieldError[] = [];
      if (!sameSet(sections.map((s) => s.sectionId), outline.sections.map((s) => s.id))) {
        errors.push({ field: 'body.sections', message: 'must list every section of this course exactly once' });
      }
      if (!sameSet(sections.flatMap((s) => s.lessonIds), outline.lessons.map((l) => l.id))) {
        errors.push({ field: 'body.sections.lessonIds', message: 'must list every lesson of this course exactly once' });
      }
      if (errors.length) throw new Invalid('The new order does not match the lessons of this course.', errors, 'reorder_mismatch');
      const ids = sections.flatMap((s) => s.lessonIds);
      const sectionOf = sections.flatMap((s) => s.lessonIds.map(() => s.sectionId));
      const positions = sections.flatMap((s) => s.lessonIds.map((_, i) => i));
      await tx.execute(sql`
        UPDATE course_draft_lessons l SET section_id = u.section_id, position = u.pos, updated_at = now()
        FROM unnest(${uuidArray(ids)}, ${uuidArray(sectionOf)}, ${`{${positions.join(',')}}`}::int[]) AS u(id, section_id, pos)
        WHERE l.id = u.id AND l.course_id = ${courseId}`);
      return { sections: presentOutline(await loadDraftOutline(tx, courseId)) };
    });
  }

  // ---------- helpers ----------

  /** Prerequisites must be other lessons of the same course and must not form a cycle. */
  private checkPrerequisites(outline: DraftOutline, lessonId: string | null, prerequisites: string[]): void {
    const ids = new Set(outline.lessons.map((l) => l.id));
    const bad = prerequisites.filter((p) => !ids.has(p) || p === lessonId);
    if (bad.length) {
      throw new Invalid(
        'Prerequisites must be other lessons of this course.',
        bad.map((id) => ({ field: 'body.prerequisiteLessonIds', message: `${id} is not another lesson of this course` })),
        'invalid_prerequisite',
      );
    }
    if (!lessonId) return; // a new lesson has no dependants yet, so it cannot close a cycle
    const edges = new Map(outline.lessons.map((l) => [l.id, l.prerequisiteLessonIds] as const));
    edges.set(lessonId, prerequisites);
    if (hasCycleThrough(edges, lessonId)) {
      throw new Invalid('These prerequisites would form a cycle.', [{ field: 'body.prerequisiteLessonIds', message: 'prerequisite cycle' }], 'prerequisite_cycle');
    }
  }

  private async forgetPrerequisites(tx: Tx, courseId: string, lessonIds: string[]): Promise<void> {
    if (!lessonIds.length) return;
    await tx.execute(sql`
      UPDATE course_draft_lessons
      SET prerequisite_lesson_ids = ARRAY(SELECT p FROM unnest(prerequisite_lesson_ids) p WHERE p <> ALL(${uuidArray(lessonIds)}))
      WHERE course_id = ${courseId} AND prerequisite_lesson_ids && ${uuidArray(lessonIds)}`);
  }

  private async renumberSections(tx: Tx, courseId: string): Promise<void> {
    await tx.execute(sql`
      UPDATE course_draft_sections s SET position = r.pos
      FROM (SELECT id, row_number() OVER (ORDER BY position, id) - 1 AS pos FROM course_draft_sections WHERE course_id = ${courseId}) r
      WHERE s.id = r.id AND s.position <> r.pos`);
  }

  private async count(tx: Tx, table: typeof courseDraftSections, col: typeof courseDraftSections.courseId, courseId: string): Promise<number> {
    const [r] = await tx.select({ n: sql<number>`count(*)::int` }).from(table).where(eq(col, courseId));
    return r?.n ?? 0;
  }

  presentLesson(l: DraftLessonRow): DraftLessonView {
    return {
      ...presentLessonSummary(l),
      body: l.body,
      html: l.type === 'text' ? renderMarkdown(l.body.markdown ?? '') : null,
      updatedAt: l.updatedAt.toISOString(),
    };
  }
}
