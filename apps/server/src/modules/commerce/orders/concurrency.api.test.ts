import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnrollmentService } from '../../learning/enrollment/index.js';
import { buildCourse, type BuiltCourse, createOrg, type Member, pendingJobs, signUp } from '../../learning/enrollment/enrollment.fixtures.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addToCart, checkout, createCoupon, enrollmentStatus, ok, setPrices } from '../commerce.fixtures.js';

let t: TestApp;
let admin: Member;
let stranger: Member;
let course: BuiltCourse;
let second: BuiltCourse;

beforeAll(async () => {
  t = await createTestApp({ DATABASE_POOL_MAX: '12' });
  admin = await createOrg(t, 'Race');
  stranger = await createOrg(t, 'Other');
  course = await buildCourse(t, admin, { title: 'Popular', isFree: false });
  second = await buildCourse(t, admin, { title: 'Second', isFree: false });
  await setPrices(t, admin, course, { USD: 2000 });
  await setPrices(t, admin, second, { USD: 1500 });
});
afterAll(async () => t?.close());

describe('concurrent checkouts', () => {
  it('buyers racing for the last uses of a coupon: exactly `limit` win, the rest are refused and nothing is charged for them', async () => {
    const limit = 2;
    const coupon = await createCoupon(t, admin, { code: 'LASTTWO', kind: 'percent', percentBasisPoints: 5000, usageLimit: limit });
    const buyers = await Promise.all(Array.from({ length: 6 }, (_, i) => signUp(t, `racer${i}`)));
    for (const b of buyers) ok(await addToCart(t, b, course.id), 201);
    const results = await Promise.all(buyers.map((b) => checkout(t, b, { couponCodes: ['LASTTWO'] })));
    const won = results.filter((r) => r.status === 201);
    const lost = results.filter((r) => r.status !== 201);
    expect(won).toHaveLength(limit);
    for (const r of won) expect(r.body).toMatchObject({ status: 'paid', discountMinor: 1000 });
    for (const r of lost) {
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('coupon_rejected');
      expect(r.body.detail).toContain('used up');
    }
    expect(ok(await t.http('GET', `/api/v1/coupons/${coupon.id}`, { as: admin, headers: admin.h() }), 200).body.usedCount).toBe(limit);
    const [red] = await t.query<{ n: string }>('SELECT count(*) n FROM coupon_redemptions WHERE coupon_id = $1', [coupon.id]);
    expect(Number(red!.n)).toBe(limit);
    const [orders] = await t.query<{ n: string }>('SELECT count(*) n FROM orders WHERE user_id = ANY($1)', [buyers.map((b) => b.userId)]);
    expect(Number(orders!.n)).toBe(limit);
    const redemptions = ok(await t.http('GET', `/api/v1/coupons/${coupon.id}/redemptions`, { as: admin, headers: admin.h() }), 200).body;
    expect(redemptions.items).toHaveLength(limit);
    expect((await t.http('GET', `/api/v1/coupons/${coupon.id}/redemptions`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('GET', `/api/v1/coupons/${coupon.id}/redemptions`)).status).toBe(401);
  });

  it('numbers invoices gap-free per organization under concurrent payments', async () => {
    const before = await t.query<{ sequence: number }>('SELECT sequence FROM invoices WHERE organization_id = $1', [admin.orgId]);
    const buyers = await Promise.all(Array.from({ length: 8 }, (_, i) => signUp(t, `inv${i}`)));
    for (const b of buyers) ok(await addToCart(t, b, second.id), 201);
    const results = await Promise.all(buyers.map((b) => checkout(t, b)));
    for (const r of results) expect(r.status, r.text).toBe(201);
    const rows = await t.query<{ sequence: number; number: string }>('SELECT sequence, number FROM invoices WHERE organization_id = $1 ORDER BY sequence', [admin.orgId]);
    expect(rows.map((r) => r.sequence)).toEqual(Array.from({ length: before.length + 8 }, (_, i) => i + 1));
    expect(rows.at(-1)!.number).toBe(`INV-${String(before.length + 8).padStart(6, '0')}`);
    // another organization starts at 1
    const theirs = await buildCourse(t, stranger, { title: 'Theirs', isFree: false });
    await setPrices(t, stranger, theirs, { USD: 700 });
    const b = await signUp(t, 'other-buyer');
    ok(await addToCart(t, b, theirs.id), 201);
    expect(ok(await checkout(t, b), 201).body.invoice.number).toBe('INV-000001');
  });

  it('a crash mid-fulfillment retries and still grants each course exactly once', async () => {
    const bundle = ok(await t.http('POST', '/api/v1/bundles', { as: admin, headers: admin.h(), body: { title: 'Both', courseIds: [course.id, second.id], currency: 'USD', amountMinor: 3000 } }), 201).body;
    const buyer = await signUp(t, 'crash');
    ok(await addToCart(t, buyer, bundle.id, 'bundle'), 201);
    await t.drain(); // the earlier tests' fulfillments, so the crash below hits this order
    const enrollment = t.app.get(EnrollmentService);
    const original = enrollment.grantAccess.bind(enrollment);
    let calls = 0;
    enrollment.grantAccess = async (tx, input) => {
      const r = await original(tx, input);
      if (++calls === 1) throw new Error('simulated crash after the first grant');
      return r;
    };
    try {
      const order = ok(await checkout(t, buyer), 201).body;
      await t.drain();
      const failed = await pendingJobs(t, 'event:order.paid:orders.fulfill');
      expect(failed).toHaveLength(1);
      expect(failed[0]!.last_error).toContain('simulated crash');
      expect(await enrollmentStatus(t, buyer.userId, course.id)).toBeNull();
      await t.query("UPDATE graphile_worker._private_jobs SET run_at = now() WHERE task_id = (SELECT id FROM graphile_worker._private_tasks WHERE identifier = 'event:order.paid:orders.fulfill')");
      await t.drain();
      expect(await pendingJobs(t, 'event:order.paid:orders.fulfill')).toHaveLength(0);
      const [n] = await t.query<{ n: string }>('SELECT count(*) n FROM enrollments WHERE user_id = $1', [buyer.userId]);
      expect(Number(n!.n)).toBe(2);
      const grants = await t.query<{ granted: boolean }>('SELECT g.granted FROM order_line_grants g JOIN order_lines l ON l.id = g.line_id WHERE l.order_id = $1', [order.id]);
      expect(grants).toEqual([{ granted: true }, { granted: true }]);
      expect(ok(await t.http('GET', `/api/v1/orders/${order.id}`, { headers: buyer.headers() }), 200).body.status).toBe('fulfilled');
    } finally {
      enrollment.grantAccess = original;
    }
  });
});
