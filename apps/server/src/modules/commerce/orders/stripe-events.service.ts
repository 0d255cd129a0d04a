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
 * `markPaid` as the manual provider (OrderPaid once), a declined attempt is recorded, an expired
 * Checkout Session fails the order, and a
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

  /**
   * A declined attempt. On a Checkout Session the buyer may try another card in the same session,
   * so the order stays pending with the decline recorded; it fails when the session expires.
   */
  async paymentFailed(tx: Tx, e: ProviderEvent): Promise<void> {
    const pi = (e.payload as Stripe.PaymentIntentPaymentFailedEvent).data.object;
    const orderId = await this.orderOf(tx, pi);
    if (!orderId) return void this.log.warn(`payment_intent.payment_failed ${pi.id}: no order of ours`);
    const err = pi.last_payment_error;
    await tx
      .update(orders)
      .set({ failureCode: err?.decline_code ?? err?.code ?? 'payment_failed', failureReason: err?.message ?? 'The payment failed.', updatedAt: new Date() })
      .where(and(eq(orders.id, orderId), eq(orders.status, 'pending')));
  }

  /** The buyer never paid in the session: the order fails and its coupon uses are given back. */
  async sessionExpired(tx: Tx, e: ProviderEvent): Promise<void> {
    const session = (e.payload as Stripe.CheckoutSessionExpiredEvent).data.object;
    if (session.mode === 'subscription') return; // a subscription checkout: billing's
    const [row] = await tx.select().from(orders).where(and(eq(orders.providerPaymentId, session.id), eq(orders.provider, 'stripe')));
    if (!row) return void this.log.warn(`checkout.session.expired ${session.id}: no order of ours`);
    await this.orders.markFailed(tx, row.id, row.failureCode ?? 'expired', row.failureReason ?? 'The Stripe checkout expired before it was paid.');
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
