import { describe, expect, it } from 'vitest';
import { applyDiscounts, type DiscountRule } from './discounts.js';

const line = (refId: string, subtotalMinor: number) => ({ kind: 'course', refId, courseIds: [refId], courseCategories: [null], subtotalMinor });
const rule = (id: string, over: Partial<DiscountRule>): DiscountRule => ({ id, kind: 'percent', percentBasisPoints: 1000, amountMinor: null, stackable: true, appliesTo: () => true, ...over });

describe('discounts', () => {
  it('allocates a discount over lines so the shares add up exactly', () => {
    const lines = [line('a', 333), line('b', 333), line('c', 334)];
    const { applied, lineDiscounts } = applyDiscounts(lines, [rule('fixed', { kind: 'fixed', amountMinor: 100 })]);
    expect(applied[0]!.discountMinor).toBe(100);
    expect(lineDiscounts.reduce((s, d) => s + d, 0)).toBe(100);
    expect(lineDiscounts).toEqual([33, 33, 34]);
  });

  it('never discounts below zero, and scopes to matching lines', () => {
    const lines = [line('a', 500), line('b', 900)];
    const r = applyDiscounts(lines, [rule('big', { kind: 'fixed', amountMinor: 10_000, appliesTo: (l) => l.refId === 'a' })]);
    expect(r.lineDiscounts).toEqual([500, 0]);
    expect(applyDiscounts(lines, [rule('free', { kind: 'free' })]).lineDiscounts).toEqual([500, 900]);
  });

  it('stacks stackable rules on what is left, and keeps only the best when one does not stack', () => {
    const lines = [line('a', 10_000)];
    const stacked = applyDiscounts(lines, [rule('p10', {}), rule('f5', { kind: 'fixed', amountMinor: 500 })]);
    expect(stacked.lineDiscounts).toEqual([1500]);
    const single = applyDiscounts(lines, [rule('p10', {}), rule('p20', { percentBasisPoints: 2000, stackable: false })]);
    expect(single.applied.map((a) => a.ruleId)).toEqual(['p20']);
    expect(single.lineDiscounts).toEqual([2000]);
  });

  it('property: for random carts and rules, shares sum to each discount and no line goes negative', () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 500; i++) {
      const lines = Array.from({ length: 1 + rnd(5) }, (_, k) => line(`l${k}`, rnd(100_000)));
      const rules = Array.from({ length: rnd(3) + 1 }, (_, k) =>
        rule(`r${k}`, { kind: (['percent', 'fixed', 'free'] as const)[rnd(3)]!, percentBasisPoints: 1 + rnd(10_000), amountMinor: 1 + rnd(50_000), stackable: rnd(4) > 0, appliesTo: (l) => l.refId !== `l${k}` }),
      );
      const { applied, lineDiscounts } = applyDiscounts(lines, rules);
      for (const a of applied) expect(a.perLine.reduce((s, d) => s + d, 0)).toBe(a.discountMinor);
      lines.forEach((l, k) => {
        expect(lineDiscounts[k]).toBeGreaterThanOrEqual(0);
        expect(lineDiscounts[k]).toBeLessThanOrEqual(l.subtotalMinor);
      });
    }
  });
});
