import type { components } from '@lyceum/api-client';

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
export type TestClockEnvelope = S['TestClockEnvelopeDto_Output'];
export type TestClock = S['TestClockDto_Output'];
export type SeatLicencePage = S['SeatLicencePageDto_Output'];
export type SeatLicence = SeatLicencePage['items'][number];
export type SeatPage = S['SeatPageDto_Output'];

export const plansKey = ['billing', 'plans'] as const;
export const mineKey = ['billing', 'mine'] as const;

/** Digits after the decimal point of a currency, as Intl knows them (2 for USD, 0 for JPY). */
export function currencyDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Integer minor units as money in the reader's language. */
export function formatMoney(minor: number, currency: string, lang: string): string {
  const digits = currencyDigits(currency);
  return new Intl.NumberFormat(lang, { style: 'currency', currency }).format(minor / 10 ** digits);
}

/** A decimal amount typed by a person ("19.90") as integer minor units; null when it is not one. */
export function toMinor(text: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const m = /^\s*(\d+)(?:[.,](\d+))?\s*$/.exec(text);
  if (!m || (m[2] && m[2].length > digits)) return null;
  return Number(m[1]) * 10 ** digits + Number((m[2] ?? '').padEnd(digits, '0') || 0);
}

/** A fresh Idempotency-Key for one money-moving click. */
export const newKey = () => `web-${crypto.randomUUID()}`;
