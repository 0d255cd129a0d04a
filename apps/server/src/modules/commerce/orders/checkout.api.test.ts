import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, buildCourse, type BuiltCourse, createOrg, type Member, signUp } from '../../learning/enrollment/enrollment.fixtures.js';
import { createTestApp, type Session, type TestApp } from '../../../test/harness.js';
import { addToCart, CARD_DECLINED, checkout, createCoupon, enrollmentStatus, newKey, ok, setPrices, US_ADDRESS } from '../commerce.fixtures.js';

let t: TestApp;
let admin: Member;
let instructor: Member;
let stranger: Member;
let c1: BuiltCourse;
let c2: BuiltCourse;
let c3: BuiltCourse;

const asMember = (s: Session) => ({ ...s, orgId: '', h: () => s.headers() });

beforeAll(async () => {
  t = await createTestApp();
  admin = await createOrg(t, 'Shop');
  instructor = await addMember(t, admin.orgId, 'instructor');
  stranger = await createOrg(t, 'Elsewhere');
  c1 = await buildCourse(t, instructor, { title: 'Algebra', isFree: false });
  c2 = await buildCourse(t, instructor, { title: 'Geometry', isFree: false });
  c3 = await buildCourse(t, instructor, { title: 'Calculus', isFree: false });
  await setPrices(t, instructor, c1, { USD: 4999, EUR: 4500 });
  await setPrices(t, instructor, c2, { USD: 2999, EUR: 2700 });
  await setPrices(t, instructor, c3, { USD: 1000, EUR: 900 });
  ok(await t.http('POST', '/api/v1/tax-rates', { as: admin, headers: admin.h(), body: { country: 'US', label: 'Sales tax', rateBasisPoints: 500 } }), 201);
  ok(await t.http('POST', '/api/v1/tax-rates', { as: admin, headers: admin.h(), body: { country: 'US', region: 'CA', label: 'CA sales tax', rateBasisPoints: 725 } }), 201);
  ok(await t.http('POST', '/api/v1/tax-rates', { as: admin, headers: admin.h(), body: { country: 'DE', label: 'MwSt', rateBasisPoints: 1900, inclusive: true } }), 201);
});
afterAll(async () => t?.close());

describe('pricing', () => {
  it('is public for published courses, set by course editors only, with a sale window', async () => {
    const pub = ok(await t.http('GET', `/api/v1/courses/${c1.id}/pricing`), 200);
    expect(pub.body).toMatchObject({ isFree: false, purchasable: true });
    expect(pub.body.prices.map((p: { currency: string }) => p.currency)).toEqual(['EUR', 'USD']);
    const body = { prices: [{ currency: 'usd', amountMinor: 1000 }] };
    expect((await t.http('PUT', `/api/v1/courses/${c3.id}/pricing`, { body })).status).toBe(401);
    expect((await t.http('PUT', `/api/v1/courses/${c3.id}/pricing`, { as: stranger, headers: stranger.h(), body })).status).toBe(404);
    const learner = await addMember(t, admin.orgId, 'learner');
    expect((await t.http('PUT', `/api/v1/courses/${c3.id}/pricing`, { as: learner, headers: learner.h(), body })).status).toBe(403);
    const bad = await t.http('PUT', `/api/v1/courses/${c3.id}/pricing`, { as: instructor, headers: instructor.h(), body: { prices: [{ currency: 'USD', amountMinor: 10.5 }] } });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const now = Date.now();
    const sale = (from: number, to: number) => ({ prices: [{ currency: 'USD', amountMinor: 1000, saleAmountMinor: 600, saleStartsAt: new Date(from).toISOString(), saleEndsAt: new Date(to).toISOString() }] });
    const inWindow = ok(await t.http('PUT', `/api/v1/courses/${c3.id}/pricing`, { as: instructor, headers: instructor.h(), body: sale(now - 60_000, now + 3_600_000) }), 200);
    expect(inWindow.body.prices[0]).toMatchObject({ currentMinor: 600, onSale: true });
    const over = ok(await t.http('PUT', `/api/v1/courses/${c3.id}/pricing`, { as: instructor, headers: instructor.h(), body: sale(now - 7_200_000, now - 3_600_000) }), 200);
    expect(over.body.prices[0]).toMatchObject({ currentMinor: 1000, onSale: false });
    await setPrices(t, instructor, c3, { USD: 1000, EUR: 900 });
  });
});

