import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, type Database } from '../../../kernel/db/index.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type Member, observe } from '../../learning/enrollment/enrollment.fixtures.js';
import { SubscriptionPaymentSucceeded } from '../commerce.events.js';
import { CARD_OFF_SESSION_FAILS, CARD_OK, canLearn, createPlan, ok, subscribe } from './billing.fixtures.js';
import { RenewDueSubscriptionsJob } from './billing.jobs.js';
import { Renewals } from './renewals.js';

let t: TestApp;
let owner: Member;
let stranger: Member;
let course: BuiltCourse;
let clockId: string;
let paid: { subscriptionId: string; reason: string; totalMinor: number; periodStart: string }[];

const START = '2026-03-01T12:00:00.000Z';
const DAY = 86_400_000;

async function advance(days: number, as: Member = owner) {
  return t.http('POST', `/api/v1/billing/test-clocks/${clockId}/advance`, { as, headers: as.h(), body: { days } });
}
const get = async (who: Member, id: string) => ok(await t.http('GET', `/api/v1/subscriptions/${id}`, { as: who, headers: who.h() })).body;

beforeAll(async () => {
  t = await createTestApp({ BILLING_RETRY_DAYS: '1,3,5', BILLING_GRACE_DAYS: '2' });
  paid = observe(t, SubscriptionPaymentSucceeded, 'renewals-paid');
  owner = await createOrg(t, 'Clockwork');
  stranger = await createOrg(t, 'Elsewhere');
  course = await buildCourse(t, owner, { title: 'Clocked course', isFree: false });
  const c = ok(await t.http('POST', '/api/v1/billing/test-clocks', { as: owner, headers: owner.h(), body: { name: 'Demo', frozenTime: START } }), 201);
  clockId = c.body.id;
});
afterAll(() => t?.close());

describe('test clock', () => {
  it('is the organization’s one clock, only moves forward, and refuses learners, strangers and anonymous callers', async () => {
    expect((await t.http('POST', '/api/v1/billing/test-clocks', { as: owner, headers: owner.h(), body: {} })).status).toBe(409);
    const cur = ok(await t.http('GET', '/api/v1/billing/test-clock', { as: owner, headers: owner.h() }));
    expect(cur.body).toMatchObject({ enabled: true, clock: { id: clockId, frozenTime: START } });
    const back = await t.http('POST', `/api/v1/billing/test-clocks/${clockId}/advance`, { as: owner, headers: owner.h(), body: { to: '2026-01-01T00:00:00Z' } });
    expect(back.status).toBe(400);
    expect(back.body.code).toBe('clock_backwards');
    const learner = await addMember(t, owner.orgId, 'learner');
    expect((await advance(1, learner)).status).toBe(403);
    expect((await advance(1, stranger)).status).toBe(404);
    expect((await t.http('POST', `/api/v1/billing/test-clocks/${clockId}/advance`, { body: { days: 1 } })).status).toBe(401);
    const still = ok(await t.http('GET', '/api/v1/billing/test-clock', { as: owner, headers: owner.h() }));
    expect(still.body.clock.frozenTime).toBe(START);
  });
});

