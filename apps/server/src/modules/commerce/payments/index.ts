export { PaymentsModule } from './payments.module.js';
export { PaymentWebhookRouter } from './webhook-router.js';
export type { ProviderEvent, ProviderEventHandler } from './webhook-router.js';
export { ManualPaymentProvider, MANUAL_TEST_CARDS } from './manual.provider.js';
export { PAYMENT_PROVIDERS } from './provider.js';
export type { ChargeInput, PaymentMethodInput, PaymentOutcome, PaymentProvider, PaymentProviderName, PaymentProviders, RefundInput, RefundOutcome } from './provider.js';
export { StripePaymentProvider, stripeClient } from './stripe.provider.js';
export { STRIPE_CLIENT } from './stripe.tokens.js';
export type { StripeClient } from './stripe.tokens.js';
