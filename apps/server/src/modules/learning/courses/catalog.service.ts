import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, or, sql } from 'drizzle-orm';
import type { RequestContext } from '../../../kernel/auth/index.js';
import { DB, type Database } from '../../../kernel/db/index.js';
import { Forbidden, NotFound } from '../../../kernel/errors/index.js';
import { type Page, toPage } from '../../../kernel/http/pagination.js';
import type { CatalogCourse, CatalogItem, PreviewLesson } from './catalog.dto.js';
import { type CatalogListParams, type CatalogRow, catalogCursorKey, catalogListQuery, effectiveSort } from './catalog.query.js';
import { CourseStore } from './course-store.js';
import { courses } from './courses.schema.js';
import { CoursesService } from './courses.service.js';
import { InstructorDirectory } from './instructor-directory.js';
import { CourseCovers } from './cover.js';

const VISIBLE_COLUMNS = {
  id: courses.id,
  organizationId: courses.organizationId,
  slug: courses.slug,
  liveVersion: courses.liveVersion,
  isFree: courses.isFree,
  visibility: courses.visibility,
  learnerCount: courses.learnerCount,
  liveLessonCount: courses.liveLessonCount,
  liveDurationSeconds: courses.liveDurationSeconds,
  publishedAt: courses.publishedAt,
};
type VisibleCourse = { [K in keyof typeof VISIBLE_COLUMNS]: (typeof courses.$inferSelect)[K] };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function presentRow(r: CatalogRow, coverUrl: (key: string | null) => string | null): CatalogItem {
  return {
    id: r.id,
    organizationId: r.organization_id,
    slug: r.slug,
    title: r.title,
    subtitle: r.subtitle,
    category: r.category,
    level: r.level,
    language: r.language,
    tags: r.tags,
    coverKey: r.cover_key,
    coverUrl: coverUrl(r.cover_key),
    isFree: r.is_free,
    visibility: r.visibility,
    learnerCount: r.learner_count,
    lessonCount: r.lesson_count,
    durationSeconds: r.duration_seconds,
    publishedAt: new Date(r.published_at).toISOString(),
  };
}

/**
 * The public catalog: published, non-archived courses, live version only. Public courses of every
 * organization, plus the organization-only courses of the caller's active organization.
 */
@Injectable()
export class CatalogService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly courses: CoursesService,
    private readonly store: CourseStore,
    private readonly directory: InstructorDirectory,
    private readonly covers: CourseCovers,
  ) {}

  async list(ctx: RequestContext, p: Omit<CatalogListParams, 'memberOrgId'>): Promise<Page<CatalogItem>> {
    const params: CatalogListParams = { ...p, memberOrgId: ctx.membership?.orgId ?? null };
    const sort = effectiveSort(params);
    const res = await this.db.execute<CatalogRow>(catalogListQuery(params));
    return toPage(res.rows, p.limit, (r) => catalogCursorKey(r, sort), (r) => presentRow(r, (k) => this.covers.url(k)));
  }

  /** The course page: details, instructors and the outline, non-preview lessons locked. */
  async get(ctx: RequestContext, idOrSlug: string, organizationId?: string): Promise<CatalogCourse> {
    const row = await this.findVisible(ctx, idOrSlug, organizationId);
    const snap = await this.store.snapshotOf(row.id, row.liveVersion!);
    if (!snap) throw new NotFound('Course');
    const instructorIds = await this.store.instructorIdsOf(row.id);
    const names = await this.directory.names(instructorIds);
    return {
      id: row.id,
      organizationId: row.organizationId,
      slug: row.slug,
      title: snap.course.title,
      subtitle: snap.course.subtitle,
      category: snap.course.category,
      level: snap.course.level,
      language: snap.course.language,
      tags: snap.course.tags,
      coverKey: snap.course.coverKey,
      coverUrl: this.covers.url(snap.course.coverKey),
      isFree: row.isFree,
      visibility: row.visibility,
      learnerCount: row.learnerCount,
      lessonCount: row.liveLessonCount ?? 0,
      durationSeconds: row.liveDurationSeconds ?? 0,
      publishedAt: row.publishedAt!.toISOString(),
      descriptionHtml: snap.course.descriptionHtml,
      version: row.liveVersion!,
      instructors: instructorIds.map((userId) => ({ userId, name: names.get(userId) ?? null })),
      sections: snap.sections.map((s) => ({
        id: s.id,
        position: s.position,
        title: s.title,
        lessons: s.lessons.map((l) => ({
          id: l.id,
          position: l.position,
          title: l.title,
          type: l.type,
          durationSeconds: l.durationSeconds,
          isPreview: l.isPreview,
          locked: !l.isPreview,
        })),
      })),
    };
  }

  /** Content of a free-preview lesson of the live version; other lessons are locked. */
  async preview(ctx: RequestContext, courseId: string, lessonId: string): Promise<PreviewLesson> {
    const row = await this.findVisible(ctx, courseId);
    const lesson = await this.courses.getLiveLessonContent(row.id, lessonId);
    if (!lesson) throw new NotFound('Lesson');
    if (!lesson.isPreview) throw new Forbidden('This lesson is only available to enrolled learners.', 'lesson_locked');
    return {
      id: lesson.id,
      courseId: row.id,
      sectionId: lesson.sectionId,
      title: lesson.title,
      type: lesson.type,
      durationSeconds: lesson.durationSeconds,
      body: lesson.body,
    };
  }

  /** A published course the caller may see in the catalog, by id or slug; otherwise 404. */
  private async findVisible(ctx: RequestContext, idOrSlug: string, organizationId?: string): Promise<VisibleCourse> {
    const memberOrg = ctx.membership?.orgId ?? null;
    const visible = and(
      eq(courses.status, 'published'),
      sql`${courses.liveVersion} IS NOT NULL`,
      memberOrg ? or(eq(courses.visibility, 'public'), eq(courses.organizationId, memberOrg)) : eq(courses.visibility, 'public'),
    );
    const key = UUID_RE.test(idOrSlug) ? eq(courses.id, idOrSlug) : eq(courses.slug, idOrSlug);
    // Only the columns the course page shows: whole rows (search vector, description) cost
    // mapping time on every request.
    const rows = await this.db
      .select(VISIBLE_COLUMNS)
      .from(courses)
      .where(and(key, visible, organizationId ? eq(courses.organizationId, organizationId) : undefined))
      // a slug several organizations use: the caller's own organization first, then the oldest
      .orderBy(
        memberOrg ? sql`(${courses.organizationId} = ${memberOrg}::uuid) DESC` : asc(courses.firstPublishedAt),
        asc(courses.firstPublishedAt),
        asc(courses.id),
      )
      .limit(1);
    if (!rows[0]) throw new NotFound('Course');
    return rows[0];
  }
}
