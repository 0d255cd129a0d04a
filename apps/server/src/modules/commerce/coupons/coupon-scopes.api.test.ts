import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type Member } from '../../learning/enrollment/enrollment.fixtures.js';
import { createPlan, idem } from '../billing/billing.fixtures.js';
import { addToCart, CARD_OK, createCoupon, ok, setPrices } from '../commerce.fixtures.js';

let t: TestApp;
let admin: Member;
let stranger: Member;
let design: BuiltCourse;
let design2: BuiltCourse;
let coding: BuiltCourse;
let clockId: string;

const START = '2026-03-01T12:00:00.000Z';

async function categorize(c: BuiltCourse, category: string) {
  ok(await t.http('PATCH', `/api/v1/courses/${c.id}`, { as: admin, headers: admin.h(), body: { category } }), 200, 'set category');
  ok(await t.http('POST', `/api/v1/courses/${c.id}/publish`, { as: admin, headers: admin.h() }), 200, 'republish');
}

const quote = async (who: Member, couponCodes: string[] = []) => ok(await t.http('POST', '/api/v1/checkout/quote', { as: who, headers: who.h(), body: { couponCodes } }), 200).body;

async function subscribeWith(who: Member, planId: string, couponCode?: string) {
  return t.http('POST', '/api/v1/subscriptions', {
    as: who,
    headers: { ...who.h(), 'idempotency-key': idem() },
    body: { planId, paymentMethod: { type: 'manual_card', cardNumber: CARD_OK }, ...(couponCode ? { couponCode } : {}) },
  });
}
const chargesOf = async (who: Member, subId: string) =>
  ok(await t.http('GET', `/api/v1/subscriptions/${subId}/charges?limit=50`, { as: who, headers: who.h() }), 200).body.items as { reason: string; amountMinor: number; lines: { description: string; amountMinor: number }[] }[];

beforeAll(async () => {
  t = await createTestApp();
  admin = await createOrg(t, 'Scoped Shop');
  stranger = await createOrg(t, 'Elsewhere');
  design = await buildCourse(t, admin, { title: 'Typography', isFree: false });
  design2 = await buildCourse(t, admin, { title: 'Colour', isFree: false });
  coding = await buildCourse(t, admin, { title: 'Rust', isFree: false });
  await categorize(design, 'Design');
  await categorize(design2, 'Design');
  await categorize(coding, 'Programming');
  for (const c of [design, design2, coding]) await setPrices(t, admin, c, { USD: 10000 });
  clockId = ok(await t.http('POST', '/api/v1/billing/test-clocks', { as: admin, headers: admin.h(), body: { name: 'Coupons', frozenTime: START } }), 201).body.id;
});
afterAll(async () => t?.close());

