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

/**
 * The capacity hook: modules that limit seats (the waitlist) register a guard at boot, and every
 * path that creates or restores access (self-enrollment, staff and bulk grants, purchases) passes
 * through `EnrollmentService.grantAccess`, which calls these guards. Enrollment itself knows no
 * capacity rules.
 */
@Injectable()
export class SeatGuards {
  private readonly guards: SeatGuard[] = [];

  register(guard: SeatGuard): void {
    this.guards.push(guard);
  }

  async check(tx: Tx, req: SeatRequest): Promise<void> {
    for (const g of this.guards) await g(tx, req);
  }
}
