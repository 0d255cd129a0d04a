import { Inject, Injectable } from '@nestjs/common';
import { and, eq, gt, isNotNull, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { DbOrTx, Tx } from '../../../kernel/db/index.js';
import { Conflict, Unprocessable } from '../../../kernel/errors/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { SubscriptionChargeRefunded, SubscriptionPaymentSucceeded } from '../commerce.events.js';
import { exclusiveTax, inclusiveTax } from '../money.js';
import { PAYMENT_PROVIDERS, type PaymentProviders } from '../payments/index.js';
import { TaxService } from '../tax/index.js';
import { unusedRefund } from './billing.rules.js';
import { type ChargeLine, type ChargeReason, type ChargeRow, type ChargeTaxLine, type PlanRow, subscriptionCharges, subscriptions, type SubscriptionRow } from './billing.schema.js';

export interface ChargeRequest {
  reason: ChargeReason;
  /** unique per attempt: the same key is never charged twice */
  key: string;
  periodStart: Date;
  periodEnd: Date;
  /** what is owed before account credit; sums to the gross amount */
  lines: ChargeLine[];
  offSession: boolean;
  /** the (possibly simulated) instant of the charge */
  at: Date;
  /** charge this card instead of the saved one (updating the card) */
  cardNumber?: string;
}

export interface ChargeResult {
  charge: ChargeRow;
  /** true when this call made the attempt; false when the key was attempted before */
  fresh: boolean;
}

/**
 * Charges a subscription through the payment provider, once per key: account credit is applied
 * first, the attempt is recorded, and a success emits SubscriptionPaymentSucceeded (invoicing,
 * revenue and affiliates subscribe). Runs inside the caller's transaction, which holds the
 * subscription's row lock.
 */
@Injectable()
export class Charger {
  constructor(
    @Inject(PAYMENT_PROVIDERS) private readonly providers: PaymentProviders,
    private readonly events: EventBus,
    private readonly tax: TaxService,
  ) {}

  /**
   * The tax on `amountMinor` (what is owed after credit) by the subscriber's billing country and
   * region, with the rates checkout uses: exclusive rates are added on top, inclusive ones are the
   * part of the amount that is tax. No billing country or no rate: untaxed.
   */
  async taxOn(db: DbOrTx, sub: Pick<SubscriptionRow, 'organizationId' | 'billingAddress'>, amountMinor: number): Promise<{ taxMinor: number; totalMinor: number; taxLines: ChargeTaxLine[] }> {
    const country = sub.billingAddress?.country;
    const rate = country && amountMinor > 0 ? await this.tax.rateFor(sub.organizationId, country, sub.billingAddress?.region ?? '', db) : null;
    if (!rate) return { taxMinor: 0, totalMinor: amountMinor, taxLines: [] };
    const taxMinor = rate.inclusive ? inclusiveTax(amountMinor, rate.rateBasisPoints) : exclusiveTax(amountMinor, rate.rateBasisPoints);
    const totalMinor = rate.inclusive ? amountMinor : amountMinor + taxMinor;
    const taxLines = taxMinor > 0 ? [{ label: rate.label, rateBasisPoints: rate.rateBasisPoints, inclusive: rate.inclusive, amountMinor: taxMinor }] : [];
    return { taxMinor, totalMinor, taxLines };
  }

  async charge(tx: Tx, sub: SubscriptionRow, plan: PlanRow, req: ChargeRequest): Promise<ChargeResult> {
    const [prior] = await tx.select().from(subscriptionCharges).where(eq(subscriptionCharges.idempotencyKey, req.key));
    if (prior) return { charge: prior, fresh: false };
    const gross = req.lines.reduce((s, l) => s + l.amountMinor, 0);
    const credit = gross > 0 ? Math.min(sub.creditMinor, gross) : 0;
    const lines = credit > 0 ? [...req.lines, { description: 'Account credit applied', amountMinor: -credit, taxMinor: 0 }] : req.lines;
    const amount = gross - credit;
    if (amount < 0) throw new RangeError('a charge cannot be negative');
    const { taxMinor, totalMinor, taxLines } = await this.taxOn(tx, sub, amount);
    const provider = this.providers.get(sub.provider);
    const card = req.cardNumber ?? sub.cardNumber;
    if (!provider || !card) throw new Error(`subscription ${sub.id} has no chargeable payment method`);
    const outcome =
      totalMinor === 0
        ? { status: 'succeeded' as const, providerPaymentId: null }
        : await provider.charge({
            reference: sub.id,
            amountMinor: totalMinor,
            currency: sub.currency,
            idempotencyKey: req.key,
            customerEmail: sub.customerEmail,
            description: `${plan.name} (${req.reason})`,
            paymentMethod: { type: 'manual_card', cardNumber: card },
            offSession: req.offSession,
            metadata: { subscriptionId: sub.id, reason: req.reason },
          });
    const ok = outcome.status === 'succeeded';
    const [charge] = await tx
      .insert(subscriptionCharges)
      .values({
        organizationId: sub.organizationId,
        subscriptionId: sub.id,
        reason: req.reason,
        idempotencyKey: req.key,
        periodStart: req.periodStart,
        periodEnd: req.periodEnd,
        currency: sub.currency,
        amountMinor: totalMinor,
        lines,
        taxMinor,
        taxLines,
        status: ok ? 'succeeded' : 'failed',
        providerPaymentId: outcome.providerPaymentId,
        declineCode: outcome.status === 'failed' ? outcome.declineCode : outcome.status === 'requires_redirect' ? 'requires_redirect' : null,
        failureReason: outcome.status === 'failed' ? outcome.reason : outcome.status === 'requires_redirect' ? 'The payment needs the buyer to confirm it.' : null,
        chargedAt: req.at,
      })
      .returning();
    if (!ok) return { charge: charge!, fresh: true };
    if (credit > 0) await tx.update(subscriptions).set({ creditMinor: sub.creditMinor - credit }).where(eq(subscriptions.id, sub.id));
    if (sub.discount && sub.discount.chargesLeft !== null && req.lines.some((l) => l.discount)) {
      await tx
        .update(subscriptions)
        .set({ discount: { ...sub.discount, chargesLeft: Math.max(0, sub.discount.chargesLeft - 1) } })
        .where(eq(subscriptions.id, sub.id));
    }
    await this.events.emit(tx, SubscriptionPaymentSucceeded, {
      organizationId: sub.organizationId,
      subscriptionId: sub.id,
      chargeId: charge!.id,
      userId: sub.userId,
      planId: plan.id,
      currency: sub.currency,
      reason: req.reason,
      periodStart: req.periodStart.toISOString(),
      periodEnd: req.periodEnd.toISOString(),
      lines,
      netMinor: totalMinor - taxMinor,
      taxMinor,
      totalMinor,
      taxLines,
      billingAddress: sub.billingAddress ?? {},
      referralCode: sub.referralCode,
      paidAt: req.at.toISOString(),
    });
    return { charge: charge!, fresh: true };
  }

  /**
   * What cancelling at `at` refunds: each succeeded, provider-paid charge of the current period
   * (the first charge or renewal, a retry, an upgrade's proration) gives back the unused share of
   * what it charged (billing.rules unusedRefund). Only an active subscription refunds: a trial
   * paid nothing and a past-due one has not paid the period.
   */
  async unused(db: DbOrTx, sub: SubscriptionRow, at: Date): Promise<{ refundMinor: number; remainingSeconds: number; periodSeconds: number; parts: { charge: ChargeRow; refundMinor: number }[] }> {
    const period = unusedRefund({ chargedMinor: 0, refundedMinor: 0, periodStart: sub.currentPeriodStart, periodEnd: sub.currentPeriodEnd }, at);
    if (sub.status !== 'active') return { refundMinor: 0, remainingSeconds: period.remainingSeconds, periodSeconds: period.periodSeconds, parts: [] };
    const rows = await db
      .select()
      .from(subscriptionCharges)
      .where(
        and(
          eq(subscriptionCharges.subscriptionId, sub.id),
          eq(subscriptionCharges.status, 'succeeded'),
          eq(subscriptionCharges.periodEnd, sub.currentPeriodEnd),
          isNotNull(subscriptionCharges.providerPaymentId),
          gt(subscriptionCharges.amountMinor, subscriptionCharges.refundedMinor),
        ),
      )
      .orderBy(subscriptionCharges.id);
    const parts = rows
      .map((charge) => ({ charge, refundMinor: unusedRefund({ chargedMinor: charge.amountMinor, refundedMinor: charge.refundedMinor, periodStart: charge.periodStart, periodEnd: charge.periodEnd }, at).refundMinor }))
      .filter((p) => p.refundMinor > 0);
    return { refundMinor: parts.reduce((s, p) => s + p.refundMinor, 0), remainingSeconds: period.remainingSeconds, periodSeconds: period.periodSeconds, parts };
  }

  /**
   * Refunds the unused time through the provider, once per charge (the key names the charge, so a
   * retried call gets the provider's same refund back), records it on the charge and emits
   * SubscriptionChargeRefunded. A refused refund throws and the caller's transaction (the
   * cancellation) rolls back. Returns the amount refunded.
   */
  async refundUnused(tx: Tx, sub: SubscriptionRow, at: Date): Promise<number> {
    const { parts } = await this.unused(tx, sub, at);
    let total = 0;
    for (const { charge, refundMinor } of parts) {
      await this.refund(tx, sub, charge, { amountMinor: refundMinor, idempotencyKey: `sub:${sub.id}:cancel-refund:${charge.id}`, reason: 'cancel', at });
      total += refundMinor;
    }
    return total;
  }

  /**
   * Refunds `amountMinor` of a succeeded, provider-paid charge through the provider, adds it to
   * the charge's refunded total and emits SubscriptionChargeRefunded in the caller's transaction
   * (which holds the subscription's row lock). The caller checks the amount is left to refund.
   */
  async refund(tx: Tx, sub: SubscriptionRow, charge: ChargeRow, r: { amountMinor: number; idempotencyKey: string; reason: 'cancel' | 'admin'; at: Date }): Promise<ChargeRow> {
    const provider = this.providers.get(sub.provider);
    if (!provider) throw new Conflict(`The ${sub.provider} payment provider is not configured, so this charge cannot be refunded here.`, 'provider_unavailable');
    const outcome = await provider.refund({ providerPaymentId: charge.providerPaymentId!, amountMinor: r.amountMinor, currency: charge.currency, idempotencyKey: r.idempotencyKey, reference: sub.id });
    if (outcome.status !== 'succeeded') throw new Unprocessable(`The payment provider refused the refund: ${outcome.reason}`, 'refund_failed');
    return this.recordRefund(tx, sub, charge, r);
  }

  /**
   * Records `amountMinor` more refunded on the charge and emits SubscriptionChargeRefunded, in the
   * caller's transaction (which holds the subscription's row lock): after our own refund through
   * the provider, or for one made at the provider (Stripe's charge.refunded).
   */
  async recordRefund(tx: Tx, sub: SubscriptionRow, charge: ChargeRow, r: { amountMinor: number; reason: 'cancel' | 'admin' | 'provider'; at: Date }): Promise<ChargeRow> {
    const [updated] = await tx
      .update(subscriptionCharges)
      .set({ refundedMinor: sql`${subscriptionCharges.refundedMinor} + ${r.amountMinor}`, updatedAt: new Date() })
      .where(eq(subscriptionCharges.id, charge.id))
      .returning();
    await this.events.emit(tx, SubscriptionChargeRefunded, {
      organizationId: sub.organizationId,
      subscriptionId: sub.id,
      chargeId: charge.id,
      refundId: uuidv7(),
      userId: sub.userId,
      planId: sub.planId,
      currency: charge.currency,
      amountMinor: r.amountMinor,
      full: updated!.refundedMinor >= updated!.amountMinor,
      reason: r.reason,
      refundedAt: r.at.toISOString(),
    });
    return updated!;
  }
}
