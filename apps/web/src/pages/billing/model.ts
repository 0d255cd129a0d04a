import type { components } from '@lyceum/api-client';
export { formatMoney, parseMoney } from '../../lib/money';

type S = components['schemas'];

export type Plan = S['PlanDto_Output'];
export type PlanPage = S['PlanPageDto_Output'];
export type Subscription = S['SubscriptionDto_Output'];
export type SubscriptionPage = S['SubscriptionPageDto_Output'];
export type ChargePage = S['ChargePageDto_Output'];
export type Charge = S['ChargeDto_Output'];
export type ProrationPreview = S['ProrationPreviewDto_Output'];
export type CancelPreview = S['CancelPreviewDto_Output'];
export type SubscriptionQuote = S['SubscriptionQuoteDto_Output'];
/** POST /subscriptions with `stripe_checkout` (202): the Stripe page to send the member to */
export type SubscriptionCheckout = S['SubscriptionCheckoutDto_Output'];
export type TestClockEnvelope = S['TestClockEnvelopeDto_Output'];
export type TestClock = S['TestClockDto_Output'];
export type SeatLicencePage = S['SeatLicencePageDto_Output'];
export type SeatLicence = SeatLicencePage['items'][number];
export type SeatPage = S['SeatPageDto_Output'];

export const plansKey = ['billing', 'plans'] as const;
export const mineKey = ['billing', 'mine'] as const;
export const paymentProvidersKey = ['payment-providers'] as const;

/** A fresh Idempotency-Key for one money-moving click. */
export const newKey = () => `web-${crypto.randomUUID()}`;
