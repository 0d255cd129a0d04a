/**
 * The payment provider port. Orders (checkout) and billing (subscriptions) charge and refund only
 * through it; `manual` is built in (the embedded default, used by the demo and the tests) and
 * `stripe` wraps the official SDK. Amounts are integer minor units.
 */

/** How the buyer pays this time. */
export type PaymentMethodInput =
  /** the manual provider: a test card number decides the outcome (see manual.provider.ts) */
  | { type: 'manual_card'; cardNumber: string }
  /** Stripe Checkout: the buyer is redirected to Stripe; the webhook reports the result */
  | { type: 'stripe_checkout' }
  /** a saved Stripe payment method, e.g. for an off-session renewal */
  | { type: 'stripe_payment_method'; customerId: string; paymentMethodId: string };

export interface ChargeInput {
  /** our id for what is paid (an order or an invoice id); providers echo it in metadata */
  reference: string;
  amountMinor: number;
  currency: string;
  /** the same key gives the same charge (never two) */
  idempotencyKey: string;
  customerEmail: string;
  description: string;
  paymentMethod: PaymentMethodInput;
  /** true for renewals and dunning retries: the buyer is not present */
  offSession: boolean;
  /** where a redirecting provider sends the buyer back */
  returnUrl?: string;
  metadata?: Record<string, string>;
}

export type PaymentOutcome =
  | { status: 'succeeded'; providerPaymentId: string }
  | { status: 'failed'; providerPaymentId: string | null; declineCode: string; reason: string }
  | { status: 'requires_redirect'; providerPaymentId: string; redirectUrl: string };

export interface RefundInput {
  providerPaymentId: string;
  amountMinor: number;
  currency: string;
  idempotencyKey: string;
  reference: string;
}

export type RefundOutcome = { status: 'succeeded'; providerRefundId: string } | { status: 'failed'; providerRefundId: string | null; reason: string };

/** `canceled`: the payment can no longer complete; `completing`: the buyer already finished it (its webhook follows). */
export type CancelPendingOutcome = { status: 'canceled' } | { status: 'completing' };

export type PaymentProviderName = 'manual' | 'stripe';

export interface PaymentProvider {
  readonly name: PaymentProviderName;
  charge(input: ChargeInput): Promise<PaymentOutcome>;
  refund(input: RefundInput): Promise<RefundOutcome>;
  /**
   * Ends a payment the buyer was sent away to make (a `requires_redirect` outcome) so that it can
   * no longer complete. Only redirecting providers have pending payments.
   */
  cancelPending?(providerPaymentId: string): Promise<CancelPendingOutcome>;
}

/** Nest token for `ReadonlyMap<PaymentProviderName, PaymentProvider>` (stripe only when configured). */
export const PAYMENT_PROVIDERS = Symbol('PAYMENT_PROVIDERS');
export type PaymentProviders = ReadonlyMap<PaymentProviderName, PaymentProvider>;
