import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq } from 'drizzle-orm';
import type { RequestContext } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx } from '../../../kernel/db/index.js';
import { Forbidden, NotFound } from '../../../kernel/errors/index.js';
import { courseDrafts, courseInstructors, courses, courseVersions } from './courses.schema.js';
import type { CourseSnapshot } from './courses.snapshot.js';
import type { CourseInfo } from './courses.types.js';

export type CourseRow = typeof courses.$inferSelect;

/** Published versions never change, so their parsed snapshots are cached by (course, version). */
class SnapshotCache {
  private readonly map = new Map<string, CourseSnapshot>();
  constructor(private readonly max = 500) {}
  get(courseId: string, version: number): CourseSnapshot | undefined {
    const key = `${courseId}:${version}`;
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
    }
    return hit;
  }
  set(courseId: string, version: number, snap: CourseSnapshot): void {
    const key = `${courseId}:${version}`;
    this.map.set(key, snap);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}

/**
 * Course reads shared by this module's services (not part of the module's public door): scoped
 * loading with the per-course policy, instructors, and immutable version snapshots (cached).
 */
@Injectable()
export class CourseStore {
  private readonly snapshots = new SnapshotCache();

  constructor(@Inject(DB) private readonly db: Database) {}

  /** The live snapshot of a course, or null when it has never been published. */
  async liveSnapshot(courseId: string, db: DbOrTx = this.db): Promise<CourseSnapshot | null> {
    const [row] = await db.select({ v: courses.liveVersion }).from(courses).where(eq(courses.id, courseId));
    if (!row || row.v === null) return null;
    return this.snapshotOf(courseId, row.v, db);
  }

  async snapshotOf(courseId: string, version: number, db: DbOrTx = this.db): Promise<CourseSnapshot | null> {
    const cached = this.snapshots.get(courseId, version);
    if (cached) return cached;
    const [v] = await db
      .select({ snapshot: courseVersions.snapshot })
      .from(courseVersions)
      .where(and(eq(courseVersions.courseId, courseId), eq(courseVersions.version, version)));
    if (!v) return null;
    this.snapshots.set(courseId, version, v.snapshot);
    return v.snapshot;
  }

  async instructorIdsOf(courseId: string, db: DbOrTx = this.db): Promise<string[]> {
    const rows = await db
      .select({ userId: courseInstructors.userId })
      .from(courseInstructors)
      .where(eq(courseInstructors.courseId, courseId))
      .orderBy(asc(courseInstructors.position), asc(courseInstructors.createdAt));
    return rows.map((r) => r.userId);
  }

  /**
   * Loads a course of the caller's active organization (another organization's course is "not
   * found", so ids do not leak), optionally locking its row for a write, and checks `allowed`.
   */
  async loadScoped(
    ctx: RequestContext,
    courseId: string,
    db: DbOrTx,
    allowed: (ctx: RequestContext, c: CourseInfo) => boolean,
    opts: { lock?: boolean; action?: string } = {},
  ): Promise<{ row: CourseRow; info: CourseInfo }> {
    const orgId = ctx.membership?.orgId;
    if (!orgId) throw new Forbidden('Choose an organization you belong to (X-Organization-Id header or the active organization).', 'no_organization');
    const q = db.select().from(courses).where(and(eq(courses.id, courseId), eq(courses.organizationId, orgId)));
    const [row] = opts.lock ? await q.for('update') : await q;
    if (!row) throw new NotFound('Course');
    const info = await this.infoOf(row, await this.instructorIdsOf(courseId, db), db);
    if (!allowed(ctx, info)) throw new Forbidden(`You may not ${opts.action ?? 'change'} this course.`, 'course_forbidden');
    return { row, info };
  }

  async infoOf(row: CourseRow, instructorIds: string[], db: DbOrTx = this.db): Promise<CourseInfo> {
    let title = row.liveTitle;
    if (title === null) {
      // never published: the draft title
      const [d] = await db.select({ title: courseDrafts.title }).from(courseDrafts).where(eq(courseDrafts.courseId, row.id));
      title = d?.title ?? '';
    }
    return {
      id: row.id,
      organizationId: row.organizationId,
      title,
      slug: row.slug,
      status: row.status,
      visibility: row.visibility,
      isFree: row.isFree,
      category: row.liveCategory,
      instructorIds,
      liveVersion: row.liveVersion,
      publishedAt: row.publishedAt,
    };
  }
}
