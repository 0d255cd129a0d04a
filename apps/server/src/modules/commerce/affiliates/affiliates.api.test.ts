import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, type Database, inTransaction } from '../../../kernel/db/index.js';
import { EventBus, type EventDef } from '../../../kernel/events/index.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type Member } from '../../learning/enrollment/enrollment.fixtures.js';
import { type OrderLineEvent, OrderPaid, OrderRefunded, SubscriptionChargeRefunded, SubscriptionPaymentSucceeded } from '../commerce.events.js';
import { createPlan } from '../billing/billing.fixtures.js';
import { percentOf } from '../money.js';
import { APPROVE_COMMISSIONS_CRON } from './affiliates.jobs.js';
import { LedgerService } from './ledger.service.js';

let t: TestApp;
let owner: Member; // admin: affiliate.manage
let aff: Member; // the affiliate
let friend: Member; // a second referrer
let buyer: Member;
let learner: Member; // a plain member
let stranger: Member; // owner of another organization
let course: BuiltCourse;
let code: string;
let codeId: string;
let PLAN: string; // a plan of the organization, with a commission rule
let foreignPlan: string; // a plan of the stranger's organization
const DAY = 86_400_000;

async function publish<P>(event: EventDef<P>, data: P): Promise<void> {
  await inTransaction(t.app.get<symbol, Database>(DB), (tx) => t.app.get(EventBus).emit(tx, event, data));
  await t.drain();
}

function line(kind: OrderLineEvent['kind'], refId: string, subtotal: number, discount: number, tax: number): OrderLineEvent {
  return { lineId: uuidv7(), kind, refId, courseIds: [refId], quantity: 1, subtotalMinor: subtotal, discountMinor: discount, taxMinor: tax, totalMinor: subtotal - discount + tax };
}

function order(userId: string, lines: OrderLineEvent[], opts: { currency?: string; referralCode?: string | null; orgId?: string } = {}) {
  const net = lines.reduce((s, l) => s + l.subtotalMinor - l.discountMinor, 0);
  const tax = lines.reduce((s, l) => s + l.taxMinor, 0);
  return {
    organizationId: opts.orgId ?? owner.orgId,
    orderId: uuidv7(),
    orderNumber: `O-${Math.floor(Math.random() * 1e6)}`,
    userId,
    currency: opts.currency ?? 'USD',
    netMinor: net,
    taxMinor: tax,
    totalMinor: net + tax,
    lines,
    referralCode: opts.referralCode === undefined ? code : opts.referralCode,
    paidAt: new Date().toISOString(),
  };
}

const entriesOf = (orderId: string) =>
  t.query<{ amount_minor: number; clawed_back_minor: number; status: string; reason: string | null; commission_bp: number; kind: string }>(
    'SELECT amount_minor, clawed_back_minor, status, reason, commission_bp, kind FROM commission_entries WHERE order_id = $1 ORDER BY kind, base_minor DESC',
    [orderId],
  );

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOrg(t, 'Referrals');
  aff = await addMember(t, owner.orgId, 'learner', { name: 'Affie' });
  friend = await addMember(t, owner.orgId, 'learner', { name: 'Friend' });
  buyer = await addMember(t, owner.orgId, 'learner', { name: 'Buyer' });
  learner = await addMember(t, owner.orgId, 'learner');
  stranger = await createOrg(t, 'Elsewhere');
  const instructor = await addMember(t, owner.orgId, 'instructor');
  course = await buildCourse(t, instructor, { title: 'Referred Course' });
  PLAN = (await createPlan(t, owner, { name: 'Pro monthly' })).id;
  foreignPlan = (await createPlan(t, stranger, { name: 'Theirs' })).id;
});
afterAll(() => t?.close());