describe('renewals and dunning under the test clock', () => {
  it('a trial ends with the first charge; a renewal runs once per period however often it is run', async () => {
    const plan = await createPlan(t, owner, { name: 'Trial monthly', scope: 'courses', courseIds: [course.id], trialDays: 7, prices: [{ currency: 'USD', amountMinor: 1200 }] });
    const member = await addMember(t, owner.orgId, 'learner');
    const sub = ok(await subscribe(t, member, plan.id), 201).body;
    expect(sub).toMatchObject({ status: 'trialing', testClockId: clockId, currentPeriodStart: START });

    ok(await advance(8));
    let s = await get(member, sub.id);
    expect(s).toMatchObject({ status: 'active', currentPeriodStart: '2026-03-08T12:00:00.000Z', currentPeriodEnd: '2026-04-08T12:00:00.000Z', hasAccess: true });
    const charges = ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}/charges`, { as: member, headers: member.h() })).body.items;
    expect(charges.map((c: { reason: string; amountMinor: number }) => [c.reason, c.amountMinor])).toEqual([['initial', 1200]]);

    // two months later: two renewals, each period exactly once, even when the engine runs again
    ok(await advance(62));
    const renewals = t.app.get(Renewals);
    expect(await renewals.advance(sub.id)).toBe(false);
    await renewals.runClock(clockId);
    s = await get(member, sub.id);
    expect(s).toMatchObject({ status: 'active', currentPeriodStart: '2026-05-08T12:00:00.000Z', currentPeriodEnd: '2026-06-08T12:00:00.000Z' });
    expect(await count(t, "SELECT count(*) AS n FROM subscription_charges WHERE subscription_id = $1 AND reason = 'renewal'", [sub.id])).toBe(2);
    await t.drain();
    expect(paid.filter((p) => p.subscriptionId === sub.id).map((p) => p.reason)).toEqual(['initial', 'renewal', 'renewal']);
  });

  it('a first charge that fails when the trial ends makes the subscription past due (access kept during grace)', async () => {
    const plan = await createPlan(t, owner, { name: 'Trial then fail', scope: 'courses', courseIds: [course.id], trialDays: 3 });
    const member = await addMember(t, owner.orgId, 'learner');
    const sub = ok(await subscribe(t, member, plan.id, CARD_OFF_SESSION_FAILS), 201).body;
    expect(sub.status).toBe('trialing');
    ok(await advance(3));
    const s = await get(member, sub.id);
    expect(s).toMatchObject({ status: 'past_due', failedAttempts: 1, hasAccess: true, currentPeriodStart: sub.trialEnd });
    const [c] = ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}/charges`, { as: member, headers: member.h() })).body.items;
    expect(c).toMatchObject({ reason: 'initial', status: 'failed', declineCode: 'authentication_required' });
  });

  it('past due on a failed renewal, an email per failure on schedule, access suspended after grace, restored by a new card', async () => {
    const plan = await createPlan(t, owner, { name: 'Dunned', scope: 'courses', courseIds: [course.id], prices: [{ currency: 'USD', amountMinor: 900 }] });
    const member = await addMember(t, owner.orgId, 'learner');
    // the 0341 card pays while the subscriber is present, and fails every renewal
    const sub = ok(await subscribe(t, member, plan.id, CARD_OFF_SESSION_FAILS), 201).body;
    const end = new Date(sub.currentPeriodEnd).getTime();
    ok(await t.http('POST', `/api/v1/billing/test-clocks/${clockId}/advance`, { as: owner, headers: owner.h(), body: { to: new Date(end + 1000).toISOString() } }));
    let s = await get(member, sub.id);
    expect(s).toMatchObject({ status: 'past_due', failedAttempts: 1, hasAccess: true, nextChargeAt: new Date(end + DAY).toISOString() });
    expect(await canLearn(t, member, course)).toBe(true);
    await t.drain();
    expect(t.mails(member.email).map((m) => m.subject).filter((x) => x.includes('Dunned'))).toEqual(['Your payment for Dunned failed']);
    const first = t.mails(member.email).find((m) => m.subject.includes('Dunned'))!;
    expect(first.text).toContain('9.00 USD');
    expect(first.text).toContain(`We will try again on ${new Date(end + DAY).toISOString().slice(0, 10)}`);
    expect(first.text).toContain('http://localhost:3000/my-subscription');

    // retry on day 1 fails; the 2-day grace ends on day 2: access suspended
    ok(await t.http('POST', `/api/v1/billing/test-clocks/${clockId}/advance`, { as: owner, headers: owner.h(), body: { to: new Date(end + 2 * DAY + 1000).toISOString() } }));
    s = await get(member, sub.id);
    expect(s).toMatchObject({ status: 'past_due', failedAttempts: 2, hasAccess: false, nextChargeAt: new Date(end + 3 * DAY).toISOString() });
    expect(await canLearn(t, member, course)).toBe(false);
    await t.drain();
    expect(t.mails(member.email).map((m) => m.subject).filter((x) => x.includes('Dunned'))).toEqual(['Your payment for Dunned failed', 'Your payment for Dunned failed again']);

    // a new card pays at once: active again, access restored, the period unchanged
    const fixed = ok(await t.http('POST', `/api/v1/subscriptions/${sub.id}/payment-method`, { as: member, headers: member.h(), body: { paymentMethod: { type: 'manual_card', cardNumber: CARD_OK } } }));
    expect(fixed.body).toMatchObject({ status: 'active', hasAccess: true, failedAttempts: 0, cardLast4: '4242', currentPeriodStart: new Date(end).toISOString() });
    expect(await canLearn(t, member, course)).toBe(true);
    await t.drain();
    expect(paid.filter((p) => p.subscriptionId === sub.id).map((p) => p.reason)).toEqual(['initial', 'retry']);
  });

  it('after the last retry fails the subscription expires and the access it granted goes', async () => {
    const plan = await createPlan(t, owner, { name: 'Lapsing', scope: 'courses', courseIds: [course.id], prices: [{ currency: 'USD', amountMinor: 500 }] });
    const member = await addMember(t, owner.orgId, 'learner');
    const sub = ok(await subscribe(t, member, plan.id, CARD_OFF_SESSION_FAILS), 201).body;
    const end = new Date(sub.currentPeriodEnd).getTime();
    // jump past the renewal and all three retries (+1, +3, +5 days) in one go: processed in time order
    ok(await t.http('POST', `/api/v1/billing/test-clocks/${clockId}/advance`, { as: owner, headers: owner.h(), body: { to: new Date(end + 6 * DAY).toISOString() } }));
    const s = await get(member, sub.id);
    expect(s).toMatchObject({ status: 'expired', hasAccess: false, failedAttempts: 4, nextChargeAt: null, endedAt: new Date(end + 5 * DAY).toISOString() });
    const attempts = ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}/charges`, { as: member, headers: member.h() })).body.items;
    expect(attempts.map((c: { reason: string; status: string; chargedAt: string }) => [c.reason, c.status, c.chargedAt]).reverse()).toEqual([
      ['initial', 'succeeded', sub.currentPeriodStart],
      ['renewal', 'failed', new Date(end).toISOString()],
      ['retry', 'failed', new Date(end + DAY).toISOString()],
      ['retry', 'failed', new Date(end + 3 * DAY).toISOString()],
      ['retry', 'failed', new Date(end + 5 * DAY).toISOString()],
    ]);
    expect(await canLearn(t, member, course)).toBe(false);
    await t.drain();
    const subjects = t.mails(member.email).map((m) => m.subject).filter((x) => x.includes('Lapsing'));
    // the mail folder has no order of its own (files named by the transport), so compare as a multiset
    expect([...subjects].sort()).toEqual(['Your payment for Lapsing failed', 'Your payment for Lapsing failed again', 'Your payment for Lapsing failed again', 'Your Lapsing subscription has ended'].sort());
    // nothing more happens later
    ok(await advance(40));
    expect(await count(t, 'SELECT count(*) AS n FROM subscription_charges WHERE subscription_id = $1', [sub.id])).toBe(5);
  });

  it('cancel at period end: access until the end, then canceled with no charge', async () => {
    const plan = await createPlan(t, owner, { name: 'Leaving', scope: 'courses', courseIds: [course.id] });
    const member = await addMember(t, owner.orgId, 'learner');
    const sub = ok(await subscribe(t, member, plan.id), 201).body;
    ok(await t.http('POST', `/api/v1/subscriptions/${sub.id}/cancel`, { as: member, headers: member.h(), body: { atPeriodEnd: true } }));
    ok(await t.http('POST', `/api/v1/billing/test-clocks/${clockId}/advance`, { as: owner, headers: owner.h(), body: { to: new Date(new Date(sub.currentPeriodEnd).getTime() - 1000).toISOString() } }));
    expect(await canLearn(t, member, course)).toBe(true);
    ok(await advance(1));
    const s = await get(member, sub.id);
    expect(s).toMatchObject({ status: 'canceled', hasAccess: false, endedAt: sub.currentPeriodEnd });
    expect(await canLearn(t, member, course)).toBe(false);
    expect(await count(t, 'SELECT count(*) AS n FROM subscription_charges WHERE subscription_id = $1', [sub.id])).toBe(1);
  });
});

describe('the renewal cron (wall clock)', () => {
  it('is registered in the job registry and renews a due wall-clock subscription once, however often it runs', async () => {
    const t2 = await createTestApp({ BILLING_TEST_CLOCKS: 'false' });
    try {
      const jobs = t2.app.get(JobsService);
      expect(jobs.registry.cronEntries().some((c) => c.job.name === RenewDueSubscriptionsJob.name)).toBe(true);
      const admin = await createOrg(t2, 'Wall');
      const c = await buildCourse(t2, admin, { isFree: false });
      const member = await addMember(t2, admin.orgId, 'learner');
      const plan = await createPlan(t2, admin, { name: 'Wall monthly', scope: 'courses', courseIds: [c.id] });
      const sub = ok(await subscribe(t2, member, plan.id), 201).body;
      // make the period end now (as if a month had passed)
      await t2.query("UPDATE subscriptions SET current_period_start = now() - interval '31 days', current_period_end = now() - interval '1 second' WHERE id = $1", [sub.id]);
      for (let i = 0; i < 2; i++) {
        await jobs.enqueue(t2.app.get<symbol, Database>(DB), RenewDueSubscriptionsJob, {});
        await t2.drain();
      }
      const [row] = await t2.query<{ status: string; current_period_end: Date }>('SELECT status, current_period_end FROM subscriptions WHERE id = $1', [sub.id]);
      expect(row!.status).toBe('active');
      expect(row!.current_period_end.getTime()).toBeGreaterThan(Date.now());
      expect(await count(t2, "SELECT count(*) AS n FROM subscription_charges WHERE subscription_id = $1 AND reason = 'renewal'", [sub.id])).toBe(1);
    } finally {
      await t2.close();
    }
  });
});

describe('the billing anchor day', () => {
  /** A fresh organization whose test clock starts at `at`, and a member subscribed to a plan of `interval`. */
  async function subscribedAt(at: string, interval: 'month' | 'year') {
    const org = await createOrg(t, 'Anchored');
    const clock = ok(await t.http('POST', '/api/v1/billing/test-clocks', { as: org, headers: org.h(), body: { frozenTime: at } }), 201).body.id as string;
    const plan = await createPlan(t, org, { name: `Anchored ${interval}`, interval });
    const member = await addMember(t, org.orgId, 'learner');
    const sub = ok(await subscribe(t, member, plan.id), 201).body;
    const to = async (iso: string) => {
      ok(await t.http('POST', `/api/v1/billing/test-clocks/${clock}/advance`, { as: org, headers: org.h(), body: { to: iso } }));
      return (await get(member, sub.id)).currentPeriodEnd as string;
    };
    return { sub, to, member };
  }

  it('monthly from Jan 31 renews Feb 28, Mar 31, Apr 30 (no drift to the 28th)', async () => {
    const { sub, to, member } = await subscribedAt('2027-01-31T12:00:00.000Z', 'month');
    expect(sub.currentPeriodEnd).toBe('2027-02-28T12:00:00.000Z');
    expect(await to('2027-02-28T12:00:00.000Z')).toBe('2027-03-31T12:00:00.000Z');
    expect(await to('2027-03-31T12:00:00.000Z')).toBe('2027-04-30T12:00:00.000Z');
    expect(await to('2027-04-30T12:00:00.000Z')).toBe('2027-05-31T12:00:00.000Z');
    const charges = ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}/charges?limit=50`, { as: member, headers: member.h() })).body.items as { periodStart: string; periodEnd: string }[];
    expect(charges.map((c) => [c.periodStart.slice(0, 10), c.periodEnd.slice(0, 10)]).reverse()).toEqual([
      ['2027-01-31', '2027-02-28'],
      ['2027-02-28', '2027-03-31'],
      ['2027-03-31', '2027-04-30'],
      ['2027-04-30', '2027-05-31'],
    ]);
  });

  it('yearly from Feb 29 renews on Feb 28 and on Feb 29 of the next leap year, in one long advance', async () => {
    const { sub, to } = await subscribedAt('2028-02-29T12:00:00.000Z', 'year');
    expect(sub.currentPeriodEnd).toBe('2029-02-28T12:00:00.000Z');
    expect(await to('2031-03-01T00:00:00.000Z')).toBe('2032-02-29T12:00:00.000Z');
    expect(await to('2032-02-29T12:00:00.000Z')).toBe('2033-02-28T12:00:00.000Z');
  });
});
