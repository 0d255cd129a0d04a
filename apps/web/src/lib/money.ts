/**
 * Money in the web app: the API sends integer minor units with an ISO 4217 currency. Intl knows
 * each currency's exponent (USD 2, JPY 0, KWD 3), so every screen formats and parses through here.
 */

/** Digits after the decimal point of a currency (JPY 0, KWD 3). */
export function exponentOf(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Integer minor units as a localized price: 4999 USD -> "$49.99", 1999 JPY -> "¥1,999". */
export function formatMoney(minor: number, currency: string, lang: string): string {
  const e = exponentOf(currency);
  return new Intl.NumberFormat(lang, { style: 'currency', currency, minimumFractionDigits: e, maximumFractionDigits: e }).format(minor / 10 ** e);
}

/** "49.99" (or "49,99") typed by a person -> 4999 minor units; null when it is not an amount. */
export function parseMoney(text: string, currency: string): number | null {
  const e = exponentOf(currency);
  const m = /^\s*(\d+)(?:[.,](\d*))?\s*$/.exec(text);
  if (!m) return null;
  const frac = (m[2] ?? '').padEnd(e, '0');
  if (frac.length > e) return null;
  return Number(m[1]) * 10 ** e + (e ? Number(frac) : 0);
}

/** Minor units as the text of an amount field: 4999 USD -> "49.99". */
export function minorToInput(minor: number, currency: string): string {
  const e = exponentOf(currency);
  return e ? (minor / 10 ** e).toFixed(e) : String(minor);
}