describe('cart', () => {
  it('refuses duplicates, free courses and owned courses with a clear 409', async () => {
    const buyer = await signUp(t, 'cart-buyer');
    ok(await addToCart(t, buyer, c1.id), 201);
    const dup = await addToCart(t, buyer, c1.id);
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('already_in_cart');
    const free = await buildCourse(t, instructor, { title: 'Free one' });
    expect((await addToCart(t, buyer, free.id)).body.code).toBe('course_free');
    const foreign = await buildCourse(t, asMember(stranger) as unknown as Member, { title: 'Foreign', isFree: false });
    await setPrices(t, stranger, foreign, { USD: 100 });
    expect((await addToCart(t, buyer, foreign.id)).body.code).toBe('cart_other_organization');
    ok(await checkout(t, buyer), 201);
    await t.drain();
    const owned = await addToCart(t, buyer, c1.id);
    expect(owned.status).toBe(409);
    expect(owned.body.code).toBe('already_owned');
  });

  it('merges a guest cart into the user cart when the signed-in user first calls the cart', async () => {
    const guestAdd = ok(await t.http('POST', '/api/v1/cart/items', { body: { refId: c2.id } }), 201);
    const setCookie = String(guestAdd.headers['set-cookie']);
    const guestCookie = /lyceum_cart=[^;]+/.exec(setCookie)![0];
    expect((await t.http('GET', '/api/v1/cart', { headers: { cookie: guestCookie } })).body.count).toBe(1);
    const user = await signUp(t, 'merger');
    ok(await addToCart(t, user, c3.id), 201);
    const merged = ok(await t.http('GET', '/api/v1/cart', { headers: { cookie: `${user.cookie}; ${guestCookie}` } }), 200);
    expect(merged.body.items.map((i: { refId: string }) => i.refId).sort()).toEqual([c2.id, c3.id].sort());
    expect(String(merged.headers['set-cookie'])).toContain('lyceum_cart=;');
    expect((await t.http('GET', '/api/v1/cart', { headers: { cookie: guestCookie } })).body.count).toBe(0);
  });
});

describe('tax', () => {
  it('applies the region rate, else the country rate, exclusive or inclusive', async () => {
    const buyer = await signUp(t, 'tax-buyer');
    ok(await addToCart(t, buyer, c1.id), 201);
    const q = (body: Record<string, unknown>) => t.http('POST', '/api/v1/checkout/quote', { headers: buyer.headers(), body });
    const ny = ok(await q({ country: 'US', region: 'NY' }), 200).body;
    expect(ny).toMatchObject({ currency: 'USD', subtotalMinor: 4999, taxMinor: 250, totalMinor: 5249 });
    const ca = ok(await q({ country: 'us', region: 'ca' }), 200).body;
    expect(ca).toMatchObject({ taxMinor: 362, totalMinor: 5361 });
    expect(ca.taxLines[0]).toMatchObject({ label: 'CA sales tax', rateBasisPoints: 725, inclusive: false });
    const de = ok(await q({ currency: 'EUR', country: 'DE' }), 200).body;
    // 45.00 incl. 19%: net round(4500 / 1.19) = 3782, tax 718; the total stays the price
    expect(de).toMatchObject({ subtotalMinor: 4500, taxMinor: 718, totalMinor: 4500 });
    expect(ok(await q({ country: 'FR' }), 200).body).toMatchObject({ taxMinor: 0, totalMinor: 4999 });
    expect((await q({ currency: 'JPY' })).status).toBe(400);
  });
});

