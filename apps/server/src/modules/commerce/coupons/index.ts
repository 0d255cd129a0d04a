export { CouponsModule } from './coupons.module.js';
export { CouponsService } from './coupons.service.js';
export type { AppliedCoupon, CouponEvaluation, CouponEvaluationInput, SubscriptionCouponTerms } from './coupons.service.js';
export type { DiscountLine } from './discounts.js';
