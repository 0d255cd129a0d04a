import { Injectable } from '@nestjs/common';
import type { Tx } from '../../../kernel/db/index.js';

/** A user is about to take a seat in a course (a new enrollment, or access given back). */
export interface SeatRequest {
  organizationId: string;
  courseId: string;
  userId: string;
}

/**
 * Runs inside the granting transaction before the seat is taken; throws (e.g. Conflict
 * `course_full`) to refuse it, which rolls the whole grant back.
 */
export type SeatGuard = (tx: Tx, req: SeatRequest) => Promise<void>;

/** Enrollments of these users are about to be put into a cohort they are not in yet. */
export interface CohortSeatRequest {
  organizationId: string;
  courseId: string;
  cohortId: string;
  userIds: string[];
}

/** Runs inside the transaction that puts learners into a cohort; throws (Conflict `cohort_full`) to refuse. */
export type CohortSeatGuard = (tx: Tx, req: CohortSeatRequest) => Promise<void>;

/** Told inside the transaction that moved learners out of a cohort (or raised its capacity). */
export type CohortSeatsFreed = (tx: Tx, e: { organizationId: string; courseId: string; cohortId: string }) => Promise<void>;

/** Told inside the transaction that ended an enrollment's access (its expiry passed, or the grant lapsed) at `at`. */
export type SeatsFreed = (tx: Tx, e: { organizationId: string; courseId: string; cohortId: string | null; at: Date }) => Promise<void>;

/**
 * The capacity hook: modules that limit seats (the waitlist) register a guard at boot, and every
 * path that creates or restores access (self-enrollment, staff and bulk grants, purchases) passes
 * through `EnrollmentService.grantAccess`, which calls these guards. Enrollment itself knows no
 * capacity rules. Cohorts work the same way: `checkCohort` runs before enrollments move into a
 * cohort, and `cohortSeatsFreed` after they move out (or its capacity changes). `seatsFreed` runs when
 * access ends by itself (expiry), so the seat it frees in the course (and its cohort) is offered on.
 */
@Injectable()
export class SeatGuards {
  private readonly guards: SeatGuard[] = [];
  private readonly cohortGuards: CohortSeatGuard[] = [];
  private readonly freedListeners: CohortSeatsFreed[] = [];
  private readonly endedListeners: SeatsFreed[] = [];

  register(guard: SeatGuard): void {
    this.guards.push(guard);
  }

  async check(tx: Tx, req: SeatRequest): Promise<void> {
    for (const g of this.guards) await g(tx, req);
  }

  /** A cohort capacity check, run by every path that puts an enrollment into a cohort. */
  registerCohort(guard: CohortSeatGuard): void {
    this.cohortGuards.push(guard);
  }

  async checkCohort(tx: Tx, req: CohortSeatRequest): Promise<void> {
    if (!req.userIds.length) return;
    for (const g of this.cohortGuards) await g(tx, req);
  }

  onCohortSeatsFreed(listener: CohortSeatsFreed): void {
    this.freedListeners.push(listener);
  }

  async cohortSeatsFreed(tx: Tx, e: { organizationId: string; courseId: string; cohortId: string }): Promise<void> {
    for (const l of this.freedListeners) await l(tx, e);
  }

  onSeatsFreed(listener: SeatsFreed): void {
    this.endedListeners.push(listener);
  }

  async seatsFreed(tx: Tx, e: { organizationId: string; courseId: string; cohortId: string | null; at: Date }): Promise<void> {
    for (const l of this.endedListeners) await l(tx, e);
  }
}
