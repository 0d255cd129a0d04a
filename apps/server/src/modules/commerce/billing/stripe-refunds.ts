import { Inject, Injectable, Logger } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { z } from 'zod';
import type { Tx } from '../../../kernel/db/index.js';
import { type ProviderEvent, STRIPE_CLIENT, type StripeClient } from '../payments/index.js';
import { subscriptionCharges, subscriptions } from './billing.schema.js';
import { Charger } from './charger.js';
import { payloadObject } from './stripe-objects.js';

/** The part of Stripe's Charge a refund webhook needs. */
const StripeRefundedCharge = z.object({
  id: z.string(),
  payment_intent: z.union([z.string(), z.object({ id: z.string() })]).nullable().optional(),
  amount_refunded: z.number().int().min(0),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  refunds: z.object({ data: z.array(z.object({ created: z.number().int().optional() })) }).nullable().optional(),
});

/** Refunds made at Stripe of what Stripe billed for a subscription. */
@Injectable()
export class StripeChargeRefunds {
  private readonly log = new Logger('StripeChargeRefunds');

  constructor(
    @Inject(STRIPE_CLIENT) private readonly stripe: StripeClient,
    private readonly charger: Charger,
  ) {}

  /**
   * `charge.refunded` of a subscription invoice's payment (a refund made on Stripe's dashboard):
   * what Stripe refunded beyond what is recorded on our charge is recorded, and
   * SubscriptionChargeRefunded goes out (invoice, revenue, affiliates). Our own refunds are
   * recorded already, so their echo changes nothing. Order payments (metadata.orderId) are orders'.
   */
  async chargeRefunded(tx: Tx, e: ProviderEvent): Promise<void> {
    const charge = StripeRefundedCharge.parse(payloadObject(e));
    const pi = typeof charge.payment_intent === 'string' ? charge.payment_intent : (charge.payment_intent?.id ?? null);
    if (!pi || charge.metadata?.orderId || !this.stripe) return;
    let payments: Stripe.ApiList<Stripe.InvoicePayment>;
    try {
      payments = await this.stripe.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: pi }, limit: 1 });
    } catch (err) {
      // Stripe does not know the payment as an invoice's: not a subscription charge
      if (err instanceof Stripe.errors.StripeInvalidRequestError) return;
      throw err;
    }
    const invoice = payments.data[0]?.invoice;
    const invoiceId = typeof invoice === 'string' ? invoice : (invoice?.id ?? null);
    if (!invoiceId) return;
    const [found] = await tx.select({ subscriptionId: subscriptionCharges.subscriptionId }).from(subscriptionCharges).where(eq(subscriptionCharges.providerPaymentId, invoiceId));
    if (!found) return void this.log.warn(`charge.refunded ${charge.id}: invoice ${invoiceId} is no charge of ours`);
    // the subscription's row lock first (as every refund here takes it), then the charge as it is now
    const [sub] = await tx.select().from(subscriptions).where(eq(subscriptions.id, found.subscriptionId)).for('update');
    const [ours] = await tx.select().from(subscriptionCharges).where(eq(subscriptionCharges.providerPaymentId, invoiceId));
    const more = Math.min(charge.amount_refunded, ours!.amountMinor) - ours!.refundedMinor;
    if (more <= 0) return;
    await this.charger.recordRefund(tx, sub!, ours!, { amountMinor: more, reason: 'provider', at: new Date((charge.refunds?.data[0]?.created ?? Math.floor(Date.now() / 1000)) * 1000) });
  }
}