describe('coupons scoped to categories', () => {
  it('takes off only the lines of courses in the chosen categories', async () => {
    await createCoupon(t, admin, { code: 'DESIGN25', kind: 'percent', percentBasisPoints: 2500, scope: 'categories', scopeCategories: ['Design'] });
    const buyer = await addMember(t, admin.orgId, 'learner');
    ok(await addToCart(t, buyer, design.id), 201);
    ok(await addToCart(t, buyer, coding.id), 201);
    const q = await quote(buyer, ['DESIGN25']);
    expect(q).toMatchObject({ subtotalMinor: 20000, discountMinor: 2500, coupons: [{ code: 'DESIGN25', discountMinor: 2500 }] });
    const byRef = Object.fromEntries(q.lines.map((l: { refId: string; discountMinor: number }) => [l.refId, l.discountMinor]));
    expect(byRef).toEqual({ [design.id]: 2500, [coding.id]: 0 });

    const onlyCoding = await addMember(t, admin.orgId, 'learner');
    ok(await addToCart(t, onlyCoding, coding.id), 201);
    expect((await quote(onlyCoding, ['DESIGN25'])).rejectedCoupons).toEqual([{ code: 'DESIGN25', reason: 'This coupon does not apply to anything in your cart.' }]);
  });

  it('an automatic promotion on a category applies during its window only', async () => {
    const now = Date.now();
    const promo = await createCoupon(t, admin, {
      name: 'Design week',
      automatic: true,
      kind: 'percent',
      percentBasisPoints: 2000,
      scope: 'categories',
      scopeCategories: ['Design'],
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 7 * 86_400_000).toISOString(),
    });
    const buyer = await addMember(t, admin.orgId, 'learner');
    ok(await addToCart(t, buyer, design2.id), 201);
    ok(await addToCart(t, buyer, coding.id), 201);
    expect(await quote(buyer)).toMatchObject({ discountMinor: 2000, coupons: [{ code: null, name: 'Design week', discountMinor: 2000 }] });

    const later = { name: 'Design week', automatic: true, kind: 'percent', percentBasisPoints: 2000, scope: 'categories', scopeCategories: ['Design'], startsAt: new Date(now + 86_400_000).toISOString(), endsAt: new Date(now + 8 * 86_400_000).toISOString() };
    ok(await t.http('PUT', `/api/v1/coupons/${promo.id}`, { as: admin, headers: admin.h(), body: later }), 200);
    expect(await quote(buyer)).toMatchObject({ discountMinor: 0, coupons: [] });
    ok(await t.http('PUT', `/api/v1/coupons/${promo.id}`, { as: admin, headers: admin.h(), body: { ...later, active: false } }), 200);
  });

  it('refuses a category scope without categories, and categories on another scope, with field errors', async () => {
    const before = await count(t, 'SELECT count(*) AS n FROM coupons');
    const none = await t.http('POST', '/api/v1/coupons', { as: admin, headers: admin.h(), body: { name: 'X', code: 'NOCATS', kind: 'free', scope: 'categories' } });
    expect(none.status).toBe(400);
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(none.body)).toContain('scopeCategories');
    const mixed = await t.http('POST', '/api/v1/coupons', { as: admin, headers: admin.h(), body: { name: 'X', code: 'MIXED', kind: 'free', scope: 'all', scopeCategories: ['Design'] } });
    expect(mixed.status).toBe(400);
    const repeatingCourse = await t.http('POST', '/api/v1/coupons', { as: admin, headers: admin.h(), body: { name: 'X', code: 'REPEATC', kind: 'free', duration: 'repeating', durationMonths: 3 } });
    expect(repeatingCourse.status).toBe(400);
    expect(await count(t, 'SELECT count(*) AS n FROM coupons')).toBe(before);
  });
});

