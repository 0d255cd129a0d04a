/**
 * Every Drizzle table, for drizzle-kit and the typed query builder. Each module owns the tables
 * in its own *.schema.ts files; this file only gathers them.
 */
export * from './kernel/db/meta.schema.js';
export * from './kernel/events/events.schema.js';
export * from './kernel/http/idempotency.schema.js';
export * from './modules/identity/auth/auth.schema.js';
export * from './modules/identity/organizations/organizations.schema.js';
export * from './modules/identity/users/users.schema.js';
export * from './modules/learning/courses/courses.schema.js';
export * from './modules/learning/enrollment/enrollment.schema.js';
export * from './modules/learning/code-runner/code-runner.schema.js';
export * from './modules/learning/certificates/certificates.schema.js';
export * from './modules/learning/gradebook/gradebook.schema.js';
export * from './modules/learning/assignments/assignments.schema.js';
export * from './modules/learning/assessments/assessments.schema.js';
export * from './modules/media/library/library.schema.js';
export * from './modules/media/video/video.schema.js';
export * from './modules/commerce/waitlist/waitlist.schema.js';
export * from './modules/commerce/affiliates/affiliates.schema.js';
export * from './modules/commerce/revenue/revenue.schema.js';
export * from './modules/media/video/playback/playback.schema.js';
export * from './modules/commerce/billing/billing.schema.js';
export * from './modules/commerce/catalog-pricing/pricing.schema.js';
export * from './modules/commerce/tax/tax.schema.js';
export * from './modules/commerce/cart/cart.schema.js';
export * from './modules/commerce/coupons/coupons.schema.js';
export * from './modules/commerce/orders/orders.schema.js';
export * from './modules/commerce/invoices/invoices.schema.js';
export * from './modules/commerce/payments/payments.schema.js';
