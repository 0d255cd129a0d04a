import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCourse, type BuiltCourse, createOrg, type Member, signUp } from '../../learning/enrollment/enrollment.fixtures.js';
import { createTestApp, type Session, type TestApp } from '../../../test/harness.js';
import { addToCart, enrollmentStatus, newKey, ok, setPrices, US_ADDRESS } from '../commerce.fixtures.js';

/*
 * The Stripe provider and webhook. Stripe's API is across the network, so the SDK is pointed at a
 * local HTTP server (host/port/protocol) that answers the two calls we make like Stripe does, and
 * records what the SDK sent; webhook payloads are signed with the SDK's own test helper.
 */

const SECRET = 'whsec_test_lyceum';
const sdk = new Stripe('sk_test_lyceum');

interface Seen {
  path: string;
  form: URLSearchParams;
  headers: IncomingMessage['headers'];
}
const seen: Seen[] = [];
/** sessions the buyer paid in (Stripe then refuses to expire them) and sessions expired */
const completedSessions = new Set<string>();
const expiredSessions = new Set<string>();
let api: Server;
let t: TestApp;
let admin: Member;
let stranger: Member;
let course: BuiltCourse;
let second: BuiltCourse;

function startFakeStripe(): Promise<number> {
  api = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      seen.push({ path: `${req.method} ${req.url}`, form, headers: req.headers });
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${seen.length}` });
        res.end(JSON.stringify(json));
      };
      if (req.method === 'POST' && req.url === '/v1/checkout/sessions') {
        const id = `cs_test_${seen.length}`;
        return send(200, { id, object: 'checkout.session', mode: 'payment', status: 'open', url: `https://checkout.stripe.com/c/pay/${id}`, amount_total: Number(form.get('line_items[0][price_data][unit_amount]')) });
      }
      const expire = req.url?.match(/^\/v1\/checkout\/sessions\/(cs_[\w]+)(\/expire)?$/);
      if (expire) {
        const id = expire[1]!;
        const status = completedSessions.has(id) ? 'complete' : expire[2] && req.method === 'POST' ? 'expired' : (expiredSessions.has(id) ? 'expired' : 'open');
        if (expire[2] && status === 'complete') return send(400, { error: { type: 'invalid_request_error', message: 'Only Checkout Sessions with a status in ["open"] can be expired.' } });
        if (status === 'expired') expiredSessions.add(id);
        return send(200, { id, object: 'checkout.session', mode: 'payment', status, url: null });
      }
      if (req.method === 'POST' && req.url === '/v1/refunds') {
        return send(200, { id: `re_test_${seen.length}`, object: 'refund', status: 'succeeded', amount: Number(form.get('amount')), payment_intent: form.get('payment_intent') });
      }
      send(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${req.url})` } });
    });
  });
  return new Promise((resolve) => api.listen(0, '127.0.0.1', () => resolve((api.address() as AddressInfo).port)));
}

beforeAll(async () => {
  const port = await startFakeStripe();
  t = await createTestApp({ STRIPE_SECRET_KEY: 'sk_test_lyceum', STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_URL: `http://127.0.0.1:${port}` });
  admin = await createOrg(t, 'Stripe Shop');
  stranger = await createOrg(t, 'Elsewhere');
  course = await buildCourse(t, admin, { title: 'Painting', isFree: false });
  second = await buildCourse(t, admin, { title: 'Drawing', isFree: false });
  await setPrices(t, admin, course, { USD: 4000 });
  await setPrices(t, admin, second, { USD: 2500 });
});
afterAll(async () => {
  await t?.close();
  await new Promise((r) => api?.close(r));
});

