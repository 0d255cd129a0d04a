import { PAYMENT_PROVIDERS, type PaymentProviders } from '../payments/index.js';
import { Inject, Injectable } from '@nestjs/common';
import { and, asc, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { can, type RequestContext, requirePermission, requireUser } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx, type Tx } from '../../../kernel/db/index.js';
import { Conflict, NotFound } from '../../../kernel/errors/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { CartService } from '../cart/index.js';
import { OrderPaid } from '../commerce.events.js';
import { CouponsService } from '../coupons/index.js';
import { InvoicesService } from '../invoices/index.js';
import { WaitlistService } from '../waitlist/index.js';
import type { Order } from './orders.dto.js';
import { type OrderStatus, orderCounters, orderLines, orders, refunds } from './orders.schema.js';

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;
type OrderView = z.input<typeof Order>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Orders: numbering, reads for buyers and admins, and the paid/failed transitions shared by checkout and webhooks. */
@Injectable()
export class OrdersService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly events: EventBus,
    private readonly invoices: InvoicesService,
    private readonly coupons: CouponsService,
    private readonly cart: CartService,
    private readonly waitlist: WaitlistService,
    @Inject(PAYMENT_PROVIDERS) private readonly providers: PaymentProviders,
  ) {}

  /** ORD-000001, … per organization (the counter row is locked until the creating transaction ends). */
  async nextNumber(tx: Tx, organizationId: string): Promise<string> {
    const [c] = await tx
      .insert(orderCounters)
      .values({ organizationId, last: 1 })
      .onConflictDoUpdate({ target: orderCounters.organizationId, set: { last: sql`${orderCounters.last} + 1` } })
      .returning();
    return `ORD-${String(c!.last).padStart(6, '0')}`;
  }

  async linesOf(db: DbOrTx, orderIds: readonly string[]): Promise<Map<string, OrderLineRow[]>> {
    const out = new Map<string, OrderLineRow[]>();
    if (!orderIds.length) return out;
    const rows = await db.select().from(orderLines).where(inArray(orderLines.orderId, [...orderIds])).orderBy(asc(orderLines.position));
    for (const r of rows) out.set(r.orderId, [...(out.get(r.orderId) ?? []), r]);
    return out;
  }

  async presentMany(rows: OrderRow[], db: DbOrTx = this.db): Promise<OrderView[]> {
    const ids = rows.map((r) => r.id);
    const lines = await this.linesOf(db, ids);
    const inv = await this.invoices.forSources('order', ids);
    const refundRows = ids.length ? await db.select().from(refunds).where(inArray(refunds.orderId, ids)).orderBy(asc(refunds.id)) : [];
    return rows.map((o) => ({
      id: o.id,
      organizationId: o.organizationId,
      number: o.number,
      userId: o.userId,
      buyerName: o.buyerName,
      buyerEmail: o.buyerEmail,
      status: o.status,
      currency: o.currency,
      lines: (lines.get(o.id) ?? []).map((l) => ({
        id: l.id,
        kind: l.kind,
        refId: l.refId,
        title: l.title,
        courseIds: l.courseIds,
        subtotalMinor: l.subtotalMinor,
        discountMinor: l.discountMinor,
        taxMinor: l.taxMinor,
        totalMinor: l.totalMinor,
        refundedMinor: l.refundedMinor,
        revoked: l.revoked,
      })),
      coupons: o.coupons.map((c) => ({ code: c.code, name: c.name, discountMinor: c.discountMinor })),
      taxLines: o.taxLines,
      subtotalMinor: o.subtotalMinor,
      discountMinor: o.discountMinor,
      taxMinor: o.taxMinor,
      totalMinor: o.totalMinor,
      refundedMinor: o.refundedMinor,
      billingAddress: o.billingAddress,
      provider: o.provider,
      redirectUrl: o.status === 'pending' ? o.redirectUrl : null,
      failureCode: o.failureCode,
      failureReason: o.failureReason,
      invoice: inv.has(o.id) ? { id: inv.get(o.id)!.id, number: inv.get(o.id)!.number, pdfPath: inv.get(o.id)!.pdfPath } : null,
      refunds: refundRows.filter((r) => r.orderId === o.id).map((r) => ({ id: r.id, amountMinor: r.amountMinor, full: r.full, reason: r.reason, createdAt: r.createdAt.toISOString() })),
      createdAt: o.createdAt.toISOString(),
      paidAt: iso(o.paidAt),
      fulfilledAt: iso(o.fulfilledAt),
    }));
  }

  async present(row: OrderRow, db: DbOrTx = this.db): Promise<OrderView> {
    return (await this.presentMany([row], db))[0]!;
  }

  /** The buyer or the organization's commerce admins; 404 for anyone else. */
  async get(ctx: RequestContext, orderId: string): Promise<OrderView> {
    const u = requireUser(ctx);
    const [o] = await this.db.select().from(orders).where(eq(orders.id, orderId));
    const admin = o && ctx.membership?.orgId === o.organizationId && can(ctx, 'commerce.manage');
    if (!o || (o.userId !== u.actor.userId && !admin)) throw new NotFound('Order');
    return this.present(o);
  }

  /**
   * The buyer cancels their own pending order: nothing was charged, its coupon uses and held seats
   * are given back. An order waiting at a redirecting provider (a Stripe Checkout Session) is
   * ended there first, so it can no longer be paid; one the buyer already paid there is 409
   * payment_in_progress (its webhook completes it).
   */
  async cancel(ctx: RequestContext, orderId: string): Promise<OrderView> {
    const u = requireUser(ctx);
    return this.db.transaction(async (tx) => {
      const [o] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
      if (!o || o.userId !== u.actor.userId) throw new NotFound('Order');
      if (o.status !== 'pending') throw new Conflict(`This order is ${o.status.replace('_', ' ')}; only a pending order can be canceled.`, 'order_not_pending');
      if (o.providerPaymentId) {
        // the row lock is held while the provider answers, so its webhook waits for this outcome
        const provider = this.providers.get(o.provider);
        if (!provider?.cancelPending) throw new Conflict(`The ${o.provider} payment provider is not configured, so this order cannot be canceled here.`, 'provider_unavailable');
        const outcome = await provider.cancelPending(o.providerPaymentId);
        if (outcome.status !== 'canceled') throw new Conflict('The payment of this order is being confirmed; it cannot be canceled now.', 'payment_in_progress');
      }
      const [canceled] = await tx.update(orders).set({ status: 'canceled', redirectUrl: null, updatedAt: new Date() }).where(eq(orders.id, o.id)).returning();
      await this.releaseUnpaid(tx, o.id);
      return this.present(canceled!, tx);
    });
  }

  /**
   * Cancels pending orders created before `before` that never reached the payment provider (a
   * crash or an abandoned request), giving their coupon uses back. Stripe's pending orders end
   * through its checkout.session.expired webhook instead. Returns how many were canceled.
   */
  async expirePending(before: Date): Promise<number> {
    const due = await this.db
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.status, 'pending'), isNull(orders.providerPaymentId), lt(orders.createdAt, before)))
      .limit(500);
    let n = 0;
    for (const { id } of due) {
      n += await this.db.transaction(async (tx) => {
        const [o] = await tx
          .update(orders)
          .set({ status: 'canceled', failureCode: 'expired', failureReason: 'The order was not paid in time.', updatedAt: new Date() })
          .where(and(eq(orders.id, id), eq(orders.status, 'pending'), isNull(orders.providerPaymentId)))
          .returning({ id: orders.id });
        if (!o) return 0;
        await this.releaseUnpaid(tx, id);
        return 1;
      });
    }
    return n;
  }

  async listMine(ctx: RequestContext, q: { limit: number; cursor?: string; status?: OrderStatus }): Promise<Page<OrderView>> {
    const u = requireUser(ctx);
    const after = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(orders)
      .where(and(eq(orders.userId, u.actor.userId), q.status ? eq(orders.status, q.status) : undefined, after ? lt(orders.id, String(after[0])) : undefined))
      .orderBy(desc(orders.id))
      .limit(q.limit + 1);
    const page = toPage(rows, q.limit, (r) => [r.id], (r) => r);
    return { items: await this.presentMany(page.items), nextCursor: page.nextCursor };
  }

  async listOrg(ctx: RequestContext, q: { limit: number; cursor?: string; status?: OrderStatus }): Promise<Page<OrderView>> {
    const o = requirePermission(ctx, 'commerce.manage');
    const after = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(orders)
      .where(and(eq(orders.organizationId, o.membership.orgId), q.status ? eq(orders.status, q.status) : undefined, after ? lt(orders.id, String(after[0])) : undefined))
      .orderBy(desc(orders.id))
      .limit(q.limit + 1);
    const page = toPage(rows, q.limit, (r) => [r.id], (r) => r);
    return { items: await this.presentMany(page.items), nextCursor: page.nextCursor };
  }

  /**
   * pending → paid, once: issues the numbered invoice (with its receipt email), emits OrderPaid
   * and takes the bought items out of the cart, all in `tx`. A second call (a replayed webhook,
   * a retried checkout) changes nothing.
   */
  async markPaid(tx: Tx, orderId: string, providerPaymentId: string | null, paidAt = new Date()): Promise<boolean> {
    const [o] = await tx
      .update(orders)
      .set({ status: 'paid', paidAt, providerPaymentId: providerPaymentId ?? sql`${orders.providerPaymentId}`, redirectUrl: null, updatedAt: new Date() })
      .where(and(eq(orders.id, orderId), eq(orders.status, 'pending')))
      .returning();
    if (!o) return false;
    const lines = (await this.linesOf(tx, [o.id])).get(o.id) ?? [];
    await this.invoices.issue(tx, {
      organizationId: o.organizationId,
      source: 'order',
      sourceId: o.id,
      userId: o.userId,
      buyerEmail: o.buyerEmail,
      buyerName: o.billingAddress.name || o.buyerName,
      billingAddress: { ...o.billingAddress },
      currency: o.currency,
      lines: lines.map((l) => ({ description: l.title, amountMinor: l.subtotalMinor, discountMinor: l.discountMinor, taxMinor: l.taxMinor, totalMinor: l.totalMinor })),
      taxLines: o.taxLines.map((t) => ({ label: `${t.label} ${(t.rateBasisPoints / 100).toFixed(2).replace(/\.?0+$/, '')}%${t.inclusive ? ' (included)' : ''}`, amountMinor: t.amountMinor })),
      netMinor: o.totalMinor - o.taxMinor,
      taxMinor: o.taxMinor,
      totalMinor: o.totalMinor,
      issuedAt: paidAt,
    });
    await this.events.emit(tx, OrderPaid, {
      organizationId: o.organizationId,
      orderId: o.id,
      orderNumber: o.number,
      userId: o.userId,
      currency: o.currency,
      netMinor: o.totalMinor - o.taxMinor,
      taxMinor: o.taxMinor,
      totalMinor: o.totalMinor,
      lines: lines.map((l) => ({
        lineId: l.id,
        kind: l.kind,
        refId: l.refId,
        courseIds: l.courseIds,
        quantity: l.quantity,
        subtotalMinor: l.subtotalMinor,
        discountMinor: l.discountMinor,
        taxMinor: l.taxMinor,
        totalMinor: l.totalMinor,
      })),
      referralCode: o.referralCode,
      paidAt: paidAt.toISOString(),
    });
    await this.cart.removeBought(tx, o.userId, lines.map((l) => l.refId));
    return true;
  }

  /** pending → failed: records why and gives the coupon uses back. */
  async markFailed(tx: Tx, orderId: string, code: string, reason: string, providerPaymentId: string | null = null): Promise<boolean> {
    const [o] = await tx
      .update(orders)
      .set({ status: 'failed', failureCode: code, failureReason: reason, providerPaymentId: providerPaymentId ?? sql`${orders.providerPaymentId}`, redirectUrl: null, updatedAt: new Date() })
      .where(and(eq(orders.id, orderId), eq(orders.status, 'pending')))
      .returning();
    if (!o) return false;
    await this.releaseUnpaid(tx, orderId);
    return true;
  }

  /** An order ended unpaid: its coupon uses and the seats held for it are given back. */
  private async releaseUnpaid(tx: Tx, orderId: string): Promise<void> {
    await this.coupons.release(tx, orderId);
    await this.waitlist.releaseOrderHolds(tx, orderId);
  }
}
