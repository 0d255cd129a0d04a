import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type Member, observe } from '../../learning/enrollment/enrollment.fixtures.js';
import { SubscriptionPaymentSucceeded } from '../commerce.events.js';
import { CARD_DECLINED, CARD_OK, canLearn, createPlan, enrollmentStatus, idem, ok, subscribe } from './billing.fixtures.js';

let t: TestApp;
let owner: Member;
let learner: Member;
let stranger: Member; // owner of another organization
let courseA: BuiltCourse;
let courseB: BuiltCourse;
let paid: { organizationId: string; reason: string; totalMinor: number; lines: { amountMinor: number }[]; netMinor: number }[];

beforeAll(async () => {
  t = await createTestApp({ BILLING_TEST_CLOCKS: 'false' });
  paid = observe(t, SubscriptionPaymentSucceeded, 'billing-api-paid');
  owner = await createOrg(t, 'Billing Academy');
  learner = await addMember(t, owner.orgId, 'learner', { name: 'Lena Learner' });
  stranger = await createOrg(t, 'Elsewhere');
  courseA = await buildCourse(t, owner, { title: 'Course A', isFree: false });
  courseB = await buildCourse(t, owner, { title: 'Course B', isFree: false });
});
afterAll(() => t?.close());

describe('plans', () => {
  it('admins create, edit and archive plans; members list the live ones; bad input changes nothing', async () => {
    const plan = await createPlan(t, owner, { name: 'Basic', scope: 'courses', courseIds: [courseA.id], trialDays: 0, prices: [{ currency: 'usd', amountMinor: 1500 }, { currency: 'EUR', amountMinor: 1400 }] });
    const list = ok(await t.http('GET', '/api/v1/billing/plans', { as: learner, headers: learner.h() }));
    expect(list.body.items.map((p: { id: string }) => p.id)).toContain(plan.id);
    expect(list.body.items.find((p: { id: string }) => p.id === plan.id).prices).toEqual([{ currency: 'USD', amountMinor: 1500 }, { currency: 'EUR', amountMinor: 1400 }]);

    const before = await count(t, 'SELECT count(*) AS n FROM billing_plans');
    const bad = await t.http('POST', '/api/v1/billing/plans', { as: owner, headers: owner.h(), body: { name: 'X', interval: 'week', prices: [], scope: 'courses' } });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const dupCurrency = await t.http('POST', '/api/v1/billing/plans', { as: owner, headers: owner.h(), body: { name: 'X', interval: 'month', prices: [{ currency: 'USD', amountMinor: 1 }, { currency: 'USD', amountMinor: 2 }], scope: 'catalog' } });
    expect(dupCurrency.status).toBe(400);
    const foreignCourse = await buildCourse(t, stranger, { title: 'Theirs' });
    const foreign = await t.http('POST', '/api/v1/billing/plans', { as: owner, headers: owner.h(), body: { name: 'X', interval: 'month', prices: [{ currency: 'USD', amountMinor: 100 }], scope: 'courses', courseIds: [foreignCourse.id] } });
    expect(foreign.status).toBe(400);
    expect(foreign.body.code).toBe('unknown_course');
    expect(await count(t, 'SELECT count(*) AS n FROM billing_plans')).toBe(before);

    const renamed = ok(await t.http('PATCH', `/api/v1/billing/plans/${plan.id}`, { as: owner, headers: owner.h(), body: { name: 'Basic monthly' } }));
    expect(renamed.body.name).toBe('Basic monthly');
    const archived = ok(await t.http('POST', `/api/v1/billing/plans/${plan.id}/archive`, { as: owner, headers: owner.h() }));
    expect(archived.body.archived).toBe(true);
    const live = ok(await t.http('GET', '/api/v1/billing/plans', { as: learner, headers: learner.h() }));
    expect(live.body.items.map((p: { id: string }) => p.id)).not.toContain(plan.id);
    const res = await subscribe(t, learner, plan.id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('plan_archived');
    ok(await t.http('POST', `/api/v1/billing/plans/${plan.id}/unarchive`, { as: owner, headers: owner.h() }));
  });

  it('lists are cursor-paged', async () => {
    for (let i = 0; i < 3; i++) await createPlan(t, owner, { name: `Paged ${i}` });
    const first = ok(await t.http('GET', '/api/v1/billing/plans?limit=2', { as: owner, headers: owner.h() }));
    expect(first.body.items).toHaveLength(2);
    const second = ok(await t.http('GET', `/api/v1/billing/plans?limit=2&cursor=${first.body.nextCursor}`, { as: owner, headers: owner.h() }));
    expect(second.body.items[0].id < first.body.items[1].id).toBe(true);
  });

  it('learners, strangers and anonymous callers may not manage plans or see another organization’s', async () => {
    const plan = await createPlan(t, owner, { name: 'Private' });
    expect((await t.http('POST', '/api/v1/billing/plans', { as: learner, headers: learner.h(), body: { name: 'X', interval: 'month', prices: [{ currency: 'USD', amountMinor: 1 }], scope: 'catalog' } })).status).toBe(403);
    expect((await t.http('PATCH', `/api/v1/billing/plans/${plan.id}`, { as: stranger, headers: stranger.h(), body: { name: 'Mine now' } })).status).toBe(404);
    expect((await t.http('GET', `/api/v1/billing/plans/${plan.id}`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    const theirs = ok(await t.http('GET', '/api/v1/billing/plans', { as: stranger, headers: stranger.h() }));
    expect(theirs.body.items).toEqual([]);
    expect((await t.http('GET', '/api/v1/billing/plans')).status).toBe(401);
    expect((await t.http('POST', `/api/v1/billing/plans/${plan.id}/archive`)).status).toBe(401);
  });
});

describe('subscribing', () => {
  it('charges the first period, grants the plan’s courses (source subscription) and emits the payment event; replays are idempotent', async () => {
    const plan = await createPlan(t, owner, { name: 'Course A plan', scope: 'courses', courseIds: [courseA.id], prices: [{ currency: 'USD', amountMinor: 1999 }] });
    const member = await addMember(t, owner.orgId, 'learner');
    expect(await canLearn(t, member, courseA)).toBe(false);
    const key = idem();
    const body = { planId: plan.id, paymentMethod: { type: 'manual_card', cardNumber: CARD_OK } };
    const res = ok(await t.http('POST', '/api/v1/subscriptions', { as: member, headers: { ...member.h(), 'idempotency-key': key }, body }), 201);
    expect(res.body).toMatchObject({ status: 'active', amountMinor: 1999, currency: 'USD', cardLast4: '4242', hasAccess: true, cancelAtPeriodEnd: false });
    const again = ok(await t.http('POST', '/api/v1/subscriptions', { as: member, headers: { ...member.h(), 'idempotency-key': key }, body }), 201);
    expect(again.body.id).toBe(res.body.id);
    expect(await count(t, 'SELECT count(*) AS n FROM subscriptions WHERE user_id = $1', [member.userId])).toBe(1);
    expect(await count(t, 'SELECT count(*) AS n FROM subscription_charges WHERE subscription_id = $1', [res.body.id])).toBe(1);
    // a second subscription to the same plan is refused
    expect((await subscribe(t, member, plan.id)).status).toBe(409);

    expect(await canLearn(t, member, courseA)).toBe(true);
    expect(await canLearn(t, member, courseB)).toBe(false);
    const [e] = await t.query<{ source: string }>('SELECT source FROM enrollments WHERE user_id = $1 AND course_id = $2', [member.userId, courseA.id]);
    expect(e!.source).toBe('subscription');

    await t.drain();
    const event = paid.find((p) => p.organizationId === owner.orgId && p.totalMinor === 1999 && p.reason === 'initial');
    expect(event).toBeTruthy();
    expect(event!.lines.reduce((s, l) => s + l.amountMinor, 0)).toBe(event!.netMinor);

    const mine = ok(await t.http('GET', '/api/v1/me/subscriptions', { as: member, headers: member.h() }));
    expect(mine.body.items.map((s: { id: string }) => s.id)).toEqual([res.body.id]);
    const charges = ok(await t.http('GET', `/api/v1/subscriptions/${res.body.id}/charges`, { as: member, headers: member.h() }));
    expect(charges.body.items).toHaveLength(1);
    expect(charges.body.items[0]).toMatchObject({ reason: 'initial', status: 'succeeded', amountMinor: 1999 });
  });

  it('a declined card creates nothing; a trial charges nothing yet; unknown currency is a 400', async () => {
    const plan = await createPlan(t, owner, { name: 'Decline me', scope: 'courses', courseIds: [courseB.id] });
    const member = await addMember(t, owner.orgId, 'learner');
    const res = await subscribe(t, member, plan.id, CARD_DECLINED);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('payment_declined');
    expect(await count(t, 'SELECT count(*) AS n FROM subscriptions WHERE user_id = $1', [member.userId])).toBe(0);
    expect(await enrollmentStatus(t, member.userId, courseB.id)).toBeNull();

    const cur = await t.http('POST', '/api/v1/subscriptions', { as: member, headers: member.h(), body: { planId: plan.id, currency: 'JPY', paymentMethod: { type: 'manual_card', cardNumber: CARD_OK } } });
    expect(cur.status).toBe(400);
    expect(cur.body.code).toBe('currency_unavailable');

    const trialPlan = await createPlan(t, owner, { name: 'Trial', scope: 'courses', courseIds: [courseB.id], trialDays: 14 });
    const trial = ok(await subscribe(t, member, trialPlan.id), 201);
    expect(trial.body).toMatchObject({ status: 'trialing', hasAccess: true });
    expect(new Date(trial.body.trialEnd).getTime() - new Date(trial.body.currentPeriodStart).getTime()).toBe(14 * 86_400_000);
    expect(await count(t, 'SELECT count(*) AS n FROM subscription_charges WHERE subscription_id = $1', [trial.body.id])).toBe(0);
    expect(await canLearn(t, member, courseB)).toBe(true);
  });

  it('paying through Stripe where Stripe is not configured is a 409 provider_unavailable and records nothing', async () => {
    const plan = await createPlan(t, owner, { name: 'No Stripe here' });
    const member = await addMember(t, owner.orgId, 'learner');
    const res = await t.http('POST', '/api/v1/subscriptions', { as: member, headers: member.h(), body: { planId: plan.id, paymentMethod: { type: 'stripe_checkout' } } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('provider_unavailable');
    expect(await count(t, 'SELECT count(*) AS n FROM subscription_checkouts WHERE user_id = $1', [member.userId])).toBe(0);
    expect(await count(t, 'SELECT count(*) AS n FROM subscriptions WHERE user_id = $1', [member.userId])).toBe(0);
  });

  it('strangers and anonymous callers cannot subscribe to, read or change someone’s subscription', async () => {
    const plan = await createPlan(t, owner, { name: 'Guarded', scope: 'courses', courseIds: [courseA.id] });
    const member = await addMember(t, owner.orgId, 'learner');
    const other = await addMember(t, owner.orgId, 'learner');
    const sub = ok(await subscribe(t, member, plan.id), 201).body as { id: string };
    expect((await subscribe(t, stranger, plan.id)).status).toBe(404);
    expect((await t.http('POST', '/api/v1/subscriptions', { body: { planId: plan.id, paymentMethod: { type: 'manual_card', cardNumber: CARD_OK } } })).status).toBe(401);
    for (const who of [stranger, other]) {
      expect((await t.http('GET', `/api/v1/subscriptions/${sub.id}`, { as: who, headers: who.h() })).status).toBe(404);
      expect((await t.http('POST', `/api/v1/subscriptions/${sub.id}/cancel`, { as: who, headers: who.h(), body: { atPeriodEnd: false } })).status).toBe(404);
      expect((await t.http('POST', `/api/v1/subscriptions/${sub.id}/payment-method`, { as: who, headers: who.h(), body: { paymentMethod: { type: 'manual_card', cardNumber: CARD_OK } } })).status).toBe(404);
    }
    expect((await t.http('GET', `/api/v1/subscriptions/${sub.id}`)).status).toBe(401);
    expect((await t.http('GET', '/api/v1/me/subscriptions')).status).toBe(401);
    const still = ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}`, { as: member, headers: member.h() }));
    expect(still.body.status).toBe('active');
    // the test clock is off on this server
    const clock = await t.http('POST', '/api/v1/billing/test-clocks', { as: owner, headers: owner.h(), body: {} });
    expect(clock.status).toBe(403);
    expect(clock.body.code).toBe('test_clocks_disabled');
  });
});

describe('cancel, resume', () => {
  it('cancel at period end keeps access and can be undone; cancel now ends access, only for what the subscription granted', async () => {
    const plan = await createPlan(t, owner, { name: 'Cancel me', scope: 'courses', courseIds: [courseA.id, courseB.id] });
    const member = await addMember(t, owner.orgId, 'learner');
    // the member already had course B from an instructor: the subscription must never end that
    const enroll = await t.http('POST', `/api/v1/courses/${courseB.id}/enrollments`, { as: owner, headers: owner.h(), body: { emails: [member.email] } });
    expect(enroll.status, enroll.text).toBeLessThan(300);
    const sub = ok(await subscribe(t, member, plan.id), 201).body as { id: string };

    const atEnd = ok(await t.http('POST', `/api/v1/subscriptions/${sub.id}/cancel`, { as: member, headers: member.h(), body: { atPeriodEnd: true } }));
    expect(atEnd.body).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, hasAccess: true, nextChargeAt: null });
    expect(await canLearn(t, member, courseA)).toBe(true);
    const resumed = ok(await t.http('POST', `/api/v1/subscriptions/${sub.id}/resume`, { as: member, headers: member.h() }));
    expect(resumed.body).toMatchObject({ cancelAtPeriodEnd: false, canceledAt: null });
    expect((await t.http('POST', `/api/v1/subscriptions/${sub.id}/resume`, { as: member, headers: member.h() })).status).toBe(409);

    const now = ok(await t.http('POST', `/api/v1/subscriptions/${sub.id}/cancel`, { as: member, headers: member.h(), body: { atPeriodEnd: false } }));
    expect(now.body).toMatchObject({ status: 'canceled', hasAccess: false });
    expect(now.body.endedAt).not.toBeNull();
    expect(await canLearn(t, member, courseA)).toBe(false);
    expect(await enrollmentStatus(t, member.userId, courseA.id)).toBe('expired');
    expect(await canLearn(t, member, courseB)).toBe(true); // the instructor's enrollment stays
    expect((await t.http('POST', `/api/v1/subscriptions/${sub.id}/cancel`, { as: member, headers: member.h(), body: { atPeriodEnd: true } })).status).toBe(409);

    // subscribing again brings the same enrollment back
    ok(await subscribe(t, member, plan.id), 201);
    expect(await canLearn(t, member, courseA)).toBe(true);
  });
});

describe('whole-catalog plans', () => {
  it('grant every published course, and a course published later joins (via course.published)', async () => {
    const plan = await createPlan(t, owner, { name: 'All access', scope: 'catalog' });
    const member = await addMember(t, owner.orgId, 'learner');
    ok(await subscribe(t, member, plan.id), 201);
    expect(await canLearn(t, member, courseA)).toBe(true);
    expect(await canLearn(t, member, courseB)).toBe(true);
    const later = await buildCourse(t, owner, { title: 'Later', isFree: false });
    await t.drain();
    expect(await canLearn(t, member, later)).toBe(true);
    const [g] = await t.query<{ n: string }>('SELECT count(*) AS n FROM subscription_grants WHERE user_id = $1 AND course_id = $2 AND ended_at IS NULL', [member.userId, later.id]);
    expect(Number(g!.n)).toBe(1);
  });
});

describe('seat limits', () => {
  it('a course at its seat limit is skipped, not a reason to refuse the whole subscription', async () => {
    const full = await buildCourse(t, owner, { title: 'Full seminar' });
    const holder = await addMember(t, owner.orgId, 'learner', { name: 'Seat Holder' });
    ok(await t.http('PUT', `/api/v1/courses/${full.id}/capacity`, { as: owner, headers: owner.h(), body: { capacity: 1, claimWindowHours: 24 } }));
    ok(await t.http('POST', `/api/v1/courses/${full.id}/enroll`, { as: holder, headers: holder.h() }), 201);
    const plan = await createPlan(t, owner, { name: 'Two courses', scope: 'courses', courseIds: [courseB.id, full.id] });
    const subscriber = await addMember(t, owner.orgId, 'learner', { name: 'Sam Subscriber' });
    const res = await subscribe(t, subscriber, plan.id);
    expect(res.status, res.text).toBe(201);
    expect(await canLearn(t, subscriber, courseB)).toBe(true);
    expect(await enrollmentStatus(t, subscriber.userId, full.id)).toBeNull();
    expect(await enrollmentStatus(t, holder.userId, full.id)).toBe('active');
  });
});
