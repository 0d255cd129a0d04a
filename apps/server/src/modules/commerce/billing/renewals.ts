import { Inject, Injectable, Logger } from '@nestjs/common';
import { and, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database, type Tx } from '../../../kernel/db/index.js';
import { Mailer } from '../../../kernel/email/index.js';
import { formatMinor, percentOf } from '../money.js';
import { BillingAccess } from './billing-access.js';
import { BillingClock } from './billing-clock.js';
import { addDays, addInterval, nextRetryAt } from './billing.rules.js';
import { billingPlans, type ChargeLine, type ChargeRow, type PlanRow, subscriptions, type SubscriptionRow } from './billing.schema.js';
import { Charger } from './charger.js';

type Step = { kind: 'trial_end' | 'period_end' | 'grace_end' | 'retry'; at: Date };

/** The next thing due on a subscription at or before `now`, earliest first; null when nothing is. */
export function nextStep(s: SubscriptionRow, now: Date): Step | null {
  const due: Step[] = [];
  if (s.status === 'trialing' && s.trialEnd) due.push({ kind: 'trial_end', at: s.trialEnd });
  if (s.status === 'active') due.push({ kind: 'period_end', at: s.currentPeriodEnd });
  if (s.status === 'past_due') {
    if (s.accessGranted && s.graceEndsAt) due.push({ kind: 'grace_end', at: s.graceEndsAt });
    if (s.nextRetryAt) due.push({ kind: 'retry', at: s.nextRetryAt });
  }
  const ready = due.filter((d) => d.at.getTime() <= now.getTime()).sort((a, b) => a.at.getTime() - b.at.getTime());
  return ready[0] ?? null;
}

/**
 * Renewals and dunning: moves a subscription through everything that fell due up to `now` (its
 * clock's time), in time order, one locked transaction per subscription. Each charge's key names
 * the subscription, the period and the attempt, so running this twice never charges twice.
 */
@Injectable()
export class Renewals {
  private readonly log = new Logger('billing');

  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly clock: BillingClock,
    private readonly charger: Charger,
    private readonly access: BillingAccess,
    private readonly mailer: Mailer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The cron sweep for subscriptions on the wall clock; returns how many it moved. */
  async runDue(): Promise<number> {
    const now = this.clock.wall();
    const rows = await this.db
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(
        and(
          isNull(subscriptions.testClockId),
          // Stripe bills its own subscriptions; its webhooks move them
          eq(subscriptions.provider, 'manual'),
          or(
            and(eq(subscriptions.status, 'trialing'), lte(subscriptions.trialEnd, now)),
            and(eq(subscriptions.status, 'active'), lte(subscriptions.currentPeriodEnd, now)),
            and(eq(subscriptions.status, 'past_due'), or(lte(subscriptions.nextRetryAt, now), and(eq(subscriptions.accessGranted, true), lte(subscriptions.graceEndsAt, now)))),
          ),
        ),
      )
      .limit(500);
    let moved = 0;
    for (const r of rows) if (await this.advance(r.id)) moved++;
    return moved;
  }

  /** Every subscription on a test clock, after the clock moved. */
  async runClock(clockId: string): Promise<number> {
    const rows = await this.db
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(and(eq(subscriptions.testClockId, clockId), eq(subscriptions.provider, 'manual'), inArray(subscriptions.status, ['trialing', 'active', 'past_due'])));
    let moved = 0;
    for (const r of rows) if (await this.advance(r.id)) moved++;
    return moved;
  }

