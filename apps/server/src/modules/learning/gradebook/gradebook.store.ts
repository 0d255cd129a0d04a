import { Injectable } from '@nestjs/common';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import type { DbOrTx } from '../../../kernel/db/index.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { CoursesService, type LiveLesson } from '../courses/index.js';
import type { GradebookSetup } from './gradebook.dto.js';
import { BackfillGradebookLearnersJob } from './gradebook.jobs.js';
import { gradebookCategories, gradebookGrades, gradebookItems, gradebookOverrides, gradebookSettings } from './gradebook.schema.js';
import type { CourseRules, GradeInput, ItemRule, LearnerInput } from './grading.js';

export const GRADED_TYPES = ['quiz', 'assignment', 'code'] as const;
export type GradedType = (typeof GRADED_TYPES)[number];
export const DEFAULT_PASSING = '60';

export type ItemRow = typeof gradebookItems.$inferSelect;
export type GradeRow = typeof gradebookGrades.$inferSelect;
export type OverrideRow = typeof gradebookOverrides.$inferSelect;

export interface LoadedCourse {
  rules: CourseRules;
  setup: z.input<typeof GradebookSetup>;
  lessons: Map<string, LiveLesson>;
}

const num = (v: string | null): number | null => (v === null ? null : Number(v));

export interface LearnerData {
  input: LearnerInput;
  grades: Map<string, GradeRow>;
  overrides: Map<string | null, OverrideRow>;
}

/** Reads the gradebook's tables: the course's rules and learners' grades and overrides. */
@Injectable()
export class GradebookStore {
  constructor(
    private readonly courses: CoursesService,
    private readonly jobs: JobsService,
  ) {}

  /** Queues the backfill of the course's learners (one pending job per course). */
  async queueLearnerBackfill(db: DbOrTx, course: { id: string; organizationId: string }): Promise<void> {
    await this.jobs.enqueue(db, BackfillGradebookLearnersJob, { courseId: course.id, organizationId: course.organizationId }, { jobKey: `gradebook-backfill:${course.id}` });
  }

  /**
   * The course's graded items: one per quiz, assignment and code lesson of the live version, in
   * outline order. Missing item rows are created here (items appear on their own); items of
   * lessons no longer live stay stored but are not shown or counted.
   */
  async load(db: DbOrTx, course: { id: string; organizationId: string }): Promise<LoadedCourse> {
    const live = (await this.courses.getLiveLessons(course.id, db)).filter((l) => (GRADED_TYPES as readonly string[]).includes(l.type));
    if (live.length) {
      const added = await db
        .insert(gradebookItems)
        .values(live.map((l) => ({ organizationId: course.organizationId, courseId: course.id, lessonId: l.id })))
        .onConflictDoNothing()
        .returning({ id: gradebookItems.id });
      // a graded item is added: every learner of the course belongs in the gradebook, also those enrolled before it
      if (added.length) await this.queueLearnerBackfill(db, course);
    }
    const rows = live.length
      ? await db
          .select()
          .from(gradebookItems)
          .where(and(eq(gradebookItems.courseId, course.id), inArray(gradebookItems.lessonId, live.map((l) => l.id))))
      : [];
    const byLesson = new Map(rows.map((r) => [r.lessonId, r]));
    const [settings] = await db.select().from(gradebookSettings).where(eq(gradebookSettings.courseId, course.id));
    const categories = await db.select().from(gradebookCategories).where(eq(gradebookCategories.courseId, course.id)).orderBy(asc(gradebookCategories.position));
    const mode = settings?.mode ?? 'points';
    const passingPercent = settings?.passingPercent ?? DEFAULT_PASSING;
    const items: ItemRule[] = [];
    const views: z.input<typeof GradebookSetup>['items'] = [];
    for (const l of live) {
      const r = byLesson.get(l.id)!;
      items.push({
        lessonId: l.id,
        categoryId: r.categoryId,
        weight: r.weight,
        points: r.points,
        required: r.required,
        excluded: r.excluded,
        passingPercent: r.passingPercent,
        dueAt: r.dueAt,
        knownMaxScore: r.knownMaxScore,
      });
      views.push({
        lessonId: l.id,
        title: l.title,
        type: l.type as GradedType,
        sectionTitle: l.sectionTitle,
        categoryId: r.categoryId,
        weight: Number(r.weight),
        points: num(r.points),
        required: r.required,
        excluded: r.excluded,
        passingPercent: num(r.passingPercent),
        dueAt: r.dueAt?.toISOString() ?? null,
        maxScore: num(r.knownMaxScore),
      });
    }
    return {
      rules: { mode, passingPercent, categories: categories.map((c) => ({ id: c.id, weight: c.weight })), items },
      setup: {
        courseId: course.id,
        mode,
        passingPercent: Number(passingPercent),
        categories: categories.map((c) => ({ id: c.id, name: c.name, weight: Number(c.weight), position: c.position })),
        items: views,
      },
      lessons: new Map(live.map((l) => [l.id, l])),
    };
  }

  /** Grades and overrides of these learners in the course, ready for computeLearner. */
  async learnerData(db: DbOrTx, courseId: string, userIds: readonly string[]): Promise<Map<string, LearnerData>> {
    const out = new Map<string, LearnerData>();
    for (const id of userIds) out.set(id, { input: { grades: new Map(), itemOverrides: new Map(), finalOverride: null }, grades: new Map(), overrides: new Map() });
    if (!userIds.length) return out;
    const ids = [...new Set(userIds)];
    const grades = await db
      .select()
      .from(gradebookGrades)
      .where(and(eq(gradebookGrades.courseId, courseId), inArray(gradebookGrades.userId, ids)));
    for (const g of grades) {
      const d = out.get(g.userId)!;
      d.grades.set(g.lessonId, g);
      (d.input.grades as Map<string, GradeInput>).set(g.lessonId, { score: g.score, maxScore: g.maxScore, passed: g.passed });
    }
    const overrides = await db
      .select()
      .from(gradebookOverrides)
      .where(and(eq(gradebookOverrides.courseId, courseId), inArray(gradebookOverrides.userId, ids)));
    for (const o of overrides) {
      const d = out.get(o.userId)!;
      d.overrides.set(o.lessonId, o);
      if (o.lessonId === null) d.input = { ...d.input, finalOverride: o.percent };
      else (d.input.itemOverrides as Map<string, string>).set(o.lessonId, o.percent);
    }
    return out;
  }
}
