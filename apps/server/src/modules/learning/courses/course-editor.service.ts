import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { and, desc, eq, exists, ilike, like, lt, or, sql, type SQL } from 'drizzle-orm';
import { can, requireOrg, requirePermission, type RequestContext } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx, inTransaction } from '../../../kernel/db/index.js';
import { Conflict, Forbidden } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import type { CourseEditorView, CourseSummary } from './courses.dto.js';
import { CourseStore } from './course-store.js';
import * as policy from './courses.policy.js';
import { courseDrafts, courseInstructors, courses } from './courses.schema.js';
import type { CourseInfo, CourseLevel, CourseStatus, CourseVisibility } from './courses.types.js';
import { draftCourseDetails, loadDraftOutline, markDraftChanged, presentOutline } from './draft-outline.js';
import { InstructorDirectory } from './instructor-directory.js';
import { CourseCovers } from './cover.js';
import { firstFreeSlug, slugify } from './slug.js';

export interface CourseInput {
  title?: string;
  slug?: string;
  subtitle?: string;
  description?: string;
  language?: string;
  level?: CourseLevel;
  category?: string | null;
  tags?: string[];
  coverKey?: string | null;
  visibility?: CourseVisibility;
  isFree?: boolean;
  instructorIds?: string[];
}

type CourseRow = typeof courses.$inferSelect;

function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  const c = e.cause ?? e;
  return c.code === '23505' && c.constraint === constraint;
}

