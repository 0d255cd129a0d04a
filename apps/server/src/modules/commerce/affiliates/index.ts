/**
 * The affiliates module's public surface: its Nest module. Attribution is the `lyceum_ref` cookie
 * (the plain referral code) that checkout copies into OrderPaid.referralCode.
 */
export { AffiliatesModule } from './affiliates.module.js';
export { REF_COOKIE } from './referral.service.js';
