import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gt, inArray, lte, ne, notInArray, sql } from 'drizzle-orm';
import { type RequestContext, requireUser, type UserContext } from '../../../kernel/auth/index.js';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database, type DbOrTx, inTransaction, type Tx } from '../../../kernel/db/index.js';
import { Mailer } from '../../../kernel/email/index.js';
import { Conflict, Forbidden, Gone, NotFound } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { type CourseInfo, CoursesService } from '../../learning/courses/index.js';
import { type CohortSeatRequest, EnrollmentService } from '../../learning/enrollment/index.js';
import type { CohortSeatsView, CohortWaitlistStatusView, WaitlistEntryView } from './waitlist.dto.js';
import { lineEntryView } from './line-entry.js';
import { NotifySeatOfferJob } from './waitlist.jobs.js';
import { courseCapacities, seatOffers, waitlistEntries } from './waitlist.schema.js';
import { WaitlistService } from './waitlist.service.js';

type EntryRow = typeof waitlistEntries.$inferSelect;
type OfferRow = typeof seatOffers.$inferSelect;
interface CohortInfo {
  id: string;
  courseId: string;
  organizationId: string;
  name: string;
  startsAt: Date;
  capacity: number | null;
}

const HOUR = 3_600_000;
const DEFAULT_CLAIM_WINDOW_HOURS = 48;
const OPEN = ['waiting', 'offered'] as const;

/**
 * Cohort capacity and each cohort's waitlist. A cohort's seats are its enrollments that give
 * access; every change of them locks the cohort row (enrollment's `lockCohort`) first, so moves
 * into the cohort, claims and offers are serialized: seats taken + seats held for pending offers
 * never exceed the capacity. Only learners enrolled in the course wait for one of its cohorts, and
 * a claimed seat moves their enrollment into the cohort.
 */
