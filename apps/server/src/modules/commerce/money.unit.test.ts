import { describe, expect, it } from 'vitest';
import { allocate, currencyExponent, divRound, exclusiveTax, formatMinor, inclusiveTax, percentOf } from './money.js';

describe('money', () => {
  it('knows minor units per ISO 4217', () => {
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(() => currencyExponent('XXX')).toThrow(RangeError);
  });

  it('rounds half away from zero, once', () => {
    expect(divRound(5, 2)).toBe(3);
    expect(divRound(-5, 2)).toBe(-3);
    expect(divRound(4, 3)).toBe(1);
    expect(percentOf(1999, 1500)).toBe(300);
    expect(percentOf(1, 5000)).toBe(1);
    expect(percentOf(Number.MAX_SAFE_INTEGER, 10_000)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => percentOf(1.5, 100)).toThrow(RangeError);
  });

  it('computes exclusive and inclusive tax so that net + tax = gross', () => {
    expect(exclusiveTax(10_000, 2000)).toBe(2000);
    expect(inclusiveTax(12_000, 2000)).toBe(2000);
    for (let gross = 0; gross < 3000; gross += 7) {
      const tax = inclusiveTax(gross, 1900);
      expect(tax).toBeGreaterThanOrEqual(0);
      expect(Math.abs(gross - tax + exclusiveTax(gross - tax, 1900) - gross)).toBeLessThanOrEqual(1);
    }
  });

  it('allocates by largest remainder so the parts add up exactly', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocate(5, [0, 0])).toEqual([5, 0]);
    for (let t = 0; t < 500; t += 13) {
      const parts = allocate(t, [3, 7, 11, 2]);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(t);
    }
  });

  it('formats with the currency exponent', () => {
    expect(formatMinor(1234, 'USD')).toBe('12.34 USD');
    expect(formatMinor(5, 'EUR')).toBe('0.05 EUR');
    expect(formatMinor(1234, 'JPY')).toBe('1234 JPY');
    expect(formatMinor(-1234, 'KWD')).toBe('-1.234 KWD');
  });
});