describe('referral codes and affiliates', () => {
  it('any member gets their own code once; anonymous callers may not', async () => {
    expect((await t.http('GET', '/api/v1/affiliate/me', { as: aff, headers: aff.h() })).body.code).toBe('no_referral_code');
    const first = await t.http('POST', '/api/v1/affiliate/me', { as: aff, headers: aff.h() });
    expect(first.status, first.text).toBe(201);
    code = first.body.affiliate.code;
    codeId = first.body.affiliate.id;
    expect(code).toMatch(/^[0-9A-Z]{8}$/);
    expect(first.body).toMatchObject({ link: `${t.config.publicUrl}/api/v1/ref/${code}`, clicks: 0, conversions: 0, totals: [], affiliate: { status: 'member' } });
    const again = await t.http('POST', '/api/v1/affiliate/me', { as: aff, headers: aff.h() });
    expect(again.status).toBe(200);
    expect(again.body.affiliate.code).toBe(code);
    expect((await t.http('POST', '/api/v1/affiliate/me')).status).toBe(401);
    expect((await t.http('GET', '/api/v1/affiliate/me/ledger')).status).toBe(401);
  });

  it('members apply; only admins of the organization approve, set rates and rules', async () => {
    expect((await t.http('POST', '/api/v1/affiliate/me/apply', { as: aff, headers: aff.h() })).body.status).toBe('applied');
    expect((await t.http('GET', '/api/v1/affiliates', { as: learner, headers: learner.h() })).status).toBe(403);
    expect((await t.http('GET', '/api/v1/affiliates')).status).toBe(401);
    expect((await t.http('POST', `/api/v1/affiliates/${codeId}/approve`, { as: learner, headers: learner.h(), body: {} })).status).toBe(403);
    expect((await t.http('POST', `/api/v1/affiliates/${codeId}/approve`, { as: stranger, headers: stranger.h(), body: {} })).status).toBe(404);
    expect((await t.http('POST', `/api/v1/affiliates/${codeId}/approve`, { as: owner, headers: owner.h(), body: { commissionBp: 10_001 } })).status).toBe(400);
    const list = await t.http('GET', '/api/v1/affiliates?status=applied', { as: owner, headers: owner.h() });
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([codeId]);
    expect((await t.http('GET', '/api/v1/affiliates', { as: stranger, headers: stranger.h() })).body.items).toEqual([]);
    const ok = await t.http('POST', `/api/v1/affiliates/${codeId}/approve`, { as: owner, headers: owner.h(), body: {} });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ status: 'approved', commissionBp: null });

    // rules: 20% on the course, 10% default, 15% for a plan
    for (const body of [{ targetKind: 'course', targetId: course.id, commissionBp: -1 }, { targetKind: 'thing', targetId: course.id, commissionBp: 100 }]) {
      expect((await t.http('PUT', '/api/v1/affiliates/rules', { as: owner, headers: owner.h(), body })).status).toBe(400);
    }
    // an unknown or another organization's course or plan is refused, naming it; nothing is saved
    const foreignCourse = await buildCourse(t, stranger, { title: 'Not theirs to rule' });
    const ghost = uuidv7();
    for (const [as, targetKind, targetId] of [[owner, 'course', ghost], [owner, 'course', foreignCourse.id], [owner, 'plan', ghost], [owner, 'plan', foreignPlan], [stranger, 'course', course.id], [stranger, 'plan', PLAN]] as const) {
      const res = await t.http('PUT', '/api/v1/affiliates/rules', { as, headers: as.h(), body: { targetKind, targetId, commissionBp: 100 } });
      expect(res.status, `${targetKind} ${targetId}`).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: `unknown_${targetKind}`, errors: [{ field: 'body.targetId', message: `unknown ${targetKind} ${targetId}` }] });
      expect(res.body.detail).toContain(targetId);
    }
    expect((await t.http('PUT', '/api/v1/affiliates/rules', { as: learner, headers: learner.h(), body: { targetKind: 'course', targetId: course.id, commissionBp: 100 } })).status).toBe(403);
    expect(await count(t, 'SELECT count(*) AS n FROM commission_rules')).toBe(0);
    expect((await t.http('PUT', '/api/v1/affiliates/rules', { as: owner, headers: owner.h(), body: { targetKind: 'course', targetId: course.id, commissionBp: 2000 } })).status).toBe(200);
    expect((await t.http('PUT', '/api/v1/affiliates/rules', { as: owner, headers: owner.h(), body: { targetKind: 'plan', targetId: PLAN, commissionBp: 1500 } })).status).toBe(200);
    expect((await t.http('GET', '/api/v1/affiliates/rules', { as: owner, headers: owner.h() })).body.items).toHaveLength(2);
    expect((await t.http('GET', '/api/v1/affiliates/settings', { as: owner, headers: owner.h() })).body).toEqual({ cookieDays: 30, refundWindowDays: 30, defaultCommissionBp: 1000 });
  });
});

