import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, type Database, inTransaction } from '../../../kernel/db/index.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, createOrg, type Member, observe } from '../../learning/enrollment/enrollment.fixtures.js';
import { SubscriptionPaymentSucceeded } from '../commerce.events.js';
import { PaymentWebhookRouter } from '../payments/index.js';
import { canLearn, createPlan, idem, ok, subscribe } from './billing.fixtures.js';

let t: TestApp;
let owner: Member;
let stranger: Member;
let courseA: BuiltCourse;
let courseB: BuiltCourse;
let clockId: string;
let basic: { id: string };
let pro: { id: string };
let yearly: { id: string };
let paid: { subscriptionId: string; reason: string; totalMinor: number; netMinor: number; lines: { amountMinor: number }[] }[];

const START = '2026-03-01T12:00:00.000Z'; // March: a 31-day period
const to = (iso: string) => t.http('POST', `/api/v1/billing/test-clocks/${clockId}/advance`, { as: owner, headers: owner.h(), body: { to: iso } });

beforeAll(async () => {
  t = await createTestApp();
  paid = observe(t, SubscriptionPaymentSucceeded, 'changes-paid');
  owner = await createOrg(t, 'Changes');
  stranger = await createOrg(t, 'Elsewhere');
  courseA = await buildCourse(t, owner, { title: 'A', isFree: false });
  courseB = await buildCourse(t, owner, { title: 'B', isFree: false });
  clockId = ok(await t.http('POST', '/api/v1/billing/test-clocks', { as: owner, headers: owner.h(), body: { frozenTime: START } }), 201).body.id;
  basic = await createPlan(t, owner, { name: 'Basic', scope: 'courses', courseIds: [courseA.id], prices: [{ currency: 'USD', amountMinor: 1000 }] });
  pro = await createPlan(t, owner, { name: 'Pro', scope: 'courses', courseIds: [courseA.id, courseB.id], prices: [{ currency: 'USD', amountMinor: 3000 }] });
  yearly = await createPlan(t, owner, { name: 'Pro yearly', interval: 'year', scope: 'courses', courseIds: [courseB.id], prices: [{ currency: 'USD', amountMinor: 30000 }] });
});
afterAll(() => t?.close());

describe('change plan with proration (by seconds)', () => {
  it('previews and charges an upgrade at once, credits a downgrade, and later renewals use the credit; every sum checks', async () => {
    const member = await addMember(t, owner.orgId, 'learner');
    const sub = ok(await subscribe(t, member, basic.id), 201).body;
    expect(sub.currentPeriodEnd).toBe('2026-04-01T12:00:00.000Z');
    ok(await to('2026-03-16T12:00:00.000Z')); // 15 of 31 days used, 16 left

    const preview = ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}/change-preview?planId=${pro.id}`, { as: member, headers: member.h() })).body;
    // credit round(1000 × 16/31) = 516 (516.13), charge round(3000 × 16/31) = 1548 (1548.39)
    expect(preview).toMatchObject({ basis: 'seconds', remainingSeconds: 16 * 86400, periodSeconds: 31 * 86400, creditMinor: 516, chargeMinor: 1548, netMinor: 1032, dueNowMinor: 1032 });
    expect(preview.lines.reduce((s: number, l: { amountMinor: number }) => s + l.amountMinor, 0)).toBe(preview.netMinor);

    const up = ok(await t.http('POST', `/api/v1/subscriptions/${sub.id}/change-plan`, { as: member, headers: { ...member.h(), 'idempotency-key': idem() }, body: { planId: pro.id } })).body;
    expect(up).toMatchObject({ plan: { id: pro.id }, amountMinor: 3000, currentPeriodEnd: '2026-04-01T12:00:00.000Z', creditMinor: 0 });
    expect(await canLearn(t, member, courseB)).toBe(true);

    // straight back down: credit 1548, charge 516 -> 1032 of account credit, nothing charged
    const downPreview = ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}/change-preview?planId=${basic.id}`, { as: member, headers: member.h() })).body;
    expect(downPreview).toMatchObject({ creditMinor: 1548, chargeMinor: 516, netMinor: -1032, dueNowMinor: 0 });
    const down = ok(await t.http('POST', `/api/v1/subscriptions/${sub.id}/change-plan`, { as: member, headers: member.h(), body: { planId: basic.id } })).body;
    expect(down).toMatchObject({ plan: { id: basic.id }, amountMinor: 1000, creditMinor: 1032 });
    expect(await canLearn(t, member, courseB)).toBe(false); // Basic has only course A
    expect(await canLearn(t, member, courseA)).toBe(true);

    // April renewal: 1000 − 1000 credit = 0 charged, 32 left; May: 1000 − 32 = 968
    ok(await to('2026-05-01T12:00:01.000Z'));
    const charges = ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}/charges`, { as: member, headers: member.h() })).body.items.reverse();
    expect(charges.map((c: { reason: string; amountMinor: number }) => [c.reason, c.amountMinor])).toEqual([
      ['initial', 1000],
      ['proration', 1032],
      ['renewal', 0],
      ['renewal', 968],
    ]);
    for (const c of charges) expect(c.lines.reduce((s: number, l: { amountMinor: number }) => s + l.amountMinor, 0)).toBe(c.amountMinor);
    const after = ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}`, { as: member, headers: member.h() })).body;
    expect(after.creditMinor).toBe(0);
    await t.drain();
    const events = paid.filter((p) => p.subscriptionId === sub.id);
    expect(events.map((e) => [e.reason, e.totalMinor])).toEqual([['initial', 1000], ['proration', 1032], ['renewal', 0], ['renewal', 968]]);
    for (const e of events) expect(e.lines.reduce((s, l) => s + l.amountMinor, 0)).toBe(e.netMinor);
  });

  it('a change to another interval starts a new period charged in full less the unused credit; a declined upgrade changes nothing', async () => {
    const member = await addMember(t, owner.orgId, 'learner');
    const clockNow = ok(await t.http('GET', '/api/v1/billing/test-clock', { as: owner, headers: owner.h() })).body.clock.frozenTime;
    const sub = ok(await subscribe(t, member, basic.id), 201).body;
    expect(sub.currentPeriodStart).toBe(clockNow);
    const preview = ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}/change-preview?planId=${yearly.id}`, { as: member, headers: member.h() })).body;
    // nothing used yet: the whole 1000 comes back against 30000
    expect(preview).toMatchObject({ creditMinor: 1000, chargeMinor: 30000, netMinor: 29000 });
    const next = new Date(clockNow);
    next.setUTCFullYear(next.getUTCFullYear() + 1);
    expect(preview.periodEnd).toBe(next.toISOString());

    // the card on file is swapped for one that is declined: the upgrade is refused and nothing changes
    await t.query("UPDATE subscriptions SET card_number = '4000000000000002' WHERE id = $1", [sub.id]);
    const refused = await t.http('POST', `/api/v1/subscriptions/${sub.id}/change-plan`, { as: member, headers: member.h(), body: { planId: yearly.id } });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('payment_declined');
    const same = ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}`, { as: member, headers: member.h() })).body;
    expect(same.plan.id).toBe(basic.id);

    expect((await t.http('POST', `/api/v1/subscriptions/${sub.id}/change-plan`, { as: member, headers: member.h(), body: { planId: basic.id } })).body.code).toBe('same_plan');
    expect((await t.http('GET', `/api/v1/subscriptions/${sub.id}/change-preview?planId=${pro.id}`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('POST', `/api/v1/subscriptions/${sub.id}/change-plan`, { body: { planId: pro.id } })).status).toBe(401);
  });
});

