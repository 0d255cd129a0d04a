import { Inject, Injectable } from '@nestjs/common';
import { eq, sql } from 'drizzle-orm';
import { requireOrg, type RequestContext } from '../../../kernel/auth/index.js';
import { DB, type Database, type Tx, inTransaction } from '../../../kernel/db/index.js';
import { Unprocessable } from '../../../kernel/errors/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { CoursePublished } from '../learning.events.js';
import { CourseEditorService } from './course-editor.service.js';
import type { CourseEditorView } from './courses.dto.js';
import { renderMarkdown } from './courses.markdown.js';
import { CourseStore } from './course-store.js';
import * as policy from './courses.policy.js';
import { courseDrafts, courses, courseVersions } from './courses.schema.js';
import type { CourseSnapshot } from './courses.snapshot.js';
import { type DraftOutline, draftCourseDetails, loadDraftOutline } from './draft-outline.js';

type DraftRow = typeof courseDrafts.$inferSelect;

/** Freezes a draft into the immutable snapshot learners read; markdown is rendered and sanitized once, here. */
export function buildSnapshot(draft: DraftRow, outline: DraftOutline): CourseSnapshot {
  return {
    schemaVersion: 1,
    course: draftCourseDetails(draft),
    sections: outline.sections.map((s, si) => ({
      id: s.id,
      position: si,
      title: s.title,
      lessons: outline.lessons
        .filter((l) => l.sectionId === s.id)
        .map((l, li) => ({
          id: l.id,
          position: li,
          title: l.title,
          type: l.type,
          isPreview: l.isPreview,
          required: l.required,
          dripDays: l.dripDays,
          dripDate: l.dripDate?.toISOString() ?? null,
          prerequisiteLessonIds: l.prerequisiteLessonIds,
          durationSeconds: l.durationSeconds,
          body:
            l.type === 'text'
              ? { markdown: l.body.markdown ?? '', html: renderMarkdown(l.body.markdown ?? '') }
              : l.type === 'link'
                ? { ...(l.body.url ? { url: l.body.url } : {}), ...(l.body.embedUrl ? { embedUrl: l.body.embedUrl } : {}) }
                : {},
        })),
    })),
  };
}

/** Publish (draft -> new live version), unpublish (hide) and archive. */
@Injectable()
export class PublishingService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly store: CourseStore,
    private readonly editor: CourseEditorService,
    private readonly events: EventBus,
  ) {}

  /**
   * Snapshots the draft into version N+1 and makes it live, in one transaction with the
   * CoursePublished event. Learners only ever read versions; the draft stays editable.
   */
  async publish(ctx: RequestContext, courseId: string): Promise<CourseEditorView> {
    const o = requireOrg(ctx);
    return inTransaction(this.db, async (tx) => {
      const { row } = await this.store.loadScoped(ctx, courseId, tx, policy.canPublishCourse, { lock: true, action: 'publish' });
      const [draft] = await tx.select().from(courseDrafts).where(eq(courseDrafts.courseId, courseId));
      const outline = await loadDraftOutline(tx, courseId);
      if (!outline.lessons.length) {
        throw new Unprocessable('Add at least one lesson before publishing.', 'course_empty');
      }
      const snapshot = buildSnapshot(draft!, outline);
      const [{ next }] = (await tx
        .select({ next: sql<number>`coalesce(max(${courseVersions.version}), 0)::int + 1` })
        .from(courseVersions)
        .where(eq(courseVersions.courseId, courseId))) as [{ next: number }];
      const now = new Date();
      await tx.insert(courseVersions).values({
        organizationId: row.organizationId,
        courseId,
        version: next,
        snapshot,
        publishedBy: o.actor.userId,
        publishedAt: now,
      });
      await this.project(tx, courseId, snapshot, next, now);
      await tx.update(courseDrafts).set({ hasUnpublishedChanges: false }).where(eq(courseDrafts.courseId, courseId));
      await this.events.emit(tx, CoursePublished, {
        organizationId: row.organizationId,
        courseId,
        version: next,
        publishedBy: o.actor.userId,
      });
      return this.editor.viewOf(ctx, courseId, tx);
    });
  }

  /** Back to draft status: hidden from the catalog; enrolled learners keep the live version. */
  async unpublish(ctx: RequestContext, courseId: string): Promise<CourseEditorView> {
    return this.setStatus(ctx, courseId, 'draft');
  }

  /** Archived: hidden from the catalog and closed to new learners; enrolled learners keep the live version. */
  async archive(ctx: RequestContext, courseId: string): Promise<CourseEditorView> {
    return this.setStatus(ctx, courseId, 'archived');
  }

  private async setStatus(ctx: RequestContext, courseId: string, status: 'draft' | 'archived'): Promise<CourseEditorView> {
    return inTransaction(this.db, async (tx) => {
      await this.store.loadScoped(ctx, courseId, tx, policy.canPublishCourse, {
        lock: true,
        action: status === 'draft' ? 'unpublish' : 'archive',
      });
      const now = new Date();
      await tx
        .update(courses)
        .set({ status, archivedAt: status === 'archived' ? now : null, updatedAt: now })
        .where(eq(courses.id, courseId));
      return this.editor.viewOf(ctx, courseId, tx);
    });
  }

  /** Writes the live version's catalog projection (searchable columns) onto the course row. */
  private async project(tx: Tx, courseId: string, snap: CourseSnapshot, version: number, at: Date): Promise<void> {
    const c = snap.course;
    const lessons = snap.sections.flatMap((s) => s.lessons);
    const duration = lessons.reduce((sum, l) => sum + (l.durationSeconds ?? 0), 0);
    const tagText = [...c.tags, c.category ?? ''].join(' ');
    await tx
      .update(courses)
      .set({
        status: 'published',
        liveVersion: version,
        publishedAt: at,
        firstPublishedAt: sql`coalesce(${courses.firstPublishedAt}, ${at.toISOString()}::timestamptz)`,
        archivedAt: null,
        liveTitle: c.title,
        liveSubtitle: c.subtitle,
        liveDescription: c.description,
        liveLanguage: c.language,
        liveLevel: c.level,
        liveCategory: c.category,
        liveTags: c.tags,
        liveCoverKey: c.coverKey,
        liveDurationSeconds: duration,
        liveLessonCount: lessons.length,
        searchTitle: sql`lower(unaccent(${c.title}))`,
        searchVector: sql`
          setweight(to_tsvector('english', unaccent(${c.title})), 'A') ||
          setweight(to_tsvector('english', unaccent(${c.subtitle})), 'B') ||
          setweight(to_tsvector('english', unaccent(${tagText})), 'B') ||
          setweight(to_tsvector('english', unaccent(${c.description})), 'C')`,
        updatedAt: at,
      })
      .where(eq(courses.id, courseId));
  }
}
