import { Injectable, type OnModuleInit } from '@nestjs/common';
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../kernel/db/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { EnrollmentCreated, EnrollmentRevoked } from '../learning.events.js';
import { courses } from './courses.schema.js';

/** Adds `delta` active learners to a course (never below zero). */
export async function adjustLearnerCount(db: DbOrTx, organizationId: string, courseId: string, delta: number): Promise<void> {
  await db
    .update(courses)
    .set({ learnerCount: sql`greatest(${courses.learnerCount} + ${delta}, 0)` })
    .where(and(eq(courses.id, courseId), eq(courses.organizationId, organizationId)));
}

/**
 * `courses.learner_count`, the read model of the enrollment module's events. Each handler runs in
 * a job, in one transaction with the bus's receipt, so a redelivered event changes nothing.
 */
@Injectable()
export class CourseReadModels implements OnModuleInit {
  constructor(private readonly events: EventBus) {}

  onModuleInit(): void {
    this.events.subscribe(EnrollmentCreated, 'courses.learner-count', (e, { tx }) => adjustLearnerCount(tx, e.organizationId, e.courseId, +1));
    this.events.subscribe(EnrollmentRevoked, 'courses.learner-count', (e, { tx }) => adjustLearnerCount(tx, e.organizationId, e.courseId, -1));
  }
}
