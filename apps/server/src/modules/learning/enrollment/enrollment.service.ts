import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gt, inArray, lte, ne, notInArray, sql } from 'drizzle-orm';
import { type OrgContext, type RequestContext, requireUser } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx, type Tx } from '../../../kernel/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound, Unprocessable } from '../../../kernel/errors/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { type CourseInfo, CoursesService } from '../courses/index.js';
import { EnrollmentCreated, EnrollmentRevoked } from '../learning.events.js';
import { normalizeEmail } from './bulk-csv.js';
import { CourseGate } from './course-gate.js';
import type { EnrollResult } from './enrollment.dto.js';
import { type EnrollmentView, presentEnrollment } from './enrollment.presenter.js';
import { type CohortRow, cohorts, type EnrollmentRow, type EnrollmentSource, enrollmentLearners, enrollments } from './enrollment.schema.js';
import { LearnerDirectory, type LearnerIdentity } from './learner-directory.js';
import { ProgressService } from './progress.service.js';
import { SeatGuards } from './seat-guard.js';
import { effectiveStatus, grantsAccess } from './progress.rules.js';

export interface GrantAccessInput {
  course: Pick<CourseInfo, 'id' | 'organizationId'>;
  userId: string;
  source: EnrollmentSource;
  /** who granted it; null for self-enrollment and system grants */
  enrolledBy: string | null;
  expiresAt?: Date | null;
  cohortId?: string | null;
  /** an instructor's grant brings back a revoked learner; a self-enrollment does not */
  reactivateRevoked: boolean;
  /** the learner's email and name, so staff lists can show and search them */
  learner?: LearnerIdentity;
}

export type GrantOutcome = 'enrolled' | 'reactivated' | 'already_enrolled' | 'refused_revoked';

export interface GrantOptions {
  expiresAt?: string | null;
  cohortId?: string | null;
}

export interface EnrollReportRow {
  row: number;
  email: string;
  result: EnrollResult;
  enrollmentId: string | null;
  userId: string | null;
  message: string;
}

const MESSAGES: Record<EnrollResult, string> = {
  enrolled: 'Enrolled.',
  already_enrolled: 'Already enrolled; nothing changed.',
  no_account: 'No Lyceum account uses this email. Ask the person to sign up first, then enroll them again.',
  invalid_email: 'This is not a valid email address.',
  duplicate_in_file: 'This email appears earlier in the list; this row was skipped.',
};

export interface PlannedEmailRow {
  row: number;
  /** normalized when valid, else as written */
  email: string;
  /** decided before any lookup (invalid, or repeated earlier in the list); null: to enroll */
  result: 'invalid_email' | 'duplicate_in_file' | null;
}

export interface PlannedGrant {
  course: Pick<CourseInfo, 'id' | 'organizationId'>;
  enrolledBy: string;
  expiresAt: Date | null;
  cohortId: string | null;
  source: EnrollmentSource;
}

/** Normalizes the emails and marks invalid ones and repeats of an earlier row, in order. */
export function planEmailRows(rows: readonly { row: number; email: string }[]): PlannedEmailRow[] {
  const seen = new Set<string>();
  return rows.map((r) => {
    const email = normalizeEmail(r.email);
    if (!email) return { row: r.row, email: r.email, result: 'invalid_email' };
    if (seen.has(email)) return { row: r.row, email, result: 'duplicate_in_file' };
    seen.add(email);
    return { row: r.row, email, result: null };
  });
}

export const emptySummary = (): Record<EnrollResult, number> => ({ enrolled: 0, already_enrolled: 0, no_account: 0, invalid_email: 0, duplicate_in_file: 0 });

export function summarize(items: readonly { result: EnrollResult }[], into = emptySummary()): Record<EnrollResult, number> {
  for (const i of items) into[i.result]++;
  return into;
}

/** Granting, revoking and changing access to a course. */
/** One learner of a course as other modules' read models need them (see EnrollmentService.courseLearners). */
export interface CourseLearner {
  enrollmentId: string;
  organizationId: string;
  userId: string;
  name: string;
  email: string;
  enrolledAt: Date;
}

