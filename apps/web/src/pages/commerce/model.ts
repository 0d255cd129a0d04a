import type { components } from '@lyceum/api-client';
import { api, call } from '../../api';

type S = components['schemas'];
export type CoursePricing = S['CoursePricingDto_Output'];
export type Cart = S['CartDto_Output'];
export type Quote = S['QuoteDto_Output'];
export type Order = S['OrderDto_Output'];
export type OrderPage = S['OrderPageDto_Output'];
export type InvoicePage = S['InvoicePageDto_Output'];
export type Coupon = S['CouponDto_Output'];
export type CouponPage = S['CouponPageDto_Output'];
export type CouponInput = S['CouponInputDto'];
export type TaxRate = S['TaxRateDto_Output'];
export type TaxRatePage = S['TaxRatePageDto_Output'];
export type Bundle = S['BundleDto_Output'];
export type BundlePage = S['BundlePageDto_Output'];
export type BundleList = S['BundleListDto_Output'];
export type BundleInput = S['UpdateBundleDto'];

export const cartKey = ['cart'] as const;
export const myOrdersKey = ['my-orders'] as const;

export const fetchCart = () => call<Cart>(api.GET('/api/v1/cart'));

/** Digits after the decimal point of a currency, as Intl knows them (JPY 0, KWD 3). */
export function exponentOf(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Integer minor units as a localized price: 4999 USD -> "$49.99", 1999 JPY -> "¥1,999". */
export function formatMoney(minor: number, currency: string, lang: string): string {
  const e = exponentOf(currency);
  return new Intl.NumberFormat(lang, { style: 'currency', currency, minimumFractionDigits: e, maximumFractionDigits: e }).format(minor / 10 ** e);
}

/** "49.99" typed by a person -> 4999 minor units (null when it is not an amount). */
export function parseMoney(text: string, currency: string): number | null {
  const e = exponentOf(currency);
  const m = /^\s*(\d+)(?:[.,](\d*))?\s*$/.exec(text);
  if (!m) return null;
  const frac = (m[2] ?? '').padEnd(e, '0');
  if (frac.length > e) return null;
  return Number(m[1]) * 10 ** e + (e ? Number(frac) : 0);
}

export function minorToInput(minor: number, currency: string): string {
  const e = exponentOf(currency);
  return e ? (minor / 10 ** e).toFixed(e) : String(minor);
}

export const COUNTRIES = ['US', 'CA', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'MX', 'BR', 'AR', 'JP', 'KW', 'IN', 'AU'] as const;

export function countryName(code: string, lang: string): string {
  try {
    return new Intl.DisplayNames([lang], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}
