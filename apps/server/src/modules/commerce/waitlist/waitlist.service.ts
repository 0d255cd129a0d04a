import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gt, inArray, isNull, lte, ne, sql } from 'drizzle-orm';
import { type RequestContext, requireUser, type UserContext } from '../../../kernel/auth/index.js';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database, type DbOrTx, inTransaction, type Tx } from '../../../kernel/db/index.js';
import { Mailer } from '../../../kernel/email/index.js';
import { Conflict, Forbidden, Gone, NotFound } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { RealtimeService } from '../../../kernel/realtime/index.js';
import { type CourseInfo, CoursesService } from '../../learning/courses/index.js';
import { EnrollmentService, type SeatRequest } from '../../learning/enrollment/index.js';
import { CartService } from '../cart/index.js';
import type { SeatOfferView, WaitlistEntryView, WaitlistStatusView } from './waitlist.dto.js';
import { lineEntryView } from './line-entry.js';
import { NotifySeatOfferJob, SEAT_OFFER_EVENT } from './waitlist.jobs.js';
import { courseCapacities, seatHolds, seatOffers, waitlistEntries } from './waitlist.schema.js';

type CapacityRow = typeof courseCapacities.$inferSelect;
type EntryRow = typeof waitlistEntries.$inferSelect;
type OfferRow = typeof seatOffers.$inferSelect;

const HOUR = 3_600_000;

/**
 * Course capacity, the waitlist and seat offers. Every seat change for a limited course locks its
 * `course_capacities` row first, so concurrent enrollments, claims and offers are serialized:
 * seats taken (enrollment's count) + seats held for pending offers never exceed the capacity.
 */
