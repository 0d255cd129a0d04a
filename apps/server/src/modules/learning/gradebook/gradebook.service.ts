import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import { and, asc, desc, eq, ilike, isNull, lt, notInArray, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { type RequestContext, requireUser } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx, inTransaction } from '../../../kernel/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { type CourseInfo, CoursesService } from '../courses/index.js';
import type { GradebookSetup, GradebookTable, LearnerGrades, MyGrades, OverrideLogEntry, PatchItem, PutCategories, PutSettings, SetOverride } from './gradebook.dto.js';
import { GradeRecorder, lockLearner } from './grade-recorder.js';
import { gradebookCategories, gradebookItems, gradebookLearners, gradebookOverrideLog, gradebookOverrides, gradebookSettings } from './gradebook.schema.js';
import { type LearnerData, type LoadedCourse, GradebookStore } from './gradebook.store.js';
import { computeLearner } from './grading.js';

type LearnerRow = typeof gradebookLearners.$inferSelect;
type Need = 'view' | 'teach' | 'edit';
const num = (v: string | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));
const pct = (v: number | null): string | null => (v === null ? null : v.toFixed(2));

/**
 * The gradebook: graded items and their settings, categories, overrides (audited), the staff
 * table and its CSV, and each learner's own grades. The arithmetic is grading.ts.
 */
