import type { components } from '@lyceum/api-client';
export { formatMoney } from '../../lib/money';

type S = components['schemas'];
export type WaitlistStatus = S['WaitlistStatusDto_Output'];
export type SeatOffer = NonNullable<WaitlistStatus['offer']>;
export type WaitlistEntryPage = S['WaitlistEntryPageDto_Output'];
export type AffiliateDashboard = S['AffiliateDashboardDto_Output'];
export type Affiliate = S['AffiliateDto_Output'];
export type AffiliatePage = S['AffiliatePageDto_Output'];
export type LedgerPage = S['LedgerPageDto_Output'];
export type PayoutReport = S['PayoutReportDto_Output'];
export type Payout = S['PayoutDto_Output'];
export type AffiliateSettings = S['AffiliateSettingsDto_Output'];
export type RevenueReport = S['RevenueReportDto_Output'];

export const waitlistKey = (courseId: string) => ['waitlist', courseId] as const;
export const SEAT_OFFER_EVENT = 'waitlist.offer';

export function formatDateTime(iso: string, lang: string): string {
  return new Date(iso).toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'short' });
}

export type Cohort = S['CohortDto_Output'];
export type CohortPage = S['CohortPageDto_Output'];
export type CohortSeatsList = S['CohortSeatsListDto_Output'];
export type CohortWaitlistStatus = S['CohortWaitlistStatusDto_Output'];
export type CohortWaitlistStatusList = S['CohortWaitlistStatusListDto_Output'];
export const cohortWaitlistsKey = (courseId: string) => ['cohort-waitlists', courseId] as const;
