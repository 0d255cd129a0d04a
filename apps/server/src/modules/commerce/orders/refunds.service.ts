import { Inject, Injectable } from '@nestjs/common';
import { and, eq, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import { type RequestContext, requirePermission } from '../../../kernel/auth/index.js';
import { DB, type Database, type Tx } from '../../../kernel/db/index.js';
import { Conflict, Invalid, NotFound } from '../../../kernel/errors/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { OrderRefunded } from '../commerce.events.js';
import { allocate } from '../money.js';
import { PAYMENT_PROVIDERS, type PaymentProviders } from '../payments/index.js';
import type { Order, RefundRequest } from './orders.dto.js';
import { orderLines, orders, type RefundLine, refunds } from './orders.schema.js';
import { type OrderRow, OrdersService } from './orders.service.js';

const REFUNDABLE = ['paid', 'fulfilled', 'partially_refunded'];

/**
 * Refunds, full or partial (by line, or an amount spread over the lines), through the order's
 * provider. The order row is locked for the whole refund, so two admins cannot refund the same
 * money twice; OrderRefunded tells fulfillment which lines lose their access.
 */
@Injectable()
export class RefundsService {
  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(PAYMENT_PROVIDERS) private readonly providers: PaymentProviders,
    private readonly events: EventBus,
    private readonly orders: OrdersService,
  ) {}

  async refund(ctx: RequestContext, orderId: string, body: z.output<typeof RefundRequest>): Promise<z.input<typeof Order>> {
    const o = requirePermission(ctx, 'commerce.manage');
    const row = await this.db.transaction(async (tx) => {
      const [order] = await tx.select().from(orders).where(and(eq(orders.id, orderId), eq(orders.organizationId, o.membership.orgId))).for('update');
      if (!order) throw new NotFound('Order');
      if (!REFUNDABLE.includes(order.status)) throw new Conflict(`A ${order.status} order cannot be refunded.`, 'order_not_refundable');
      const lines = (await this.orders.linesOf(tx, [order.id])).get(order.id) ?? [];
      const left = (l: (typeof lines)[number]) => l.totalMinor - l.refundedMinor;
      let plan: RefundLine[];
      if (body.amountMinor !== undefined) {
        const remaining = order.totalMinor - order.refundedMinor;
        if (body.amountMinor > remaining) throw new Invalid(`At most ${remaining} (minor units) is left to refund.`, [{ field: 'body.amountMinor', message: 'more than is left' }]);
        const shares = allocate(body.amountMinor, lines.map(left));
        plan = lines.map((l, i) => ({ lineId: l.id, amountMinor: shares[i]!, revokeAccess: false })).filter((p) => p.amountMinor > 0);
      } else if (body.lineIds) {
        plan = body.lineIds.map((id, i) => {
          const l = lines.find((x) => x.id === id);
          if (!l) throw new Invalid('That line is not part of this order.', [{ field: `body.lineIds.${i}`, message: 'unknown line' }]);
          if (left(l) <= 0 && (l.revoked || !body.revokeAccess)) throw new Conflict(`${l.title} was refunded already.`, 'line_refunded');
          return { lineId: l.id, amountMinor: left(l), revokeAccess: body.revokeAccess };
        });
      } else {
        plan = lines.filter((l) => left(l) > 0 || !l.revoked).map((l) => ({ lineId: l.id, amountMinor: left(l), revokeAccess: body.revokeAccess }));
      }
      const amount = plan.reduce((s, p) => s + p.amountMinor, 0);
      if (amount <= 0) throw new Conflict('There is nothing left to refund on this order.', 'nothing_to_refund');
      const refundId = uuidv7();
      const providerRefundId = await this.callProvider(order, amount, refundId);
      return this.record(tx, order, { refundId, plan, amount, reason: body.reason, providerRefundId, createdBy: o.actor.userId });
    });
    return this.orders.present(row);
  }

  /**
   * A refund made at the provider (e.g. in Stripe's dashboard) and reported by its webhook:
   * `refundedTotal` is the provider's running total for the payment. Only the part we have not
   * recorded yet is recorded (our own refunds are already in, so their echo changes nothing); a
   * payment refunded in full revokes every line's access.
   */
  async recordProviderRefund(tx: Tx, orderId: string, refundedTotal: number, providerRefundId: string | null): Promise<boolean> {
    const [order] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
    if (!order || !REFUNDABLE.includes(order.status)) return false;
    const amount = Math.min(refundedTotal, order.totalMinor) - order.refundedMinor;
    if (amount <= 0) return false;
    const lines = (await this.orders.linesOf(tx, [order.id])).get(order.id) ?? [];
    const full = order.refundedMinor + amount === order.totalMinor;
    const shares = allocate(amount, lines.map((l) => l.totalMinor - l.refundedMinor));
    const plan = lines.map((l, i) => ({ lineId: l.id, amountMinor: shares[i]!, revokeAccess: full && !l.revoked })).filter((p) => p.amountMinor > 0 || p.revokeAccess);
    await this.record(tx, order, { refundId: uuidv7(), plan, amount, reason: 'Refunded at the payment provider', providerRefundId, createdBy: null });
    return true;
  }

  private async record(
    tx: Tx,
    order: OrderRow,
    r: { refundId: string; plan: RefundLine[]; amount: number; reason: string; providerRefundId: string | null; createdBy: string | null },
  ): Promise<OrderRow> {
    const { refundId, plan, amount } = r;
    for (const p of plan) {
      await tx
        .update(orderLines)
        .set({ refundedMinor: sql`${orderLines.refundedMinor} + ${p.amountMinor}`, revoked: p.revokeAccess ? true : sql`${orderLines.revoked}` })
        .where(eq(orderLines.id, p.lineId));
    }
    const refunded = order.refundedMinor + amount;
    const full = refunded === order.totalMinor;
    const [updated] = await tx
      .update(orders)
      .set({ refundedMinor: refunded, status: full ? 'refunded' : 'partially_refunded', updatedAt: new Date() })
      .where(eq(orders.id, order.id))
      .returning();
    const [row] = await tx
      .insert(refunds)
      .values({ id: refundId, orderId: order.id, organizationId: order.organizationId, amountMinor: amount, full, lines: plan, reason: r.reason, providerRefundId: r.providerRefundId, createdBy: r.createdBy })
      .returning();
    await this.emit(tx, updated!, row!.id, amount, full, plan, row!.createdAt);
    return updated!;
  }

  private async callProvider(order: OrderRow, amount: number, refundId: string): Promise<string | null> {
    if (!order.providerPaymentId) return null; // a free order: nothing was charged
    const provider = this.providers.get(order.provider);
    if (!provider) throw new Conflict(`The ${order.provider} payment provider is not configured, so this order cannot be refunded here.`, 'provider_unavailable');
    const out = await provider.refund({ providerPaymentId: order.providerPaymentId, amountMinor: amount, currency: order.currency, idempotencyKey: `refund:${refundId}`, reference: order.id });
    if (out.status !== 'succeeded') throw new Conflict(`The payment provider refused the refund: ${out.reason}`, 'refund_failed');
    return out.providerRefundId;
  }

  async emit(tx: Tx, order: OrderRow, refundId: string, amount: number, full: boolean, lines: RefundLine[], at: Date): Promise<void> {
    await this.events.emit(tx, OrderRefunded, {
      organizationId: order.organizationId,
      orderId: order.id,
      refundId,
      userId: order.userId,
      currency: order.currency,
      amountMinor: amount,
      full,
      lines,
      refundedAt: at.toISOString(),
    });
  }
}