@Injectable()
export class CohortWaitlistService {
  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly courses: CoursesService,
    private readonly enrollment: EnrollmentService,
    private readonly mailer: Mailer,
    private readonly jobs: JobsService,
    private readonly waitlist: WaitlistService,
  ) {}

  // ---- hooks (run inside enrollment's transactions) ----

  /** Refuses to put learners into a full cohort; a learner with a pending offer takes the seat held for them. */
  async guardCohort(tx: Tx, req: CohortSeatRequest): Promise<void> {
    const cohort = await this.enrollment.lockCohort(tx, req.cohortId);
    if (!cohort) return;
    const now = new Date();
    if (cohort.capacity !== null) {
      const taken = await this.enrollment.cohortSeatsTaken(tx, cohort.id, now, req.userIds);
      const heldForOthers = await this.heldOffers(tx, cohort.id, now, req.userIds);
      if (taken + heldForOthers + req.userIds.length > cohort.capacity) {
        throw new Conflict(`The cohort "${cohort.name}" is full.`, 'cohort_full', { capacity: cohort.capacity, cohortId: cohort.id });
      }
    }
    await tx
      .update(seatOffers)
      .set({ status: 'claimed', resolvedAt: now })
      .where(and(eq(seatOffers.cohortId, cohort.id), inArray(seatOffers.userId, req.userIds), eq(seatOffers.status, 'pending')));
    await tx
      .update(waitlistEntries)
      .set({ status: 'enrolled', resolvedAt: now })
      .where(and(eq(waitlistEntries.cohortId, cohort.id), inArray(waitlistEntries.userId, req.userIds), inArray(waitlistEntries.status, OPEN)));
  }

  /**
   * Offers every free seat of the cohort to the next people in its line, inside `tx`. A cohort that
   * is gone closes its line.
   */
  async fillSeats(db: DbOrTx, cohortId: string, now = new Date()): Promise<OfferRow[]> {
    return inTransaction(db, async (tx) => {
      const cohort = await this.enrollment.lockCohort(tx, cohortId);
      if (!cohort) {
        await tx.update(seatOffers).set({ status: 'declined', resolvedAt: now }).where(and(eq(seatOffers.cohortId, cohortId), eq(seatOffers.status, 'pending')));
        await tx.update(waitlistEntries).set({ status: 'left', resolvedAt: now }).where(and(eq(waitlistEntries.cohortId, cohortId), inArray(waitlistEntries.status, OPEN)));
        return [];
      }
      if (cohort.capacity === null) return [];
      let free = cohort.capacity - (await this.enrollment.cohortSeatsTaken(tx, cohort.id, now)) - (await this.heldOffers(tx, cohort.id, now));
      const made: OfferRow[] = [];
      const course = free > 0 ? await this.courses.getCourseInfo(cohort.courseId, tx) : null;
      const window = free > 0 ? await this.claimWindowHours(tx, cohort.courseId) : DEFAULT_CLAIM_WINDOW_HOURS;
      while (free > 0 && course) {
        const [next] = await tx
          .select()
          .from(waitlistEntries)
          .where(and(eq(waitlistEntries.cohortId, cohort.id), eq(waitlistEntries.status, 'waiting')))
          .orderBy(asc(waitlistEntries.id))
          .limit(1);
        if (!next) break;
        made.push(await this.offer(tx, cohort, course, next, window, now));
        free--;
      }
      return made;
    });
  }

  /** Expires cohort offers past their window and passes each seat on (run by the waitlist's expiry job). */
  async expireDue(now = new Date()): Promise<number> {
    const due = await this.db
      .selectDistinct({ cohortId: seatOffers.cohortId })
      .from(seatOffers)
      .where(and(eq(seatOffers.status, 'pending'), sql`${seatOffers.cohortId} IS NOT NULL`, lte(seatOffers.expiresAt, now)));
    let expired = 0;
    for (const { cohortId } of due) {
      expired += await this.db.transaction(async (tx) => {
        await this.enrollment.lockCohort(tx, cohortId!);
        const rows = await tx
          .update(seatOffers)
          .set({ status: 'expired', resolvedAt: now })
          .where(and(eq(seatOffers.cohortId, cohortId!), eq(seatOffers.status, 'pending'), lte(seatOffers.expiresAt, now)))
          .returning();
        if (rows.length) {
          await tx
            .update(waitlistEntries)
            .set({ status: 'expired', resolvedAt: now })
            .where(and(inArray(waitlistEntries.id, rows.map((r) => r.entryId)), eq(waitlistEntries.status, 'offered')));
          await this.fillSeats(tx, cohortId!, now);
        }
        return rows.length;
      });
    }
    return expired;
  }

  // ---- learners ----

  async status(ctx: RequestContext, courseId: string, cohortId: string): Promise<CohortWaitlistStatusView> {
    const { u, course, cohort } = await this.visibleCohort(ctx, courseId, cohortId);
    return this.statusFor(this.db, course, cohort, u.actor.userId);
  }

  /**
   * The course's open cohorts (not ended) as the caller sees them: seats, their place in each
   * line and their pending offers; a cohort that ended still shows while they are in it or in its line.
   */
  async mine(ctx: RequestContext, courseId: string): Promise<{ items: CohortWaitlistStatusView[] }> {
    const { u, course } = await this.visibleCourse(ctx, courseId);
    const now = Date.now();
    const items: CohortWaitlistStatusView[] = [];
    for (const c of await this.enrollment.cohortsOf(this.db, course.id)) {
      const s = await this.statusFor(this.db, course, c, u.actor.userId);
      if (c.endsAt === null || c.endsAt.getTime() > now || s.inCohort || s.entry) items.push(s);
    }
    return { items };
  }

  async join(ctx: RequestContext, courseId: string, cohortId: string): Promise<{ status: CohortWaitlistStatusView; created: boolean }> {
    const { u, course, cohort } = await this.visibleCohort(ctx, courseId, cohortId);
    const created = await this.db.transaction(async (tx) => {
      const locked = await this.enrollment.lockCohort(tx, cohort.id);
      if (!locked) throw new NotFound('Cohort');
      const now = new Date();
      const seat = await this.enrollment.seatOf(tx, course.id, u.actor.userId, now);
      if (!seat.hasSeat) throw new Conflict('Enroll in the course before joining the waitlist of one of its cohorts.', 'not_enrolled');
      if (seat.cohortId === cohort.id) throw new Conflict('You are already in this cohort.', 'already_in_cohort');
      const [open] = await tx
        .select()
        .from(waitlistEntries)
        .where(and(eq(waitlistEntries.cohortId, cohort.id), eq(waitlistEntries.userId, u.actor.userId), inArray(waitlistEntries.status, OPEN)));
      if (open) return false;
      if (locked.capacity === null || (await this.enrollment.cohortSeatsTaken(tx, cohort.id, now)) + (await this.heldOffers(tx, cohort.id, now)) < locked.capacity) {
        throw new Conflict('This cohort has a free seat: ask its staff to put you in it.', 'seats_available');
      }
      await tx.insert(waitlistEntries).values({
        organizationId: course.organizationId,
        courseId: course.id,
        cohortId: cohort.id,
        userId: u.actor.userId,
        email: u.actor.email,
        name: u.actor.name,
      });
      return true;
    });
    return { status: await this.statusFor(this.db, course, cohort, u.actor.userId), created };
  }

  async leave(ctx: RequestContext, courseId: string, cohortId: string): Promise<void> {
    const { u, cohort } = await this.visibleCohort(ctx, courseId, cohortId);
    await this.db.transaction(async (tx) => {
      await this.enrollment.lockCohort(tx, cohort.id);
      const now = new Date();
      const left = await tx
        .update(waitlistEntries)
        .set({ status: 'left', resolvedAt: now })
        .where(and(eq(waitlistEntries.cohortId, cohort.id), eq(waitlistEntries.userId, u.actor.userId), inArray(waitlistEntries.status, OPEN)))
        .returning();
      if (left.length === 0) throw new NotFound('Waitlist entry');
      const declined = await tx
        .update(seatOffers)
        .set({ status: 'declined', resolvedAt: now })
        .where(and(eq(seatOffers.entryId, left[0]!.id), eq(seatOffers.status, 'pending')))
        .returning();
      if (declined.length) await this.fillSeats(tx, cohort.id, now);
    });
  }

  /** Takes the seat held by the caller's pending offer: their enrollment moves into the cohort. */
  async claim(ctx: RequestContext, courseId: string, cohortId: string): Promise<CohortWaitlistStatusView> {
    const { u, course, cohort } = await this.visibleCohort(ctx, courseId, cohortId);
    await this.db.transaction(async (tx) => {
      await this.enrollment.lockCohort(tx, cohort.id);
      const [offer] = await tx
        .select()
        .from(seatOffers)
        .where(and(eq(seatOffers.cohortId, cohort.id), eq(seatOffers.userId, u.actor.userId), eq(seatOffers.status, 'pending')));
      if (!offer) throw new NotFound('Seat offer', 'no_seat_offer');
      if (offer.expiresAt.getTime() <= Date.now()) throw new Gone('This seat offer has expired; the seat passed to the next person in line.', 'offer_expired');
      const moved = await this.enrollment.moveToCohort(tx, { courseId: course.id, userId: u.actor.userId, cohortId: cohort.id });
      if (!moved) throw new Forbidden('You no longer have access to this course.', 'not_enrolled');
    });
    return this.statusFor(this.db, course, cohort, u.actor.userId);
  }

  // ---- staff ----

  /** Seats and waitlist size of every cohort of the course (for the cohort list). */
  async seats(ctx: RequestContext, courseId: string): Promise<{ items: CohortSeatsView[] }> {
    const course = await this.staffCourse(ctx, courseId);
    const now = new Date();
    const cohorts = await this.enrollment.cohortsOf(this.db, course.id);
    const items: CohortSeatsView[] = [];
    for (const c of cohorts) {
      const [w] = await this.db
        .select({ n: sql<number>`count(*)::int` })
        .from(waitlistEntries)
        .where(and(eq(waitlistEntries.cohortId, c.id), inArray(waitlistEntries.status, OPEN)));
      items.push({
        cohortId: c.id,
        capacity: c.capacity,
        seatsTaken: await this.enrollment.cohortSeatsTaken(this.db, c.id, now),
        seatsHeld: await this.heldOffers(this.db, c.id, now),
        waitlistSize: w?.n ?? 0,
      });
    }
    return { items };
  }

  async list(ctx: RequestContext, courseId: string, cohortId: string, q: { limit: number; cursor?: string }): Promise<Page<WaitlistEntryView>> {
    const course = await this.staffCourse(ctx, courseId);
    const cohort = await this.enrollment.getCohort(this.db, course.id, cohortId);
    if (!cohort) throw new NotFound('Cohort');
    const after = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select({ e: waitlistEntries, offerExpiresAt: seatOffers.expiresAt })
      .from(waitlistEntries)
      .leftJoin(seatOffers, and(eq(seatOffers.entryId, waitlistEntries.id), eq(seatOffers.status, 'pending')))
      .where(and(eq(waitlistEntries.cohortId, cohort.id), inArray(waitlistEntries.status, OPEN), after ? gt(waitlistEntries.id, String(after[0])) : undefined))
      .orderBy(asc(waitlistEntries.id))
      .limit(q.limit + 1);
    let pos = after ? await this.waitingBefore(this.db, cohort.id, String(after[0]), true) : 0;
    return toPage(
      rows,
      q.limit,
      (r) => [r.e.id],
      (r) => lineEntryView(r.e, r.offerExpiresAt, r.e.status === 'waiting' ? ++pos : null),
    );
  }

  // ---- internals ----

  private async offer(tx: Tx, cohort: CohortInfo, course: CourseInfo, entry: EntryRow, windowHours: number, now: Date): Promise<OfferRow> {
    const expiresAt = new Date(now.getTime() + windowHours * HOUR);
    const [offer] = await tx
      .insert(seatOffers)
      .values({ organizationId: cohort.organizationId, courseId: cohort.courseId, cohortId: cohort.id, entryId: entry.id, userId: entry.userId, offeredAt: now, expiresAt })
      .returning();
    await tx.update(waitlistEntries).set({ status: 'offered' }).where(eq(waitlistEntries.id, entry.id));
    const link = `${this.config.publicUrl}/courses/${course.id}`;
    await this.mailer.enqueue(tx, {
      to: entry.email,
      subject: `A seat is free for you in ${cohort.name} (${course.title})`,
      text:
        `Hello ${entry.name},\n\nA seat opened in the cohort "${cohort.name}" of "${course.title}" and it is held for you until ${expiresAt.toUTCString()}.\n` +
        `Claim it here: ${link}\n\nIf you do not claim it in time, it passes to the next person on the waitlist.\n`,
    });
    await this.jobs.enqueue(tx, NotifySeatOfferJob, { offerId: offer!.id });
    return offer!;
  }

  private async statusFor(db: DbOrTx, course: CourseInfo, cohort: CohortInfo, userId: string): Promise<CohortWaitlistStatusView> {
    const now = new Date();
    const taken = await this.enrollment.cohortSeatsTaken(db, cohort.id, now);
    const held = await this.heldOffers(db, cohort.id, now);
    const heldForOthers = await this.heldOffers(db, cohort.id, now, [userId]);
    const seat = await this.enrollment.seatOf(db, course.id, userId, now);
    const [entry] = await db
      .select()
      .from(waitlistEntries)
      .where(and(eq(waitlistEntries.cohortId, cohort.id), eq(waitlistEntries.userId, userId), inArray(waitlistEntries.status, OPEN)));
    const [offer] = await db
      .select()
      .from(seatOffers)
      .where(and(eq(seatOffers.cohortId, cohort.id), eq(seatOffers.userId, userId), eq(seatOffers.status, 'pending'), gt(seatOffers.expiresAt, now)));
    return {
      courseId: course.id,
      cohortId: cohort.id,
      cohortName: cohort.name,
      startsAt: cohort.startsAt.toISOString(),
      capacity: cohort.capacity,
      claimWindowHours: await this.claimWindowHours(db, course.id),
      seatsTaken: taken,
      seatsHeld: held,
      full: cohort.capacity !== null && taken + heldForOthers >= cohort.capacity,
      enrolled: seat.hasSeat,
      inCohort: seat.hasSeat && seat.cohortId === cohort.id,
      entry: entry
        ? {
            id: entry.id,
            status: entry.status,
            position: entry.status === 'waiting' ? (await this.waitingBefore(db, cohort.id, entry.id, false)) + 1 : null,
            joinedAt: entry.joinedAt.toISOString(),
          }
        : null,
      offer: offer ? this.waitlist.presentOffer(offer, course.title, cohort.name) : null,
    };
  }

  /** The course's claim window when it has a seat limit, else the default. */
  private async claimWindowHours(db: DbOrTx, courseId: string): Promise<number> {
    const [cap] = await db.select({ h: courseCapacities.claimWindowHours }).from(courseCapacities).where(eq(courseCapacities.courseId, courseId));
    return cap?.h ?? DEFAULT_CLAIM_WINDOW_HOURS;
  }

  private async waitingBefore(db: DbOrTx, cohortId: string, entryId: string, inclusive: boolean): Promise<number> {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(waitlistEntries)
      .where(
        and(
          eq(waitlistEntries.cohortId, cohortId),
          eq(waitlistEntries.status, 'waiting'),
          inclusive ? lte(waitlistEntries.id, entryId) : sql`${waitlistEntries.id} < ${entryId}`,
        ),
      );
    return row?.n ?? 0;
  }

  /** Seats of the cohort held for pending, unexpired offers (not counting those of `exceptUserIds`). */
  private async heldOffers(db: DbOrTx, cohortId: string, now: Date, exceptUserIds: readonly string[] = []): Promise<number> {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(seatOffers)
      .where(
        and(
          eq(seatOffers.cohortId, cohortId),
          eq(seatOffers.status, 'pending'),
          gt(seatOffers.expiresAt, now),
          exceptUserIds.length === 1 ? ne(seatOffers.userId, exceptUserIds[0]!) : exceptUserIds.length ? notInArray(seatOffers.userId, [...exceptUserIds]) : undefined,
        ),
      );
    return row?.n ?? 0;
  }

  /** A published course the caller may see: public ones for anyone signed in, organization ones for its members. */
  private async visibleCourse(ctx: RequestContext, courseId: string): Promise<{ u: UserContext; course: CourseInfo }> {
    const u = requireUser(ctx);
    const course = await this.courses.getCourseInfo(courseId);
    if (!course || course.status !== 'published') throw new NotFound('Course');
    if (course.visibility === 'organization' && u.membership?.orgId !== course.organizationId) throw new NotFound('Course');
    return { u, course };
  }

  /** A published course the caller may see, and one of its cohorts. */
  private async visibleCohort(ctx: RequestContext, courseId: string, cohortId: string): Promise<{ u: UserContext; course: CourseInfo; cohort: CohortInfo }> {
    const { u, course } = await this.visibleCourse(ctx, courseId);
    const cohort = await this.enrollment.getCohort(this.db, course.id, cohortId);
    if (!cohort) throw new NotFound('Cohort');
    return { u, course, cohort };
  }

  private async staffCourse(ctx: RequestContext, courseId: string): Promise<CourseInfo> {
    const u = requireUser(ctx);
    const course = await this.courses.getCourseInfo(courseId);
    if (!course || course.organizationId !== u.membership?.orgId) throw new NotFound('Course');
    if (!this.courses.canEditCourse(ctx, course) && !this.courses.canTeachCourse(ctx, course)) {
      throw new Forbidden("Only the course's staff see its cohorts' waitlists.", 'missing_permission');
    }
    return course;
  }
}