describe('attribution', () => {
  it('the link records a click, sets lyceum_ref for the cookie window and redirects', async () => {
    const res = await t.http('GET', `/api/v1/ref/${code.toLowerCase()}?to=/courses/${course.id}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/courses/${course.id}`);
    expect(String(res.headers['set-cookie'])).toMatch(new RegExp(`^lyceum_ref=${code}; Max-Age=${30 * 86_400}; Expires=[^;]+; Path=/; SameSite=Lax; HttpOnly`));
    // the organization shortens the window
    expect((await t.http('PUT', '/api/v1/affiliates/settings', { as: owner, headers: owner.h(), body: { cookieDays: 7, refundWindowDays: 30, defaultCommissionBp: 1000 } })).status).toBe(200);
    expect((await t.http('PUT', '/api/v1/affiliates/settings', { as: learner, headers: learner.h(), body: { cookieDays: 7, refundWindowDays: 30, defaultCommissionBp: 1000 } })).status).toBe(403);
    expect((await t.http('PUT', '/api/v1/affiliates/settings', { as: owner, headers: owner.h(), body: { cookieDays: 0, refundWindowDays: 30, defaultCommissionBp: 1000 } })).status).toBe(400);
    const home = await t.http('GET', `/api/v1/ref/${code}`);
    expect(home.headers.location).toBe('/');
    expect(String(home.headers['set-cookie'])).toContain(`Max-Age=${7 * 86_400};`);
    expect((await t.http('GET', '/api/v1/affiliate/me', { as: aff, headers: aff.h() })).body.clicks).toBe(2);
  });

  it('last click wins: a later link overwrites the code', async () => {
    const other = (await t.http('POST', '/api/v1/affiliate/me', { as: friend, headers: friend.h() })).body.affiliate.code as string;
    const res = await t.http('POST', `/api/v1/ref/${other}/visit?to=/`, { headers: { cookie: `lyceum_ref=${code}` } });
    expect(res.status).toBe(204);
    expect(String(res.headers['set-cookie'])).toMatch(new RegExp(`^lyceum_ref=${other};`));
  });

  it('refuses open redirects and malformed codes; unknown codes set nothing', async () => {
    for (const to of ['https://evil.example/', '//evil.example/', '/\\evil.example']) {
      const res = await t.http('GET', `/api/v1/ref/${code}?to=${encodeURIComponent(to)}`);
      expect(res.status, to).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect((await t.http('GET', '/api/v1/ref/a%20b')).status).toBe(400);
    const unknown = await t.http('GET', '/api/v1/ref/NOSUCHCODE');
    expect(unknown.status).toBe(302);
    expect(unknown.headers['set-cookie']).toBeUndefined();
    expect(await count(t, 'SELECT count(*) AS n FROM referral_clicks')).toBe(3);
  });
});

describe('commission ledger', () => {
  let paidOrder: ReturnType<typeof order>;

  it('OrderPaid with the code earns a commission per line: the course rule, else the default, on the net amount', async () => {
    paidOrder = order(buyer.userId, [line('course', course.id, 4999, 1000, 800), line('bundle', uuidv7(), 1999, 0, 0)]);
    await publish(OrderPaid, paidOrder);
    const rows = await entriesOf(paidOrder.orderId);
    expect(rows).toEqual([
      expect.objectContaining({ amount_minor: percentOf(3999, 2000), commission_bp: 2000, status: 'pending' }),
      expect.objectContaining({ amount_minor: percentOf(1999, 1000), commission_bp: 1000, status: 'pending' }),
    ]);
    expect(rows[0]!.amount_minor).toBe(800);
    expect(rows[1]!.amount_minor).toBe(200);
    // the same order again (a re-emitted event) changes nothing
    await publish(OrderPaid, paidOrder);
    expect(await entriesOf(paidOrder.orderId)).toHaveLength(2);
    const dash = (await t.http('GET', '/api/v1/affiliate/me', { as: aff, headers: aff.h() })).body;
    expect(dash).toMatchObject({ conversions: 1, totals: [{ currency: 'USD', pendingMinor: 1000, approvedMinor: 0, paidMinor: 0, reversedMinor: 0 }] });
    const ledger = await t.http('GET', '/api/v1/affiliate/me/ledger', { as: aff, headers: aff.h() });
    expect(ledger.body.items).toHaveLength(2);
    // the dashboard tells which rate applied to each line
    expect(ledger.body.items.map((e: { commissionBp: number; rateSource: string }) => [e.commissionBp, e.rateSource]).sort()).toEqual([
      [1000, 'default'],
      [2000, 'course'],
    ]);
  });

  it("refuses self-referral, and ignores another organization's orders and suspended codes", async () => {
    const own = order(aff.userId, [line('course', course.id, 5000, 0, 0)]);
    await publish(OrderPaid, own);
    expect(await entriesOf(own.orderId)).toEqual([expect.objectContaining({ status: 'refused', reason: 'self_referral', amount_minor: 0 })]);
    const foreign = order(stranger.userId, [line('course', uuidv7(), 5000, 0, 0)], { orgId: stranger.orgId });
    await publish(OrderPaid, foreign);
    expect(await entriesOf(foreign.orderId)).toEqual([]);
    const none = order(buyer.userId, [line('course', course.id, 5000, 0, 0)], { referralCode: null });
    await publish(OrderPaid, none);
    expect(await entriesOf(none.orderId)).toEqual([]);
    const dash = (await t.http('GET', '/api/v1/affiliate/me', { as: aff, headers: aff.h() })).body;
    expect(dash.conversions).toBe(1);
    expect(dash.totals[0].pendingMinor).toBe(1000);
  });

  it('a subscription charge earns the plan rule', async () => {
    const chargeId = uuidv7();
    await publish(SubscriptionPaymentSucceeded, {
      organizationId: owner.orgId, subscriptionId: uuidv7(), chargeId, userId: buyer.userId, planId: PLAN, currency: 'EUR', reason: 'initial',
      periodStart: new Date().toISOString(), periodEnd: new Date(Date.now() + 30 * DAY).toISOString(),
      lines: [{ description: 'Pro monthly', amountMinor: 1990, taxMinor: 0 }], netMinor: 1990, taxMinor: 0, totalMinor: 1990, referralCode: code, paidAt: new Date().toISOString(),
    });
    const [row] = await t.query<{ amount_minor: number; commission_bp: number; status: string }>('SELECT amount_minor, commission_bp, status FROM commission_entries WHERE source_id = $1', [chargeId]);
    expect(row).toEqual({ amount_minor: percentOf(1990, 1500), commission_bp: 1500, status: 'pending' });
    const [source] = await t.query<{ rate_source: string }>('SELECT rate_source FROM commission_entries WHERE source_id = $1', [chargeId]);
    expect(source!.rate_source).toBe('plan');
  });

  it('entries are approved by the cron job only after the refund window', async () => {
    expect(t.app.get(JobsService).registry.cronEntries().some((c) => c.job.name === 'affiliates.approve-due' && c.pattern === APPROVE_COMMISSIONS_CRON)).toBe(true);
    const ledger = t.app.get(LedgerService);
    expect(await ledger.approveDue(new Date(Date.now() + 29 * DAY))).toBe(0);
    expect(await ledger.approveDue(new Date(Date.now() + 31 * DAY))).toBe(3);
    expect(await count(t, "SELECT count(*) AS n FROM commission_entries WHERE status = 'approved'")).toBe(3);
    expect(await count(t, "SELECT count(*) AS n FROM commission_entries WHERE status = 'refused'")).toBe(1);
  });

  it('claws back exactly on partial refunds (cumulative) and reverses on a full refund', async () => {
    const o = order(buyer.userId, [line('course', course.id, 1999, 0, 0)]);
    await publish(OrderPaid, o);
    const commission = percentOf(1999, 2000); // 400
    const l = o.lines[0]!;
    const refund = (amount: number, full = false) =>
      publish(OrderRefunded, { organizationId: owner.orgId, orderId: o.orderId, refundId: uuidv7(), userId: buyer.userId, currency: 'USD', amountMinor: amount, full, lines: [{ lineId: l.lineId, amountMinor: amount, revokeAccess: full }], refundedAt: new Date().toISOString() });
    await refund(1000);
    expect((await entriesOf(o.orderId))[0]).toMatchObject({ amount_minor: commission, clawed_back_minor: 200, status: 'pending' }); // 400 × 1000/1999 = 200.1
    await refund(333);
    expect((await entriesOf(o.orderId))[0]).toMatchObject({ clawed_back_minor: 267, status: 'pending' }); // 400 × 1333/1999 = 266.7
    await refund(666);
    expect((await entriesOf(o.orderId))[0]).toMatchObject({ clawed_back_minor: commission, status: 'reversed' });

    const o2 = order(buyer.userId, [line('course', course.id, 3000, 0, 0), line('bundle', uuidv7(), 1000, 0, 0)]);
    await publish(OrderPaid, o2);
    const refundId = uuidv7();
    const full = { organizationId: owner.orgId, orderId: o2.orderId, refundId, userId: buyer.userId, currency: 'USD', amountMinor: 4000, full: true, lines: o2.lines.map((x) => ({ lineId: x.lineId, amountMinor: x.totalMinor, revokeAccess: true })), refundedAt: new Date().toISOString() };
    await publish(OrderRefunded, full);
    await publish(OrderRefunded, full); // the same refund again: nothing more
    expect((await entriesOf(o2.orderId)).map((r) => [r.status, r.amount_minor - r.clawed_back_minor])).toEqual([['reversed', 0], ['reversed', 0]]);
  });

  it('the payout report sums approved commission per affiliate and currency; paying marks the entries paid', async () => {
    expect((await t.http('GET', '/api/v1/affiliates/payouts/report', { as: learner, headers: learner.h() })).status).toBe(403);
    expect((await t.http('GET', '/api/v1/affiliates/payouts/report')).status).toBe(401);
    expect((await t.http('GET', '/api/v1/affiliates/payouts/report', { as: stranger, headers: stranger.h() })).body.items).toEqual([]);
    const report = await t.http('GET', '/api/v1/affiliates/payouts/report', { as: owner, headers: owner.h() });
    expect(report.body.items).toEqual([
      { codeId, code, name: 'Affie', email: aff.email, currency: 'EUR', amountMinor: 299, entries: 1 },
      { codeId, code, name: 'Affie', email: aff.email, currency: 'USD', amountMinor: 1000, entries: 2 },
    ]);
    const csv = await t.http('GET', '/api/v1/affiliates/payouts/report.csv', { as: owner, headers: owner.h() });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text).toBe(`affiliate_code,name,email,currency,amount_minor,amount,entries\r\n${code},Affie,${aff.email},EUR,299,2.99,1\r\n${code},Affie,${aff.email},USD,1000,10.00,2\r\n`);

    expect((await t.http('POST', `/api/v1/affiliates/${codeId}/payouts`, { as: stranger, headers: stranger.h(), body: { currency: 'USD' } })).status).toBe(404);
    expect((await t.http('POST', `/api/v1/affiliates/${codeId}/payouts`, { as: learner, headers: learner.h(), body: { currency: 'USD' } })).status).toBe(403);
    const headers = { ...owner.h(), 'idempotency-key': 'payout-usd-0001' };
    const paid = await t.http('POST', `/api/v1/affiliates/${codeId}/payouts`, { as: owner, headers, body: { currency: 'USD', reference: 'Wire 42' } });
    expect(paid.status, paid.text).toBe(201);
    expect(paid.body).toMatchObject({ amountMinor: 1000, entryCount: 2, currency: 'USD', reference: 'Wire 42' });
    const replay = await t.http('POST', `/api/v1/affiliates/${codeId}/payouts`, { as: owner, headers, body: { currency: 'USD', reference: 'Wire 42' } });
    expect(replay.body.id).toBe(paid.body.id);
    expect(await count(t, 'SELECT count(*) AS n FROM affiliate_payouts')).toBe(1);
    expect((await t.http('POST', `/api/v1/affiliates/${codeId}/payouts`, { as: owner, headers: owner.h(), body: { currency: 'USD' } })).body.code).toBe('nothing_to_pay');
    const dash = (await t.http('GET', '/api/v1/affiliate/me', { as: aff, headers: aff.h() })).body;
    expect(dash.totals.find((x: { currency: string }) => x.currency === 'USD')).toMatchObject({ approvedMinor: 0, paidMinor: 1000 });
  });

  it('a refund after payout adds a negative entry that the next payout nets', async () => {
    const l = paidOrder.lines[0]!; // commission 800 on a 4799 line, paid
    await publish(OrderRefunded, { organizationId: owner.orgId, orderId: paidOrder.orderId, refundId: uuidv7(), userId: buyer.userId, currency: 'USD', amountMinor: 2400, full: false, lines: [{ lineId: l.lineId, amountMinor: 2400, revokeAccess: false }], refundedAt: new Date().toISOString() });
    const rows = await entriesOf(paidOrder.orderId);
    expect(rows.find((r) => r.kind === 'refund')).toMatchObject({ amount_minor: -Math.round((800 * 2400) / 4799), status: 'approved' });
    expect(rows.filter((r) => r.kind === 'order').every((r) => r.status === 'paid')).toBe(true);
    const report = await t.http('GET', '/api/v1/affiliates/payouts/report', { as: owner, headers: owner.h() });
    expect(report.body.items.find((r: { currency: string }) => r.currency === 'USD')).toMatchObject({ amountMinor: -400 });
  });
});