describe('checkout', () => {
  it('two courses, a coupon, the manual provider: paid, enrolled at once, invoiced, emailed; a retry returns the same order', async () => {
    await createCoupon(t, admin, { code: 'WELCOME10', kind: 'percent', percentBasisPoints: 1000 });
    const buyer = await signUp(t, 'happy-buyer');
    ok(await addToCart(t, buyer, c1.id), 201);
    ok(await addToCart(t, buyer, c2.id), 201);
    const quote = ok(await t.http('POST', '/api/v1/checkout/quote', { headers: buyer.headers(), body: { couponCodes: ['welcome10'], country: 'US' } }), 200).body;
    expect(quote).toMatchObject({ subtotalMinor: 7998, discountMinor: 800, coupons: [{ code: 'WELCOME10', discountMinor: 800 }] });
    const bogus = ok(await t.http('POST', '/api/v1/checkout/quote', { headers: buyer.headers(), body: { couponCodes: ['NOPE123'] } }), 200).body;
    expect(bogus.rejectedCoupons).toEqual([{ code: 'NOPE123', reason: 'There is no such coupon code.' }]);

    const key = newKey();
    const res = ok(await checkout(t, buyer, { couponCodes: ['WELCOME10'] }, key), 201);
    const order = res.body;
    expect(order).toMatchObject({ status: 'paid', currency: 'USD', subtotalMinor: 7998, discountMinor: 800, number: expect.stringMatching(/^ORD-\d{6}$/) });
    expect(order.lines.reduce((s: number, l: { totalMinor: number }) => s + l.totalMinor, 0)).toBe(order.totalMinor);
    expect(order.totalMinor).toBe(order.subtotalMinor - order.discountMinor + order.taxMinor);
    expect(order.invoice.number).toMatch(/^INV-\d{6}$/);
    expect(order.billingAddress).toEqual(US_ADDRESS);
    await t.drain();
    expect(await enrollmentStatus(t, buyer.userId, c1.id)).toBe('active');
    expect(await enrollmentStatus(t, buyer.userId, c2.id)).toBe('active');
    const outline = await t.http('GET', `/api/v1/me/courses/${c1.id}/outline`, { headers: buyer.headers() });
    expect(outline.status, outline.text).toBe(200);
    expect(ok(await t.http('GET', `/api/v1/orders/${order.id}`, { headers: buyer.headers() }), 200).body.status).toBe('fulfilled');
    expect((await t.http('GET', '/api/v1/cart', { headers: buyer.headers() })).body.count).toBe(0);

    const again = ok(await checkout(t, buyer, { couponCodes: ['WELCOME10'] }, key), 201);
    expect(again.body.id).toBe(order.id);
    // the interceptor's record lost (a crash before it was written): the order's unique key still finds it
    await t.query('DELETE FROM idempotency_keys');
    const afterCrash = ok(await checkout(t, buyer, { couponCodes: ['WELCOME10'] }, key), 201);
    expect(afterCrash.body.id).toBe(order.id);
    expect(Number((await t.query<{ n: string }>('SELECT count(*) n FROM orders WHERE user_id = $1', [buyer.userId]))[0]!.n)).toBe(1);

    const mine = ok(await t.http('GET', '/api/v1/me/orders?limit=5', { headers: buyer.headers() }), 200).body;
    expect(mine.items.map((o: { id: string }) => o.id)).toEqual([order.id]);
    const inv = ok(await t.http('GET', '/api/v1/me/invoices', { headers: buyer.headers() }), 200).body.items[0];
    const pdf = await t.http('GET', inv.pdfPath, { headers: buyer.headers() });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.text.startsWith('%PDF-')).toBe(true);
    const mail = t.mails(buyer.email).find((m) => m.subject.startsWith(`Receipt ${inv.number}`));
    expect(mail?.text).toContain('Total paid:');

    // strangers: another organization's admin, and anonymous callers
    expect((await t.http('GET', `/api/v1/orders/${order.id}`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('GET', inv.pdfPath, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('POST', `/api/v1/orders/${order.id}/refunds`, { as: stranger, headers: stranger.h(), body: {} })).status).toBe(404);
    expect(ok(await t.http('GET', '/api/v1/orders', { as: stranger, headers: stranger.h() }), 200).body.items).toEqual([]);
    expect((await t.http('GET', '/api/v1/me/orders')).status).toBe(401);
    expect((await t.http('GET', `/api/v1/orders/${order.id}`)).status).toBe(401);
    expect((await t.http('POST', '/api/v1/checkout', { body: {} })).status).toBe(401);
    expect((await t.http('GET', '/api/v1/invoices/export.csv')).status).toBe(401);
    expect((await t.http('GET', '/api/v1/coupons', { headers: buyer.headers() })).status).toBe(403);

    const csv = await t.http('GET', '/api/v1/invoices/export.csv', { as: admin, headers: admin.h() });
    expect(csv.status).toBe(200);
    expect(csv.text.split('\r\n')[0]).toBe('number,issued_at,source,source_id,buyer_name,buyer_email,country,region,currency,net,tax,total');
    expect(csv.text).toContain(`${inv.number},`);
    expect(ok(await t.http('GET', '/api/v1/invoices/export.csv', { as: stranger, headers: stranger.h() }), 200).text).not.toContain(inv.number);
  });

  it('a bundle grants all its courses; refunding its line revokes exactly what it granted, not a course the buyer had before', async () => {
    const buyer = await signUp(t, 'refund-buyer');
    // the buyer had c3 before (staff enrolled them): the bundle does not grant it, so its refund does not take it
    ok(await t.http('POST', `/api/v1/courses/${c3.id}/enrollments`, { as: instructor, headers: instructor.h(), body: { emails: [buyer.email] } }), 200);
    const bundle = ok(await t.http('POST', '/api/v1/bundles', { as: admin, headers: admin.h(), body: { title: 'Geometry + Calculus', courseIds: [c2.id, c3.id], currency: 'USD', amountMinor: 3500 } }), 201).body;
    expect((await t.http('POST', '/api/v1/bundles', { as: stranger, headers: stranger.h(), body: { title: 'x', courseIds: [c2.id, c3.id], currency: 'USD', amountMinor: 1 } })).status).toBe(400);
    ok(await addToCart(t, buyer, c1.id), 201);
    ok(await addToCart(t, buyer, bundle.id, 'bundle'), 201);
    const order = ok(await checkout(t, buyer), 201).body;
    await t.drain();
    expect(await enrollmentStatus(t, buyer.userId, c2.id)).toBe('active');
    const [l1, l2] = order.lines;
    expect(l2).toMatchObject({ kind: 'bundle', courseIds: [c2.id, c3.id], subtotalMinor: 3500 });
    const learner = await addMember(t, admin.orgId, 'learner');
    expect((await t.http('POST', `/api/v1/orders/${order.id}/refunds`, { as: learner, headers: learner.h(), body: { lineIds: [l1.id] } })).status).toBe(403);
    expect((await t.http('POST', `/api/v1/orders/${order.id}/refunds`, { as: admin, headers: admin.h(), body: { amountMinor: order.totalMinor + 1 } })).status).toBe(400);
    const refunded = ok(await t.http('POST', `/api/v1/orders/${order.id}/refunds`, { as: admin, headers: admin.h(), body: { lineIds: [l2.id], reason: 'asked' } }), 201).body;
    expect(refunded).toMatchObject({ status: 'partially_refunded', refundedMinor: l2.totalMinor });
    expect(refunded.lines[1]).toMatchObject({ revoked: true, refundedMinor: l2.totalMinor });
    await t.drain();
    expect(await enrollmentStatus(t, buyer.userId, c2.id)).toBe('revoked');
    expect(await enrollmentStatus(t, buyer.userId, c3.id)).toBe('active');
    expect(await enrollmentStatus(t, buyer.userId, c1.id)).toBe('active');
    expect((await t.http('POST', `/api/v1/orders/${order.id}/refunds`, { as: admin, headers: admin.h(), body: { lineIds: [l2.id] } })).status).toBe(409);
    const partial = ok(await t.http('POST', `/api/v1/orders/${order.id}/refunds`, { as: admin, headers: admin.h(), body: { amountMinor: 100 } }), 201).body;
    expect(partial.refundedMinor).toBe(l2.totalMinor + 100);
    await t.drain();
    expect(await enrollmentStatus(t, buyer.userId, c1.id)).toBe('active');
    const rest = ok(await t.http('POST', `/api/v1/orders/${order.id}/refunds`, { as: admin, headers: admin.h(), body: {} }), 201).body;
    expect(rest).toMatchObject({ status: 'refunded', refundedMinor: order.totalMinor });
    await t.drain();
    expect(await enrollmentStatus(t, buyer.userId, c1.id)).toBe('revoked');
    expect(await enrollmentStatus(t, buyer.userId, c3.id)).toBe('active');
  });

  it('a declined card fails the order and gives the coupon use back', async () => {
    const coupon = await createCoupon(t, admin, { code: 'ONCEONLY', kind: 'fixed', amountMinor: 500, currency: 'USD', usageLimit: 1 });
    const buyer = await signUp(t, 'declined');
    ok(await addToCart(t, buyer, c3.id), 201);
    const failed = ok(await checkout(t, buyer, { couponCodes: ['ONCEONLY'], paymentMethod: { type: 'manual_card', cardNumber: CARD_DECLINED } }), 201).body;
    expect(failed).toMatchObject({ status: 'failed', failureCode: 'card_declined', invoice: null });
    expect(ok(await t.http('GET', `/api/v1/coupons/${coupon.id}`, { as: admin, headers: admin.h() }), 200).body.usedCount).toBe(0);
    expect((await t.http('GET', `/api/v1/coupons/${coupon.id}`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    const paid = ok(await checkout(t, buyer, { couponCodes: ['ONCEONLY'] }), 201).body;
    expect(paid).toMatchObject({ status: 'paid', discountMinor: 500 });
    expect(ok(await t.http('GET', `/api/v1/coupons/${coupon.id}`, { as: admin, headers: admin.h() }), 200).body.usedCount).toBe(1);
  });

  it('refuses checkout without an Idempotency-Key', async () => {
    const buyer = await signUp(t, 'nokey');
    ok(await addToCart(t, buyer, c3.id), 201);
    const res = await t.http('POST', '/api/v1/checkout', { headers: buyer.headers(), body: { billingAddress: US_ADDRESS, paymentMethod: { type: 'manual_card', cardNumber: '4242424242424242' } } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('idempotency_key_required');
    expect(Number((await t.query<{ n: string }>('SELECT count(*) n FROM orders WHERE user_id = $1', [buyer.userId]))[0]!.n)).toBe(0);
  });

  it('without STRIPE_SECRET_KEY only the manual provider is offered, and a Stripe checkout is refused without creating an order', async () => {
    expect(ok(await t.http('GET', '/api/v1/payments/providers'), 200).body).toEqual({ providers: ['manual'] });
    const buyer = await signUp(t, 'no-stripe');
    ok(await addToCart(t, buyer, c3.id), 201);
    const res = await t.http('POST', '/api/v1/checkout', { headers: { ...buyer.headers(), 'idempotency-key': newKey() }, body: { billingAddress: US_ADDRESS, paymentMethod: { type: 'stripe_checkout' } } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('provider_unavailable');
    expect(Number((await t.query<{ n: string }>('SELECT count(*) n FROM orders WHERE user_id = $1', [buyer.userId]))[0]!.n)).toBe(0);
    expect((await t.http('POST', '/api/v1/payments/stripe/webhook', { headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' }, body: '{}' })).status).toBe(404);
  });
});