describe('Stripe subscription webhooks (dispatched through the payment webhook router)', () => {
  it('invoice.paid records the charge once and emits the payment; subscription.updated mirrors state; deleted ends access', async () => {
    const member = await addMember(t, owner.orgId, 'learner');
    const sub = ok(await subscribe(t, member, basic.id), 201).body;
    // a subscription Stripe bills carries Stripe's id (created on Stripe's side; see the report)
    await t.query("UPDATE subscriptions SET provider = 'stripe', provider_subscription_id = 'sub_test_123' WHERE id = $1", [sub.id]);
    const router = t.app.get(PaymentWebhookRouter);
    const db = t.app.get<symbol, Database>(DB);
    const unix = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);
    const dispatch = (id: string, type: string, object: Record<string, unknown>) =>
      inTransaction(db, (tx) => router.dispatch(tx, { provider: 'stripe', id, type, payload: { id, object: 'event', type, data: { object } } }));

    const invoice = {
      id: 'in_test_1',
      object: 'invoice',
      subscription: 'sub_test_123',
      currency: 'usd',
      amount_paid: 1000,
      billing_reason: 'subscription_cycle',
      status_transitions: { paid_at: unix('2026-06-01T12:00:00Z') },
      lines: { data: [{ description: 'Basic', amount: 1000, period: { start: unix('2026-06-01T12:00:00Z'), end: unix('2026-07-01T12:00:00Z') } }] },
    };
    expect(await dispatch('evt_1', 'invoice.paid', invoice)).toBe(true);
    expect(await dispatch('evt_1b', 'invoice.paid', invoice)).toBe(true); // the same invoice again (a new event id): recorded once
    let s = ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}`, { as: member, headers: member.h() })).body;
    expect(s).toMatchObject({ status: 'active', currentPeriodStart: '2026-06-01T12:00:00.000Z', currentPeriodEnd: '2026-07-01T12:00:00.000Z' });
    const [{ n }] = await t.query<{ n: string }>("SELECT count(*) AS n FROM subscription_charges WHERE idempotency_key = 'stripe:invoice:in_test_1'");
    expect(Number(n)).toBe(1);
    await t.drain();
    expect(paid.filter((p) => p.subscriptionId === sub.id).map((p) => [p.reason, p.totalMinor])).toEqual([['initial', 1000], ['renewal', 1000]]);

    await dispatch('evt_2', 'customer.subscription.updated', { id: 'sub_test_123', object: 'subscription', status: 'active', cancel_at_period_end: true, items: { data: [{ current_period_start: unix('2026-06-01T12:00:00Z'), current_period_end: unix('2026-07-01T12:00:00Z') }] } });
    s = ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}`, { as: member, headers: member.h() })).body;
    expect(s).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, hasAccess: true });

    await dispatch('evt_3', 'customer.subscription.deleted', { id: 'sub_test_123', object: 'subscription', status: 'canceled', ended_at: unix('2026-07-01T12:00:00Z') });
    s = ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}`, { as: member, headers: member.h() })).body;
    expect(s).toMatchObject({ status: 'canceled', hasAccess: false, endedAt: '2026-07-01T12:00:00.000Z' });
    expect(await canLearn(t, member, courseA)).toBe(false);

    // an event about a subscription we do not know changes nothing
    expect(await dispatch('evt_4', 'customer.subscription.deleted', { id: 'sub_unknown', object: 'subscription', status: 'canceled' })).toBe(true);
  });
});
