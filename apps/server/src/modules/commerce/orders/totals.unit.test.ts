import { describe, expect, it } from 'vitest';
import { allocate, currencyExponent, formatMinor } from '../money.js';
import { computeTotals } from './totals.js';

describe('order totals', () => {
  it('exclusive tax is added per line on the discounted amount', () => {
    const t = computeTotals([4999, 2999], [500, 300], { label: 'VAT', rateBasisPoints: 2000, inclusive: false });
    expect(t.lines).toEqual([
      { subtotalMinor: 4999, discountMinor: 500, taxMinor: 900, totalMinor: 5399 },
      { subtotalMinor: 2999, discountMinor: 300, taxMinor: 540, totalMinor: 3239 },
    ]);
    expect(t).toMatchObject({ subtotalMinor: 7998, discountMinor: 800, taxMinor: 1440, totalMinor: 8638, netMinor: 7198 });
    expect(t.taxLines).toEqual([{ label: 'VAT', rateBasisPoints: 2000, inclusive: false, amountMinor: 1440 }]);
  });

  it('inclusive tax is the part of the price that is tax; the total stays the price', () => {
    const t = computeTotals([11900], [0], { label: 'MwSt', rateBasisPoints: 1900, inclusive: true });
    expect(t).toMatchObject({ taxMinor: 1900, totalMinor: 11900, netMinor: 10000 });
  });

  it('rounds per currency: JPY has no minor unit, KWD has three', () => {
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    // ¥1,999 at 10%: 199.9 -> 200 yen
    const jpy = computeTotals([1999], [0], { label: 'JCT', rateBasisPoints: 1000, inclusive: false });
    expect(jpy).toMatchObject({ taxMinor: 200, totalMinor: 2199 });
    expect(formatMinor(jpy.totalMinor, 'JPY')).toBe('2199 JPY');
    // KWD 12.345 at 5%: 0.61725 -> 0.617
    const kwd = computeTotals([12345], [0], { label: 'VAT', rateBasisPoints: 500, inclusive: false });
    expect(kwd).toMatchObject({ taxMinor: 617, totalMinor: 12962 });
    expect(formatMinor(kwd.totalMinor, 'KWD')).toBe('12.962 KWD');
  });

  it('property: every order adds up to its lines, whatever the prices, discounts and rates', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 1000; i++) {
      const subs = Array.from({ length: 1 + rnd(6) }, () => rnd(1_000_000));
      const total = rnd(subs.reduce((s, x) => s + x, 0) + 1);
      const discounts = allocate(total, subs);
      const tax = rnd(3) === 0 ? null : { label: 'T', rateBasisPoints: rnd(3000), inclusive: rnd(2) === 0 };
      const t = computeTotals(subs, discounts, tax);
      const sum = (k: 'subtotalMinor' | 'discountMinor' | 'taxMinor' | 'totalMinor') => t.lines.reduce((s, l) => s + l[k], 0);
      expect(t.totalMinor).toBe(sum('totalMinor'));
      expect(t.taxMinor).toBe(sum('taxMinor'));
      expect(t.discountMinor).toBe(total);
      expect(t.totalMinor).toBe(tax?.inclusive ? t.subtotalMinor - t.discountMinor : t.subtotalMinor - t.discountMinor + t.taxMinor);
      for (const l of t.lines) expect(l.totalMinor).toBeGreaterThanOrEqual(0);
    }
  });
});
