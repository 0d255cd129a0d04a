import type { components } from '@lyceum/api-client';
import { api, call } from '../../api';
export { exponentOf, formatMoney, minorToInput, parseMoney } from '../../lib/money';

type S = components['schemas'];
export type CoursePricing = S['CoursePricingDto_Output'];
export type Cart = S['CartDto_Output'];
export type Quote = S['QuoteDto_Output'];
export type Order = S['OrderDto_Output'];
export type OrderPage = S['OrderPageDto_Output'];
export type Invoice = InvoicePage['items'][number];
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
export const myInvoicesKey = ['my-invoices'] as const;

export const fetchCart = () => call<Cart>(api.GET('/api/v1/cart'));

export const COUNTRIES = ['US', 'CA', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'MX', 'BR', 'AR', 'JP', 'KW', 'IN', 'AU'] as const;

export function countryName(code: string, lang: string): string {
  try {
    return new Intl.DisplayNames([lang], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}