describe('subscription charge refunds', () => {
  const subCharge = async (currency: string, netMinor: number, taxMinor: number) => {
    const e = {
      organizationId: owner.orgId, subscriptionId: uuidv7(), chargeId: uuidv7(), userId: buyer.userId, planId: PLAN, currency, reason: 'renewal' as const,
      periodStart: new Date().toISOString(), periodEnd: new Date(Date.now() + 30 * DAY).toISOString(),
      lines: [{ description: 'Pro monthly', amountMinor: netMinor, taxMinor }], netMinor, taxMinor, totalMinor: netMinor + taxMinor, referralCode: code, paidAt: new Date().toISOString(),
    };
    await publish(SubscriptionPaymentSucceeded, e);
    return e;
  };
  const refundOf = (c: Awaited<ReturnType<typeof subCharge>>, amountMinor: number, full = false) => ({
    organizationId: owner.orgId, subscriptionId: c.subscriptionId, chargeId: c.chargeId, refundId: uuidv7(), userId: buyer.userId, planId: PLAN, currency: c.currency, amountMinor, full, reason: 'cancel' as const, refundedAt: new Date().toISOString(),
  });
  const entryOf = async (chargeId: string) => (await t.query<{ amount_minor: number; clawed_back_minor: number; status: string }>('SELECT amount_minor, clawed_back_minor, status FROM commission_entries WHERE source_id = $1', [chargeId]))[0];

  it('claw back the commission in proportion, cumulatively and exactly, once per refund; a full refund reverses it', async () => {
    const c = await subCharge('USD', 1650, 349); // paid 1999
    const commission = percentOf(1650, 1500); // 248
    expect(await entryOf(c.chargeId)).toEqual({ amount_minor: commission, clawed_back_minor: 0, status: 'pending' });
    const first = refundOf(c, 1000);
    await publish(SubscriptionChargeRefunded, first);
    await publish(SubscriptionChargeRefunded, first); // redelivered: applied once
    expect(await entryOf(c.chargeId)).toMatchObject({ clawed_back_minor: 124, status: 'pending' }); // 248 × 1000/1999 = 124.06
    await publish(SubscriptionChargeRefunded, refundOf(c, 333));
    expect(await entryOf(c.chargeId)).toMatchObject({ clawed_back_minor: 165 }); // 248 × 1333/1999 = 165.4
    await publish(SubscriptionChargeRefunded, refundOf(c, 5000)); // more than was paid: capped at the commission
    expect(await entryOf(c.chargeId)).toEqual({ amount_minor: commission, clawed_back_minor: commission, status: 'reversed' });
    await publish(SubscriptionChargeRefunded, refundOf(c, 1, true));
    expect(await entryOf(c.chargeId)).toEqual({ amount_minor: commission, clawed_back_minor: commission, status: 'reversed' });

    const whole = await subCharge('USD', 990, 0);
    await publish(SubscriptionChargeRefunded, refundOf(whole, 990, true));
    expect(await entryOf(whole.chargeId)).toEqual({ amount_minor: percentOf(990, 1500), clawed_back_minor: percentOf(990, 1500), status: 'reversed' });
    // another organization's event names a charge here: nothing changes
    const other = await subCharge('USD', 2000, 0);
    await publish(SubscriptionChargeRefunded, { ...refundOf(other, 2000, true), organizationId: stranger.orgId });
    expect(await entryOf(other.chargeId)).toMatchObject({ clawed_back_minor: 0, status: 'pending' });
  });

  it('a refund after payout adds a negative entry for its share; the shares never add up to more than the commission', async () => {
    const c = await subCharge('GBP', 3001, 0);
    const commission = percentOf(3001, 1500); // 450
    await t.app.get(LedgerService).approveDue(new Date(Date.now() + 31 * DAY));
    const paid = await t.http('POST', `/api/v1/affiliates/${codeId}/payouts`, { as: owner, headers: owner.h(), body: { currency: 'GBP', reference: 'GBP run' } });
    expect(paid.status, paid.text).toBe(201);
    expect(paid.body.amountMinor).toBe(commission);
    for (const amount of [1000, 1000, 1000, 1]) await publish(SubscriptionChargeRefunded, refundOf(c, amount, amount === 1));
    const rows = await t.query<{ amount_minor: number; kind: string; status: string }>("SELECT amount_minor, kind, status FROM commission_entries WHERE line_key = (SELECT id FROM commission_entries WHERE source_id = $1) ORDER BY id", [c.chargeId]);
    // 450 × 1000/3001 = 149.95, × 2000/3001 = 299.9, × 3000/3001 = 449.85, then the whole 450
    expect(rows.map((r) => [r.kind, r.status, r.amount_minor])).toEqual([['refund', 'approved', -150], ['refund', 'approved', -150], ['refund', 'approved', -150]]);
    expect(rows.reduce((s, r) => s - r.amount_minor, 0)).toBe(commission);
    expect((await entryOf(c.chargeId))!.status).toBe('paid');
    const report = await t.http('GET', '/api/v1/affiliates/payouts/report', { as: owner, headers: owner.h() });
    expect(report.body.items.find((r: { currency: string }) => r.currency === 'GBP')).toMatchObject({ amountMinor: -commission });
  });
});

