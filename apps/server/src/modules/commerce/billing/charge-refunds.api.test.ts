import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, createOrg, type Member, observe } from '../../learning/enrollment/enrollment.fixtures.js';
import { SubscriptionChargeRefunded } from '../commerce.events.js';
import { createPlan, idem, ok, subscribe } from './billing.fixtures.js';

/*
 * Refunds of subscription charges: an admin's refund (POST …/charges/:chargeId/refund) and the
 * immediate cancel's unused time both go through the provider, emit SubscriptionChargeRefunded in
 * the refund's transaction, and the revenue report subtracts them on the refund's day.
 */

let t: TestApp;
let owner: Member;
let cashier: Member; // a custom role with commerce.manage only
let learner: Member;
let stranger: Member;
let planId: string;
let refunded: { chargeId: string; amountMinor: number; full: boolean; reason: string; planId: string; subscriptionId: string; userId: string }[];
const today = () => new Date().toISOString().slice(0, 10);

interface ChargeView {
  id: string;
  amountMinor: number;
  refundedMinor: number;
}
const chargesOf = async (who: Member, id: string) => ok(await t.http('GET', `/api/v1/subscriptions/${id}/charges`, { as: who, headers: who.h() })).body.items as ChargeView[];
const refund = (who: Member | null, subId: string, chargeId: string, body: object = {}) =>
  t.http('POST', `/api/v1/subscriptions/${subId}/charges/${chargeId}/refund`, who ? { as: who, headers: { ...who.h(), 'idempotency-key': idem() }, body } : { body });
const revenueToday = async () => {
  const res = ok(await t.http('GET', `/api/v1/revenue?from=${today()}&to=${today()}`, { as: owner, headers: owner.h() }));
  const row = (res.body.items as { currency: string; salesMinor: number; refundsMinor: number }[]).find((r) => r.currency === 'USD');
  return row ? { sales: row.salesMinor, refunds: row.refundsMinor } : { sales: 0, refunds: 0 };
};

beforeAll(async () => {
  t = await createTestApp({ BILLING_TEST_CLOCKS: 'false' });
  refunded = observe(t, SubscriptionChargeRefunded, 'charge-refunds');
  owner = await createOrg(t, 'Refund Academy');
  ok(await t.http('POST', `/api/v1/organizations/${owner.orgId}/roles`, { as: owner, headers: owner.h(), body: { key: 'cashier', name: 'Cashier', description: 'Orders and refunds', permissions: ['commerce.manage'] } }), 201);
  cashier = await addMember(t, owner.orgId, 'cashier');
  learner = await addMember(t, owner.orgId, 'learner');
  stranger = await createOrg(t, 'Elsewhere');
  planId = (await createPlan(t, owner, { name: 'Monthly', trialDays: 0, prices: [{ currency: 'USD', amountMinor: 1000 }] })).id;
});
afterAll(() => t?.close());

describe('an admin refunds a subscription charge', () => {
  it('by amount then the rest, never more than is left; revenue subtracts it; the subscriber, strangers and anonymous callers are refused', async () => {
    const sub = ok(await subscribe(t, learner, planId), 201).body;
    const [charge] = await chargesOf(learner, sub.id);
    expect(charge).toMatchObject({ amountMinor: 1000, refundedMinor: 0 });
    await t.drain();
    const before = await revenueToday();

    expect((await refund(learner, sub.id, charge!.id, { amountMinor: 100 })).status).toBe(403);
    expect((await refund(stranger, sub.id, charge!.id, { amountMinor: 100 })).status).toBe(404);
    expect((await refund(null, sub.id, charge!.id, { amountMinor: 100 })).status).toBe(401);
    const tooMuch = await refund(owner, sub.id, charge!.id, { amountMinor: 1001 });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.headers['content-type']).toContain('application/problem+json');
    expect(tooMuch.body.errors).toEqual([{ field: 'body.amountMinor', message: 'more than is left' }]);
    expect((await refund(owner, sub.id, charge!.id, { amountMinor: 0 })).status).toBe(400);
    const otherSub = ok(await subscribe(t, owner, planId), 201).body;
    expect((await refund(owner, otherSub.id, charge!.id)).status).toBe(404); // the charge is not that subscription's
    expect((await chargesOf(learner, sub.id))[0]!.refundedMinor).toBe(0);
    await t.drain();
    expect(refunded).toEqual([]);

    const part = ok(await refund(cashier, sub.id, charge!.id, { amountMinor: 300 })).body;
    expect(part).toMatchObject({ id: charge!.id, amountMinor: 1000, refundedMinor: 300 });
    const rest = ok(await refund(owner, sub.id, charge!.id)).body;
    expect(rest.refundedMinor).toBe(1000);
    const none = await refund(owner, sub.id, charge!.id);
    expect(none.status).toBe(409);
    expect(none.body.code).toBe('nothing_to_refund');
    await t.drain();
    expect(refunded.map((e) => [e.chargeId, e.amountMinor, e.full, e.reason, e.planId, e.subscriptionId, e.userId])).toEqual([
      [charge!.id, 300, false, 'admin', planId, sub.id, learner.userId],
      [charge!.id, 700, true, 'admin', planId, sub.id, learner.userId],
    ]);
    const after = await revenueToday();
    expect(after.refunds - before.refunds).toBe(1000);
    // the subscription itself is untouched
    expect(ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}`, { as: learner, headers: learner.h() })).body).toMatchObject({ status: 'active', hasAccess: true });
  });

  it("cancelling at once emits the unused time's refund and revenue subtracts it", async () => {
    const member = await addMember(t, owner.orgId, 'learner');
    const sub = ok(await subscribe(t, member, planId), 201).body;
    await t.drain();
    const before = await revenueToday();
    const seen = refunded.length;
    ok(await t.http('POST', `/api/v1/subscriptions/${sub.id}/cancel`, { as: member, headers: member.h(), body: { atPeriodEnd: false } }));
    await t.drain();
    const [charge] = await chargesOf(member, sub.id);
    expect(charge!.refundedMinor).toBeGreaterThan(0);
    expect(refunded.slice(seen)).toEqual([expect.objectContaining({ chargeId: charge!.id, amountMinor: charge!.refundedMinor, reason: 'cancel', planId, full: charge!.refundedMinor === charge!.amountMinor })]);
    const after = await revenueToday();
    expect(after.sales).toBe(before.sales);
    // the charge was 1000 net untaxed: the revenue refund is the refunded amount itself
    expect(after.refunds - before.refunds).toBe(charge!.refundedMinor);
  });
});

describe("the organization's subscriptions", () => {
  it('billing admins list them, newest first and by status; others are refused or see none', async () => {
    const list = ok(await t.http('GET', '/api/v1/billing/subscriptions?limit=50', { as: owner, headers: owner.h() })).body;
    expect(list.items.length).toBe(3);
    expect(list.items[0]).toMatchObject({ status: 'canceled', customerEmail: expect.any(String), customerName: expect.any(String) });
    const active = ok(await t.http('GET', '/api/v1/billing/subscriptions?status=active', { as: owner, headers: owner.h() })).body;
    expect(active.items.map((s: { status: string }) => s.status)).toEqual(['active', 'active']);
    expect((await t.http('GET', '/api/v1/billing/subscriptions', { as: learner, headers: learner.h() })).status).toBe(403);
    expect((await t.http('GET', '/api/v1/billing/subscriptions')).status).toBe(401);
    expect(ok(await t.http('GET', '/api/v1/billing/subscriptions', { as: stranger, headers: stranger.h() })).body.items).toEqual([]);
  });
});
