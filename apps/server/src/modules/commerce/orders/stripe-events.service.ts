import { Inject, Injectable, Logger } from '@nestjs/common';
import { and, eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Tx } from '../../../kernel/db/index.js';
import type { ProviderEvent } from '../payments/index.js';
import { orders } from './orders.schema.js';
import { OrdersService } from './orders.service.js';
import { RefundsService } from './refunds.service.js';

/**
 * Orders' part of Stripe's webhook (dispatched by PaymentWebhookRouter inside the transaction
 * that records the event id): a PaymentIntent that succeeded marks its order paid through the same
 * `markPaid` as the manual provider (OrderPaid once), one that failed marks it failed, and a
 * refunded charge records the refund not yet recorded here (access revoked through OrderRefunded).
 */
@Injectable()
export class StripeEventsService {
  private readonly log = new Logger('StripeEvents');

  constructor(
    @Inject(OrdersService) private readonly orders: OrdersService,
    @Inject(RefundsService) private readonly refunds: RefundsService,
  ) {}

  /** the order a PaymentIntent pays: our metadata, or failing that the recorded payment id */
  private async orderOf(tx: Tx, pi: { id: string; metadata: Stripe.Metadata | null }): Promise<string | null> {
    const id = pi.metadata?.orderId;
    if (id) {
      const [row] = await tx.select({ id: orders.id }).from(orders).where(and(eq(orders.id, id), eq(orders.provider, 'stripe')));
      if (row) return row.id;
    }
    const [row] = await tx.select({ id: orders.id }).from(orders).where(and(eq(orders.providerPaymentId, pi.id), eq(orders.provider, 'stripe')));
    return row?.id ?? null;
  }

  async paymentSucceeded(tx: Tx, e: ProviderEvent): Promise<void> {
    const pi = (e.payload as Stripe.PaymentIntentSucceededEvent).data.object;
    const orderId = await this.orderOf(tx, pi);
    if (!orderId) return void this.log.warn(`payment_intent.succeeded ${pi.id}: no order of ours`);
    await this.orders.markPaid(tx, orderId, pi.id, new Date(pi.created * 1000));
  }

  async paymentFailed(tx: Tx, e: ProviderEvent): Promise<void> {
    const pi = (e.payload as Stripe.PaymentIntentPaymentFailedEvent).data.object;
    const orderId = await this.orderOf(tx, pi);
    if (!orderId) return void this.log.warn(`payment_intent.payment_failed ${pi.id}: no order of ours`);
    const err = pi.last_payment_error;
    await this.orders.markFailed(tx, orderId, err?.decline_code ?? err?.code ?? 'payment_failed', err?.message ?? 'The payment failed.', pi.id);
  }

  async chargeRefunded(tx: Tx, e: ProviderEvent): Promise<void> {
    const charge = (e.payload as Stripe.ChargeRefundedEvent).data.object;
    const piId = typeof charge.payment_intent === 'string' ? charge.payment_intent : (charge.payment_intent?.id ?? null);
    if (!piId) return;
    const orderId = await this.orderOf(tx, { id: piId, metadata: charge.metadata });
    if (!orderId) return void this.log.warn(`charge.refunded ${charge.id}: no order of ours`);
    const latest = charge.refunds?.data[0]?.id ?? null;
    await this.refunds.recordProviderRefund(tx, orderId, charge.amount_refunded, latest);
  }
}
