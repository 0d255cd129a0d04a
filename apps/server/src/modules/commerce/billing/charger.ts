import { Inject, Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import type { Tx } from '../../../kernel/db/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { SubscriptionPaymentSucceeded } from '../commerce.events.js';
import { PAYMENT_PROVIDERS, type PaymentProviders } from '../payments/index.js';
import { type ChargeLine, type ChargeReason, type ChargeRow, type PlanRow, subscriptionCharges, subscriptions, type SubscriptionRow } from './billing.schema.js';

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
  ) {}

  async charge(tx: Tx, sub: SubscriptionRow, plan: PlanRow, req: ChargeRequest): Promise<ChargeResult> {
    const [prior] = await tx.select().from(subscriptionCharges).where(eq(subscriptionCharges.idempotencyKey, req.key));
    if (prior) return { charge: prior, fresh: false };
    const gross = req.lines.reduce((s, l) => s + l.amountMinor, 0);
    const credit = gross > 0 ? Math.min(sub.creditMinor, gross) : 0;
    const lines = credit > 0 ? [...req.lines, { description: 'Account credit applied', amountMinor: -credit, taxMinor: 0 }] : req.lines;
    const amount = gross - credit;
    if (amount < 0) throw new RangeError('a charge cannot be negative');
    const provider = this.providers.get(sub.provider);
    const card = req.cardNumber ?? sub.cardNumber;
    if (!provider || !card) throw new Error(`subscription ${sub.id} has no chargeable payment method`);
    const outcome =
      amount === 0
        ? { status: 'succeeded' as const, providerPaymentId: null }
        : await provider.charge({
            reference: sub.id,
            amountMinor: amount,
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
        amountMinor: amount,
        lines,
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
      netMinor: amount,
      taxMinor: 0,
      totalMinor: amount,
      referralCode: null,
      paidAt: req.at.toISOString(),
    });
    return { charge: charge!, fresh: true };
  }
}
