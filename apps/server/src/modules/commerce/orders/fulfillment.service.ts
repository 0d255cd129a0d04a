import { Injectable } from '@nestjs/common';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Tx } from '../../../kernel/db/index.js';
import { CoursesService } from '../../learning/courses/index.js';
import { EnrollmentService } from '../../learning/enrollment/index.js';
import { WaitlistService } from '../waitlist/index.js';
import type { OrderLineEvent } from '../commerce.events.js';
import { orderLineGrants, orders } from './orders.schema.js';

/**
 * Turns paid orders into access. Runs as the `order.paid` subscriber, in the event's transaction
 * with its receipt: every grant of an order commits together (or, on a crash, none does and the
 * retried job starts over), and the per-line grant rows make a second delivery a no-op.
 */
@Injectable()
export class FulfillmentService {
  constructor(
    private readonly courses: CoursesService,
    private readonly enrollment: EnrollmentService,
    private readonly waitlist: WaitlistService,
  ) {}

  async fulfill(tx: Tx, e: { orderId: string; organizationId: string; userId: string; lines: OrderLineEvent[] }): Promise<void> {
    const [order] = await tx.select().from(orders).where(eq(orders.id, e.orderId)).for('update');
    if (!order || order.status !== 'paid') return; // refunded or fulfilled meanwhile
    for (const line of e.lines) {
      for (const courseId of line.courseIds) {
        const [done] = await tx.select().from(orderLineGrants).where(and(eq(orderLineGrants.lineId, line.lineId), eq(orderLineGrants.courseId, courseId)));
        if (done) continue;
        const course = await this.courses.getCourseInfo(courseId, tx);
        if (!course || course.organizationId !== e.organizationId) continue;
        const r = await this.enrollment.grantAccess(tx, {
          course,
          userId: e.userId,
          source: 'purchase',
          enrolledBy: null,
          reactivateRevoked: true,
          learner: { userId: e.userId, email: order.buyerEmail, name: order.buyerName },
        });
        await tx.insert(orderLineGrants).values({ lineId: line.lineId, courseId, enrollmentId: r.enrollment.id, granted: r.outcome === 'enrolled' || r.outcome === 'reactivated' });
      }
    }
    await tx.update(orders).set({ status: 'fulfilled', fulfilledAt: new Date(), updatedAt: new Date() }).where(and(eq(orders.id, e.orderId), eq(orders.status, 'paid')));
    // the grants took the seats held for this order; any left over (a course gone meanwhile) go back
    await this.waitlist.releaseOrderHolds(tx, e.orderId);
  }

  /** `order.refunded` subscriber: revokes exactly what the refunded lines granted (never access the buyer had before). */
  async revoke(tx: Tx, e: { orderId: string; lines: { lineId: string; revokeAccess: boolean }[] }): Promise<void> {
    // refunded before fulfillment: the order is never fulfilled, so the seats held for it go back
    await this.waitlist.releaseOrderHolds(tx, e.orderId);
    const lineIds = e.lines.filter((l) => l.revokeAccess).map((l) => l.lineId);
    if (!lineIds.length) return;
    const grants = await tx
      .select()
      .from(orderLineGrants)
      .where(and(inArray(orderLineGrants.lineId, lineIds), eq(orderLineGrants.granted, true), isNull(orderLineGrants.revokedAt)));
    for (const g of grants) {
      await this.enrollment.revokeAccess(tx, g.enrollmentId);
      await tx.update(orderLineGrants).set({ revokedAt: new Date() }).where(and(eq(orderLineGrants.lineId, g.lineId), eq(orderLineGrants.courseId, g.courseId)));
    }
  }
}
