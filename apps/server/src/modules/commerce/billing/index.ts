/**
 * Billing's public surface: its Nest module. Subscriptions emit SubscriptionPaymentSucceeded
 * (../commerce.events.ts) for every successful charge; invoicing, revenue and affiliates subscribe.
 */
export { BillingModule } from './billing.module.js';
