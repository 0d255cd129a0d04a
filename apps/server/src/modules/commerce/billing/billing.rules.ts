import { divRound } from '../money.js';
import type { PlanInterval, SubscriptionStatus } from './billing.schema.js';

/*
 * The pure rules of billing: period arithmetic, proration and the dunning schedule. No I/O, so
 * they are unit-tested exhaustively.
 */

const DAY_MS = 86_400_000;

export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS);
}

/**
 * The end of a billing period that starts at `start`: one calendar month (or year) later, in UTC,
 * on the billing anchor day (default: the start's day), clamped to the last day of a shorter
 * month. The anchor keeps a month-end subscription at month end instead of drifting: Jan 31 →
 * Feb 28 → Mar 31 → Apr 30 with anchor 31; yearly Feb 29 → Feb 28 → … → Feb 29 of a leap year.
 */
export function addInterval(start: Date, interval: PlanInterval, anchorDay = start.getUTCDate()): Date {
  if (!Number.isInteger(anchorDay) || anchorDay < 1 || anchorDay > 31) throw new RangeError('the anchor day is 1 to 31');
  const y = start.getUTCFullYear() + (interval === 'year' ? 1 : 0);
  const m = start.getUTCMonth() + (interval === 'month' ? 1 : 0);
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const d = Math.min(anchorDay, lastDay);
  return new Date(Date.UTC(y, m, d, start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds(), start.getUTCMilliseconds()));
}

export interface ProrationInput {
  oldName: string;
  newName: string;
  /** per-unit prices in the subscription's currency, minor units */
  oldUnitMinor: number;
  newUnitMinor: number;
  quantity: number;
  periodStart: Date;
  periodEnd: Date;
  /** the instant of the change */
  at: Date;
  /** a change to a plan of another interval starts a new period at `at`, charged in full */
  newPeriodEnd: Date | null;
}

export interface Proration {
  /** the unused part of the old plan, given back (>= 0) */
  creditMinor: number;
  /** the new plan for the rest of the period (or, on an interval change, the whole new period) */
  chargeMinor: number;
  /** chargeMinor - creditMinor: > 0 is charged at once, < 0 becomes account credit */
  netMinor: number;
  /** whole seconds left of the period, and its length in seconds */
  remainingSeconds: number;
  periodSeconds: number;
  lines: { description: string; amountMinor: number; taxMinor: number }[];
}

/**
 * Proration by whole seconds: credit = round(old × qty × remaining / period), charge =
 * round(new × qty × remaining / period), each rounded once, half away from zero, in integer
 * arithmetic. The two lines always sum to `netMinor` exactly.
 */
export function prorate(p: ProrationInput): Proration {
  const periodSeconds = Math.floor((p.periodEnd.getTime() - p.periodStart.getTime()) / 1000);
  if (periodSeconds <= 0) throw new RangeError('empty billing period');
  const remainingSeconds = Math.min(periodSeconds, Math.max(0, Math.floor((p.periodEnd.getTime() - p.at.getTime()) / 1000)));
  const creditMinor = divRound(BigInt(p.oldUnitMinor) * BigInt(p.quantity) * BigInt(remainingSeconds), BigInt(periodSeconds));
  const chargeMinor =
    p.newPeriodEnd === null
      ? divRound(BigInt(p.newUnitMinor) * BigInt(p.quantity) * BigInt(remainingSeconds), BigInt(periodSeconds))
      : p.newUnitMinor * p.quantity;
  const qty = p.quantity > 1 ? ` × ${p.quantity}` : '';
  const lines = [
    { description: `Unused time on ${p.oldName}${qty}`, amountMinor: -creditMinor, taxMinor: 0 },
    { description: p.newPeriodEnd === null ? `Remaining time on ${p.newName}${qty}` : `${p.newName}${qty}`, amountMinor: chargeMinor, taxMinor: 0 },
  ];
  return { creditMinor, chargeMinor, netMinor: chargeMinor - creditMinor, remainingSeconds, periodSeconds, lines };
}

/**
 * The refund of a charge for the unused time of its period when cancelled at `at`:
 * round(charged × remainingSeconds / periodSeconds), half away from zero, in integer arithmetic,
 * where remainingSeconds = floor((periodEnd − at) / 1 s) and periodSeconds = floor((periodEnd −
 * periodStart) / 1 s); never more than what is left unrefunded.
 */
export function unusedRefund(c: { chargedMinor: number; refundedMinor: number; periodStart: Date; periodEnd: Date }, at: Date): { refundMinor: number; remainingSeconds: number; periodSeconds: number } {
  const periodSeconds = Math.floor((c.periodEnd.getTime() - c.periodStart.getTime()) / 1000);
  if (periodSeconds <= 0) return { refundMinor: 0, remainingSeconds: 0, periodSeconds: 0 };
  const remainingSeconds = Math.min(periodSeconds, Math.max(0, Math.floor((c.periodEnd.getTime() - at.getTime()) / 1000)));
  const share = divRound(BigInt(c.chargedMinor) * BigInt(remainingSeconds), BigInt(periodSeconds));
  return { refundMinor: Math.max(0, Math.min(share, c.chargedMinor - c.refundedMinor)), remainingSeconds, periodSeconds };
}

/** Whether a subscription in this state gives access at `at`. */
export function grantsAccess(s: { status: SubscriptionStatus; graceEndsAt: Date | null }, at: Date): boolean {
  if (s.status === 'trialing' || s.status === 'active') return true;
  if (s.status === 'past_due') return s.graceEndsAt !== null && s.graceEndsAt.getTime() > at.getTime();
  return false;
}

/**
 * After failure number `failures` (1 = the renewal itself) of a period that first failed at
 * `firstFailedAt`: when to retry next, or null when that was the last attempt.
 */
export function nextRetryAt(firstFailedAt: Date, failures: number, retryDays: readonly number[]): Date | null {
  const days = retryDays[failures - 1];
  return days === undefined ? null : addDays(firstFailedAt, days);
}
