/**
 * Money arithmetic in integer minor units (ISO 4217). Never a float for an amount: percentages are
 * basis points (1% = 100), every division rounds once, half away from zero, to the currency's
 * minor unit, and splits use the largest-remainder method so the parts always add up to the whole.
 */

/** ISO 4217 minor-unit exponents that are not 2. */
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0,
  VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** The ISO 4217 codes this build accepts (the common ones plus every non-2 exponent above). */
export const CURRENCIES = [
  'USD', 'EUR', 'GBP', 'CAD', 'AUD', 'NZD', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'HUF', 'RON',
  'BGN', 'TRY', 'BRL', 'MXN', 'ARS', 'COP', 'PEN', 'INR', 'IDR', 'MYR', 'PHP', 'SGD', 'HKD', 'CNY',
  'TWD', 'THB', 'ZAR', 'NGN', 'KES', 'EGP', 'ILS', 'AED', 'SAR', 'UAH',
  ...Object.keys(EXPONENTS),
] as const;
const KNOWN = new Set<string>(CURRENCIES);

export function isCurrency(code: string): boolean {
  return KNOWN.has(code);
}

/** Digits after the decimal point: 2 for USD, 0 for JPY, 3 for KWD. */
export function currencyExponent(code: string): number {
  if (!KNOWN.has(code)) throw new RangeError(`unknown currency ${code}`);
  return EXPONENTS[code] ?? 2;
}

function assertMinor(n: number, what = 'amount'): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be an integer number of minor units, got ${n}`);
}

/** a / b rounded half away from zero, exactly, for integers (BigInt, so no float error at any size). */
export function divRound(a: number | bigint, b: number | bigint): number {
  const A = BigInt(a);
  const B = BigInt(b);
  if (B === 0n) throw new RangeError('division by zero');
  const neg = A < 0n !== B < 0n;
  const absA = A < 0n ? -A : A;
  const absB = B < 0n ? -B : B;
  const q = (absA * 2n + absB) / (absB * 2n);
  const r = neg ? -q : q;
  return Number(r);
}

/** `amount` × `basisPoints` / 10 000, rounded once. 1 999 × 15% = 300 (299.85). */
export function percentOf(amountMinor: number, basisPoints: number): number {
  assertMinor(amountMinor);
  assertMinor(basisPoints, 'basis points');
  return divRound(BigInt(amountMinor) * BigInt(basisPoints), 10_000n);
}

/** Tax added on top of a net amount (exclusive pricing). */
export function exclusiveTax(netMinor: number, rateBasisPoints: number): number {
  return percentOf(netMinor, rateBasisPoints);
}

/** The tax inside a gross amount (inclusive pricing): gross − round(gross / (1 + rate)). */
export function inclusiveTax(grossMinor: number, rateBasisPoints: number): number {
  assertMinor(grossMinor);
  assertMinor(rateBasisPoints, 'basis points');
  const net = divRound(BigInt(grossMinor) * 10_000n, BigInt(10_000 + rateBasisPoints));
  return grossMinor - net;
}

/**
 * Splits `total` into parts proportional to `weights`, by largest remainder: the parts are
 * integers and sum to exactly `total`. Ties go to the earlier weight.
 */
export function allocate(totalMinor: number, weights: readonly number[]): number[] {
  assertMinor(totalMinor);
  if (weights.length === 0) return [];
  const W = weights.reduce((s, w) => {
    if (!Number.isSafeInteger(w) || w < 0) throw new RangeError('weights must be non-negative integers');
    return s + BigInt(w);
  }, 0n);
  if (W === 0n) {
    const out = weights.map(() => 0);
    out[0] = totalMinor;
    return out;
  }
  const T = BigInt(totalMinor);
  const sign = T < 0n ? -1n : 1n;
  const absT = T * sign;
  const floors = weights.map((w) => (absT * BigInt(w)) / W);
  const rems = weights.map((w, i) => ({ i, r: (absT * BigInt(w)) % W }));
  let left = absT - floors.reduce((s, f) => s + f, 0n);
  rems.sort((a, b) => (b.r > a.r ? 1 : b.r < a.r ? -1 : a.i - b.i));
  for (const { i } of rems) {
    if (left === 0n) break;
    floors[i] = floors[i]! + 1n;
    left -= 1n;
  }
  return floors.map((f) => Number(f * sign));
}

/** "12.34 USD"-style plain formatting for logs, CSV and PDFs (the web app formats with Intl). */
export function formatMinor(amountMinor: number, currency: string): string {
  assertMinor(amountMinor);
  const e = currencyExponent(currency);
  const neg = amountMinor < 0;
  const abs = Math.abs(amountMinor).toString().padStart(e + 1, '0');
  const whole = e === 0 ? abs : abs.slice(0, -e);
  const frac = e === 0 ? '' : `.${abs.slice(-e)}`;
  return `${neg ? '-' : ''}${whole}${frac} ${currency}`;
}