let eventN = 0;
function event(type: string, object: Record<string, unknown>, id = `evt_test_${++eventN}`): string {
  return JSON.stringify({ id, object: 'event', type, api_version: '2025-01-01', created: Math.floor(Date.now() / 1000), livemode: false, data: { object } });
}
function post(payload: string, secret = SECRET) {
  const signature = sdk.webhooks.generateTestHeaderString({ payload, secret });
  return t.http('POST', '/api/v1/payments/stripe/webhook', { headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
}
const pi = (id: string, orderId: string, extra: Record<string, unknown> = {}) => ({ id, object: 'payment_intent', status: 'succeeded', created: Math.floor(Date.now() / 1000), metadata: { orderId }, ...extra });

async function stripeCheckout(buyer: Session, refId: string) {
  ok(await addToCart(t, buyer, refId), 201);
  const key = newKey();
  const res = ok(await t.http('POST', '/api/v1/checkout', { headers: { ...buyer.headers(), 'idempotency-key': key }, body: { billingAddress: US_ADDRESS, paymentMethod: { type: 'stripe_checkout' } } }), 201);
  return res.body;
}

describe('Stripe', () => {
  it('is offered at checkout when configured', async () => {
    expect(ok(await t.http('GET', '/api/v1/payments/providers'), 200).body).toEqual({ providers: ['manual', 'stripe'] });
  });

  it('checkout creates a Checkout Session with the order total and redirects; the signed payment_intent.succeeded webhook marks it paid once and enrolls', async () => {
    const buyer = await signUp(t, 'stripe-buyer');
    const order = await stripeCheckout(buyer, course.id);
    expect(order).toMatchObject({ status: 'pending', provider: 'stripe' });
    const call = seen.filter((s) => s.path === 'POST /v1/checkout/sessions').at(-1)!;
    expect(order.redirectUrl).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_\d+$/);
    expect(call.headers.authorization).toBe('Bearer sk_test_lyceum');
    expect(call.headers['idempotency-key']).toBe(`order:${order.id}`);
    expect(call.form.get('mode')).toBe('payment');
    expect(call.form.get('line_items[0][price_data][unit_amount]')).toBe(String(order.totalMinor));
    expect(call.form.get('line_items[0][price_data][currency]')).toBe('usd');
    expect(call.form.get('payment_intent_data[metadata][orderId]')).toBe(order.id);
    expect(call.form.get('customer_email')).toBe(buyer.email);
    expect(call.form.get('success_url')).toBe(`http://localhost:3000/orders/${order.id}?stripe=success`);
    expect(await enrollmentStatus(t, buyer.userId, course.id)).toBeNull();

    const payload = event('payment_intent.succeeded', pi('pi_test_paid', order.id));
    expect(ok(await post(payload), 200).body).toEqual({ received: true, duplicate: false, handled: true });
    await t.drain();
    const paid = ok(await t.http('GET', `/api/v1/orders/${order.id}`, { headers: buyer.headers() }), 200).body;
    expect(paid.status).toBe('fulfilled');
    expect(paid.redirectUrl).toBeNull();
    expect(await enrollmentStatus(t, buyer.userId, course.id)).toBe('active');

    // the same event again (Stripe retries): ignored with 200, nothing happens twice
    expect(ok(await post(payload), 200).body).toEqual({ received: true, duplicate: true, handled: false });
    // a different event id for the same PaymentIntent: the order is no longer pending, so no second OrderPaid
    ok(await post(event('payment_intent.succeeded', pi('pi_test_paid', order.id))), 200);
    await t.drain();
    const [inv] = await t.query<{ n: string }>('SELECT count(*) n FROM invoices WHERE source_id = $1', [order.id]);
    expect(Number(inv!.n)).toBe(1);
    const [ev] = await t.query<{ n: string }>("SELECT count(*) n FROM payment_webhook_events WHERE provider = 'stripe' AND event_id = $1", [JSON.parse(payload).id]);
    expect(Number(ev!.n)).toBe(1);
    const [pay] = await t.query<{ provider_payment_id: string }>('SELECT provider_payment_id FROM orders WHERE id = $1', [order.id]);
    expect(pay!.provider_payment_id).toBe('pi_test_paid');
  });

  it('a bad signature, an unsigned call and a payload changed after signing are refused with 400 and change nothing', async () => {
    const buyer = await signUp(t, 'stripe-forger');
    const order = await stripeCheckout(buyer, course.id);
    const payload = event('payment_intent.succeeded', pi('pi_test_forged', order.id));
    const bad = await post(payload, 'whsec_someone_else');
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body.code).toBe('bad_signature');
    expect((await t.http('POST', '/api/v1/payments/stripe/webhook', { headers: { 'content-type': 'application/json' }, body: payload })).status).toBe(400);
    const signature = sdk.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    const tampered = payload.replace('pi_test_forged', 'pi_test_forgee');
    expect((await t.http('POST', '/api/v1/payments/stripe/webhook', { headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: tampered })).status).toBe(400);
    const [row] = await t.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [order.id]);
    expect(row!.status).toBe('pending');
    const [ev] = await t.query<{ n: string }>("SELECT count(*) n FROM payment_webhook_events WHERE event_id = $1", [JSON.parse(payload).id]);
    expect(Number(ev!.n)).toBe(0);
  });

  it('a declined attempt keeps the order pending with the decline (the buyer may retry in the session); an expired session fails it', async () => {
    const buyer = await signUp(t, 'stripe-declined');
    const order = await stripeCheckout(buyer, second.id);
    const failed = pi('pi_test_declined', order.id, { status: 'requires_payment_method', last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' } });
    ok(await post(event('payment_intent.payment_failed', failed)), 200);
    const [row] = await t.query<{ status: string; failure_code: string; provider_payment_id: string }>('SELECT status, failure_code, provider_payment_id FROM orders WHERE id = $1', [order.id]);
    expect(row).toMatchObject({ status: 'pending', failure_code: 'insufficient_funds' });
    ok(await post(event('checkout.session.expired', { id: row!.provider_payment_id, object: 'checkout.session', status: 'expired', metadata: { orderId: order.id } })), 200);
    const body = ok(await t.http('GET', `/api/v1/orders/${order.id}`, { headers: buyer.headers() }), 200).body;
    expect(body.status).toBe('failed');
    expect(body.failureReason).toBe('Your card has insufficient funds.');
    expect(await enrollmentStatus(t, buyer.userId, second.id)).toBeNull();
  });

  it('the buyer cancels a pending Stripe order: its Checkout Session is expired first; one already paid in is 409 payment_in_progress until its webhook', async () => {
    const buyer = await signUp(t, 'stripe-cancel');
    const order = await stripeCheckout(buyer, second.id);
    const session = order.redirectUrl.split('/').at(-1) as string;
    expect((await t.http('POST', `/api/v1/orders/${order.id}/cancel`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect(seen.some((s) => s.path.includes(`/v1/checkout/sessions/${session}/expire`))).toBe(false);
    const canceled = ok(await t.http('POST', `/api/v1/orders/${order.id}/cancel`, { headers: buyer.headers() }), 200).body;
    expect(canceled).toMatchObject({ status: 'canceled', redirectUrl: null });
    const call = seen.filter((s) => s.path === `POST /v1/checkout/sessions/${session}/expire`);
    expect(call).toHaveLength(1);
    expect(call[0]!.headers['idempotency-key']).toBe(`expire:${session}`);
    // Stripe's checkout.session.expired that follows changes nothing
    ok(await post(event('checkout.session.expired', { id: session, object: 'checkout.session', status: 'expired' })), 200);
    expect(ok(await t.http('GET', `/api/v1/orders/${order.id}`, { headers: buyer.headers() }), 200).body.status).toBe('canceled');

    // the buyer already paid in the session: Stripe refuses to expire it, the order stays pending, then the webhook pays it
    const lateBuyer = await signUp(t, 'stripe-cancel-late');
    const paidIn = await stripeCheckout(lateBuyer, second.id);
    const paidSession = paidIn.redirectUrl.split('/').at(-1)!;
    completedSessions.add(paidSession);
    const late = await t.http('POST', `/api/v1/orders/${paidIn.id}/cancel`, { headers: lateBuyer.headers() });
    expect(late.status).toBe(409);
    expect(late.headers['content-type']).toContain('application/problem+json');
    expect(late.body.code).toBe('payment_in_progress');
    ok(await post(event('payment_intent.succeeded', pi('pi_test_late', paidIn.id))), 200);
    await t.drain();
    expect(ok(await t.http('GET', `/api/v1/orders/${paidIn.id}`, { headers: lateBuyer.headers() }), 200).body.status).toBe('fulfilled');
  });

  it('charge.refunded records the refund once and revokes access; an admin refund goes to Stripe with the PaymentIntent and its echo changes nothing', async () => {
    const buyer = await signUp(t, 'stripe-refunded');
    const order = await stripeCheckout(buyer, second.id);
    ok(await post(event('payment_intent.succeeded', pi('pi_test_refund_me', order.id))), 200);
    await t.drain();
    expect(await enrollmentStatus(t, buyer.userId, second.id)).toBe('active');
    const charge = { id: 'ch_test_1', object: 'charge', payment_intent: 'pi_test_refund_me', amount: order.totalMinor, amount_refunded: order.totalMinor, refunded: true, metadata: {}, refunds: { object: 'list', data: [{ id: 're_dash_1', object: 'refund' }] } };
    const refunded = event('charge.refunded', charge);
    ok(await post(refunded), 200);
    ok(await post(refunded), 200); // replayed
    ok(await post(event('charge.refunded', charge)), 200); // same refund, new event id
    await t.drain();
    const body = ok(await t.http('GET', `/api/v1/orders/${order.id}`, { headers: buyer.headers() }), 200).body;
    expect(body.status).toBe('refunded');
    const rows = await t.query<{ amount_minor: number; provider_refund_id: string }>('SELECT amount_minor, provider_refund_id FROM refunds WHERE order_id = $1', [order.id]);
    expect(rows).toEqual([{ amount_minor: order.totalMinor, provider_refund_id: 're_dash_1' }]);
    expect(await enrollmentStatus(t, buyer.userId, second.id)).not.toBe('active');

    // refund from the admin API: Stripe is asked, with our idempotency key
    const other = await signUp(t, 'stripe-admin-refund');
    const o2 = await stripeCheckout(other, course.id);
    ok(await post(event('payment_intent.succeeded', pi('pi_test_admin', o2.id))), 200);
    await t.drain();
    expect((await t.http('POST', `/api/v1/orders/${o2.id}/refunds`, { as: stranger, headers: { ...stranger.h(), 'idempotency-key': newKey() }, body: { amountMinor: 1000, reason: 'x' } })).status).toBe(404);
    expect((await t.http('POST', `/api/v1/orders/${o2.id}/refunds`, { headers: { 'idempotency-key': newKey() }, body: { amountMinor: 1000 } })).status).toBe(401);
    ok(await t.http('POST', `/api/v1/orders/${o2.id}/refunds`, { as: admin, headers: { ...admin.h(), 'idempotency-key': newKey() }, body: { amountMinor: 1000, reason: 'goodwill' } }), 201);
    const call = seen.filter((s) => s.path === 'POST /v1/refunds').at(-1)!;
    expect(call.form.get('payment_intent')).toBe('pi_test_admin');
    expect(call.form.get('amount')).toBe('1000');
    expect(String(call.headers['idempotency-key'])).toMatch(/^refund:/);
    // Stripe's echo of that refund: already recorded, so nothing more
    ok(await post(event('charge.refunded', { ...charge, id: 'ch_test_2', payment_intent: 'pi_test_admin', amount: o2.totalMinor, amount_refunded: 1000, refunded: false, refunds: { object: 'list', data: [{ id: 're_x', object: 'refund' }] } })), 200);
    const r2 = await t.query<{ amount_minor: number }>('SELECT amount_minor FROM refunds WHERE order_id = $1', [o2.id]);
    expect(r2).toEqual([{ amount_minor: 1000 }]);
  });
});
