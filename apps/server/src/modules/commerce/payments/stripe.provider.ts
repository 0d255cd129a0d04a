import Stripe from 'stripe';
import type { CancelPendingOutcome, ChargeInput, PaymentOutcome, PaymentProvider, RefundInput, RefundOutcome } from './provider.js';

export interface StripeSettings {
  secretKey: string;
  /** another API base (a local server in tests, or stripe-mock); default Stripe's own */
  apiUrl?: string;
}

/** The official SDK client, optionally pointed at another API base (host/port/protocol). */
export function stripeClient(s: StripeSettings): Stripe {
  if (!s.apiUrl) return new Stripe(s.secretKey, { maxNetworkRetries: 2 });
  const u = new URL(s.apiUrl);
  const protocol = u.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(s.secretKey, { host: u.hostname, port: u.port || (protocol === 'http' ? 80 : 443), protocol, maxNetworkRetries: 0 });
}

/**
 * Stripe through the official SDK. A buyer at checkout is sent to a Stripe Checkout Session
 * (`requires_redirect`); the order is completed by the `payment_intent.succeeded|payment_failed`
 * webhook, which carries our `orderId` in the PaymentIntent's metadata. A saved payment method
 * (renewals) is charged with a confirmed PaymentIntent. Every call carries our idempotency key,
 * so a retry is the same Stripe object, never a second charge.
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe' as const;

  constructor(private readonly stripe: Stripe) {}

  async charge(input: ChargeInput): Promise<PaymentOutcome> {
    if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor < 0) throw new RangeError('amountMinor must be a non-negative integer');
    const metadata = { reference: input.reference, ...input.metadata };
    const currency = input.currency.toLowerCase();
    const m = input.paymentMethod;
    if (m.type === 'stripe_checkout') {
      if (!input.returnUrl) throw new RangeError('Stripe Checkout needs a returnUrl');
      const back = new URL(input.returnUrl);
      const success = new URL(back);
      success.searchParams.set('stripe', 'success');
      const cancel = new URL(back);
      cancel.searchParams.set('stripe', 'canceled');
      const session = await this.stripe.checkout.sessions.create(
        {
          mode: 'payment',
          customer_email: input.customerEmail,
          client_reference_id: input.reference,
          line_items: [{ quantity: 1, price_data: { currency, unit_amount: input.amountMinor, product_data: { name: input.description } } }],
          payment_intent_data: { metadata, description: input.description },
          metadata,
          success_url: success.toString(),
          cancel_url: cancel.toString(),
        },
        { idempotencyKey: input.idempotencyKey },
      );
      if (!session.url) throw new Error('Stripe returned a Checkout Session without a url');
      return { status: 'requires_redirect', providerPaymentId: session.id, redirectUrl: session.url };
    }
    if (m.type === 'stripe_payment_method') {
      try {
        const pi = await this.stripe.paymentIntents.create(
          {
            amount: input.amountMinor,
            currency,
            customer: m.customerId,
            payment_method: m.paymentMethodId,
            confirm: true,
            off_session: input.offSession,
            description: input.description,
            receipt_email: input.customerEmail,
            metadata,
          },
          { idempotencyKey: input.idempotencyKey },
        );
        if (pi.status === 'succeeded') return { status: 'succeeded', providerPaymentId: pi.id };
        return { status: 'failed', providerPaymentId: pi.id, declineCode: pi.last_payment_error?.decline_code ?? pi.status, reason: pi.last_payment_error?.message ?? `The payment is ${pi.status}.` };
      } catch (e) {
        if (e instanceof Stripe.errors.StripeCardError) {
          return { status: 'failed', providerPaymentId: e.payment_intent?.id ?? null, declineCode: e.decline_code ?? e.code ?? 'card_declined', reason: e.message };
        }
        throw e;
      }
    }
    return { status: 'failed', providerPaymentId: null, declineCode: 'unsupported_method', reason: 'Stripe does not take manual test cards.' };
  }

  /**
   * Expires the open Checkout Session, so the buyer can no longer pay in it. A session the buyer
   * already completed (Stripe refuses to expire it) is `completing`: its payment webhook follows.
   */
  async cancelPending(providerPaymentId: string): Promise<CancelPendingOutcome> {
    if (!providerPaymentId.startsWith('cs_')) return { status: 'completing' };
    try {
      const s = await this.stripe.checkout.sessions.expire(providerPaymentId, {}, { idempotencyKey: `expire:${providerPaymentId}` });
      return s.status === 'expired' ? { status: 'canceled' } : { status: 'completing' };
    } catch (e) {
      if (!(e instanceof Stripe.errors.StripeInvalidRequestError)) throw e;
      const s = await this.stripe.checkout.sessions.retrieve(providerPaymentId);
      return s.status === 'expired' ? { status: 'canceled' } : { status: 'completing' };
    }
  }

  /** The PaymentIntent (or, without one, the charge) that paid a Stripe invoice. */
  private async invoicePayment(invoiceId: string): Promise<{ payment_intent: string } | { charge: string } | null> {
    const payments = await this.stripe.invoicePayments.list({ invoice: invoiceId, status: 'paid', limit: 10 });
    for (const p of payments.data) {
      const pi = p.payment.payment_intent;
      if (pi) return { payment_intent: typeof pi === 'string' ? pi : pi.id };
      const ch = p.payment.charge;
      if (ch) return { charge: typeof ch === 'string' ? ch : ch.id };
    }
    return null;
  }

  async refund(input: RefundInput): Promise<RefundOutcome> {
    if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) throw new RangeError('amountMinor must be a positive integer');
    const id = input.providerPaymentId;
    if (!id.startsWith('pi_') && !id.startsWith('in_')) return { status: 'failed', providerRefundId: null, reason: 'Not a Stripe PaymentIntent or invoice (the payment may still be pending).' };
    try {
      // a subscription invoice Stripe billed is refunded through the payment that paid it
      const paidBy = id.startsWith('in_') ? await this.invoicePayment(id) : { payment_intent: id };
      if (!paidBy) return { status: 'failed', providerRefundId: null, reason: 'Stripe has no paid payment for this invoice.' };
      const r = await this.stripe.refunds.create({ ...paidBy, amount: input.amountMinor, metadata: { reference: input.reference } }, { idempotencyKey: input.idempotencyKey });
      if (r.status === 'failed' || r.status === 'canceled') return { status: 'failed', providerRefundId: r.id, reason: r.failure_reason ?? `The refund is ${r.status}.` };
      return { status: 'succeeded', providerRefundId: r.id };
    } catch (e) {
      if (e instanceof Stripe.errors.StripeInvalidRequestError) return { status: 'failed', providerRefundId: null, reason: e.message };
      throw e;
    }
  }
}