@Injectable()
export class WaitlistService {
  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly courses: CoursesService,
    private readonly enrollment: EnrollmentService,
    private readonly mailer: Mailer,
    private readonly jobs: JobsService,
    private readonly realtime: RealtimeService,
    private readonly cart: CartService,
  ) {}

  // ---- the capacity hook (runs inside EnrollmentService.grantAccess) ----

  /**
   * Refuses a seat when the course is full; a person with a pending offer takes the seat held for
   * them (the offer is claimed in the same transaction).
   */
  async guardSeat(tx: Tx, req: SeatRequest): Promise<void> {
    const cap = await this.lockCapacity(tx, req.courseId);
    if (!cap) return;
    const now = new Date();
    const taken = await this.enrollment.seatsTaken(tx, req.courseId, now);
    const heldForOthers = await this.heldOffers(tx, req.courseId, now, req.userId);
    if (taken + heldForOthers >= cap.capacity) {
      throw new Conflict('This course is full. Join the waitlist to be offered the next free seat.', 'course_full', { capacity: cap.capacity });
    }
    // whoever gets a seat leaves the line; their own held seat is used
    await tx
      .update(seatOffers)
      .set({ status: 'claimed', resolvedAt: now })
      .where(and(eq(seatOffers.courseId, req.courseId), isNull(seatOffers.cohortId), eq(seatOffers.userId, req.userId), eq(seatOffers.status, 'pending')));
    await tx
      .update(waitlistEntries)
      .set({ status: 'enrolled', resolvedAt: now })
      .where(and(eq(waitlistEntries.courseId, req.courseId), isNull(waitlistEntries.cohortId), eq(waitlistEntries.userId, req.userId), inArray(waitlistEntries.status, ['waiting', 'offered'])));
    // a buyer's seat held while they paid is now taken
    await tx
      .update(seatHolds)
      .set({ status: 'used', resolvedAt: now })
      .where(and(eq(seatHolds.courseId, req.courseId), eq(seatHolds.userId, req.userId), eq(seatHolds.status, 'held')));
  }

  /**
   * Would `guardSeat` let this person take a seat now (no limit, a free seat, or the seat held by
   * their own offer)? Locks the capacity row in `tx`; changes nothing. Checkout asks before it
   * charges, so nobody pays for a seat of a full course.
   */
  async seatOpenFor(tx: Tx, courseId: string, userId: string, now = new Date()): Promise<boolean> {
    const cap = await this.lockCapacity(tx, courseId);
    if (!cap) return true;
    const taken = await this.enrollment.seatsTaken(tx, courseId, now);
    return taken + (await this.heldOffers(tx, courseId, now, userId)) < cap.capacity;
  }

  /**
   * Holds the buyer's seat while their order is pending (checkout calls this, after `seatOpenFor`,
   * in the transaction that creates the order): a pending, unexpired offer of theirs is kept alive
   * until at least `until`; otherwise a limited course gets a seat hold for the order, counted
   * against the capacity until fulfillment takes the seat or the order ends unpaid.
   */
  async holdSeatWhilePaying(tx: Tx, hold: { courseId: string; userId: string; orderId: string; until: Date }, now = new Date()): Promise<void> {
    const cap = await this.lockCapacity(tx, hold.courseId);
    if (!cap) return;
    const offers = await tx
      .update(seatOffers)
      .set({ expiresAt: sql`greatest(${seatOffers.expiresAt}, ${hold.until.toISOString()}::timestamptz)` })
      .where(and(eq(seatOffers.courseId, hold.courseId), isNull(seatOffers.cohortId), eq(seatOffers.userId, hold.userId), eq(seatOffers.status, 'pending'), gt(seatOffers.expiresAt, now)))
      .returning({ id: seatOffers.id });
    if (offers.length) return;
    await tx
      .insert(seatHolds)
      .values({ organizationId: cap.organizationId, courseId: hold.courseId, userId: hold.userId, orderId: hold.orderId })
      .onConflictDoNothing();
  }

  /**
   * The order ended unpaid (canceled, expired, failed) or was fulfilled: its seats still held are
   * released, and each freed seat is offered to the next person in line, inside `tx`.
   */
  async releaseOrderHolds(tx: Tx, orderId: string, now = new Date()): Promise<void> {
    const released = await tx
      .update(seatHolds)
      .set({ status: 'released', resolvedAt: now })
      .where(and(eq(seatHolds.orderId, orderId), eq(seatHolds.status, 'held')))
      .returning({ courseId: seatHolds.courseId });
    for (const courseId of new Set(released.map((r) => r.courseId))) await this.fillSeats(tx, courseId, now);
  }

  // ---- staff ----

  async setCapacity(ctx: RequestContext, courseId: string, input: { capacity: number | null; claimWindowHours: number }): Promise<WaitlistStatusView> {
    const { u, course } = await this.staffCourse(ctx, courseId, 'edit');
    await this.db.transaction(async (tx) => {
      if (input.capacity === null) {
        await tx.delete(courseCapacities).where(eq(courseCapacities.courseId, course.id));
        return;
      }
      await tx
        .insert(courseCapacities)
        .values({ courseId: course.id, organizationId: course.organizationId, capacity: input.capacity, claimWindowHours: input.claimWindowHours, updatedBy: u.actor.userId })
        .onConflictDoUpdate({
          target: courseCapacities.courseId,
          set: { capacity: input.capacity, claimWindowHours: input.claimWindowHours, updatedBy: u.actor.userId, updatedAt: new Date() },
        });
      // a raised capacity offers the new seats to the people in line
      await this.fillSeats(tx, course.id);
    });
    return this.statusFor(this.db, course, u.actor.userId);
  }

  /** The seat figures for the course's staff (any status of the course, drafts included). */
  async capacityOf(ctx: RequestContext, courseId: string): Promise<WaitlistStatusView> {
    const { u, course } = await this.staffCourse(ctx, courseId, 'teach');
    return this.statusFor(this.db, course, u.actor.userId);
  }

  async list(ctx: RequestContext, courseId: string, q: { limit: number; cursor?: string }): Promise<Page<WaitlistEntryView>> {
    const { course } = await this.staffCourse(ctx, courseId, 'teach');
    const after = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select({ e: waitlistEntries, offerExpiresAt: seatOffers.expiresAt })
      .from(waitlistEntries)
      .leftJoin(seatOffers, and(eq(seatOffers.entryId, waitlistEntries.id), eq(seatOffers.status, 'pending')))
      .where(
        and(
          eq(waitlistEntries.courseId, course.id), isNull(waitlistEntries.cohortId),
          inArray(waitlistEntries.status, ['waiting', 'offered']),
          after ? gt(waitlistEntries.id, String(after[0])) : undefined,
        ),
      )
      .orderBy(asc(waitlistEntries.id))
      .limit(q.limit + 1);
    // positions count the waiting entries before the page too
    const before = after ? await this.waitingBefore(this.db, course.id, String(after[0]), true) : 0;
    let pos = before;
    return toPage(
      rows,
      q.limit,
      (r) => [r.e.id],
      (r) => lineEntryView(r.e, r.offerExpiresAt, r.e.status === 'waiting' ? ++pos : null),
    );
  }

  // ---- learners ----

  async status(ctx: RequestContext, courseId: string): Promise<WaitlistStatusView> {
    const { u, course } = await this.visibleCourse(ctx, courseId);
    return this.statusFor(this.db, course, u.actor.userId);
  }

  async join(ctx: RequestContext, courseId: string): Promise<{ status: WaitlistStatusView; created: boolean }> {
    const { u, course } = await this.visibleCourse(ctx, courseId);
    const created = await this.db.transaction(async (tx) => {
      const cap = await this.lockCapacity(tx, course.id);
      const now = new Date();
      if (await this.enrollment.hasSeat(tx, course.id, u.actor.userId, now)) throw new Conflict('You are already enrolled in this course.', 'already_enrolled');
      const [open] = await tx
        .select()
        .from(waitlistEntries)
        .where(and(eq(waitlistEntries.courseId, course.id), isNull(waitlistEntries.cohortId), eq(waitlistEntries.userId, u.actor.userId), inArray(waitlistEntries.status, ['waiting', 'offered'])));
      if (open) return false;
      if (!cap || (await this.enrollment.seatsTaken(tx, course.id, now)) + (await this.heldOffers(tx, course.id, now)) < cap.capacity) {
        throw new Conflict('A seat is free: enroll instead of joining the waitlist.', 'seats_available');
      }
      await tx.insert(waitlistEntries).values({ organizationId: course.organizationId, courseId: course.id, userId: u.actor.userId, email: u.actor.email, name: u.actor.name });
      return true;
    });
    return { status: await this.statusFor(this.db, course, u.actor.userId), created };
  }

  async leave(ctx: RequestContext, courseId: string): Promise<void> {
    const { u, course } = await this.visibleCourse(ctx, courseId);
    await this.db.transaction(async (tx) => {
      await this.lockCapacity(tx, course.id);
      const now = new Date();
      const left = await tx
        .update(waitlistEntries)
        .set({ status: 'left', resolvedAt: now })
        .where(and(eq(waitlistEntries.courseId, course.id), isNull(waitlistEntries.cohortId), eq(waitlistEntries.userId, u.actor.userId), inArray(waitlistEntries.status, ['waiting', 'offered'])))
        .returning();
      if (left.length === 0) throw new NotFound('Waitlist entry');
      const declined = await tx
        .update(seatOffers)
        .set({ status: 'declined', resolvedAt: now })
        .where(and(eq(seatOffers.entryId, left[0]!.id), eq(seatOffers.status, 'pending')))
        .returning();
      if (declined.length) await this.fillSeats(tx, course.id);
    });
  }

  /**
   * Takes the seat held by the caller's pending offer. A free course enrolls them at once (the
   * capacity guard uses the held seat); a paid one is put in their cart, and paying for it at
   * checkout (while the offer holds the seat) enrolls them.
   */
  async claim(ctx: RequestContext, courseId: string): Promise<WaitlistStatusView> {
    const { u, course } = await this.visibleCourse(ctx, courseId);
    await this.db.transaction(async (tx) => {
      await this.lockCapacity(tx, course.id);
      const [offer] = await tx
        .select()
        .from(seatOffers)
        .where(and(eq(seatOffers.courseId, course.id), isNull(seatOffers.cohortId), eq(seatOffers.userId, u.actor.userId), eq(seatOffers.status, 'pending')));
      if (!offer) throw new NotFound('Seat offer', 'no_seat_offer');
      if (offer.expiresAt.getTime() <= Date.now()) throw new Gone('This seat offer has expired; the seat passed to the next person in line.', 'offer_expired');
      if (!course.isFree) return;
      const learner = { userId: u.actor.userId, email: u.actor.email, name: u.actor.name };
      const r = await this.enrollment.grantAccess(tx, { course, userId: u.actor.userId, source: 'self', enrolledBy: null, reactivateRevoked: false, learner });
      if (r.outcome === 'refused_revoked') throw new Forbidden('Your access to this course was revoked by its staff.', 'enrollment_revoked');
    });
    if (!course.isFree) {
      try {
        await this.cart.add(ctx, { userId: u.actor.userId, guestId: null }, 'course', course.id);
      } catch (e) {
        if (!(e instanceof Conflict && e.code === 'already_in_cart')) throw e;
      }
    }
    return this.statusFor(this.db, course, u.actor.userId);
  }

  /** The caller's pending seat offers (the in-app notification list). */
  async myOffers(ctx: RequestContext, q: { limit: number; cursor?: string }): Promise<Page<SeatOfferView>> {
    const u = requireUser(ctx);
    const after = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(seatOffers)
      .where(and(eq(seatOffers.userId, u.actor.userId), eq(seatOffers.status, 'pending'), gt(seatOffers.expiresAt, new Date()), after ? gt(seatOffers.id, String(after[0])) : undefined))
      .orderBy(asc(seatOffers.id))
      .limit(q.limit + 1);
    const titles = new Map<string, string>();
    const cohortNames = new Map<string, string>();
    for (const r of rows) {
      if (!titles.has(r.courseId)) titles.set(r.courseId, (await this.courses.getCourseInfo(r.courseId))?.title ?? '');
      if (r.cohortId && !cohortNames.has(r.cohortId)) cohortNames.set(r.cohortId, (await this.enrollment.getCohort(this.db, r.courseId, r.cohortId))?.name ?? '');
    }
    return toPage(rows, q.limit, (r) => [r.id], (r) => this.presentOffer(r, titles.get(r.courseId) ?? '', r.cohortId ? (cohortNames.get(r.cohortId) ?? '') : null));
  }

  // ---- seat offers ----

  /**
   * Offers every free seat (capacity − taken − held) to the next people in line, inside `tx`:
   * an email and an in-app notification each. Returns the new offers.
   */
  async fillSeats(db: DbOrTx, courseId: string, now = new Date()): Promise<OfferRow[]> {
    return inTransaction(db, async (tx) => {
      const cap = await this.lockCapacity(tx, courseId);
      if (!cap) return [];
      let free = cap.capacity - (await this.enrollment.seatsTaken(tx, courseId, now)) - (await this.heldOffers(tx, courseId, now));
      const made: OfferRow[] = [];
      const course = free > 0 ? await this.courses.getCourseInfo(courseId, tx) : null;
      while (free > 0 && course) {
        const [next] = await tx
          .select()
          .from(waitlistEntries)
          .where(and(eq(waitlistEntries.courseId, courseId), isNull(waitlistEntries.cohortId), eq(waitlistEntries.status, 'waiting')))
          .orderBy(asc(waitlistEntries.id))
          .limit(1);
        if (!next) break;
        made.push(await this.offer(tx, cap, course, next, now));
        free--;
      }
      return made;
    });
  }

  /** Expires pending offers past their window and passes each seat on. Run every minute by cron. */
  async expireDue(now = new Date()): Promise<number> {
    const due = await this.db
      .selectDistinct({ courseId: seatOffers.courseId })
      .from(seatOffers)
      .where(and(eq(seatOffers.status, 'pending'), isNull(seatOffers.cohortId), lte(seatOffers.expiresAt, now)));
    let expired = 0;
    for (const { courseId } of due) {
      expired += await this.db.transaction(async (tx) => {
        await this.lockCapacity(tx, courseId);
        const rows = await tx
          .update(seatOffers)
          .set({ status: 'expired', resolvedAt: now })
          .where(and(eq(seatOffers.courseId, courseId), isNull(seatOffers.cohortId), eq(seatOffers.status, 'pending'), lte(seatOffers.expiresAt, now)))
          .returning();
        if (rows.length) {
          await tx
            .update(waitlistEntries)
            .set({ status: 'expired', resolvedAt: now })
            .where(and(inArray(waitlistEntries.id, rows.map((r) => r.entryId)), eq(waitlistEntries.status, 'offered')));
          await this.fillSeats(tx, courseId, now);
        }
        return rows.length;
      });
    }
    return expired;
  }

  async notifyOffer(offerId: string): Promise<void> {
    const [offer] = await this.db.select().from(seatOffers).where(eq(seatOffers.id, offerId));
    if (!offer || offer.status !== 'pending') return;
    const course = await this.courses.getCourseInfo(offer.courseId);
    const cohort = offer.cohortId ? await this.enrollment.getCohort(this.db, offer.courseId, offer.cohortId) : null;
    this.realtime.toUser(offer.userId, SEAT_OFFER_EVENT, this.presentOffer(offer, course?.title ?? '', offer.cohortId ? (cohort?.name ?? '') : null));
  }

  private async offer(tx: Tx, cap: CapacityRow, course: CourseInfo, entry: EntryRow, now: Date): Promise<OfferRow> {
    const expiresAt = new Date(now.getTime() + cap.claimWindowHours * HOUR);
    const [offer] = await tx
      .insert(seatOffers)
      .values({ organizationId: cap.organizationId, courseId: cap.courseId, entryId: entry.id, userId: entry.userId, offeredAt: now, expiresAt })
      .returning();
    await tx.update(waitlistEntries).set({ status: 'offered' }).where(eq(waitlistEntries.id, entry.id));
    const link = `${this.config.publicUrl}/courses/${course.id}`;
    await this.mailer.enqueue(tx, {
      to: entry.email,
      subject: `A seat is free for you in ${course.title}`,
      text:
        `Hello ${entry.name},\n\nA seat opened in "${course.title}" and it is held for you until ${expiresAt.toUTCString()}.\n` +
        `Claim it here: ${link}\n\nIf you do not claim it in time, it passes to the next person on the waitlist.\n`,
    });
    await this.jobs.enqueue(tx, NotifySeatOfferJob, { offerId: offer!.id });
    return offer!;
  }

  // ---- reads ----

  private async statusFor(db: DbOrTx, course: CourseInfo, userId: string): Promise<WaitlistStatusView> {
    const now = new Date();
    const [cap] = await db.select().from(courseCapacities).where(eq(courseCapacities.courseId, course.id));
    const taken = await this.enrollment.seatsTaken(db, course.id, now);
    const held = await this.heldOffers(db, course.id, now);
    const heldForOthers = await this.heldOffers(db, course.id, now, userId);
    const enrolled = await this.enrollment.hasSeat(db, course.id, userId, now);
    const [entry] = await db
      .select()
      .from(waitlistEntries)
      .where(and(eq(waitlistEntries.courseId, course.id), isNull(waitlistEntries.cohortId), eq(waitlistEntries.userId, userId), inArray(waitlistEntries.status, ['waiting', 'offered'])));
    const [offer] = await db
      .select()
      .from(seatOffers)
      .where(and(eq(seatOffers.courseId, course.id), isNull(seatOffers.cohortId), eq(seatOffers.userId, userId), eq(seatOffers.status, 'pending'), gt(seatOffers.expiresAt, now)));
    return {
      courseId: course.id,
      capacity: cap?.capacity ?? null,
      claimWindowHours: cap?.claimWindowHours ?? null,
      seatsTaken: taken,
      seatsHeld: held,
      full: cap ? taken + heldForOthers >= cap.capacity : false,
      enrolled,
      paymentRequired: !course.isFree,
      entry: entry
        ? {
            id: entry.id,
            status: entry.status,
            position: entry.status === 'waiting' ? (await this.waitingBefore(db, course.id, entry.id, false)) + 1 : null,
            joinedAt: entry.joinedAt.toISOString(),
          }
        : null,
      offer: offer ? this.presentOffer(offer, course.title) : null,
    };
  }

  /** Waiting entries ahead of `entryId` (or up to and including it). */
  private async waitingBefore(db: DbOrTx, courseId: string, entryId: string, inclusive: boolean): Promise<number> {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(waitlistEntries)
      .where(
        and(
          eq(waitlistEntries.courseId, courseId), isNull(waitlistEntries.cohortId),
          eq(waitlistEntries.status, 'waiting'),
          inclusive ? lte(waitlistEntries.id, entryId) : sql`${waitlistEntries.id} < ${entryId}`,
        ),
      );
    return row?.n ?? 0;
  }

  presentOffer(o: OfferRow, courseTitle: string, cohortName: string | null = null): SeatOfferView {
    return {
      id: o.id,
      courseId: o.courseId,
      courseTitle,
      cohortId: o.cohortId,
      cohortName,
      status: o.status,
      offeredAt: o.offeredAt.toISOString(),
      expiresAt: o.expiresAt.toISOString(),
    };
  }

  private async lockCapacity(tx: Tx, courseId: string): Promise<CapacityRow | null> {
    const [row] = await tx.select().from(courseCapacities).where(eq(courseCapacities.courseId, courseId)).for('update');
    return row ?? null;
  }

  /**
   * Seats held for pending, unexpired offers and for buyers' pending orders (optionally not
   * counting one person's own).
   */
  private async heldOffers(db: DbOrTx, courseId: string, now: Date, exceptUserId?: string): Promise<number> {
    const [offers] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(seatOffers)
      .where(
        and(
          eq(seatOffers.courseId, courseId), isNull(seatOffers.cohortId),
          eq(seatOffers.status, 'pending'),
          gt(seatOffers.expiresAt, now),
          exceptUserId ? ne(seatOffers.userId, exceptUserId) : undefined,
        ),
      );
    const [holds] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(seatHolds)
      .where(and(eq(seatHolds.courseId, courseId), eq(seatHolds.status, 'held'), exceptUserId ? ne(seatHolds.userId, exceptUserId) : undefined));
    return (offers?.n ?? 0) + (holds?.n ?? 0);
  }

  // ---- who may do what ----

  /** A published course the caller may see: public ones for anyone signed in, organization ones for its members. */
  private async visibleCourse(ctx: RequestContext, courseId: string): Promise<{ u: UserContext; course: CourseInfo }> {
    const u = requireUser(ctx);
    const course = await this.courses.getCourseInfo(courseId);
    if (!course || course.status !== 'published') throw new NotFound('Course');
    if (course.visibility === 'organization' && u.membership?.orgId !== course.organizationId) throw new NotFound('Course');
    return { u, course };
  }

  private async staffCourse(ctx: RequestContext, courseId: string, need: 'edit' | 'teach'): Promise<{ u: UserContext; course: CourseInfo }> {
    const u = requireUser(ctx);
    const course = await this.courses.getCourseInfo(courseId);
    if (!course || course.organizationId !== u.membership?.orgId) throw new NotFound('Course');
    const ok = this.courses.canEditCourse(ctx, course) || (need === 'teach' && this.courses.canTeachCourse(ctx, course));
    if (!ok) throw new Forbidden("Only the course's staff manage its capacity and waitlist.", 'missing_permission');
    return { u, course };
  }
}