describe('coupons scoped to plans', () => {
  it('a repeating plan coupon discounts the first charges it covers, is recorded as a redemption, then stops', async () => {
    const plan = await createPlan(t, admin, { name: 'Monthly', interval: 'month', prices: [{ currency: 'USD', amountMinor: 2000 }], scope: 'catalog' });
    const other = await createPlan(t, admin, { name: 'Other', interval: 'month', prices: [{ currency: 'USD', amountMinor: 3000 }], scope: 'catalog' });
    const coupon = await createCoupon(t, admin, { code: 'TWOMONTHS', kind: 'percent', percentBasisPoints: 5000, scope: 'plans', scopeIds: [plan.id], duration: 'repeating', durationMonths: 2 });
    const sub = await addMember(t, admin.orgId, 'learner');

    const wrongPlan = await subscribeWith(sub, other.id, 'TWOMONTHS');
    expect(wrongPlan.status).toBe(400);
    expect(wrongPlan.body).toMatchObject({ code: 'coupon_not_applicable' });
    expect(JSON.stringify(wrongPlan.body)).toContain('couponCode');
    expect(await count(t, `SELECT count(*) AS n FROM subscriptions WHERE user_id = '${sub.userId}'`)).toBe(0);

    const res = ok(await subscribeWith(sub, plan.id, 'twomonths'), 201);
    expect(res.body.discount).toEqual({ name: 'Coupon', chargesLeft: 1 });
    const first = await chargesOf(sub, res.body.id);
    expect(first.map((c) => c.amountMinor)).toEqual([1000]);
    expect(first[0]!.lines).toEqual([expect.objectContaining({ amountMinor: 2000 }), expect.objectContaining({ description: 'Coupon: Coupon', amountMinor: -1000 })]);

    const redemptions = ok(await t.http('GET', `/api/v1/coupons/${coupon.id}/redemptions`, { as: admin, headers: admin.h() }), 200).body.items;
    expect(redemptions).toEqual([expect.objectContaining({ subscriptionId: res.body.id, orderId: null, userId: sub.userId, discountMinor: 1000, currency: 'USD' })]);
    expect(ok(await t.http('GET', `/api/v1/coupons/${coupon.id}`, { as: admin, headers: admin.h() }), 200).body.usedCount).toBe(1);

    for (let i = 0; i < 3; i++) ok(await t.http('POST', `/api/v1/billing/test-clocks/${clockId}/advance`, { as: admin, headers: admin.h(), body: { days: 31 } }), 200);
    await t.drain();
    const all = await chargesOf(sub, res.body.id);
    // newest first: two full renewals after the second (discounted) charge
    expect(all.map((c) => c.amountMinor)).toEqual([2000, 2000, 1000, 1000]);
    expect(ok(await t.http('GET', `/api/v1/subscriptions/${res.body.id}`, { as: sub, headers: sub.h() }), 200).body.discount).toBeNull();
  });

  it('limits hold for plan coupons: two racing for the last use, one wins and the other is refused without a redemption', async () => {
    const plan = await createPlan(t, admin, { name: 'Yearly', interval: 'year', prices: [{ currency: 'USD', amountMinor: 12000 }], scope: 'catalog' });
    await createCoupon(t, admin, { code: 'FIRSTYEAR', kind: 'fixed', amountMinor: 2000, currency: 'USD', scope: 'plans', scopeIds: [plan.id], usageLimit: 1 });
    const a = await addMember(t, admin.orgId, 'learner');
    const b = await addMember(t, admin.orgId, 'learner');
    const [ra, rb] = await Promise.all([subscribeWith(a, plan.id, 'FIRSTYEAR'), subscribeWith(b, plan.id, 'FIRSTYEAR')]);
    const statuses = [ra.status, rb.status].sort();
    expect(statuses).toEqual([201, 400]);
    const loser = ra.status === 400 ? ra : rb;
    expect(loser.body).toMatchObject({ code: 'coupon_not_applicable', detail: 'This coupon has been used up.' });
    expect(await count(t, `SELECT count(*) AS n FROM coupon_redemptions r JOIN coupons c ON c.id = r.coupon_id WHERE c.code = 'FIRSTYEAR'`)).toBe(1);
    const winner = ra.status === 201 ? ra : rb;
    expect((await chargesOf(ra.status === 201 ? a : b, winner.body.id)).map((c) => c.amountMinor)).toEqual([10000]);
  });

  it('a stranger cannot use or see another organization’s plan coupons', async () => {
    const plan = await createPlan(t, admin, { name: 'Private', interval: 'month', prices: [{ currency: 'USD', amountMinor: 500 }], scope: 'catalog' });
    const coupon = await createCoupon(t, admin, { code: 'INSIDERS', kind: 'free', scope: 'plans', scopeIds: [plan.id] });
    expect((await t.http('GET', `/api/v1/coupons/${coupon.id}`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('GET', `/api/v1/coupons/${coupon.id}/redemptions`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    const theirs = await createPlan(t, stranger, { name: 'Theirs', interval: 'month', prices: [{ currency: 'USD', amountMinor: 500 }], scope: 'catalog' });
    const res = await subscribeWith(stranger, theirs.id, 'INSIDERS');
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('There is no such coupon code.');
    expect((await subscribeWith(stranger, plan.id, 'INSIDERS')).status).toBe(404);
  });
});