  /** Processes one subscription up to its clock's now; false when another worker holds it or nothing was due. */
  async advance(subscriptionId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [locked] = await tx.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId)).for('update', { skipLocked: true });
      if (!locked) return false;
      const now = await this.clock.now(locked.testClockId, tx);
      const [plan] = await tx.select().from(billingPlans).where(eq(billingPlans.id, locked.planId));
      let sub = locked;
      let steps = 0;
      for (let step = nextStep(sub, now); step; step = nextStep(sub, now)) {
        if (++steps > 500) throw new Error(`subscription ${sub.id}: too many billing steps at once`);
        await this.apply(tx, sub, plan!, step);
        const [fresh] = await tx.select().from(subscriptions).where(eq(subscriptions.id, sub.id));
        sub = await this.access.sync(tx, fresh!, plan!, step.at);
      }
      // the access state at `now` (e.g. a grace period that ended in this same run)
      if (steps > 0) await this.access.sync(tx, sub, plan!, now);
      return steps > 0;
    });
  }

  private async apply(tx: Tx, sub: SubscriptionRow, plan: PlanRow, step: Step): Promise<void> {
    const set = (patch: Partial<SubscriptionRow>) => tx.update(subscriptions).set(patch).where(eq(subscriptions.id, sub.id));
    switch (step.kind) {
      case 'grace_end':
        return; // access.sync after the step suspends access
      case 'trial_end':
      case 'period_end': {
        if (sub.cancelAtPeriodEnd) {
          await set({ status: 'canceled', endedAt: step.at, canceledAt: sub.canceledAt ?? step.at });
          return;
        }
        const start = step.at;
        // a trial's end starts the first paid period and sets the anchor; renewals keep it
        const anchor = step.kind === 'trial_end' ? start.getUTCDate() : (sub.billingAnchorDay ?? sub.currentPeriodStart.getUTCDate());
        const end = addInterval(start, plan.interval, anchor);
        const reason = step.kind === 'trial_end' ? 'initial' : 'renewal';
        const { charge } = await this.charger.charge(tx, sub, plan, {
          reason,
          key: `sub:${sub.id}:${reason}:${start.toISOString()}`,
          periodStart: start,
          periodEnd: end,
          lines: this.chargeLines(sub, plan, start, end),
          offSession: true,
          at: step.at,
        });
        await set({ currentPeriodStart: start, currentPeriodEnd: end, billingAnchorDay: anchor });
        if (charge.status === 'succeeded') {
          await set({ status: 'active' });
          return;
        }
        return this.failed(tx, sub, plan, charge, step.at, 1, step.at);
      }
      case 'retry': {
        const attempt = sub.failedAttempts; // failures so far; this is retry number `attempt`
        const { charge } = await this.charger.charge(tx, sub, plan, {
          reason: 'retry',
          key: `sub:${sub.id}:retry:${sub.currentPeriodStart.toISOString()}:${attempt}`,
          periodStart: sub.currentPeriodStart,
          periodEnd: sub.currentPeriodEnd,
          lines: this.chargeLines(sub, plan, sub.currentPeriodStart, sub.currentPeriodEnd),
          offSession: true,
          at: step.at,
        });
        if (charge.status === 'succeeded') {
          await set(Renewals.recovered);
          return;
        }
        return this.failed(tx, sub, plan, charge, sub.pastDueSince ?? step.at, attempt + 1, step.at);
      }
    }
  }

  /** The dunning fields cleared once a charge of the period succeeds. */
  static readonly recovered: Partial<SubscriptionRow> = { status: 'active', pastDueSince: null, failedAttempts: 0, nextRetryAt: null, graceEndsAt: null };

  /** Records failure number `failures` of the period: past due with the next retry, or ended after the last. */
  async failed(tx: Tx, sub: SubscriptionRow, plan: PlanRow, charge: ChargeRow, firstFailedAt: Date, failures: number, at: Date): Promise<void> {
    const retry = nextRetryAt(firstFailedAt, failures, this.clock.retryDays);
    const amount = formatMinor(charge.amountMinor, charge.currency);
    const why = charge.failureReason ?? 'The payment was declined.';
    if (!retry) {
      await tx
        .update(subscriptions)
        .set({ status: 'expired', endedAt: at, nextRetryAt: null, graceEndsAt: null, failedAttempts: failures })
        .where(eq(subscriptions.id, sub.id));
      await this.mailer.enqueue(tx, {
        to: sub.customerEmail,
        subject: `Your ${plan.name} subscription has ended`,
        text: `We could not collect ${amount} for ${plan.name} after ${failures} attempts (${why}), so the subscription has ended and its course access was removed.\n\nSubscribe again at any time: ${this.config.publicUrl}/plans`,
      });
      this.log.log(`subscription ${sub.id} expired after ${failures} failed charges`);
      return;
    }
    await tx
      .update(subscriptions)
      .set({
        status: 'past_due',
        pastDueSince: firstFailedAt,
        failedAttempts: failures,
        nextRetryAt: retry,
        graceEndsAt: failures === 1 ? addDays(firstFailedAt, this.clock.graceDays) : sql`${subscriptions.graceEndsAt}`,
      })
      .where(eq(subscriptions.id, sub.id));
    const date = retry.toISOString().slice(0, 10);
    await this.mailer.enqueue(tx, {
      to: sub.customerEmail,
      subject: failures === 1 ? `Your payment for ${plan.name} failed` : `Your payment for ${plan.name} failed again`,
      text: `We could not collect ${amount} for ${plan.name}: ${why}\n\nWe will try again on ${date} (attempt ${failures + 1}). Update your card to pay now and keep your access: ${this.config.publicUrl}/my-subscription`,
    });
  }

  /** What a period charge owes: the plan line, less the subscription's coupon while it still discounts charges. */
  chargeLines(sub: Pick<SubscriptionRow, 'unitAmountMinor' | 'quantity' | 'discount'>, plan: PlanRow, start: Date, end: Date): ChargeLine[] {
    const line = this.planLine(sub, plan, start, end);
    const d = sub.discount;
    if (!d || d.chargesLeft === 0) return [line];
    const off = d.kind === 'free' ? line.amountMinor : d.kind === 'percent' ? percentOf(line.amountMinor, d.percentBasisPoints ?? 0) : Math.min(line.amountMinor, d.amountMinor ?? 0);
    return off > 0 ? [line, { description: `Coupon: ${d.name}`, amountMinor: -off, taxMinor: 0, discount: true }] : [line];
  }

  planLine(sub: Pick<SubscriptionRow, 'unitAmountMinor' | 'quantity'>, plan: PlanRow, start: Date, end: Date) {
    const qty = sub.quantity > 1 ? ` × ${sub.quantity}` : '';
    return {
      description: `${plan.name}${qty}, ${start.toISOString().slice(0, 10)} – ${end.toISOString().slice(0, 10)}`,
      amountMinor: sub.unitAmountMinor * sub.quantity,
      taxMinor: 0,
    };
  }
}
