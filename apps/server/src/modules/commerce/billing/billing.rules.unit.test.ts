import { describe, expect, it } from 'vitest';
import { addInterval, grantsAccess, nextRetryAt, prorate, unusedRefund } from './billing.rules.js';

const d = (s: string) => new Date(s);

describe('billing periods', () => {
  it('adds calendar months and years in UTC, clamping to the end of shorter months', () => {
    expect(addInterval(d('2026-01-15T10:00:00Z'), 'month').toISOString()).toBe('2026-02-15T10:00:00.000Z');
    expect(addInterval(d('2026-01-31T00:00:00Z'), 'month').toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(addInterval(d('2028-01-31T00:00:00Z'), 'month').toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(addInterval(d('2026-12-31T23:59:59Z'), 'month').toISOString()).toBe('2027-01-31T23:59:59.000Z');
    expect(addInterval(d('2028-02-29T12:00:00Z'), 'year').toISOString()).toBe('2029-02-28T12:00:00.000Z');
  });

  it('keeps the billing anchor day: a month-end subscription returns to the 31st instead of drifting', () => {
    const months: string[] = [];
    for (let at = d('2027-01-31T09:30:00Z'), i = 0; i < 4; i++) months.push((at = addInterval(at, 'month', 31)).toISOString());
    expect(months).toEqual(['2027-02-28T09:30:00.000Z', '2027-03-31T09:30:00.000Z', '2027-04-30T09:30:00.000Z', '2027-05-31T09:30:00.000Z']);
    // without the anchor the day is the period start's (the drift the anchor prevents)
    expect(addInterval(d('2027-02-28T09:30:00Z'), 'month').toISOString()).toBe('2027-03-28T09:30:00.000Z');
    expect(addInterval(d('2027-02-28T09:30:00Z'), 'month', 30).toISOString()).toBe('2027-03-30T09:30:00.000Z');
    expect(addInterval(d('2027-12-31T00:00:00Z'), 'month', 31).toISOString()).toBe('2028-01-31T00:00:00.000Z');
  });

  it('a yearly Feb 29 anchor renews on Feb 28 and on Feb 29 again in the next leap year', () => {
    const years: string[] = [];
    for (let at = d('2028-02-29T12:00:00Z'), i = 0; i < 4; i++) years.push((at = addInterval(at, 'year', 29)).toISOString().slice(0, 10));
    expect(years).toEqual(['2029-02-28', '2030-02-28', '2031-02-28', '2032-02-29']);
    expect(() => addInterval(d('2028-02-29T12:00:00Z'), 'year', 0)).toThrow(RangeError);
    expect(() => addInterval(d('2028-02-29T12:00:00Z'), 'year', 32)).toThrow(RangeError);
  });
});

describe('proration by seconds', () => {
  const base = { oldName: 'Basic', newName: 'Pro', quantity: 1, periodStart: d('2026-04-01T00:00:00Z'), periodEnd: d('2026-05-01T00:00:00Z'), newPeriodEnd: null };

  it('halfway through a 30-day month: half of each price, exactly', () => {
    const p = prorate({ ...base, oldUnitMinor: 1000, newUnitMinor: 3000, at: d('2026-04-16T00:00:00Z') });
    expect(p).toMatchObject({ periodSeconds: 30 * 86400, remainingSeconds: 15 * 86400, creditMinor: 500, chargeMinor: 1500, netMinor: 1000 });
    expect(p.lines.reduce((s, l) => s + l.amountMinor, 0)).toBe(p.netMinor);
  });

  it('rounds each side once, half away from zero, and the lines always sum to the net', () => {
    // 1/3 of the period left: 999 / 3 = 333, 1999 / 3 = 666.33 -> 666
    const third = prorate({ ...base, oldUnitMinor: 999, newUnitMinor: 1999, at: d('2026-04-21T00:00:00Z') });
    expect([third.creditMinor, third.chargeMinor, third.netMinor]).toEqual([333, 666, 333]);
    // one second left of the month: 2592000 s; 1999 × 1 / 2592000 rounds to 0
    const last = prorate({ ...base, oldUnitMinor: 1999, newUnitMinor: 4999, at: d('2026-04-30T23:59:59Z') });
    expect([last.creditMinor, last.chargeMinor, last.netMinor]).toEqual([0, 0, 0]);
    for (let s = 0; s <= 30 * 86400; s += 86400 * 7 + 13) {
      const p = prorate({ ...base, oldUnitMinor: 1234, newUnitMinor: 987, quantity: 7, at: new Date(base.periodStart.getTime() + s * 1000) });
      expect(p.lines.reduce((sum, l) => sum + l.amountMinor, 0)).toBe(p.netMinor);
      expect(p.creditMinor).toBe(Math.round((1234 * 7 * p.remainingSeconds) / p.periodSeconds));
    }
  });

  it('a downgrade nets negative (credit), quantities multiply, and an interval change charges the new period in full', () => {
    const down = prorate({ ...base, oldUnitMinor: 3000, newUnitMinor: 1000, quantity: 3, at: d('2026-04-16T00:00:00Z') });
    expect([down.creditMinor, down.chargeMinor, down.netMinor]).toEqual([4500, 1500, -3000]);
    const yearly = prorate({ ...base, oldUnitMinor: 1000, newUnitMinor: 10000, at: d('2026-04-16T00:00:00Z'), newPeriodEnd: d('2027-04-16T00:00:00Z') });
    expect([yearly.creditMinor, yearly.chargeMinor, yearly.netMinor]).toEqual([500, 10000, 9500]);
    // at the very start nothing is used yet: the whole price comes back
    expect(prorate({ ...base, oldUnitMinor: 1000, newUnitMinor: 2000, at: base.periodStart }).netMinor).toBe(1000);
  });
});

describe('dunning', () => {
  it('retries on the configured days after the first failure, then stops', () => {
    const first = d('2026-05-01T00:00:00Z');
    expect(nextRetryAt(first, 1, [1, 3, 5])?.toISOString()).toBe('2026-05-02T00:00:00.000Z');
    expect(nextRetryAt(first, 2, [1, 3, 5])?.toISOString()).toBe('2026-05-04T00:00:00.000Z');
    expect(nextRetryAt(first, 3, [1, 3, 5])?.toISOString()).toBe('2026-05-06T00:00:00.000Z');
    expect(nextRetryAt(first, 4, [1, 3, 5])).toBeNull();
  });

  it('past due keeps access only inside the grace period', () => {
    const at = d('2026-05-02T00:00:00Z');
    expect(grantsAccess({ status: 'active', graceEndsAt: null }, at)).toBe(true);
    expect(grantsAccess({ status: 'trialing', graceEndsAt: null }, at)).toBe(true);
    expect(grantsAccess({ status: 'past_due', graceEndsAt: d('2026-05-03T00:00:00Z') }, at)).toBe(true);
    expect(grantsAccess({ status: 'past_due', graceEndsAt: at }, at)).toBe(false);
    expect(grantsAccess({ status: 'canceled', graceEndsAt: null }, at)).toBe(false);
    expect(grantsAccess({ status: 'expired', graceEndsAt: null }, at)).toBe(false);
  });
});

describe('unusedRefund', () => {
  const periodStart = new Date('2026-04-01T00:00:00Z');
  const periodEnd = new Date('2026-05-01T00:00:00Z');
  it('refunds round(charged × remaining seconds / period seconds), half away from zero', () => {
    expect(unusedRefund({ chargedMinor: 1210, refundedMinor: 0, periodStart, periodEnd }, new Date('2026-04-16T00:00:00Z'))).toEqual({ refundMinor: 605, remainingSeconds: 15 * 86_400, periodSeconds: 30 * 86_400 });
    // 1001 × 1/2 = 500.5 → 501
    expect(unusedRefund({ chargedMinor: 1001, refundedMinor: 0, periodStart, periodEnd }, new Date('2026-04-16T00:00:00Z')).refundMinor).toBe(501);
    // one third left of 1000 → 333.33 → 333
    expect(unusedRefund({ chargedMinor: 1000, refundedMinor: 0, periodStart, periodEnd }, new Date('2026-04-21T00:00:00Z')).refundMinor).toBe(333);
  });
  it('refunds everything at the start, nothing at or after the end, and never more than is left', () => {
    expect(unusedRefund({ chargedMinor: 1000, refundedMinor: 0, periodStart, periodEnd }, periodStart).refundMinor).toBe(1000);
    expect(unusedRefund({ chargedMinor: 1000, refundedMinor: 0, periodStart, periodEnd }, periodEnd).refundMinor).toBe(0);
    expect(unusedRefund({ chargedMinor: 1000, refundedMinor: 0, periodStart, periodEnd }, new Date('2026-06-01T00:00:00Z')).refundMinor).toBe(0);
    expect(unusedRefund({ chargedMinor: 1000, refundedMinor: 900, periodStart, periodEnd }, periodStart).refundMinor).toBe(100);
  });
});
