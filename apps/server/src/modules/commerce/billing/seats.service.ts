import { Inject, Injectable } from '@nestjs/common';
import { and, count, desc, eq, inArray, lt, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { RequestContext } from '../../../kernel/auth/index.js';
import { DB, type Database, type Tx } from '../../../kernel/db/index.js';
import { Conflict, NotFound, Unprocessable } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { AccessService, UsersService } from '../../identity/index.js';
import { BillingAccess } from './billing-access.js';
import { BillingClock } from './billing-clock.js';
import type { BillingAddress, Seat, SeatLicence } from './billing.dto.js';
import { requireBillingAdmin } from './billing.policy.js';
import { billingPlans, type PlanRow, seatAssignments, subscriptions, type SubscriptionRow } from './billing.schema.js';
import { PlansService } from './plans.service.js';
import { presentSubscription } from './subscription.presenter.js';
import { SubscriptionsService } from './subscriptions.service.js';

type SeatLicenceView = z.infer<typeof SeatLicence>;

/**
 * Seat licences: an organization admin buys N seats of a plan (a `seats` subscription with
 * quantity N, charged N × price and renewed like any subscription) and assigns them to members;
 * each seat holder gets the plan's courses while the licence grants access.
 */
@Injectable()
export class SeatsService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly subs: SubscriptionsService,
    private readonly plans: PlansService,
    private readonly access: BillingAccess,
    private readonly clock: BillingClock,
    private readonly users: UsersService,
    private readonly members: AccessService,
  ) {}

  async buy(ctx: RequestContext, body: { planId: string; quantity: number; currency?: string; paymentMethod: { cardNumber: string }; billingAddress?: z.infer<typeof BillingAddress> }, referralCode: string | null = null): Promise<SeatLicenceView> {
    const o = requireBillingAdmin(ctx);
    return this.db.transaction(async (tx) => {
      const plan = await this.plans.find(tx, o.membership.orgId, body.planId);
      const sub = await this.subs.start(tx, o, { plan, currency: body.currency, cardNumber: body.paymentMethod.cardNumber, kind: 'seats', quantity: body.quantity, billingAddress: body.billingAddress, referralCode });
      return { ...presentSubscription(sub, plan), assigned: 0 };
    });
  }

  async list(ctx: RequestContext, q: { limit: number; cursor?: string }): Promise<Page<SeatLicenceView>> {
    const o = requireBillingAdmin(ctx);
    const cursor = decodeCursor(q.cursor, 1);
    const where: SQL[] = [eq(subscriptions.organizationId, o.membership.orgId), eq(subscriptions.kind, 'seats')];
    if (cursor) where.push(lt(subscriptions.id, String(cursor[0])));
    const rows = await this.db
      .select({ s: subscriptions, p: billingPlans })
      .from(subscriptions)
      .innerJoin(billingPlans, eq(billingPlans.id, subscriptions.planId))
      .where(and(...where))
      .orderBy(desc(subscriptions.id))
      .limit(q.limit + 1);
    const ids = rows.map((r) => r.s.id);
    const counts = ids.length
      ? await this.db.select({ id: seatAssignments.subscriptionId, n: count() }).from(seatAssignments).where(inArray(seatAssignments.subscriptionId, ids)).groupBy(seatAssignments.subscriptionId)
      : [];
    const byId = new Map(counts.map((c) => [c.id, c.n]));
    return toPage(rows, q.limit, (r) => [r.s.id], (r) => ({ ...presentSubscription(r.s, r.p), assigned: byId.get(r.s.id) ?? 0 }));
  }

  async holders(ctx: RequestContext, id: string, q: { limit: number; cursor?: string }): Promise<Page<z.infer<typeof Seat>>> {
    const o = requireBillingAdmin(ctx);
    await this.licence(this.db, o.membership.orgId, id);
    const cursor = decodeCursor(q.cursor, 1);
    const where: SQL[] = [eq(seatAssignments.subscriptionId, id)];
    if (cursor) where.push(lt(seatAssignments.id, String(cursor[0])));
    const rows = await this.db
      .select()
      .from(seatAssignments)
      .where(and(...where))
      .orderBy(desc(seatAssignments.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.id], (r) => ({ userId: r.userId, email: r.email, name: r.name, assignedAt: r.createdAt.toISOString() }));
  }

  /**
   * Gives a member one seat. The licence row is locked while the seats are counted, so concurrent
   * assignments can never exceed the quantity bought.
   */
  async assign(ctx: RequestContext, id: string, email: string): Promise<SeatLicenceView> {
    const o = requireBillingAdmin(ctx);
    const user = await this.users.findUserByEmail(email);
    if (!user || !(await this.members.membershipFor(user.id, o.membership.orgId))) {
      throw new Unprocessable('Seats go to members of this organization; no member uses that email.', 'not_a_member');
    }
    return this.db.transaction(async (tx) => {
      const { sub, plan } = await this.licence(tx, o.membership.orgId, id, true);
      if (sub.status === 'canceled' || sub.status === 'expired') throw new Conflict('This seat licence has ended.', 'subscription_ended');
      const [taken] = await tx.select({ n: count() }).from(seatAssignments).where(eq(seatAssignments.subscriptionId, sub.id));
      const inserted = await tx
        .insert(seatAssignments)
        .values({ organizationId: sub.organizationId, subscriptionId: sub.id, userId: user.id, email: user.email.toLowerCase(), name: user.name, assignedBy: o.actor.userId })
        .onConflictDoNothing()
        .returning();
      if (inserted.length === 0) throw new Conflict('That member already holds a seat of this licence.', 'seat_already_assigned');
      if ((taken?.n ?? 0) + 1 > sub.quantity) throw new Conflict(`All ${sub.quantity} seats are assigned; unassign one or buy more.`, 'no_seats_left');
      return this.present(tx, sub, plan);
    });
  }

  async unassign(ctx: RequestContext, id: string, userId: string): Promise<SeatLicenceView> {
    const o = requireBillingAdmin(ctx);
    return this.db.transaction(async (tx) => {
      const { sub, plan } = await this.licence(tx, o.membership.orgId, id, true);
      const gone = await tx
        .delete(seatAssignments)
        .where(and(eq(seatAssignments.subscriptionId, sub.id), eq(seatAssignments.userId, userId)))
        .returning();
      if (gone.length === 0) throw new NotFound('Seat');
      return this.present(tx, sub, plan);
    });
  }

  private async present(tx: Tx, sub: SubscriptionRow, plan: PlanRow): Promise<SeatLicenceView> {
    const synced = await this.access.sync(tx, sub, plan, await this.clock.now(sub.testClockId, tx));
    const [n] = await tx.select({ n: count() }).from(seatAssignments).where(eq(seatAssignments.subscriptionId, sub.id));
    return { ...presentSubscription(synced, plan), assigned: n?.n ?? 0 };
  }

  private async licence(db: Database | Tx, organizationId: string, id: string, lock = false): Promise<{ sub: SubscriptionRow; plan: PlanRow }> {
    const q = db
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.id, id), eq(subscriptions.organizationId, organizationId), eq(subscriptions.kind, 'seats')));
    const [sub] = lock ? await q.for('update') : await q;
    if (!sub) throw new NotFound('Seat licence');
    const [plan] = await db.select().from(billingPlans).where(eq(billingPlans.id, sub.planId));
    return { sub, plan: plan! };
  }
}
