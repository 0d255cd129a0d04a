import { Injectable } from '@nestjs/common';
import { and, eq, isNull } from 'drizzle-orm';
import type { Tx } from '../../../kernel/db/index.js';
import { Conflict } from '../../../kernel/errors/index.js';
import { CoursesService } from '../../learning/courses/index.js';
import { EnrollmentService } from '../../learning/enrollment/index.js';
import { grantsAccess } from './billing.rules.js';
import { type PlanRow, seatAssignments, subscriptionGrants, subscriptions, type SubscriptionRow } from './billing.schema.js';

/**
 * Keeps a subscription's enrollments in step with its state: while it grants access, every holder
 * (the subscriber, or each seat holder) is enrolled in the plan's courses (source `subscription`);
 * when it stops, exactly the enrollments it granted are ended. Enrollments the learner already had
 * another way are never recorded here, so they are never touched.
 */
@Injectable()
export class BillingAccess {
  constructor(
    private readonly courses: CoursesService,
    private readonly enrollment: EnrollmentService,
  ) {}

  async sync(tx: Tx, sub: SubscriptionRow, plan: PlanRow, at: Date): Promise<SubscriptionRow> {
    const granted = grantsAccess(sub, at);
    const holders = granted ? await this.holders(tx, sub) : [];
    const courseIds = holders.length ? await this.courseIds(tx, plan) : [];
    const wanted = new Set(holders.flatMap((h) => courseIds.map((c) => `${h.userId}:${c}`)));
    const current = await tx
      .select()
      .from(subscriptionGrants)
      .where(and(eq(subscriptionGrants.subscriptionId, sub.id), isNull(subscriptionGrants.endedAt)));
    const have = new Set<string>();
    for (const g of current) {
      const k = `${g.userId}:${g.courseId}`;
      if (wanted.has(k)) {
        have.add(k);
        continue;
      }
      await this.enrollment.endGrantedAccess(tx, { enrollmentId: g.enrollmentId, source: 'subscription', at: new Date() });
      await tx.update(subscriptionGrants).set({ endedAt: new Date() }).where(eq(subscriptionGrants.id, g.id));
    }
    for (const h of holders) {
      for (const courseId of courseIds) {
        if (have.has(`${h.userId}:${courseId}`)) continue;
        // a course at its seat limit refuses the grant (the waitlist's guard): the subscription does
        // not jump the queue; the grant is retried at the next access sync. A savepoint keeps the rest.
        const r = await tx
          .transaction((sp) =>
            this.enrollment.grantAccess(sp, {
              course: { id: courseId, organizationId: sub.organizationId },
              userId: h.userId,
              source: 'subscription',
              enrolledBy: null,
              reactivateRevoked: false,
              learner: h,
            }),
          )
          .catch((err: unknown) => {
            if (err instanceof Conflict && err.code === 'course_full') return null;
            throw err;
          });
        if (!r) continue;
        if (r.outcome !== 'enrolled' && r.outcome !== 'reactivated') continue; // held another way (or revoked by staff): not ours
        await tx
          .insert(subscriptionGrants)
          .values({ organizationId: sub.organizationId, subscriptionId: sub.id, userId: h.userId, courseId, enrollmentId: r.enrollment.id })
          .onConflictDoUpdate({
            target: [subscriptionGrants.subscriptionId, subscriptionGrants.userId, subscriptionGrants.courseId],
            set: { enrollmentId: r.enrollment.id, endedAt: null, updatedAt: new Date() },
          });
      }
    }
    if (sub.accessGranted === granted) return sub;
    const [updated] = await tx.update(subscriptions).set({ accessGranted: granted }).where(eq(subscriptions.id, sub.id)).returning();
    return updated!;
  }

  private async holders(tx: Tx, sub: SubscriptionRow): Promise<{ userId: string; email: string; name: string }[]> {
    if (sub.kind === 'personal') return [{ userId: sub.userId, email: sub.customerEmail, name: sub.customerName }];
    const seats = await tx
      .select({ userId: seatAssignments.userId, email: seatAssignments.email, name: seatAssignments.name })
      .from(seatAssignments)
      .where(eq(seatAssignments.subscriptionId, sub.id));
    return seats;
  }

  private async courseIds(tx: Tx, plan: PlanRow): Promise<string[]> {
    if (plan.scope === 'catalog') return this.courses.publishedCourseIds(plan.organizationId, tx);
    const ids: string[] = [];
    for (const id of plan.courseIds) {
      const c = await this.courses.getCourseInfo(id, tx);
      if (c && c.organizationId === plan.organizationId && c.status === 'published') ids.push(id);
    }
    return ids;
  }
}
