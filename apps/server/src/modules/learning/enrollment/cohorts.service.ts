import { Inject, Injectable } from '@nestjs/common';
import { and, asc, count, eq, inArray, ne, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { RequestContext } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx } from '../../../kernel/db/index.js';
import { Conflict, Invalid, NotFound } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import type { CourseInfo } from '../courses/index.js';
import type { Cohort } from './cohorts.dto.js';
import { CourseGate } from './course-gate.js';
import type { EnrollmentView } from './enrollment.presenter.js';
import { type CohortRow, cohorts, type EnrollmentStatus, enrollments } from './enrollment.schema.js';
import { EnrollmentService } from './enrollment.service.js';
import { RosterService } from './roster.service.js';
import { SeatGuards } from './seat-guard.js';

export type CohortView = z.input<typeof Cohort>;

/** Cohorts of a course: named groups with dates, and which enrollments belong to each. */
@Injectable()
export class CohortsService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly gate: CourseGate,
    private readonly roster: RosterService,
    private readonly seats: SeatGuards,
    private readonly enrollment: EnrollmentService,
  ) {}

  async list(ctx: RequestContext, courseId: string, q: { limit: number; cursor?: string }): Promise<Page<CohortView>> {
    const { course } = await this.gate.forStaff(ctx, courseId, 'read');
    const cursor = decodeCursor(q.cursor, 2);
    const rows = await this.db
      .select()
      .from(cohorts)
      .where(
        and(
          eq(cohorts.courseId, course.id),
          eq(cohorts.organizationId, course.organizationId),
          cursor ? sql`(${cohorts.startsAt}, ${cohorts.id}) > (${String(cursor[0])}::timestamptz, ${String(cursor[1])}::uuid)` : undefined,
        ),
      )
      .orderBy(asc(cohorts.startsAt), asc(cohorts.id))
      .limit(q.limit + 1);
    const counts = await this.learnerCounts(
      this.db,
      rows.slice(0, q.limit).map((r) => r.id),
    );
    return toPage(rows, q.limit, (r) => [r.startsAt.toISOString(), r.id], (r) => present(r, counts.get(r.id) ?? { learners: 0, seats: 0 }));
  }

  async get(ctx: RequestContext, courseId: string, cohortId: string): Promise<CohortView> {
    const { course } = await this.gate.forStaff(ctx, courseId, 'read');
    const row = await this.load(this.db, course, cohortId);
    return present(row, (await this.learnerCounts(this.db, [row.id])).get(row.id) ?? NONE);
  }

  async create(
    ctx: RequestContext,
    courseId: string,
    input: { name: string; startsAt: string; endsAt?: string | null; capacity?: number | null },
  ): Promise<CohortView> {
    const { course } = await this.gate.forStaff(ctx, courseId, 'manage');
    const [row] = await this.db
      .insert(cohorts)
      .values({
        organizationId: course.organizationId,
        courseId: course.id,
        name: input.name,
        startsAt: new Date(input.startsAt),
        endsAt: input.endsAt ? new Date(input.endsAt) : null,
        capacity: input.capacity ?? null,
      })
      .onConflictDoNothing({ target: [cohorts.courseId, cohorts.name] })
      .returning();
    if (!row) throw nameTaken(input.name);
    return present(row, NONE);
  }

  async update(
    ctx: RequestContext,
    courseId: string,
    cohortId: string,
    patch: { name?: string; startsAt?: string; endsAt?: string | null; capacity?: number | null },
  ): Promise<CohortView> {
    const { course } = await this.gate.forStaff(ctx, courseId, 'manage');
    const row = await this.db.transaction(async (tx) => {
      const current = await this.load(tx, course, cohortId, true);
      const startsAt = patch.startsAt ? new Date(patch.startsAt) : current.startsAt;
      const endsAt = patch.endsAt !== undefined ? (patch.endsAt ? new Date(patch.endsAt) : null) : current.endsAt;
      if (endsAt && endsAt.getTime() <= startsAt.getTime()) {
        throw new Invalid('endsAt must be after startsAt.', [{ field: 'body.endsAt', message: 'before the start' }], 'invalid_dates');
      }
      if (patch.name && patch.name !== current.name) {
        const [clash] = await tx
          .select({ id: cohorts.id })
          .from(cohorts)
          .where(and(eq(cohorts.courseId, course.id), eq(cohorts.name, patch.name), ne(cohorts.id, cohortId)));
        if (clash) throw nameTaken(patch.name);
      }
      const [updated] = await tx
        .update(cohorts)
        .set({ name: patch.name ?? current.name, startsAt, endsAt, capacity: patch.capacity !== undefined ? patch.capacity : current.capacity })
        .where(eq(cohorts.id, cohortId))
        .returning();
      // a raised (or removed) limit offers the new seats to the cohort's waitlist
      if (patch.capacity !== undefined && patch.capacity !== current.capacity) {
        await this.seats.cohortSeatsFreed(tx, { organizationId: course.organizationId, courseId: course.id, cohortId });
      }
      return updated!;
    });
    return present(row, (await this.learnerCounts(this.db, [row.id])).get(row.id) ?? NONE);
  }

  /** Deletes the cohort; its learners stay enrolled, without a cohort. */
  async remove(ctx: RequestContext, courseId: string, cohortId: string): Promise<void> {
    const { course } = await this.gate.forStaff(ctx, courseId, 'manage');
    await this.db.transaction(async (tx) => {
      const gone = await tx
        .delete(cohorts)
        .where(and(eq(cohorts.id, cohortId), eq(cohorts.courseId, course.id), eq(cohorts.organizationId, course.organizationId)))
        .returning({ id: cohorts.id });
      if (!gone.length) throw new NotFound('Cohort');
      // the waitlist closes the line of a cohort that is gone
      await this.seats.cohortSeatsFreed(tx, { organizationId: course.organizationId, courseId: course.id, cohortId });
    });
  }

  /** Moves enrollments of this course into the cohort (out of any other); all or nothing. */
  async assign(ctx: RequestContext, courseId: string, cohortId: string, enrollmentIds: string[]): Promise<{ cohortId: string; enrollmentIds: string[] }> {
    const { course } = await this.gate.forStaff(ctx, courseId, 'manage');
    const ids = [...new Set(enrollmentIds)];
    await this.db.transaction(async (tx) => {
      await this.load(tx, course, cohortId);
      const found = await tx
        .select()
        .from(enrollments)
        .where(and(inArray(enrollments.id, ids), eq(enrollments.courseId, course.id), eq(enrollments.organizationId, course.organizationId)))
        .for('update');
      const known = new Set(found.map((f) => f.id));
      const missing = ids.filter((id) => !known.has(id));
      if (missing.length) {
        throw new Invalid(
          'Some enrollments do not belong to this course.',
          missing.map((id) => ({ field: 'body.enrollmentIds', message: `unknown enrollment ${id}` })),
          'unknown_enrollment',
        );
      }
      await tx.update(enrollments).set({ cohortId }).where(inArray(enrollments.id, ids));
      // learners who now take a seat in this cohort, and the cohorts whose seats they leave
      const now = new Date();
      const seated = found.filter((e) => this.enrollment.seatCohort({ ...e, cohortId }, now) && e.cohortId !== cohortId);
      await this.seats.checkCohort(tx, { organizationId: course.organizationId, courseId: course.id, cohortId, userIds: seated.map((e) => e.userId) });
      const left = new Set(seated.map((e) => e.cohortId).filter((c): c is string => c !== null));
      for (const c of left) await this.seats.cohortSeatsFreed(tx, { organizationId: course.organizationId, courseId: course.id, cohortId: c });
    });
    return { cohortId, enrollmentIds: ids };
  }

  async unassign(ctx: RequestContext, courseId: string, cohortId: string, enrollmentId: string): Promise<void> {
    const { course } = await this.gate.forStaff(ctx, courseId, 'manage');
    await this.db.transaction(async (tx) => {
      const rows = await tx
        .update(enrollments)
        .set({ cohortId: null })
        .where(and(eq(enrollments.id, enrollmentId), eq(enrollments.cohortId, cohortId), eq(enrollments.courseId, course.id)))
        .returning({ id: enrollments.id });
      if (!rows.length) throw new NotFound('Enrollment in this cohort');
      await this.seats.cohortSeatsFreed(tx, { organizationId: course.organizationId, courseId: course.id, cohortId });
    });
  }

  async learners(
    ctx: RequestContext,
    courseId: string,
    cohortId: string,
    q: { limit: number; cursor?: string; search?: string; status?: EnrollmentStatus },
  ): Promise<Page<EnrollmentView>> {
    const { course } = await this.gate.forStaff(ctx, courseId, 'read');
    await this.load(this.db, course, cohortId);
    return this.roster.page(course, { ...q, cohortId });
  }

  private async load(db: DbOrTx, course: CourseInfo, cohortId: string, lock = false): Promise<CohortRow> {
    const q = db
      .select()
      .from(cohorts)
      .where(and(eq(cohorts.id, cohortId), eq(cohorts.courseId, course.id), eq(cohorts.organizationId, course.organizationId)));
    const [row] = lock ? await q.for('update') : await q;
    if (!row) throw new NotFound('Cohort');
    return row;
  }

  private async learnerCounts(db: DbOrTx, cohortIds: string[]): Promise<Map<string, Counts>> {
    if (!cohortIds.length) return new Map();
    const rows = await db
      .select({
        cohortId: enrollments.cohortId,
        n: count(),
        seats: sql<number>`count(*) FILTER (WHERE ${enrollments.status} IN ('active', 'completed') AND (${enrollments.expiresAt} IS NULL OR ${enrollments.expiresAt} > now()))::int`,
      })
      .from(enrollments)
      .where(and(inArray(enrollments.cohortId, cohortIds), ne(enrollments.status, 'revoked')))
      .groupBy(enrollments.cohortId);
    return new Map(rows.map((r) => [r.cohortId!, { learners: r.n, seats: r.seats }]));
  }
}

function nameTaken(name: string): Conflict {
  return new Conflict(`A cohort named "${name}" already exists in this course.`, 'cohort_name_taken');
}

interface Counts {
  learners: number;
  seats: number;
}
const NONE: Counts = { learners: 0, seats: 0 };

function present(r: CohortRow, c: Counts): CohortView {
  return {
    id: r.id,
    organizationId: r.organizationId,
    courseId: r.courseId,
    name: r.name,
    startsAt: r.startsAt.toISOString(),
    endsAt: r.endsAt ? r.endsAt.toISOString() : null,
    learnerCount: c.learners,
    capacity: r.capacity,
    seatsTaken: c.seats,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