@Injectable()
export class EnrollmentService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly events: EventBus,
    private readonly courses: CoursesService,
    private readonly gate: CourseGate,
    private readonly directory: LearnerDirectory,
    private readonly progress: ProgressService,
    private readonly seats: SeatGuards,
  ) {}

  /**
   * Gives a user access to a course inside the caller's transaction: creates the enrollment, or
   * brings back an expired (or, when allowed, revoked) one. Emits EnrollmentCreated when the
   * learner gains a place in the course (new, or back from revoked).
   */
  async grantAccess(tx: Tx, input: GrantAccessInput): Promise<{ enrollment: EnrollmentRow; outcome: GrantOutcome }> {
    const now = new Date();
    if (!(await this.hasSeat(tx, input.course.id, input.userId, now))) {
      await this.seats.check(tx, { organizationId: input.course.organizationId, courseId: input.course.id, userId: input.userId });
    }
    if (input.learner) await this.directory.remember(tx, [input.learner]);
    const [created] = await tx
      .insert(enrollments)
      .values({
        organizationId: input.course.organizationId,
        courseId: input.course.id,
        userId: input.userId,
        status: 'active',
        source: input.source,
        enrolledBy: input.enrolledBy,
        enrolledAt: now,
        expiresAt: input.expiresAt ?? null,
        cohortId: input.cohortId ?? null,
      })
      .onConflictDoNothing({ target: [enrollments.courseId, enrollments.userId] })
      .returning();
    if (created) {
      await this.cohortChanged(tx, created, null, this.seatCohort(created, now));
      await this.emitCreated(tx, created);
      return { enrollment: created, outcome: 'enrolled' };
    }
    const [existing] = await tx
      .select()
      .from(enrollments)
      .where(and(eq(enrollments.courseId, input.course.id), eq(enrollments.userId, input.userId)))
      .for('update');
    if (!existing) throw new Conflict('The enrollment changed while it was being created; retry.', 'enrollment_race');
    const status = effectiveStatus(existing, now);
    if (grantsAccess(status)) return { enrollment: existing, outcome: 'already_enrolled' };
    if (status === 'revoked' && !input.reactivateRevoked) return { enrollment: existing, outcome: 'refused_revoked' };
    const [updated] = await tx
      .update(enrollments)
      .set({
        status: existing.completedAt ? 'completed' : 'active',
        source: input.source,
        enrolledBy: input.enrolledBy,
        revokedAt: null,
        expiresAt: input.expiresAt ?? null,
        cohortId: input.cohortId === undefined ? existing.cohortId : input.cohortId,
      })
      .where(eq(enrollments.id, existing.id))
      .returning();
    // the enrollment held no seat before, so it held none in its cohort either
    await this.cohortChanged(tx, updated!, null, this.seatCohort(updated!, now));
    if (status === 'revoked') await this.emitCreated(tx, updated!);
    return { enrollment: updated!, outcome: 'reactivated' };
  }

  /** The courses among `courseIds` that `userId` can open now (active or completed, unexpired). */
  async coursesWithAccess(userId: string, courseIds: readonly string[], db: DbOrTx = this.db): Promise<Set<string>> {
    if (courseIds.length === 0) return new Set();
    const rows = await db.select().from(enrollments).where(and(eq(enrollments.userId, userId), inArray(enrollments.courseId, [...courseIds])));
    const now = new Date();
    return new Set(rows.filter((r) => grantsAccess(effectiveStatus(r, now))).map((r) => r.courseId));
  }

  /**
   * Revokes one enrollment inside the caller's transaction (commerce: a refunded purchase).
   * Revoking a revoked enrollment changes nothing; returns whether it changed.
   */
  async revokeAccess(tx: Tx, enrollmentId: string): Promise<boolean> {
    const [e] = await tx.select().from(enrollments).where(eq(enrollments.id, enrollmentId)).for('update');
    if (!e || e.status === 'revoked') return false;
    await this.revokeRow(tx, e);
    return true;
  }

  /** Self-enrollment in a free, published course the caller can see. */
  async selfEnroll(ctx: RequestContext, courseId: string): Promise<{ enrollment: EnrollmentView; created: boolean }> {
    const u = requireUser(ctx);
    const course = await this.courses.getCourseInfo(courseId);
    if (!course || course.status !== 'published') throw new NotFound('Course');
    if (course.visibility === 'organization' && !(await this.directory.isMember(u.actor.userId, course.organizationId))) {
      throw new NotFound('Course');
    }
    if (!course.isFree) {
      throw new Forbidden('This course is not free; it cannot be joined by self-enrollment.', 'payment_required');
    }
    const learner = { userId: u.actor.userId, email: u.actor.email, name: u.actor.name };
    const { enrollment, outcome } = await this.db.transaction(async (tx) => {
      const r = await this.grantAccess(tx, { course, userId: u.actor.userId, source: 'self', enrolledBy: null, reactivateRevoked: false, learner });
      if (r.outcome === 'refused_revoked') {
        throw new Forbidden('Your access to this course was revoked by its staff; ask them to enroll you again.', 'enrollment_revoked');
      }
      return r;
    });
    const lessons = await this.courses.getLiveLessons(course.id);
    const progress = (await this.progress.progressOfMany(this.db, lessons, [enrollment.id])).get(enrollment.id)!;
    return { enrollment: presentEnrollment(enrollment, learner, progress), created: outcome !== 'already_enrolled' };
  }

  /** Enrolls existing accounts by email; one report row per input row, in order. */
  async enrollByEmails(
    ctx: RequestContext,
    courseId: string,
    rows: readonly { row: number; email: string }[],
    opts: GrantOptions,
    source: EnrollmentSource,
  ): Promise<{ items: EnrollReportRow[]; summary: Record<EnrollResult, number> }> {
    const { ctx: o, course, expiresAt, cohortId } = await this.checkEnrollRequest(ctx, courseId, opts);
    const planned = planEmailRows(rows);
    const items = await this.db.transaction((tx) =>
      this.enrollPlanned(tx, { course, enrolledBy: o.actor.userId, expiresAt, cohortId, source }, planned),
    );
    return { items, summary: summarize(items) };
  }

  /**
   * The checks every staff enrollment request passes before anything is written: the caller may
   * manage the course's enrollments, the course is not archived, the expiry is in the future and the
   * cohort belongs to the course.
   */
  async checkEnrollRequest(
    ctx: RequestContext,
    courseId: string,
    opts: GrantOptions,
  ): Promise<{ ctx: OrgContext; course: CourseInfo; expiresAt: Date | null; cohortId: string | null }> {
    const { ctx: o, course } = await this.gate.forStaff(ctx, courseId, 'manage');
    if (course.status === 'archived') throw new Unprocessable('This course is archived; restore it before enrolling learners.', 'course_archived');
    const expiresAt = this.futureDate(opts.expiresAt, 'body.expiresAt');
    if (opts.cohortId) await this.requireCohort(this.db, course, opts.cohortId, 'body.cohortId');
    return { ctx: o, course, expiresAt, cohortId: opts.cohortId ?? null };
  }

  /**
   * Enrolls already-planned rows inside `tx` (rows planned as invalid or duplicate are only
   * reported). Shared by the synchronous endpoints and the background CSV import, which calls it
   * once per batch.
   */
  async enrollPlanned(tx: Tx, grant: PlannedGrant, planned: readonly PlannedEmailRow[]): Promise<EnrollReportRow[]> {
    const accounts = await this.directory.findByEmails([...new Set(planned.filter((p) => !p.result).map((p) => p.email))]);
    const out: EnrollReportRow[] = [];
    for (const p of planned) {
      if (p.result) {
        out.push({ row: p.row, email: p.email, result: p.result, enrollmentId: null, userId: null, message: MESSAGES[p.result] });
        continue;
      }
      const person = accounts.get(p.email);
      if (!person) {
        out.push({ row: p.row, email: p.email, result: 'no_account', enrollmentId: null, userId: null, message: MESSAGES.no_account });
        continue;
      }
      const g = await this.grantAccess(tx, {
        course: grant.course,
        userId: person.userId,
        source: grant.source,
        enrolledBy: grant.enrolledBy,
        expiresAt: grant.expiresAt,
        cohortId: grant.cohortId ?? undefined,
        reactivateRevoked: true,
        learner: person,
      });
      const result: EnrollResult = g.outcome === 'already_enrolled' ? 'already_enrolled' : 'enrolled';
      const message = g.outcome === 'reactivated' ? 'Enrolled again: earlier access was restored.' : MESSAGES[result];
      out.push({ row: p.row, email: p.email, result, enrollmentId: g.enrollment.id, userId: person.userId, message });
    }
    return out;
  }

  /** Revokes access; revoking a revoked enrollment changes nothing. Emits EnrollmentRevoked. */
  async revoke(ctx: RequestContext, courseId: string, enrollmentId: string): Promise<EnrollmentView> {
    const { course } = await this.gate.forStaff(ctx, courseId, 'manage');
    const row = await this.db.transaction(async (tx) => {
      const e = await this.lockEnrollment(tx, course, enrollmentId);
      return e.status === 'revoked' ? e : this.revokeRow(tx, e);
    });
    return this.present(this.db, course, row);
  }

  /**
   * Changes expiry, status or cohort. `status: active` restores access (to `completed` when the
   * course was completed); extending `expiresAt` of an expired enrollment restores it too.
   */
  async update(
    ctx: RequestContext,
    courseId: string,
    enrollmentId: string,
    patch: { expiresAt?: string | null; status?: 'active' | 'expired' | 'revoked'; cohortId?: string | null },
  ): Promise<EnrollmentView> {
    const { course } = await this.gate.forStaff(ctx, courseId, 'manage');
    const now = new Date();
    const row = await this.db.transaction(async (tx) => {
      let e = await this.lockEnrollment(tx, course, enrollmentId);
      const seatBefore = this.seatCohort(e, now);
      if (patch.cohortId) await this.requireCohort(tx, course, patch.cohortId, 'body.cohortId');
      const set: Partial<EnrollmentRow> = {};
      if (patch.expiresAt !== undefined) set.expiresAt = patch.expiresAt === null ? null : new Date(patch.expiresAt);
      if (patch.cohortId !== undefined) set.cohortId = patch.cohortId;
      const expiry = set.expiresAt !== undefined ? set.expiresAt : e.expiresAt;
      const stillValid = expiry === null || expiry.getTime() > now.getTime();
      let reactivated = false;
      if (patch.status === 'active') {
        if (!stillValid) {
          throw new Unprocessable('The enrollment cannot be active with an expiry in the past; send a later expiresAt (or null).', 'expires_in_past');
        }
        reactivated = e.status === 'revoked';
        set.status = e.completedAt ? 'completed' : 'active';
        set.revokedAt = null;
      } else if (patch.status === 'expired') {
        if (e.status === 'revoked') throw new Conflict('This enrollment is revoked; set it active first.', 'enrollment_revoked');
        set.status = 'expired';
      } else if (patch.status === undefined && patch.expiresAt !== undefined && e.status === 'expired' && stillValid) {
        set.status = e.completedAt ? 'completed' : 'active';
      }
      if (Object.keys(set).length) {
        [e] = (await tx.update(enrollments).set(set).where(eq(enrollments.id, e.id)).returning()) as [EnrollmentRow];
        if (patch.status !== 'revoked') await this.cohortChanged(tx, e, seatBefore, this.seatCohort(e, now));
      }
      if (reactivated) await this.emitCreated(tx, e);
      if (patch.status === 'revoked' && e.status !== 'revoked') {
        e = await this.revokeRow(tx, e);
        // moved out of a cohort and revoked at once: the seat left behind is freed too
        if (seatBefore && seatBefore !== e.cohortId) await this.cohortChanged(tx, e, seatBefore, null);
      }
      return e;
    });
    return this.present(this.db, course, row);
  }

  /**
   * Marks every enrollment past its expiry as expired, one transaction each, and tells the seat
   * listeners (the waitlist offers the freed seat to the next person in line). An enrollment is
   * swept once: a second run finds nothing. Returns how many changed. Run every minute by cron.
   */
  async expireDue(now = new Date()): Promise<number> {
    let n = 0;
    for (;;) {
      const due = await this.db
        .select({ id: enrollments.id })
        .from(enrollments)
        .where(and(inArray(enrollments.status, ['active', 'completed']), lte(enrollments.expiresAt, now)))
        .orderBy(asc(enrollments.expiresAt))
        .limit(500);
      for (const { id } of due) {
        n += await this.db.transaction(async (tx) => {
          const [e] = await tx
            .update(enrollments)
            .set({ status: 'expired' })
            .where(and(eq(enrollments.id, id), inArray(enrollments.status, ['active', 'completed']), lte(enrollments.expiresAt, now)))
            .returning();
          if (!e) return 0;
          await this.seats.seatsFreed(tx, { organizationId: e.organizationId, courseId: e.courseId, cohortId: e.cohortId, at: now });
          return 1;
        });
      }
      if (due.length < 500) return n;
    }
  }

  /** Seats taken in a course: enrollments that give access now (active or completed, not past expiry). */
  async seatsTaken(db: DbOrTx, courseId: string, now = new Date()): Promise<number> {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(enrollments)
      .where(and(eq(enrollments.courseId, courseId), inArray(enrollments.status, ['active', 'completed']), sql`(${enrollments.expiresAt} IS NULL OR ${enrollments.expiresAt} > ${now})`));
    return row?.n ?? 0;
  }

  /** Does the user hold a seat (access now) in the course? */
  async hasSeat(db: DbOrTx, courseId: string, userId: string, now = new Date()): Promise<boolean> {
    const [row] = await db.select().from(enrollments).where(and(eq(enrollments.courseId, courseId), eq(enrollments.userId, userId)));
    return row ? grantsAccess(effectiveStatus(row, now)) : false;
  }

  // ---- cohort seats (the waitlist enforces cohort capacity through SeatGuards) ----

  /** Locks the cohort row: every change of a limited cohort's seats is serialized on it. */
  async lockCohort(tx: Tx, cohortId: string): Promise<CohortRow | null> {
    const [row] = await tx.select().from(cohorts).where(eq(cohorts.id, cohortId)).for('update');
    return row ?? null;
  }

  async getCohort(db: DbOrTx, courseId: string, cohortId: string): Promise<CohortRow | null> {
    const [row] = await db
      .select()
      .from(cohorts)
      .where(and(eq(cohorts.id, cohortId), eq(cohorts.courseId, courseId)));
    return row ?? null;
  }

  /** The cohorts of a course by start date (the waitlist's seat overview). */
  async cohortsOf(db: DbOrTx, courseId: string): Promise<CohortRow[]> {
    return db.select().from(cohorts).where(eq(cohorts.courseId, courseId)).orderBy(asc(cohorts.startsAt), asc(cohorts.id));
  }

  /** Seats taken in a cohort: its enrollments that give access now, not counting `exceptUserIds`. */
  async cohortSeatsTaken(db: DbOrTx, cohortId: string, now = new Date(), exceptUserIds: readonly string[] = []): Promise<number> {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(enrollments)
      .where(
        and(
          eq(enrollments.cohortId, cohortId),
          inArray(enrollments.status, ['active', 'completed']),
          sql`(${enrollments.expiresAt} IS NULL OR ${enrollments.expiresAt} > ${now})`,
          exceptUserIds.length ? notInArray(enrollments.userId, [...exceptUserIds]) : undefined,
        ),
      );
    return row?.n ?? 0;
  }

  /** The cohort the user holds a seat in (null: no seat in the course, or none in a cohort); hasSeat as above. */
  async seatOf(db: DbOrTx, courseId: string, userId: string, now = new Date()): Promise<{ hasSeat: boolean; cohortId: string | null }> {
    const [row] = await db.select().from(enrollments).where(and(eq(enrollments.courseId, courseId), eq(enrollments.userId, userId)));
    if (!row || !grantsAccess(effectiveStatus(row, now))) return { hasSeat: false, cohortId: null };
    return { hasSeat: true, cohortId: row.cohortId };
  }

  /**
   * Moves the user's enrollment (which must give access) into the cohort inside `tx`; the cohort
   * guard runs as for staff moves. Returns false when the user holds no seat in the course.
   */
  async moveToCohort(tx: Tx, input: { courseId: string; userId: string; cohortId: string }): Promise<boolean> {
    const now = new Date();
    const [e] = await tx
      .select()
      .from(enrollments)
      .where(and(eq(enrollments.courseId, input.courseId), eq(enrollments.userId, input.userId)))
      .for('update');
    if (!e || !grantsAccess(effectiveStatus(e, now))) return false;
    if (e.cohortId === input.cohortId) return true;
    const [moved] = await tx.update(enrollments).set({ cohortId: input.cohortId }).where(eq(enrollments.id, e.id)).returning();
    await this.cohortChanged(tx, moved!, e.cohortId, input.cohortId);
    return true;
  }

  /** The cohort whose seat the enrollment holds now, if any. */
  seatCohort(e: EnrollmentRow, now: Date): string | null {
    return grantsAccess(effectiveStatus(e, now)) ? e.cohortId : null;
  }

  /** Runs after an enrollment's cohort seat changed from `before` to `after` (in `tx`): guards the new cohort, frees the old. */
  async cohortChanged(tx: Tx, e: Pick<EnrollmentRow, 'organizationId' | 'courseId' | 'userId'>, before: string | null, after: string | null): Promise<void> {
    if (after && after !== before) await this.seats.checkCohort(tx, { organizationId: e.organizationId, courseId: e.courseId, cohortId: after, userIds: [e.userId] });
    if (before && before !== after) await this.seats.cohortSeatsFreed(tx, { organizationId: e.organizationId, courseId: e.courseId, cohortId: before });
  }

  /**
   * Ends access that `source` granted (commerce: a subscription that lapsed), inside the caller's
   * transaction: the enrollment becomes expired at `at`, so a later grant brings it back. Does
   * nothing when the enrollment is gone, already without access, or now held through another source.
   */
  async endGrantedAccess(tx: Tx, input: { enrollmentId: string; source: EnrollmentSource; at: Date }): Promise<boolean> {
    const rows = await tx
      .update(enrollments)
      .set({ status: 'expired', expiresAt: input.at })
      .where(and(eq(enrollments.id, input.enrollmentId), eq(enrollments.source, input.source), inArray(enrollments.status, ['active', 'completed'])))
      .returning();
    for (const e of rows) await this.seats.seatsFreed(tx, { organizationId: e.organizationId, courseId: e.courseId, cohortId: e.cohortId, at: input.at });
    return rows.length > 0;
  }

  // ---- shared with the roster and cohort services ----

  /**
   * A course's enrollments that are not revoked, with the learner's name and email, in id order a
   * page at a time: other modules backfill their read models of learners from it.
   */
  async courseLearners(db: DbOrTx, courseId: string, q: { limit: number; afterId?: string | undefined }): Promise<CourseLearner[]> {
    return db
      .select({
        enrollmentId: enrollments.id,
        organizationId: enrollments.organizationId,
        userId: enrollments.userId,
        name: enrollmentLearners.name,
        email: enrollmentLearners.email,
        enrolledAt: enrollments.enrolledAt,
      })
      .from(enrollments)
      .innerJoin(enrollmentLearners, eq(enrollmentLearners.userId, enrollments.userId))
      .where(and(eq(enrollments.courseId, courseId), ne(enrollments.status, 'revoked'), q.afterId ? gt(enrollments.id, q.afterId) : undefined))
      .orderBy(asc(enrollments.id))
      .limit(q.limit);
  }

  async present(db: DbOrTx, course: Pick<CourseInfo, 'id'>, row: EnrollmentRow): Promise<EnrollmentView> {
    const [learner] = await db
      .select({ email: enrollmentLearners.email, name: enrollmentLearners.name })
      .from(enrollmentLearners)
      .where(eq(enrollmentLearners.userId, row.userId));
    const lessons = await this.courses.getLiveLessons(course.id, db);
    const progress = (await this.progress.progressOfMany(db, lessons, [row.id])).get(row.id)!;
    return presentEnrollment(row, learner ?? null, progress);
  }

  async lockEnrollment(tx: Tx, course: Pick<CourseInfo, 'id' | 'organizationId'>, enrollmentId: string): Promise<EnrollmentRow> {
    const [e] = await tx
      .select()
      .from(enrollments)
      .where(and(eq(enrollments.id, enrollmentId), eq(enrollments.courseId, course.id), eq(enrollments.organizationId, course.organizationId)))
      .for('update');
    if (!e) throw new NotFound('Enrollment');
    return e;
  }

  async requireCohort(db: DbOrTx, course: Pick<CourseInfo, 'id'>, cohortId: string, field: string): Promise<void> {
    const [c] = await db
      .select({ id: cohorts.id })
      .from(cohorts)
      .where(and(eq(cohorts.id, cohortId), eq(cohorts.courseId, course.id)));
    if (!c) throw new Invalid('No such cohort in this course.', [{ field, message: 'unknown cohort' }], 'unknown_cohort');
  }

  private futureDate(value: string | null | undefined, field: string): Date | null {
    if (value === undefined || value === null) return null;
    const d = new Date(value);
    if (d.getTime() <= Date.now()) throw new Invalid('The expiry must be in the future.', [{ field, message: 'in the past' }], 'expires_in_past');
    return d;
  }

  private async revokeRow(tx: Tx, e: EnrollmentRow): Promise<EnrollmentRow> {
    const [updated] = await tx
      .update(enrollments)
      .set({ status: 'revoked', revokedAt: sql`now()` })
      .where(eq(enrollments.id, e.id))
      .returning();
    await this.events.emit(tx, EnrollmentRevoked, {
      organizationId: e.organizationId,
      courseId: e.courseId,
      enrollmentId: e.id,
      userId: e.userId,
    });
    await this.cohortChanged(tx, e, this.seatCohort(e, new Date()), null);
    return updated!;
  }

  private async emitCreated(tx: Tx, e: EnrollmentRow): Promise<void> {
    await this.events.emit(tx, EnrollmentCreated, {
      organizationId: e.organizationId,
      courseId: e.courseId,
      enrollmentId: e.id,
      userId: e.userId,
      source: e.source,
    });
  }
}
