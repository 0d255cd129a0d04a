/**
 * Billing's public surface: its Nest module, and PlansService for other modules that name a plan
 * (affiliates' commission rules check the plan is the organization's). Subscriptions emit
 * SubscriptionPaymentSucceeded and SubscriptionChargeRefunded (../commerce.events.ts) for every
 * successful charge and refund; invoicing, revenue and affiliates subscribe.
 */
export { BillingModule } from './billing.module.js';
export { PlansService } from './plans.service.js';
