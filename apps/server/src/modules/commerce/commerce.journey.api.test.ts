import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, createOrg, type Member } from '../learning/enrollment/enrollment.fixtures.js';
import { addToCart, CARD_OK, enrollmentStatus, newKey, ok, setPrices, US_ADDRESS } from './commerce.fixtures.js';

/*
 * Issue 6, done-when 3, across the commerce submodules: a purchase attributed to a referral link
 * earns the affiliate a commission (orders → OrderPaid → affiliates); refunding it removes the
 * buyer's access (fulfillment) and claws the commission back (OrderRefunded → affiliates).
 */
let t: TestApp;
let admin: Member;
let affiliate: Member;
let buyer: Member;
let course: BuiltCourse;

beforeAll(async () => {
  t = await createTestApp();
  admin = await createOrg(t, 'Referral Shop');
  const instructor = await addMember(t, admin.orgId, 'instructor');
  affiliate = await addMember(t, admin.orgId, 'learner', { name: 'Affie' });
  buyer = await addMember(t, admin.orgId, 'learner', { name: 'Bea Buyer' });
  course = await buildCourse(t, instructor, { title: 'Referred Course', isFree: false });
  await setPrices(t, instructor, course, { USD: 5000 });
});
afterAll(() => t?.close());

describe('a referred purchase, then its refund', () => {
  it('pays the affiliate 10% of the net line, then the refund revokes access and claws the commission back', async () => {
    const code = ok(await t.http('POST', '/api/v1/affiliate/me', { as: affiliate, headers: affiliate.h() }), 201).body.affiliate.code as string;
    // the buyer follows the referral link: the cookie the checkout reads
    const click = await t.http('GET', `/api/v1/ref/${code}?to=/courses/${course.id}`);
    expect(click.status).toBe(302);
    const cookie = String(click.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toBe(`lyceum_ref=${code}`);

    ok(await addToCart(t, buyer, course.id), 201);
    const paid = await t.http('POST', '/api/v1/checkout', {
      headers: { ...buyer.h(), cookie: [buyer.h().cookie, cookie].filter(Boolean).join('; '), 'idempotency-key': newKey() },
      body: { billingAddress: US_ADDRESS, paymentMethod: { type: 'manual_card', cardNumber: CARD_OK } },
    });
    expect(paid.status, paid.text).toBe(201);
    const order = paid.body as { id: string; totalMinor: number };
    await t.drain();
    expect(await enrollmentStatus(t, buyer.userId, course.id)).toBe('active');
    const earned = await t.query<{ amount_minor: number; base_minor: number; status: string }>('SELECT amount_minor, base_minor, status FROM commission_entries WHERE order_id = $1', [order.id]);
    expect(earned).toEqual([{ amount_minor: 500, base_minor: 5000, status: 'pending' }]);

    ok(await t.http('POST', `/api/v1/orders/${order.id}/refunds`, { as: admin, headers: admin.h(), body: { reason: 'changed my mind' } }), 201);
    await t.drain();
    expect(await enrollmentStatus(t, buyer.userId, course.id)).toBe('revoked');
    const [net] = await t.query<{ n: number }>('SELECT coalesce(sum(amount_minor), 0)::int AS n FROM commission_entries WHERE order_id = $1 AND status <> $2', [order.id, 'reversed']);
    expect(net!.n).toBe(0);
    const dash = ok(await t.http('GET', '/api/v1/affiliate/me', { as: affiliate, headers: affiliate.h() }), 200).body as { clicks: number };
    expect(dash.clicks).toBe(1);
  });
});
