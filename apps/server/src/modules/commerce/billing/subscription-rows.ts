import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../kernel/db/index.js';
import { NotFound, Unprocessable } from '../../../kernel/errors/index.js';
import { billingPlans, type ChargeRow, type PlanRow, subscriptions, type SubscriptionRow } from './billing.schema.js';

/* What subscribing and the subscriber's changes share: the live statuses, a decline's answer, and the rows. */

export const LIVE = ['trialing', 'active', 'past_due'] as const;

export function declined(charge: ChargeRow): never {
  throw new Unprocessable(`The payment was declined: ${charge.failureReason ?? charge.declineCode ?? 'unknown reason'}`, 'payment_declined');
}

export async function findSubscription(db: DbOrTx, id: string): Promise<SubscriptionRow | undefined> {
  const [s] = await db.select().from(subscriptions).where(eq(subscriptions.id, id));
  return s;
}

export async function planOfSubscription(db: DbOrTx, sub: SubscriptionRow): Promise<PlanRow> {
  const [p] = await db.select().from(billingPlans).where(eq(billingPlans.id, sub.planId));
  if (!p) throw new NotFound('Plan');
  return p;
}