@Injectable()
export class GradebookService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly courses: CoursesService,
    private readonly store: GradebookStore,
    private readonly recorder: GradeRecorder,
  ) {}

  /** A course of the caller's organization they may view (teach or edit), teach (override), or edit (settings). 404 across organizations. */
  private async staffCourse(ctx: RequestContext, courseId: string, need: Need): Promise<CourseInfo> {
    requireUser(ctx);
    const course = await this.courses.getCourseInfo(courseId);
    if (!course || course.organizationId !== ctx.membership?.orgId) throw new NotFound('Course');
    const teach = this.courses.canTeachCourse(ctx, course);
    const edit = this.courses.canEditCourse(ctx, course);
    const ok = need === 'view' ? teach || edit : need === 'teach' ? teach : edit;
    if (!ok) {
      const what = need === 'edit' ? "change this course's gradebook settings" : need === 'teach' ? 'override grades in this course' : "see this course's gradebook";
      throw new Forbidden(`You may not ${what}.`, 'missing_permission');
    }
    return course;
  }

  // ---- the table ----

  async table(ctx: RequestContext, courseId: string, q: { limit: number; cursor?: string; q?: string }): Promise<z.input<typeof GradebookTable>> {
    const course = await this.staffCourse(ctx, courseId, 'view');
    const loaded = await this.store.load(this.db, course);
    const learners = await this.learnerPage(this.db, loaded, course.id, q);
    return { setup: loaded.setup, learners };
  }

  private async learnerPage(db: DbOrTx, loaded: LoadedCourse, courseId: string, q: { limit: number; cursor?: string; q?: string }): Promise<Page<z.input<typeof LearnerGrades>>> {
    const cursor = decodeCursor(q.cursor, 2);
    const pattern = q.q ? `%${q.q.replace(/[\\%_]/g, (c) => '\\' + c)}%` : null;
    const rows = await db
      .select()
      .from(gradebookLearners)
      .where(
        and(
          eq(gradebookLearners.courseId, courseId),
          eq(gradebookLearners.active, true),
          pattern ? or(ilike(gradebookLearners.name, pattern), ilike(gradebookLearners.email, pattern)) : undefined,
          cursor ? sql`(${gradebookLearners.name}, ${gradebookLearners.userId}) > (${String(cursor[0])}, ${String(cursor[1])}::uuid)` : undefined,
        ),
      )
      .orderBy(asc(gradebookLearners.name), asc(gradebookLearners.userId))
      .limit(q.limit + 1);
    const data = await this.store.learnerData(db, courseId, rows.map((r) => r.userId));
    const now = new Date();
    return toPage(rows, q.limit, (r) => [r.name, r.userId], (r) => this.presentLearner(loaded, r, data.get(r.userId)!, now));
  }

  private presentLearner(loaded: LoadedCourse, learner: Pick<LearnerRow, 'userId' | 'name' | 'email'>, data: LearnerData, now: Date): z.input<typeof LearnerGrades> {
    const r = computeLearner(loaded.rules, data.input, now);
    return {
      userId: learner.userId,
      name: learner.name,
      email: learner.email,
      cells: r.items.map((i) => {
        const g = data.grades.get(i.lessonId);
        return {
          lessonId: i.lessonId,
          status: i.status,
          score: num(g?.score),
          maxScore: num(g?.maxScore),
          percent: i.percent,
          reportedPercent: i.reportedPercent,
          overridden: i.overridden,
          overrideReason: data.overrides.get(i.lessonId)?.reason ?? null,
          counted: i.counted,
          passed: i.passed,
          source: g?.source ?? null,
          sourceId: g?.sourceId ?? null,
          gradedAt: g?.gradedAt.toISOString() ?? null,
        };
      }),
      categories: r.categories,
      computedPercent: r.computedPercent,
      finalPercent: r.finalPercent,
      finalOverridden: r.finalOverridden,
      finalOverrideReason: data.overrides.get(null)?.reason ?? null,
      passed: r.passed,
      requiredItems: r.requiredItems,
      requiredItemsPassed: r.requiredItemsPassed,
    };
  }

  // ---- settings, categories, items ----

  async setup(ctx: RequestContext, courseId: string): Promise<z.input<typeof GradebookSetup>> {
    const course = await this.staffCourse(ctx, courseId, 'view');
    return (await this.store.load(this.db, course)).setup;
  }

  async putSettings(ctx: RequestContext, courseId: string, body: z.output<typeof PutSettings>): Promise<z.input<typeof GradebookSetup>> {
    const course = await this.staffCourse(ctx, courseId, 'edit');
    return inTransaction(this.db, async (tx) => {
      if (body.mode === 'weighted') {
        const cats = await tx.select({ weight: gradebookCategories.weight }).from(gradebookCategories).where(eq(gradebookCategories.courseId, courseId));
        const total = cats.reduce((s, c) => s + Math.round(Number(c.weight) * 100), 0);
        if (cats.length === 0 || total !== 10000) {
          throw new Conflict('Weighted categories need categories whose weights add up to 100%; set them up first.', 'category_weights_incomplete');
        }
      }
      const values = { mode: body.mode, passingPercent: body.passingPercent.toFixed(2), updatedBy: ctx.actor!.userId };
      const [existing] = await tx.select({ id: gradebookSettings.id }).from(gradebookSettings).where(eq(gradebookSettings.courseId, courseId));
      // the gradebook is set up for the first time: bring in the learners it may not know yet
      if (!existing) await this.store.queueLearnerBackfill(tx, course);
      await tx
        .insert(gradebookSettings)
        .values({ organizationId: course.organizationId, courseId, ...values })
        .onConflictDoUpdate({ target: gradebookSettings.courseId, set: { ...values, updatedAt: new Date() } });
      return (await this.store.load(tx, course)).setup;
    });
  }

  /** Replaces the course's categories: listed ids are kept (renamed, reweighted), others removed (their items become uncategorized). */
  async putCategories(ctx: RequestContext, courseId: string, body: z.output<typeof PutCategories>): Promise<z.input<typeof GradebookSetup>> {
    const course = await this.staffCourse(ctx, courseId, 'edit');
    const names = new Set<string>();
    const errors = body.categories.flatMap((c, i) => {
      const key = c.name.toLowerCase();
      if (names.has(key)) return [{ field: `body.categories.${i}.name`, message: 'two categories have this name' }];
      names.add(key);
      return [];
    });
    if (errors.length) throw new Invalid('Category names must be different.', errors, 'duplicate_category');
    const total = body.categories.reduce((s, c) => s + Math.round(c.weight * 100), 0);
    if (body.categories.length && total !== 10000) {
      throw new Invalid(`Category weights must add up to 100% (they add up to ${(total / 100).toFixed(2)}%).`, [{ field: 'body.categories', message: 'weights must add up to 100' }], 'category_weights');
    }
    return inTransaction(this.db, async (tx) => {
      const existing = await tx.select({ id: gradebookCategories.id }).from(gradebookCategories).where(eq(gradebookCategories.courseId, courseId));
      const known = new Set(existing.map((c) => c.id));
      const unknown = body.categories.findIndex((c) => c.id && !known.has(c.id));
      if (unknown >= 0) throw new Invalid('That category is not one of this course.', [{ field: `body.categories.${unknown}.id`, message: 'unknown category' }], 'unknown_category');
      const [settings] = await tx.select().from(gradebookSettings).where(eq(gradebookSettings.courseId, courseId));
      if (settings?.mode === 'weighted' && body.categories.length === 0) {
        throw new Conflict('This course grades by weighted categories; switch it to total points before removing every category.', 'categories_in_use');
      }
      const keep = body.categories.flatMap((c) => (c.id ? [c.id] : []));
      await tx
        .delete(gradebookCategories)
        .where(and(eq(gradebookCategories.courseId, courseId), keep.length ? notInArray(gradebookCategories.id, keep) : undefined));
      // positions move out of the way first, so renames and reorders never collide on the unique name index
      for (const [i, c] of body.categories.entries()) {
        if (c.id) await tx.update(gradebookCategories).set({ name: `~renaming~${i}:${c.id}`, position: -1 - i }).where(eq(gradebookCategories.id, c.id));
      }
      for (const [i, c] of body.categories.entries()) {
        if (c.id) await tx.update(gradebookCategories).set({ name: c.name, weight: c.weight.toFixed(2), position: i, updatedAt: new Date() }).where(eq(gradebookCategories.id, c.id));
        else await tx.insert(gradebookCategories).values({ organizationId: course.organizationId, courseId, name: c.name, weight: c.weight.toFixed(2), position: i });
      }
      return (await this.store.load(tx, course)).setup;
    });
  }

  async patchItem(ctx: RequestContext, courseId: string, lessonId: string, body: z.output<typeof PatchItem>): Promise<z.input<typeof GradebookSetup>> {
    const course = await this.staffCourse(ctx, courseId, 'edit');
    return inTransaction(this.db, async (tx) => {
      const loaded = await this.store.load(tx, course);
      if (!loaded.lessons.has(lessonId)) throw new NotFound('Graded item');
      if (body.categoryId) {
        const [cat] = await tx
          .select({ id: gradebookCategories.id })
          .from(gradebookCategories)
          .where(and(eq(gradebookCategories.courseId, courseId), eq(gradebookCategories.id, body.categoryId)));
        if (!cat) throw new Invalid('That category is not one of this course.', [{ field: 'body.categoryId', message: 'unknown category' }], 'unknown_category');
      }
      await tx
        .update(gradebookItems)
        .set({
          ...(body.categoryId !== undefined ? { categoryId: body.categoryId } : {}),
          ...(body.weight !== undefined ? { weight: body.weight.toFixed(2) } : {}),
          ...(body.points !== undefined ? { points: body.points === null ? null : body.points.toFixed(2) } : {}),
          ...(body.required !== undefined ? { required: body.required } : {}),
          ...(body.excluded !== undefined ? { excluded: body.excluded } : {}),
          ...(body.passingPercent !== undefined ? { passingPercent: body.passingPercent === null ? null : body.passingPercent.toFixed(2) } : {}),
          ...(body.dueAt !== undefined ? { dueAt: body.dueAt === null ? null : new Date(body.dueAt) } : {}),
          updatedAt: new Date(),
        })
        .where(and(eq(gradebookItems.courseId, courseId), eq(gradebookItems.lessonId, lessonId)));
      return (await this.store.load(tx, course)).setup;
    });
  }

  // ---- overrides ----

  /** Sets (percent) or removes (null) an item or final override; every change is logged with its reason. */
  async setOverride(ctx: RequestContext, courseId: string, body: z.output<typeof SetOverride>): Promise<z.input<typeof LearnerGrades>> {
    const course = await this.staffCourse(ctx, courseId, 'teach');
    const actor = ctx.actor!;
    return inTransaction(this.db, async (tx) => {
      const [learner] = await tx
        .select()
        .from(gradebookLearners)
        .where(and(eq(gradebookLearners.courseId, courseId), eq(gradebookLearners.userId, body.userId)));
      if (!learner) throw new NotFound('Learner');
      await lockLearner(tx, courseId, body.userId);
      const loaded = await this.store.load(tx, course);
      if (body.lessonId !== null && !loaded.lessons.has(body.lessonId)) throw new NotFound('Graded item');
      const before = (await this.store.learnerData(tx, courseId, [body.userId])).get(body.userId)!;
      const now = new Date();
      const valueOf = (d: LearnerData) => {
        const r = computeLearner(loaded.rules, d.input, now);
        return body.lessonId === null ? r.finalPercent : (r.items.find((i) => i.lessonId === body.lessonId)?.percent ?? null);
      };
      const oldPercent = valueOf(before);
      const existing = before.overrides.get(body.lessonId);
      const target = and(
        eq(gradebookOverrides.courseId, courseId),
        eq(gradebookOverrides.userId, body.userId),
        body.lessonId === null ? isNull(gradebookOverrides.lessonId) : eq(gradebookOverrides.lessonId, body.lessonId),
      );
      if (body.percent === null) {
        if (!existing) throw new Conflict('There is no override to remove.', 'no_override');
        await tx.delete(gradebookOverrides).where(target);
      } else if (existing) {
        await tx.update(gradebookOverrides).set({ percent: body.percent.toFixed(2), reason: body.reason, setBy: actor.userId, updatedAt: now }).where(target);
      } else {
        await tx.insert(gradebookOverrides).values({
          organizationId: course.organizationId,
          courseId,
          userId: body.userId,
          lessonId: body.lessonId,
          percent: body.percent.toFixed(2),
          reason: body.reason,
          setBy: actor.userId,
        });
      }
      const after = (await this.store.learnerData(tx, courseId, [body.userId])).get(body.userId)!;
      await tx.insert(gradebookOverrideLog).values({
        organizationId: course.organizationId,
        courseId,
        userId: body.userId,
        lessonId: body.lessonId,
        action: body.percent === null ? 'removed' : 'set',
        oldPercent: pct(oldPercent),
        newPercent: pct(valueOf(after)),
        reason: body.reason,
        actorId: actor.userId,
        actorName: actor.name,
      });
      await this.recorder.settle(tx, course, body.userId);
      return this.presentLearner(loaded, learner, after, now);
    });
  }

  async history(ctx: RequestContext, courseId: string, q: { limit: number; cursor?: string; userId?: string }): Promise<Page<z.input<typeof OverrideLogEntry>>> {
    const course = await this.staffCourse(ctx, courseId, 'view');
    const cursor = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select({ log: gradebookOverrideLog, learnerName: gradebookLearners.name })
      .from(gradebookOverrideLog)
      .leftJoin(gradebookLearners, and(eq(gradebookLearners.courseId, gradebookOverrideLog.courseId), eq(gradebookLearners.userId, gradebookOverrideLog.userId)))
      .where(
        and(
          eq(gradebookOverrideLog.courseId, course.id),
          eq(gradebookOverrideLog.organizationId, course.organizationId),
          q.userId ? eq(gradebookOverrideLog.userId, q.userId) : undefined,
          cursor ? lt(gradebookOverrideLog.id, String(cursor[0])) : undefined,
        ),
      )
      .orderBy(desc(gradebookOverrideLog.id))
      .limit(q.limit + 1);
    const lessons = await this.courses.getLiveLessons(course.id);
    const titles = new Map(lessons.map((l) => [l.id, l.title]));
    return toPage(rows, q.limit, (r) => [r.log.id], ({ log, learnerName }) => ({
      id: log.id,
      userId: log.userId,
      learnerName,
      lessonId: log.lessonId,
      lessonTitle: log.lessonId ? (titles.get(log.lessonId) ?? null) : null,
      action: log.action,
      oldPercent: num(log.oldPercent),
      newPercent: num(log.newPercent),
      reason: log.reason,
      actorId: log.actorId,
      actorName: log.actorName,
      createdAt: log.createdAt.toISOString(),
    }));
  }

  // ---- CSV ----

  /**
   * The gradebook as CSV, one row per learner: name, email, each item's percent, category
   * subtotals, final % and pass/fail. Checked before the first byte; learners are read a page at
   * a time while the response streams.
   */
  async exportCsv(ctx: RequestContext, courseId: string): Promise<{ filename: string; stream: Readable }> {
    const course = await this.staffCourse(ctx, courseId, 'view');
    const loaded = await this.store.load(this.db, course);
    const header = [
      'Name',
      'Email',
      ...loaded.setup.items.map((i) => `${i.title} (%)`),
      ...loaded.setup.categories.map((c) => `${c.name} (%)`),
      'Final (%)',
      'Result',
    ];
    const cell = (v: number | null) => (v === null ? '' : v.toFixed(2));
    const pages = async function* (this: GradebookService): AsyncGenerator<string[]> {
      yield header;
      let cursor: string | undefined;
      do {
        const page = await this.learnerPage(this.db, loaded, course.id, { limit: 100, cursor });
        for (const l of page.items) {
          yield [l.name, l.email, ...l.cells.map((c) => cell(c.percent)), ...l.categories.map((c) => cell(c.percent)), cell(l.finalPercent), l.passed ? 'pass' : 'fail'];
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }.bind(this);
    const csv = stringify({ bom: false, escape_formulas: true });
    const stream = Readable.from(pages()).pipe(csv);
    const slug = course.slug.replace(/[^a-z0-9-]/gi, '') || 'course';
    return { filename: `gradebook-${slug}.csv`, stream };
  }

  // ---- the learner's own ----

  async myGrades(ctx: RequestContext, courseId: string): Promise<z.input<typeof MyGrades>> {
    const u = requireUser(ctx);
    const [learner] = await this.db
      .select()
      .from(gradebookLearners)
      .where(and(eq(gradebookLearners.courseId, courseId), eq(gradebookLearners.userId, u.actor.userId)));
    const course = learner ? await this.courses.getCourseInfo(courseId) : null;
    if (!learner || !course) throw new NotFound('Course');
    const loaded = await this.store.load(this.db, course);
    const data = (await this.store.learnerData(this.db, courseId, [learner.userId])).get(learner.userId)!;
    const row = this.presentLearner(loaded, learner, data, new Date());
    const cells = new Map(row.cells.map((c) => [c.lessonId, c]));
    const subtotals = new Map(row.categories.map((c) => [c.categoryId, c.percent]));
    return {
      courseId,
      courseTitle: course.title,
      mode: loaded.setup.mode,
      passingPercent: loaded.setup.passingPercent,
      items: loaded.setup.items
        .filter((i) => !i.excluded)
        .map((i) => {
          const c = cells.get(i.lessonId)!;
          return {
            lessonId: i.lessonId,
            title: i.title,
            type: i.type,
            sectionTitle: i.sectionTitle,
            categoryId: i.categoryId,
            required: i.required,
            dueAt: i.dueAt,
            status: c.status,
            score: c.score,
            maxScore: c.maxScore,
            percent: c.percent,
            overridden: c.overridden,
            passed: c.passed,
            gradedAt: c.gradedAt,
            source: c.source,
            sourceId: c.sourceId,
          };
        }),
      categories: loaded.setup.categories.map((c) => ({ ...c, percent: subtotals.get(c.id) ?? null })),
      finalPercent: row.finalPercent,
      passed: row.passed,
      requiredItems: row.requiredItems,
      requiredItemsPassed: row.requiredItemsPassed,
    };
  }
}