/** Creating, editing (the draft and the settings), deleting and listing courses, for their editors. */
@Injectable()
export class CourseEditorService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly store: CourseStore,
    private readonly directory: InstructorDirectory,
    private readonly covers: CourseCovers,
  ) {}

  async create(ctx: RequestContext, input: CourseInput & { title: string }): Promise<CourseEditorView> {
    const o = requirePermission(ctx, 'course.create');
    const orgId = o.membership.orgId;
    const others = (input.instructorIds ?? []).filter((id) => id !== o.actor.userId);
    this.covers.assertAcceptable(orgId, null, input.coverKey);
    await this.directory.assertCanTeach(orgId, others);
    for (let attempt = 0; ; attempt++) {
      try {
        return await inTransaction(this.db, async (tx) => {
          const slug = input.slug ?? (await this.freeSlug(tx, orgId, slugify(input.title)));
          if (input.slug) await this.assertSlugFree(tx, orgId, input.slug, null);
          const [row] = await tx
            .insert(courses)
            .values({
              organizationId: orgId,
              slug,
              visibility: input.visibility ?? 'organization',
              isFree: input.isFree ?? true,
              createdBy: o.actor.userId,
            })
            .returning();
          await tx.insert(courseDrafts).values({
            courseId: row!.id,
            organizationId: orgId,
            title: input.title,
            subtitle: input.subtitle ?? '',
            description: input.description ?? '',
            language: input.language ?? 'en',
            level: input.level ?? 'all',
            category: input.category ?? null,
            tags: input.tags ?? [],
            coverKey: input.coverKey ?? null,
          });
          await this.setInstructors(tx, row!, [o.actor.userId, ...others]);
          return this.viewOf(ctx, row!.id, tx);
        });
      } catch (err) {
        // two creators racing for the same generated slug: take the next free one
        if (!input.slug && attempt < 3 && isUniqueViolation(err, 'courses_org_slug_uq')) continue;
        if (isUniqueViolation(err, 'courses_org_slug_uq')) throw this.slugTaken(input.slug ?? '');
        throw err;
      }
    }
  }

  async update(ctx: RequestContext, courseId: string, input: CourseInput): Promise<CourseEditorView> {
    requireOrg(ctx);
    try {
      return await inTransaction(this.db, async (tx) => {
        const { row } = await this.store.loadScoped(ctx, courseId, tx, policy.canEditCourse, { lock: true, action: 'edit' });
        this.covers.assertAcceptable(row.organizationId, row.id, input.coverKey);
        // settings: apply at once
        const settings: Partial<typeof courses.$inferInsert> = {};
        if (input.slug !== undefined && input.slug !== row.slug) {
          await this.assertSlugFree(tx, row.organizationId, input.slug, row.id);
          settings.slug = input.slug;
        }
        if (input.visibility !== undefined) settings.visibility = input.visibility;
        if (input.isFree !== undefined) settings.isFree = input.isFree;
        if (Object.keys(settings).length) await tx.update(courses).set({ ...settings, updatedAt: new Date() }).where(eq(courses.id, row.id));
        if (input.instructorIds !== undefined) {
          const current = new Set(await this.store.instructorIdsOf(row.id, tx));
          await this.directory.assertCanTeach(row.organizationId, input.instructorIds.filter((id) => !current.has(id)), tx);
          await this.setInstructors(tx, row, input.instructorIds);
        }
        // content: goes to the draft
        const draft: Partial<typeof courseDrafts.$inferInsert> = {};
        for (const k of ['title', 'subtitle', 'description', 'language', 'level', 'category', 'tags', 'coverKey'] as const) {
          if (input[k] !== undefined) (draft as Record<string, unknown>)[k] = input[k];
        }
        if (Object.keys(draft).length) {
          await tx.update(courseDrafts).set(draft).where(eq(courseDrafts.courseId, row.id));
          await markDraftChanged(tx, row.id);
        }
        return this.viewOf(ctx, row.id, tx);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'courses_org_slug_uq')) throw this.slugTaken(input.slug ?? '');
      throw err;
    }
  }

  /** Stores an uploaded image as the draft's cover (published with the next version). */
  async setCover(ctx: RequestContext, courseId: string, req: FastifyRequest): Promise<CourseEditorView> {
    requireOrg(ctx);
    const { row } = await this.store.loadScoped(ctx, courseId, this.db, policy.canEditCourse, { action: 'edit' });
    const key = await this.covers.receive(req, row.organizationId, row.id);
    try {
      return await inTransaction(this.db, async (tx) => {
        await this.store.loadScoped(ctx, courseId, tx, policy.canEditCourse, { lock: true, action: 'edit' });
        await tx.update(courseDrafts).set({ coverKey: key }).where(eq(courseDrafts.courseId, courseId));
        await markDraftChanged(tx, courseId);
        return this.viewOf(ctx, courseId, tx);
      });
    } catch (err) {
      await this.covers.discard(key);
      throw err;
    }
  }

  async remove(ctx: RequestContext, courseId: string): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const { row } = await this.store.loadScoped(ctx, courseId, tx, policy.canDeleteCourse, { lock: true, action: 'delete' });
      if (row.learnerCount > 0) {
        throw new Conflict('This course has learners; archive it instead of deleting it.', 'course_has_learners');
      }
      await tx.delete(courses).where(eq(courses.id, row.id));
    });
  }

  /** The editor view: settings, the draft and its outline. */
  async get(ctx: RequestContext, courseId: string): Promise<CourseEditorView> {
    requireOrg(ctx);
    await this.store.loadScoped(ctx, courseId, this.db, policy.canViewCourseDraft, { action: 'see' });
    return this.viewOf(ctx, courseId, this.db);
  }

  /** Instructor dashboard: the active organization's courses the caller can edit (all with course.read_all). */
  async list(ctx: RequestContext, q: { limit: number; cursor?: string; status?: CourseStatus; q?: string }): Promise<Page<CourseSummary>> {
    const o = requireOrg(ctx);
    const all = can(ctx, 'course.read_all') || can(ctx, 'course.update');
    if (!all && !can(ctx, 'course.create')) {
      throw new Forbidden('You need the "course.create" permission in this organization.', 'missing_permission');
    }
    const conds: SQL[] = [eq(courses.organizationId, o.membership.orgId)];
    if (!all) {
      conds.push(
        exists(
          this.db
            .select({ one: sql`1` })
            .from(courseInstructors)
            .where(and(eq(courseInstructors.courseId, courses.id), eq(courseInstructors.userId, o.actor.userId))),
        ),
      );
    }
    if (q.status) conds.push(eq(courses.status, q.status));
    // every word must appear in the draft title or the slug
    for (const word of (q.q ?? '').split(/\s+/).filter(Boolean)) {
      const pattern = `%${word.replace(/[\\%_]/g, '\\$&')}%`;
      conds.push(or(ilike(courseDrafts.title, pattern), ilike(courses.slug, pattern))!);
    }
    const cursor = decodeCursor(q.cursor, 1);
    if (cursor) conds.push(lt(courses.id, String(cursor[0])));
    const rows = await this.db
      .select({
        c: courses,
        title: courseDrafts.title,
        changed: courseDrafts.hasUnpublishedChanges,
        coverKey: courseDrafts.coverKey,
        instructorIds: sql<string[]>`coalesce((SELECT array_agg(ci.user_id ORDER BY ci.position) FROM course_instructors ci WHERE ci.course_id = ${courses.id}), '{}')`,
      })
      .from(courses)
      .innerJoin(courseDrafts, eq(courseDrafts.courseId, courses.id))
      .where(and(...conds))
      .orderBy(desc(courses.id))
      .limit(q.limit + 1);
    return toPage(
      rows,
      q.limit,
      (r) => [r.c.id],
      (r) => ({
        id: r.c.id,
        slug: r.c.slug,
        title: r.title,
        status: r.c.status,
        visibility: r.c.visibility,
        isFree: r.c.isFree,
        learnerCount: r.c.learnerCount,
        liveVersion: r.c.liveVersion,
        publishedAt: r.c.publishedAt?.toISOString() ?? null,
        hasUnpublishedChanges: r.changed,
        instructorIds: r.instructorIds,
        coverUrl: this.covers.url(r.coverKey),
        updatedAt: r.c.updatedAt.toISOString(),
      }),
    );
  }

  /** Presents a course already checked to be visible to the caller. */
  async viewOf(ctx: RequestContext, courseId: string, db: DbOrTx): Promise<CourseEditorView> {
    // sequential: `db` may be a transaction (one connection)
    const [row] = await db.select().from(courses).where(eq(courses.id, courseId));
    const [draft] = await db.select().from(courseDrafts).where(eq(courseDrafts.courseId, courseId));
    const instructorIds = await this.store.instructorIdsOf(courseId, db);
    const outline = await loadDraftOutline(db, courseId);
    if (!row || !draft) throw new Error(`course ${courseId} has no draft row`);
    const names = await this.directory.names(instructorIds, db);
    const info: CourseInfo = await this.store.infoOf(row, instructorIds, db);
    return {
      id: row.id,
      organizationId: row.organizationId,
      slug: row.slug,
      status: row.status,
      visibility: row.visibility,
      isFree: row.isFree,
      learnerCount: row.learnerCount,
      liveVersion: row.liveVersion,
      publishedAt: row.publishedAt?.toISOString() ?? null,
      archivedAt: row.archivedAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      hasUnpublishedChanges: draft.hasUnpublishedChanges,
      instructors: instructorIds.map((userId) => ({ userId, name: names.get(userId) ?? null })),
      draft: { ...draftCourseDetails(draft), coverUrl: this.covers.url(draft.coverKey) },
      sections: presentOutline(outline),
      can: {
        edit: policy.canEditCourse(ctx, info),
        publish: policy.canPublishCourse(ctx, info),
        delete: policy.canDeleteCourse(ctx, info),
      },
    };
  }

  private async setInstructors(db: DbOrTx, course: CourseRow, userIds: string[]): Promise<void> {
    const ids = [...new Set(userIds)];
    await db.delete(courseInstructors).where(eq(courseInstructors.courseId, course.id));
    if (ids.length) {
      await db
        .insert(courseInstructors)
        .values(ids.map((userId, position) => ({ courseId: course.id, userId, organizationId: course.organizationId, position })));
    }
  }

  private async freeSlug(db: DbOrTx, orgId: string, base: string): Promise<string> {
    const rows = await db
      .select({ slug: courses.slug })
      .from(courses)
      .where(and(eq(courses.organizationId, orgId), or(eq(courses.slug, base), like(courses.slug, `${base}-%`))));
    return firstFreeSlug(base, new Set(rows.map((r) => r.slug)));
  }

  private async assertSlugFree(db: DbOrTx, orgId: string, slug: string, exceptId: string | null): Promise<void> {
    const [hit] = await db
      .select({ id: courses.id })
      .from(courses)
      .where(and(eq(courses.organizationId, orgId), eq(courses.slug, slug)));
    if (hit && hit.id !== exceptId) throw this.slugTaken(slug);
  }

  private slugTaken(slug: string): Conflict {
    return new Conflict(`Another course of this organization already uses the slug "${slug}".`, 'slug_taken');
  }
}
