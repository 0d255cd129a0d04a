import type { z } from 'zod';
import type { Charge, Subscription } from './billing.dto.js';
import type { ChargeRow, PlanRow, SubscriptionRow } from './billing.schema.js';

export type SubscriptionView = z.infer<typeof Subscription>;

function nextChargeAt(s: SubscriptionRow): Date | null {
  if (s.status === 'past_due') return s.nextRetryAt;
  if ((s.status === 'active' || s.status === 'trialing') && !s.cancelAtPeriodEnd) return s.status === 'trialing' ? s.trialEnd : s.currentPeriodEnd;
  return null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentSubscription(s: SubscriptionRow, plan: Pick<PlanRow, 'id' | 'name' | 'interval'>): SubscriptionView {
  return {
    id: s.id,
    organizationId: s.organizationId,
    userId: s.userId,
    customerName: s.customerName,
    customerEmail: s.customerEmail,
    provider: s.provider,
    kind: s.kind,
    quantity: s.quantity,
    plan: { id: plan.id, name: plan.name, interval: plan.interval },
    status: s.status,
    currency: s.currency,
    amountMinor: s.unitAmountMinor * s.quantity,
    creditMinor: s.creditMinor,
    cardLast4: s.cardLast4,
    currentPeriodStart: s.currentPeriodStart.toISOString(),
    currentPeriodEnd: s.currentPeriodEnd.toISOString(),
    trialEnd: iso(s.trialEnd),
    cancelAtPeriodEnd: s.cancelAtPeriodEnd,
    canceledAt: iso(s.canceledAt),
    endedAt: iso(s.endedAt),
    nextChargeAt: iso(nextChargeAt(s)),
    failedAttempts: s.failedAttempts,
    hasAccess: s.accessGranted,
    testClockId: s.testClockId,
    discount: s.discount && s.discount.chargesLeft !== 0 ? { name: s.discount.name, chargesLeft: s.discount.chargesLeft } : null,
    createdAt: s.createdAt.toISOString(),
  };
}

export function presentCharge(c: ChargeRow): z.infer<typeof Charge> {
  return {
    id: c.id,
    reason: c.reason,
    status: c.status,
    currency: c.currency,
    amountMinor: c.amountMinor,
    lines: c.lines,
    taxMinor: c.taxMinor,
    taxLines: c.taxLines,
    refundedMinor: c.refundedMinor,
    periodStart: c.periodStart.toISOString(),
    periodEnd: c.periodEnd.toISOString(),
    declineCode: c.declineCode,
    failureReason: c.failureReason,
    chargedAt: c.chargedAt.toISOString(),
  };
}
