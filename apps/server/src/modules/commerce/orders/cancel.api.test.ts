import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, createOrg, type Member } from '../../learning/enrollment/enrollment.fixtures.js';
import { addToCart, checkout, createCoupon, newKey, ok, setPrices } from '../commerce.fixtures.js';
import { pendingCheckout } from './orders.fixtures.js';
import { invoicePdfStatus } from '../invoices/invoices.service.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { EXPIRE_PENDING_ORDERS_CRON } from './orders.jobs.js';
import { OrdersService } from './orders.service.js';

let t: TestApp;
let admin: Member;
let stranger: Member;
let course: BuiltCourse;
let other: BuiltCourse;

beforeAll(async () => {
  t = await createTestApp();
  admin = await createOrg(t, 'Cancel Shop');
  stranger = await createOrg(t, 'Elsewhere');
  course = await buildCourse(t, admin, { title: 'Pending Course', isFree: false });
  other = await buildCourse(t, admin, { title: 'Refunded Course', isFree: false });
  await setPrices(t, admin, course, { USD: 4000 });
  await setPrices(t, admin, other, { USD: 6000 });
});
afterAll(async () => t?.close());

describe('canceling a pending order', () => {
  it('the buyer cancels it and its coupon use is given back; nobody else can; a paid order cannot be canceled', async () => {
    const coupon = await createCoupon(t, admin, { code: 'LASTONE', kind: 'percent', percentBasisPoints: 1000, usageLimit: 1 });
    const buyer = await addMember(t, admin.orgId, 'learner');
    ok(await addToCart(t, buyer, course.id), 201);
    const order = await pendingCheckout(t, buyer, { couponCodes: ['LASTONE'] });
    expect(order.status).toBe('pending');
    expect(ok(await t.http('GET', `/api/v1/coupons/${coupon.id}`, { as: admin, headers: admin.h() }), 200).body.usedCount).toBe(1);

    const url = `/api/v1/orders/${order.id}/cancel`;
    expect((await t.http('POST', url)).status).toBe(401);
    expect((await t.http('POST', url, { as: stranger, headers: stranger.h() })).status).toBe(404);
    const someoneElse = await addMember(t, admin.orgId, 'learner');
    expect((await t.http('POST', url, { as: someoneElse, headers: someoneElse.h() })).status).toBe(404);
    expect(ok(await t.http('GET', `/api/v1/orders/${order.id}`, { as: buyer, headers: buyer.h() }), 200).body.status).toBe('pending');

    const canceled = ok(await t.http('POST', url, { as: buyer, headers: buyer.h() }), 200).body;
    expect(canceled.status).toBe('canceled');
    expect(ok(await t.http('GET', `/api/v1/coupons/${coupon.id}`, { as: admin, headers: admin.h() }), 200).body.usedCount).toBe(0);
    const again = await t.http('POST', url, { as: buyer, headers: buyer.h() });
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.body.code).toBe('order_not_pending');

    // the use given back can be taken by the next buyer
    const next = await addMember(t, admin.orgId, 'learner');
    ok(await addToCart(t, next, course.id), 201);
    const paid = ok(await checkout(t, next, { couponCodes: ['LASTONE'] }), 201).body;
    expect(paid.status).toBe('paid');
    const refused = await t.http('POST', `/api/v1/orders/${paid.id}/cancel`, { as: next, headers: next.h() });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('order_not_pending');
  });
});

describe('pending orders expire', () => {
  it('an unpaid order older than ORDER_PENDING_MINUTES is canceled by the cron job and its coupon use given back', async () => {
    expect(t.app.get(JobsService).registry.cronEntries().some((c) => c.job.name === 'orders.expire-pending' && c.pattern === EXPIRE_PENDING_ORDERS_CRON)).toBe(true);
    const coupon = await createCoupon(t, admin, { code: 'EXPIRING', kind: 'percent', percentBasisPoints: 1000, usageLimit: 5 });
    const buyer = await addMember(t, admin.orgId, 'learner');
    ok(await addToCart(t, buyer, course.id), 201);
    const order = await pendingCheckout(t, buyer, { couponCodes: ['EXPIRING'] });
    const svc = t.app.get(OrdersService);
    // not old enough yet
    expect(await svc.expirePending(new Date(Date.now() - 60 * 60_000))).toBe(0);
    expect(await svc.expirePending(new Date(Date.now() + 60_000))).toBe(1);
    const got = ok(await t.http('GET', `/api/v1/orders/${order.id}`, { as: buyer, headers: buyer.h() }), 200).body;
    expect(got.status).toBe('canceled');
    expect(ok(await t.http('GET', `/api/v1/coupons/${coupon.id}`, { as: admin, headers: admin.h() }), 200).body.usedCount).toBe(0);
  });
});

describe('invoice status follows refunds', () => {
  it('paid, then partially refunded, then refunded', async () => {
    const buyer = await addMember(t, admin.orgId, 'learner');
    ok(await addToCart(t, buyer, other.id), 201);
    const order = ok(await checkout(t, buyer), 201).body;
    await t.drain();
    const invoice = async () => (ok(await t.http('GET', '/api/v1/me/invoices', { as: buyer, headers: buyer.h() }), 200).body.items as { sourceId: string; status: string; refundedMinor: number; pdfPath: string }[]).find((i) => i.sourceId === order.id)!;
    expect(await invoice()).toMatchObject({ status: 'paid', refundedMinor: 0 });

    const refund = (body: Record<string, unknown>) => t.http('POST', `/api/v1/orders/${order.id}/refunds`, { as: admin, headers: { ...admin.h(), 'idempotency-key': newKey() }, body });
    ok(await refund({ amountMinor: 1000 }), 201);
    await t.drain();
    expect(await invoice()).toMatchObject({ status: 'partially_refunded', refundedMinor: 1000 });
    ok(await refund({}), 201);
    await t.drain();
    const full = await invoice();
    expect(full).toMatchObject({ status: 'refunded', refundedMinor: order.totalMinor });
    expect((await t.http('GET', full.pdfPath, { as: buyer, headers: buyer.h() })).text.startsWith('%PDF-')).toBe(true);
    expect((await t.http('GET', full.pdfPath, { as: stranger, headers: stranger.h() })).status).toBe(404);
  });

  it('the PDF status line names the real state', () => {
    expect(invoicePdfStatus({ totalMinor: 6000, refundedMinor: 0, currency: 'USD' })).toBe('Paid');
    expect(invoicePdfStatus({ totalMinor: 6000, refundedMinor: 1000, currency: 'USD' })).toMatch(/^Partially refunded \(.*10\.00/);
    expect(invoicePdfStatus({ totalMinor: 6000, refundedMinor: 6000, currency: 'USD' })).toBe('Refunded');
  });
});