describe('commission rules', () => {
  it('only the organization admins delete a rule; the default rate applies again, and an own rate beats both', async () => {
    const other = await buildCourse(t, owner, { title: 'Rules course' });
    const put = await t.http('PUT', '/api/v1/affiliates/rules', { as: owner, headers: owner.h(), body: { targetKind: 'course', targetId: other.id, commissionBp: 3300 } });
    expect(put.status, put.text).toBe(200);
    const ruleId = put.body.id as string;
    expect((await t.http('DELETE', `/api/v1/affiliates/rules/${ruleId}`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('DELETE', `/api/v1/affiliates/rules/${ruleId}`, { as: learner, headers: learner.h() })).status).toBe(403);
    expect((await t.http('DELETE', `/api/v1/affiliates/rules/${ruleId}`)).status).toBe(401);
    expect((await t.http('GET', '/api/v1/affiliates/rules', { as: owner, headers: owner.h() })).body.items.map((r: { id: string }) => r.id)).toContain(ruleId);
    const ruled = order(buyer.userId, [line('course', other.id, 1000, 0, 0)]);
    await publish(OrderPaid, ruled);
    expect(await entriesOf(ruled.orderId)).toEqual([expect.objectContaining({ commission_bp: 3300 })]);

    expect((await t.http('DELETE', `/api/v1/affiliates/rules/${ruleId}`, { as: owner, headers: owner.h() })).status).toBe(204);
    expect((await t.http('DELETE', `/api/v1/affiliates/rules/${ruleId}`, { as: owner, headers: owner.h() })).status).toBe(404);
    const after = order(buyer.userId, [line('course', other.id, 1000, 0, 0)]);
    await publish(OrderPaid, after);
    const [row] = await t.query<{ commission_bp: number; rate_source: string }>('SELECT commission_bp, rate_source FROM commission_entries WHERE order_id = $1', [after.orderId]);
    expect(row).toEqual({ commission_bp: 1000, rate_source: 'default' });

    expect((await t.http('POST', `/api/v1/affiliates/${codeId}/approve`, { as: owner, headers: owner.h(), body: { commissionBp: 2500 } })).status).toBe(200);
    const own = order(buyer.userId, [line('course', course.id, 1000, 0, 0)]);
    await publish(OrderPaid, own);
    const [mine] = await t.query<{ commission_bp: number; rate_source: string }>('SELECT commission_bp, rate_source FROM commission_entries WHERE order_id = $1', [own.orderId]);
    expect(mine).toEqual({ commission_bp: 2500, rate_source: 'affiliate' });
  });
});
