import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, gt, ilike, inArray, isNull, lt, lte, or, type SQL } from 'drizzle-orm';
import type { RequestContext } from '../../../kernel/auth/index.js';
import { DB, type Database } from '../../../kernel/db/index.js';
import { NotFound } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { type CourseInfo, CoursesService } from '../courses/index.js';
import { CourseGate } from './course-gate.js';
import { type EnrollmentView, presentEnrollment } from './enrollment.presenter.js';
import { type EnrollmentStatus, enrollmentLearners, enrollments } from './enrollment.schema.js';
import { ProgressService } from './progress.service.js';

export interface RosterQuery {
  limit: number;
  cursor?: string;
  search?: string;
  status?: EnrollmentStatus;
  cohortId?: string;
}

/** The SQL of "effective" status: active or completed rows past their expiry read as expired. */
export function effectiveStatusIs(status: EnrollmentStatus, now = new Date()): SQL {
  const unexpired = or(isNull(enrollments.expiresAt), gt(enrollments.expiresAt, now))!;
  switch (status) {
    case 'active':
    case 'completed':
      return and(eq(enrollments.status, status), unexpired)!;
    case 'expired':
      return or(eq(enrollments.status, 'expired'), and(inArray(enrollments.status, ['active', 'completed']), lte(enrollments.expiresAt, now)))!;
    case 'revoked':
      return eq(enrollments.status, 'revoked');
  }
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, '\\$&');

/** Staff views of a course's learners: lists with progress, one enrollment. */
@Injectable()
export class RosterService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly courses: CoursesService,
    private readonly gate: CourseGate,
    private readonly progress: ProgressService,
  ) {}

  async list(ctx: RequestContext, courseId: string, q: RosterQuery): Promise<Page<EnrollmentView>> {
    const { course } = await this.gate.forStaff(ctx, courseId, 'read');
    return this.page(course, q);
  }

  async get(ctx: RequestContext, courseId: string, enrollmentId: string): Promise<EnrollmentView> {
    const { course } = await this.gate.forStaff(ctx, courseId, 'read');
    const [row] = await this.query(course, [eq(enrollments.id, enrollmentId)], 1);
    if (!row) throw new NotFound('Enrollment');
    return (await this.present(course, [row]))[0]!;
  }

  /** A page of the course's enrollments, newest first; shared with the cohort learner list. */
  async page(course: CourseInfo, q: RosterQuery): Promise<Page<EnrollmentView>> {
    const conds: SQL[] = [];
    if (q.status) conds.push(effectiveStatusIs(q.status));
    if (q.cohortId) conds.push(eq(enrollments.cohortId, q.cohortId));
    if (q.search) {
      const pattern = `%${escapeLike(q.search)}%`;
      conds.push(or(ilike(enrollmentLearners.email, pattern), ilike(enrollmentLearners.name, pattern))!);
    }
    const cursor = decodeCursor(q.cursor, 1);
    if (cursor) conds.push(lt(enrollments.id, String(cursor[0])));
    const rows = await this.query(course, conds, q.limit + 1);
    const views = await this.present(course, rows.slice(0, q.limit));
    const byId = new Map(views.map((v) => [v.id, v]));
    return toPage(rows, q.limit, (r) => [r.e.id], (r) => byId.get(r.e.id)!);
  }

  private query(course: CourseInfo, conds: SQL[], limit: number) {
    return this.db
      .select({ e: enrollments, email: enrollmentLearners.email, name: enrollmentLearners.name })
      .from(enrollments)
      .leftJoin(enrollmentLearners, eq(enrollmentLearners.userId, enrollments.userId))
      .where(and(eq(enrollments.courseId, course.id), eq(enrollments.organizationId, course.organizationId), ...conds))
      .orderBy(desc(enrollments.id))
      .limit(limit);
  }

  private async present(
    course: CourseInfo,
    rows: { e: typeof enrollments.$inferSelect; email: string | null; name: string | null }[],
  ): Promise<EnrollmentView[]> {
    const lessons = await this.courses.getLiveLessons(course.id);
    const progress = await this.progress.progressOfMany(
      this.db,
      lessons,
      rows.map((r) => r.e.id),
    );
    const now = new Date();
    return rows.map((r) =>
      presentEnrollment(r.e, r.email !== null && r.name !== null ? { email: r.email, name: r.name } : null, progress.get(r.e.id)!, now),
    );
  }
}
