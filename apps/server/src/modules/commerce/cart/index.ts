export { CartModule } from './cart.module.js';
export { CartService } from './cart.service.js';
export type { CartLine, CartOwner } from './cart.service.js';
export { GUEST_CART_COOKIE, REFERRAL_COOKIE, readCookie, readReferralCookie } from './cookies.js';
