import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type Member, observe } from '../../learning/enrollment/enrollment.fixtures.js';
import { createCoupon } from '../commerce.fixtures.js';
import { SubscriptionChargeRefunded, SubscriptionPaymentSucceeded } from '../commerce.events.js';
import { createPlan, enrollmentStatus, idem, ok, subscribe } from './billing.fixtures.js';

/*
 * Subscribing through Stripe Checkout (mode: subscription). Stripe's API is a local HTTP server
 * (STRIPE_API_URL) that answers like Stripe and records what the SDK sent; webhooks go through the
 * real endpoint, signed with the SDK's test helper.
 */

const SECRET = 'whsec_test_subs';
const sdk = new Stripe('sk_test_subs');

interface Seen {
  path: string;
  form: URLSearchParams;
  headers: IncomingMessage['headers'];
}
const seen: Seen[] = [];
/** Stripe's subscriptions as the fake API holds them (the test sets them up as Stripe would after a checkout) */
const stripeSubs = new Map<string, Record<string, unknown>>();
/** sessions the member paid in (Stripe refuses to expire them) */
const paidSessions = new Set<string>();
let api: Server;
let t: TestApp;
let owner: Member;
let stranger: Member;
let course: BuiltCourse;
let planId: string;
let trialPlanId: string;
let paid: { subscriptionId: string; reason: string; totalMinor: number }[];
let refundEvents: { chargeId: string; amountMinor: number; reason: string; full: boolean }[];

const unix = (d: Date) => Math.floor(d.getTime() / 1000);
const DAY = 86400;

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
      const subMatch = /^\/v1\/subscriptions\/([A-Za-z0-9_]+)$/.exec(req.url ?? '');
      const setupMatch = /^\/v1\/setup_intents\/([A-Za-z0-9_]+)(\?.*)?$/.exec(req.url ?? '');
      if (req.method === 'GET' && setupMatch) {
        return send(200, { id: setupMatch[1], object: 'setup_intent', status: 'succeeded', payment_method: { id: `pm_${setupMatch[1]}`, object: 'payment_method', card: { last4: '4444' } } });
      }
      const paymentsOf = /^\/v1\/invoice_payments\?(.*)$/.exec(req.url ?? '');
      if (req.method === 'GET' && paymentsOf) {
        const q = new URLSearchParams(paymentsOf[1]);
        const inv = q.get('invoice') ?? q.get('payment[payment_intent]')?.replace(/^pi_for_/, '') ?? null;
        return send(200, { object: 'list', has_more: false, url: '/v1/invoice_payments', data: [{ id: `inpay_${inv}`, object: 'invoice_payment', invoice: inv, status: 'paid', payment: { type: 'payment_intent', payment_intent: `pi_for_${inv}` } }] });
      }
      if (req.method === 'POST' && req.url === '/v1/refunds') {
        return send(200, { id: `re_test_${seen.length}`, object: 'refund', status: 'succeeded', amount: Number(form.get('amount')), payment_intent: form.get('payment_intent') });
      }
      const sessionMatch = /^\/v1\/checkout\/sessions\/(cs_[A-Za-z0-9_]+)(\/expire)?$/.exec(req.url ?? '');
      if (sessionMatch) {
        const id = sessionMatch[1]!;
        if (paidSessions.has(id)) {
          if (sessionMatch[2]) return send(400, { error: { type: 'invalid_request_error', message: 'Only Checkout Sessions with a status in ["open"] can be expired.' } });
          return send(200, { id, object: 'checkout.session', mode: 'subscription', status: 'complete' });
        }
        return send(200, { id, object: 'checkout.session', mode: 'subscription', status: sessionMatch[2] ? 'expired' : 'open' });
      }
      if (req.method === 'POST' && req.url === '/v1/tax_rates') {
        return send(200, { id: `txr_test_${seen.length}`, object: 'tax_rate', display_name: form.get('display_name'), percentage: Number(form.get('percentage')), inclusive: form.get('inclusive') === 'true', country: form.get('country'), active: true });
      }
      const payMatch = /^\/v1\/invoices\/(in_[A-Za-z0-9_]+)\/pay$/.exec(req.url ?? '');
      if (req.method === 'POST' && payMatch) return send(200, { id: payMatch[1], object: 'invoice', status: 'paid' });
      if (req.method === 'POST' && req.url === '/v1/products') {
        return send(200, { id: `prod_test_${seen.length}`, object: 'product', name: form.get('name') });
      }
      if (req.method === 'POST' && req.url === '/v1/coupons') {
        return send(200, { id: `co_test_${seen.length}`, object: 'coupon', valid: true, duration: form.get('duration'), percent_off: form.get('percent_off') ? Number(form.get('percent_off')) : null });
      }
      if (req.method === 'POST' && req.url === '/v1/checkout/sessions') {
        const id = `cs_test_sub_${seen.length}`;
        return send(200, { id, object: 'checkout.session', mode: form.get('mode'), status: 'open', url: `https://checkout.stripe.com/c/${form.get('mode') === 'setup' ? 'setup' : 'pay'}/${id}` });
      }
      if (subMatch) {
        const s = stripeSubs.get(subMatch[1]!);
        if (!s) return send(404, { error: { type: 'invalid_request_error', message: `No such subscription: '${subMatch[1]}'` } });
        if (req.method === 'GET') return send(200, s);
        if (req.method === 'POST') {
          if (form.has('cancel_at_period_end')) {
            const cancel = form.get('cancel_at_period_end') === 'true';
            Object.assign(s, { cancel_at_period_end: cancel, canceled_at: cancel ? unix(new Date()) : null });
          }
          if (form.has('default_payment_method')) Object.assign(s, { default_payment_method: form.get('default_payment_method') });
          if (form.has('items[0][price_data][unit_amount]')) {
            // a new interval starts a new billing cycle now (as Stripe does)
            const now = unix(new Date());
            const year = form.get('items[0][price_data][recurring][interval]') === 'year';
            Object.assign(s, { items: { object: 'list', data: [{ id: form.get('items[0][id]'), object: 'subscription_item', current_period_start: now, current_period_end: now + (year ? 365 : 30) * DAY }] } });
          }
          return send(200, s);
        }
        if (req.method === 'DELETE') {
          Object.assign(s, { status: 'canceled', cancel_at_period_end: false, canceled_at: unix(new Date()), ended_at: unix(new Date()) });
          return send(200, s);
        }
      }
      send(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${req.url})` } });
    });
  });
  return new Promise((resolve) => api.listen(0, '127.0.0.1', () => resolve((api.address() as AddressInfo).port)));
}

let eventN = 0;
function event(type: string, object: Record<string, unknown>, id = `evt_sub_${++eventN}`): string {
  return JSON.stringify({ id, object: 'event', type, api_version: '2025-03-31.basil', created: unix(new Date()), livemode: false, data: { object } });
}
function post(payload: string) {
  const signature = sdk.webhooks.generateTestHeaderString({ payload, secret: SECRET });
  return t.http('POST', '/api/v1/payments/stripe/webhook', { headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
}

const subscribeStripe = (who: Member, plan: string, extra: Record<string, unknown> = {}) =>
  t.http('POST', '/api/v1/subscriptions', { as: who, headers: { ...who.h(), 'idempotency-key': idem() }, body: { planId: plan, paymentMethod: { type: 'stripe_checkout' }, ...extra } });

/** Stripe's subscription object after the member paid in the session (period in `items`, as in API 2025-03-31 and later). */
function stripeSubscription(id: string, checkoutId: string, status: 'active' | 'trialing' = 'active'): Record<string, unknown> {
  const now = unix(new Date());
  const end = now + 30 * DAY;
  const s = {
    id,
    object: 'subscription',
    customer: `cus_${id}`,
    status,
    cancel_at_period_end: false,
    canceled_at: null,
    ended_at: null,
    trial_end: status === 'trialing' ? end : null,
    metadata: { checkoutId },
    items: { object: 'list', data: [{ id: `si_${id}`, object: 'subscription_item', current_period_start: now, current_period_end: end }] },
  };
  stripeSubs.set(id, s);
  return s;
}
const completed = (sessionId: string, checkoutId: string, subId: string) =>
  event('checkout.session.completed', { id: sessionId, object: 'checkout.session', mode: 'subscription', status: 'complete', client_reference_id: checkoutId, metadata: { checkoutId }, subscription: subId });
const sessionOf = async (checkoutId: string) => (await t.query<{ session_id: string; status: string; subscription_id: string | null }>('SELECT session_id, status, subscription_id FROM subscription_checkouts WHERE id = $1', [checkoutId]))[0]!;
const subsOf = (member: Member) => t.query<{ id: string; status: string; provider: string; provider_subscription_id: string | null }>('SELECT id, status, provider, provider_subscription_id FROM subscriptions WHERE user_id = $1', [member.userId]);
const grants = (member: Member) => count(t, 'SELECT count(*) AS n FROM subscription_grants WHERE user_id = $1 AND ended_at IS NULL', [member.userId]);

/** A member who subscribed through Stripe and paid: our subscription exists, billed by Stripe as `subId`. */
async function stripeSubscriber(subId: string): Promise<{ member: Member; id: string }> {
  const member = await addMember(t, owner.orgId, 'learner');
  const c = ok(await subscribeStripe(member, planId), 202).body;
  const { session_id } = await sessionOf(c.checkoutId);
  stripeSubscription(subId, c.checkoutId);
  ok(await post(completed(session_id, c.checkoutId, subId)));
  const [row] = await subsOf(member);
  return { member, id: row!.id };
}

beforeAll(async () => {
  const port = await startFakeStripe();
  t = await createTestApp({ STRIPE_SECRET_KEY: 'sk_test_subs', STRIPE_WEBHOOK_SECRET: SECRET, STRIPE_API_URL: `http://127.0.0.1:${port}`, BILLING_TEST_CLOCKS: 'false' });
  paid = observe(t, SubscriptionPaymentSucceeded, 'stripe-subscribe-paid');
  refundEvents = observe(t, SubscriptionChargeRefunded, 'stripe-subscribe-refunded');
  owner = await createOrg(t, 'Stripe Subscriptions');
  stranger = await createOrg(t, 'Elsewhere');
  course = await buildCourse(t, owner, { title: 'Watercolour', isFree: false });
  planId = (await createPlan(t, owner, { name: 'Monthly studio', scope: 'courses', courseIds: [course.id], prices: [{ currency: 'USD', amountMinor: 1900 }] })).id;
  trialPlanId = (await createPlan(t, owner, { name: 'Yearly studio', interval: 'year', trialDays: 14, scope: 'courses', courseIds: [course.id], prices: [{ currency: 'EUR', amountMinor: 19000 }] })).id;
});
afterAll(async () => {
  await t?.close();
  await new Promise((r) => api?.close(r));
});

describe('subscribing through Stripe Checkout', () => {
  it('opens a subscription-mode session with the plan price, interval, metadata and return urls; nothing is subscribed yet', async () => {
    const member = await addMember(t, owner.orgId, 'learner');
    const res = ok(await subscribeStripe(member, planId), 202);
    const c = res.body;
    expect(c).toMatchObject({ checkoutId: expect.any(String), planId, status: 'pending', redirectUrl: expect.stringMatching(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_sub_\d+$/) });
    const call = seen.filter((s) => s.path === 'POST /v1/checkout/sessions').at(-1)!;
    expect(call.headers.authorization).toBe('Bearer sk_test_subs');
    expect(call.headers['idempotency-key']).toBe(`subscription-checkout:${c.checkoutId}`);
    expect(call.form.get('mode')).toBe('subscription');
    expect(call.form.get('line_items[0][quantity]')).toBe('1');
    expect(call.form.get('line_items[0][price_data][currency]')).toBe('usd');
    expect(call.form.get('line_items[0][price_data][unit_amount]')).toBe('1900');
    expect(call.form.get('line_items[0][price_data][recurring][interval]')).toBe('month');
    expect(call.form.get('line_items[0][price_data][product_data][name]')).toBe('Monthly studio');
    expect(call.form.get('subscription_data[trial_period_days]')).toBeNull();
    expect(call.form.get('subscription_data[metadata][checkoutId]')).toBe(c.checkoutId);
    expect(call.form.get('subscription_data[metadata][organizationId]')).toBe(owner.orgId);
    expect(call.form.get('metadata[checkoutId]')).toBe(c.checkoutId);
    expect(call.form.get('metadata[userId]')).toBe(member.userId);
    expect(call.form.get('client_reference_id')).toBe(c.checkoutId);
    expect(call.form.get('customer_email')).toBe(member.email);
    expect(call.form.get('success_url')).toBe(`http://localhost:3000/my-subscription?stripe=success&plan=${planId}`);
    expect(call.form.get('cancel_url')).toBe('http://localhost:3000/my-subscription?stripe=canceled');
    expect(await subsOf(member)).toHaveLength(0);
    expect(await sessionOf(c.checkoutId)).toMatchObject({ status: 'pending', subscription_id: null });

    // a second click while the session is open answers the same checkout; Stripe is not asked again
    const calls = seen.length;
    const again = ok(await subscribeStripe(member, planId), 202).body;
    expect(again).toEqual(c);
    expect(seen.length).toBe(calls);
    // a retried request with the same Idempotency-Key is answered 202 again, with the same body
    const key = idem();
    const first = ok(await t.http('POST', '/api/v1/subscriptions', { as: member, headers: { ...member.h(), 'idempotency-key': key }, body: { planId, paymentMethod: { type: 'stripe_checkout' } } }), 202);
    const replay = ok(await t.http('POST', '/api/v1/subscriptions', { as: member, headers: { ...member.h(), 'idempotency-key': key }, body: { planId, paymentMethod: { type: 'stripe_checkout' } } }), 202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
  });

  it('a plan with a trial passes trial_period_days and the yearly interval', async () => {
    const member = await addMember(t, owner.orgId, 'learner');
    ok(await subscribeStripe(member, trialPlanId), 202);
    const call = seen.filter((s) => s.path === 'POST /v1/checkout/sessions').at(-1)!;
    expect(call.form.get('subscription_data[trial_period_days]')).toBe('14');
    expect(call.form.get('line_items[0][price_data][recurring][interval]')).toBe('year');
    expect(call.form.get('line_items[0][price_data][currency]')).toBe('eur');
    expect(call.form.get('line_items[0][price_data][unit_amount]')).toBe('19000');
  });

  it('checkout.session.completed creates the Stripe-billed subscription once and grants the course; replays change nothing', async () => {
    const member = await addMember(t, owner.orgId, 'learner');
    const c = ok(await subscribeStripe(member, planId), 202).body;
    const { session_id } = await sessionOf(c.checkoutId);
    stripeSubscription('sub_done_1', c.checkoutId);
    const payload = completed(session_id, c.checkoutId, 'sub_done_1');
    expect(ok(await post(payload)).body).toEqual({ received: true, duplicate: false, handled: true });
    expect(seen.some((s) => s.path === 'GET /v1/subscriptions/sub_done_1')).toBe(true);
    const rows = await subsOf(member);
    expect(rows).toEqual([expect.objectContaining({ status: 'active', provider: 'stripe', provider_subscription_id: 'sub_done_1' })]);
    expect(await sessionOf(c.checkoutId)).toMatchObject({ status: 'completed', subscription_id: rows[0]!.id });
    expect(await enrollmentStatus(t, member.userId, course.id)).toBe('active');
    expect(await grants(member)).toBe(1);
    const mine = ok(await t.http('GET', '/api/v1/me/subscriptions', { as: member, headers: member.h() })).body.items;
    expect(mine).toEqual([expect.objectContaining({ id: rows[0]!.id, provider: 'stripe', status: 'active', hasAccess: true, cardLast4: null, plan: expect.objectContaining({ id: planId }) })]);

    // the same event again: deduped; another event for the same session: still one subscription, one grant
    expect(ok(await post(payload)).body).toEqual({ received: true, duplicate: true, handled: false });
    ok(await post(completed(session_id, c.checkoutId, 'sub_done_1')));
    expect(await subsOf(member)).toHaveLength(1);
    expect(await grants(member)).toBe(1);

    // now subscribed: a new Stripe checkout for the plan is refused like a second card subscription
    const second = await subscribeStripe(member, planId);
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('already_subscribed');
  });

  it("a referral link's cookie is kept through Stripe Checkout: the subscription keeps the code and Stripe's paid invoice earns the plan commission", async () => {
    const affiliate = await addMember(t, owner.orgId, 'learner');
    const code = ok(await t.http('POST', '/api/v1/affiliate/me', { as: affiliate, headers: affiliate.h() }), 201).body.affiliate.code as string;
    ok(await t.http('PUT', '/api/v1/affiliates/rules', { as: owner, headers: owner.h(), body: { targetKind: 'plan', targetId: planId, commissionBp: 2000 } }));
    const member = await addMember(t, owner.orgId, 'learner');
    const h = member.h();
    const c = ok(
      await t.http('POST', '/api/v1/subscriptions', { headers: { ...h, cookie: `${h.cookie}; lyceum_ref=${code}`, 'idempotency-key': idem() }, body: { planId, paymentMethod: { type: 'stripe_checkout' } } }),
      202,
    ).body;
    const { session_id } = await sessionOf(c.checkoutId);
    stripeSubscription('sub_ref_1', c.checkoutId);
    ok(await post(completed(session_id, c.checkoutId, 'sub_ref_1')));
    const [sub] = await t.query<{ id: string; referral_code: string | null }>('SELECT id, referral_code FROM subscriptions WHERE provider_subscription_id = $1', ['sub_ref_1']);
    expect(sub!.referral_code).toBe(code);
    const now = unix(new Date());
    const invoice = { id: 'in_ref_1', object: 'invoice', subscription: 'sub_ref_1', currency: 'usd', amount_paid: 1900, billing_reason: 'subscription_create', status_transitions: { paid_at: now }, lines: { data: [{ description: 'Monthly studio', amount: 1900, period: { start: now, end: now + 30 * DAY } }] } };
    ok(await post(event('invoice.paid', invoice)));
    await t.drain();
    const entries = await t.query<{ amount_minor: number; status: string; affiliate_user_id: string }>(
      'SELECT e.amount_minor, e.status, e.affiliate_user_id FROM commission_entries e JOIN subscription_charges c ON c.id = e.source_id WHERE c.subscription_id = $1',
      [sub!.id],
    );
    expect(entries).toEqual([{ amount_minor: 380, status: 'pending', affiliate_user_id: affiliate.userId }]);

    // an admin refund of that invoice goes to Stripe through the PaymentIntent that paid it, and claws the commission back
    const [charge] = await t.query<{ id: string }>("SELECT id FROM subscription_charges WHERE idempotency_key = 'stripe:invoice:in_ref_1'");
    const refunded = ok(await t.http('POST', `/api/v1/subscriptions/${sub!.id}/charges/${charge!.id}/refund`, { as: owner, headers: { ...owner.h(), 'idempotency-key': idem() }, body: {} }));
    expect(refunded.body.refundedMinor).toBe(1900);
    const call = seen.filter((x) => x.path === 'POST /v1/refunds').at(-1)!;
    expect(call.form.get('payment_intent')).toBe('pi_for_in_ref_1');
    expect(call.form.get('amount')).toBe('1900');
    expect(seen.some((x) => x.path.startsWith('GET /v1/invoice_payments?') && x.path.includes('invoice=in_ref_1'))).toBe(true);
    await t.drain();
    const [after] = await t.query<{ status: string; clawed_back_minor: number }>('SELECT e.status, e.clawed_back_minor FROM commission_entries e WHERE e.source_id = $1', [charge!.id]);
    expect(after).toEqual({ status: 'reversed', clawed_back_minor: 380 });
  });

  it("the billing country's tax rate is a Stripe tax rate on every invoice of the subscription; no rate, no tax", async () => {
    ok(await t.http('POST', '/api/v1/tax-rates', { as: owner, headers: owner.h(), body: { country: 'PT', label: 'IVA', rateBasisPoints: 2300 } }), 201);
    const member = await addMember(t, owner.orgId, 'learner');
    ok(await subscribeStripe(member, planId, { billingAddress: { country: 'PT' } }), 202);
    const rate = seen.filter((s) => s.path === 'POST /v1/tax_rates').at(-1)!;
    expect(Object.fromEntries(['display_name', 'percentage', 'inclusive', 'country'].map((k) => [k, rate.form.get(k)]))).toEqual({ display_name: 'IVA', percentage: '23', inclusive: 'false', country: 'PT' });
    const session = seen.filter((s) => s.path === 'POST /v1/checkout/sessions').at(-1)!;
    expect(session.form.get('subscription_data[default_tax_rates][0]')).toMatch(/^txr_test_\d+$/);

    const untaxed = await addMember(t, owner.orgId, 'learner');
    const rates = seen.filter((s) => s.path === 'POST /v1/tax_rates').length;
    ok(await subscribeStripe(untaxed, planId, { billingAddress: { country: 'JP' } }), 202);
    expect(seen.filter((s) => s.path === 'POST /v1/tax_rates')).toHaveLength(rates);
    expect(seen.filter((s) => s.path === 'POST /v1/checkout/sessions').at(-1)!.form.get('subscription_data[default_tax_rates][0]')).toBeNull();
  });

  it('a trial session completes as a trialing subscription with access', async () => {
    const member = await addMember(t, owner.orgId, 'learner');
    const c = ok(await subscribeStripe(member, trialPlanId), 202).body;
    const { session_id } = await sessionOf(c.checkoutId);
    stripeSubscription('sub_trial_1', c.checkoutId, 'trialing');
    ok(await post(completed(session_id, c.checkoutId, 'sub_trial_1')));
    const mine = ok(await t.http('GET', '/api/v1/me/subscriptions', { as: member, headers: member.h() })).body.items;
    expect(mine).toEqual([expect.objectContaining({ provider: 'stripe', status: 'trialing', hasAccess: true, currency: 'EUR', amountMinor: 19000 })]);
    expect(mine[0].trialEnd).not.toBeNull();
    // the trial's €0 invoice records no charge and keeps it trialing
    ok(await post(event('invoice.paid', { id: 'in_trial_1', object: 'invoice', parent: { subscription_details: { subscription: 'sub_trial_1', metadata: { checkoutId: c.checkoutId } } }, currency: 'eur', amount_paid: 0, billing_reason: 'subscription_create', lines: { data: [] } })));
    expect(await count(t, 'SELECT count(*) AS n FROM subscription_charges WHERE subscription_id = $1', [mine[0].id])).toBe(0);
    expect((await subsOf(member))[0]!.status).toBe('trialing');
  });

  it('invoice.paid before checkout.session.completed creates the subscription from the checkout in its metadata, once, and records the payment', async () => {
    const member = await addMember(t, owner.orgId, 'learner');
    const c = ok(await subscribeStripe(member, planId), 202).body;
    const { session_id } = await sessionOf(c.checkoutId);
    const s = stripeSubscription('sub_early_1', c.checkoutId);
    const items = (s.items as { data: { current_period_start: number; current_period_end: number }[] }).data[0]!;
    const invoice = {
      id: 'in_early_1',
      object: 'invoice',
      parent: { subscription_details: { subscription: 'sub_early_1', metadata: { checkoutId: c.checkoutId } } },
      currency: 'usd',
      amount_paid: 1900,
      billing_reason: 'subscription_create',
      status_transitions: { paid_at: items.current_period_start },
      lines: { data: [{ description: 'Monthly studio', amount: 1900, period: { start: items.current_period_start, end: items.current_period_end } }] },
    };
    ok(await post(event('invoice.paid', invoice)));
    const rows = await subsOf(member);
    expect(rows).toEqual([expect.objectContaining({ status: 'active', provider: 'stripe', provider_subscription_id: 'sub_early_1' })]);
    expect(await sessionOf(c.checkoutId)).toMatchObject({ status: 'completed', subscription_id: rows[0]!.id });
    const charges = ok(await t.http('GET', `/api/v1/subscriptions/${rows[0]!.id}/charges`, { as: member, headers: member.h() })).body.items;
    expect(charges).toEqual([expect.objectContaining({ reason: 'initial', status: 'succeeded', amountMinor: 1900, currency: 'USD' })]);
    await t.drain();
    expect(paid.filter((p) => p.subscriptionId === rows[0]!.id)).toEqual([expect.objectContaining({ reason: 'initial', totalMinor: 1900 })]);
    expect(await enrollmentStatus(t, member.userId, course.id)).toBe('active');

    // then the completed event: nothing new
    ok(await post(completed(session_id, c.checkoutId, 'sub_early_1')));
    expect(await subsOf(member)).toHaveLength(1);
    expect(await grants(member)).toBe(1);
    expect(await count(t, 'SELECT count(*) AS n FROM subscription_charges WHERE subscription_id = $1', [rows[0]!.id])).toBe(1);
  });

  it('a plan coupon becomes a Stripe coupon on the session; its use is counted once when the checkout completes', async () => {
    const coupon = await createCoupon(t, owner, { code: 'STUDIO25', kind: 'percent', percentBasisPoints: 2500, scope: 'plans', scopeIds: [planId, trialPlanId], duration: 'repeating', durationMonths: 3 });
    const uses = () => count(t, 'SELECT count(*) AS n FROM coupon_redemptions WHERE coupon_id = $1', [coupon.id]);
    const member = await addMember(t, owner.orgId, 'learner');
    const c = ok(await subscribeStripe(member, planId, { couponCode: 'studio25' }), 202).body;
    const made = seen.filter((s) => s.path === 'POST /v1/coupons').at(-1)!;
    expect(made.headers['idempotency-key']).toBe(`subscription-checkout:${c.checkoutId}:coupon`);
    expect(made.form.get('percent_off')).toBe('25');
    expect(made.form.get('duration')).toBe('repeating');
    expect(made.form.get('duration_in_months')).toBe('3');
    const session = seen.filter((s) => s.path === 'POST /v1/checkout/sessions').at(-1)!;
    expect(session.form.get('discounts[0][coupon]')).toMatch(/^co_test_\d+$/);
    expect(session.form.get('line_items[0][price_data][unit_amount]')).toBe('1900'); // Stripe takes the discount off
    expect(await uses()).toBe(0); // counted when paid, not when the session opens
    // without the code the open session (with the coupon) is not the answer: a new one without a discount
    const plain = ok(await subscribeStripe(member, planId), 202).body;
    expect(plain.checkoutId).not.toBe(c.checkoutId);
    expect(seen.filter((s) => s.path === 'POST /v1/checkout/sessions').at(-1)!.form.get('discounts[0][coupon]')).toBeNull();

    const { session_id } = await sessionOf(c.checkoutId);
    stripeSubscription('sub_coupon_1', c.checkoutId);
    ok(await post(completed(session_id, c.checkoutId, 'sub_coupon_1')));
    ok(await post(completed(session_id, c.checkoutId, 'sub_coupon_1')));
    expect(await uses()).toBe(1);
    const mine = ok(await t.http('GET', '/api/v1/me/subscriptions', { as: member, headers: member.h() })).body.items;
    expect(mine).toEqual([expect.objectContaining({ provider: 'stripe', discount: expect.objectContaining({ chargesLeft: 3 }) })]);
    // each invoice Stripe discounts counts the coupon down; one without a discount does not
    const t0 = unix(new Date());
    const inv = (id: string, discount: number) => ({ id, object: 'invoice', subscription: 'sub_coupon_1', currency: 'usd', amount_paid: 1900 - discount, billing_reason: 'subscription_cycle', status_transitions: { paid_at: t0 }, total_discount_amounts: discount ? [{ amount: discount }] : [], lines: { data: [{ description: 'Monthly studio', amount: 1900, period: { start: t0, end: t0 + 30 * DAY } }] } });
    const left = async () => ok(await t.http('GET', '/api/v1/me/subscriptions', { as: member, headers: member.h() })).body.items[0].discount?.chargesLeft;
    ok(await post(event('invoice.paid', inv('in_coupon_1', 475))));
    expect(await left()).toBe(2);
    ok(await post(event('invoice.paid', inv('in_coupon_2', 0))));
    expect(await left()).toBe(2);

    // a yearly plan with a trial: the 3-month coupon covers one yearly charge, 12 months counted from the start (a 14-day trial adds no whole month)
    const yearly = await addMember(t, owner.orgId, 'learner');
    ok(await subscribeStripe(yearly, trialPlanId, { couponCode: 'STUDIO25' }), 202);
    expect(seen.filter((s) => s.path === 'POST /v1/coupons').at(-1)!.form.get('duration_in_months')).toBe('12');
  });

  it('checkout.session.expired closes the checkout (orders ignore it); subscribing again opens a new session', async () => {
    const member = await addMember(t, owner.orgId, 'learner');
    const c = ok(await subscribeStripe(member, planId), 202).body;
    const { session_id } = await sessionOf(c.checkoutId);
    const res = ok(await post(event('checkout.session.expired', { id: session_id, object: 'checkout.session', mode: 'subscription', status: 'expired', client_reference_id: c.checkoutId, metadata: { checkoutId: c.checkoutId }, subscription: null })));
    expect(res.body).toEqual({ received: true, duplicate: false, handled: true });
    expect(await sessionOf(c.checkoutId)).toMatchObject({ status: 'expired', subscription_id: null });
    expect(await subsOf(member)).toHaveLength(0);
    const next = ok(await subscribeStripe(member, planId), 202).body;
    expect(next.checkoutId).not.toBe(c.checkoutId);
  });
});

describe('paying by card while a Stripe checkout is open', () => {
  it('expires the open session at Stripe and closes it, then subscribes by card; a session already paid in is 409 and nothing is charged', async () => {
    const member = await addMember(t, owner.orgId, 'learner');
    const c = ok(await subscribeStripe(member, planId), 202).body;
    const { session_id } = await sessionOf(c.checkoutId);
    const card = ok(await subscribe(t, member, planId), 201).body;
    expect(card).toMatchObject({ status: 'active', provider: 'manual' });
    expect(seen.filter((s) => s.path === `POST /v1/checkout/sessions/${session_id}/expire`)).toHaveLength(1);
    expect(await sessionOf(c.checkoutId)).toMatchObject({ status: 'expired', subscription_id: null });

    const payer = await addMember(t, owner.orgId, 'learner');
    const p = ok(await subscribeStripe(payer, planId), 202).body;
    const paid = await sessionOf(p.checkoutId);
    paidSessions.add(paid.session_id);
    const refused = await subscribe(t, payer, planId);
    expect(refused.status, refused.text).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body.code).toBe('payment_in_progress');
    expect(await subsOf(payer)).toHaveLength(0);
    expect(await count(t, 'SELECT count(*) AS n FROM subscription_charges c JOIN subscriptions s ON s.id = c.subscription_id WHERE s.user_id = $1', [payer.userId])).toBe(0);
    expect(await sessionOf(p.checkoutId)).toMatchObject({ status: 'pending' });
  });
});

describe('managing a Stripe-billed subscription', () => {
  it('cancel at period end and resume go through Stripe and are mirrored; cancel now ends it and its access', async () => {
    const { member, id } = await stripeSubscriber('sub_manage_1');
    const at = ok(await t.http('POST', `/api/v1/subscriptions/${id}/cancel`, { as: member, headers: member.h(), body: { atPeriodEnd: true } })).body;
    expect(at).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, hasAccess: true, nextChargeAt: null });
    const update = seen.filter((s) => s.path === 'POST /v1/subscriptions/sub_manage_1').at(-1)!;
    expect(update.form.get('cancel_at_period_end')).toBe('true');

    const resumed = ok(await t.http('POST', `/api/v1/subscriptions/${id}/resume`, { as: member, headers: member.h() })).body;
    expect(resumed).toMatchObject({ status: 'active', cancelAtPeriodEnd: false, canceledAt: null });
    expect(seen.filter((s) => s.path === 'POST /v1/subscriptions/sub_manage_1').at(-1)!.form.get('cancel_at_period_end')).toBe('false');

    // Stripe paid the current period, half of it is left: cancelling now refunds the unused half through the invoice's payment
    const t0 = unix(new Date());
    const invoice = { id: 'in_manage_1', object: 'invoice', subscription: 'sub_manage_1', currency: 'usd', amount_paid: 1900, billing_reason: 'subscription_cycle', status_transitions: { paid_at: t0 - 15 * DAY }, lines: { data: [{ description: 'Monthly studio', amount: 1900, period: { start: t0 - 15 * DAY, end: t0 + 15 * DAY } }] } };
    ok(await post(event('invoice.paid', invoice)));
    const preview = ok(await t.http('GET', `/api/v1/subscriptions/${id}/cancel-preview`, { as: member, headers: member.h() })).body;
    expect(preview.refundMinor).toBeGreaterThanOrEqual(945);
    expect(preview.refundMinor).toBeLessThanOrEqual(950);
    const now = ok(await t.http('POST', `/api/v1/subscriptions/${id}/cancel`, { as: member, headers: member.h(), body: { atPeriodEnd: false } })).body;
    expect(now).toMatchObject({ status: 'canceled', hasAccess: false });
    expect(seen.some((s) => s.path === 'DELETE /v1/subscriptions/sub_manage_1')).toBe(true);
    const refund = seen.filter((s) => s.path === 'POST /v1/refunds').at(-1)!;
    expect(refund.form.get('payment_intent')).toBe('pi_for_in_manage_1');
    const [charge] = await t.query<{ refunded_minor: number }>("SELECT refunded_minor FROM subscription_charges WHERE idempotency_key = 'stripe:invoice:in_manage_1'");
    expect(charge!.refunded_minor).toBe(Number(refund.form.get('amount')));
    expect(Math.abs(charge!.refunded_minor - preview.refundMinor)).toBeLessThanOrEqual(2);
    expect(await enrollmentStatus(t, member.userId, course.id)).not.toBe('active');
  });

  it("a refund made on Stripe's dashboard (charge.refunded of the invoice's payment) is recorded once, cumulatively; our own refund's echo changes nothing", async () => {
    const { id } = await stripeSubscriber('sub_dash_1');
    const t0 = unix(new Date());
    ok(await post(event('invoice.paid', { id: 'in_dash_1', object: 'invoice', subscription: 'sub_dash_1', currency: 'usd', amount_paid: 1900, billing_reason: 'subscription_cycle', status_transitions: { paid_at: t0 }, lines: { data: [{ description: 'Monthly studio', amount: 1900, period: { start: t0, end: t0 + 30 * DAY } }] } })));
    const refunded = (amount: number) => event('charge.refunded', { id: 'ch_dash_1', object: 'charge', payment_intent: 'pi_for_in_dash_1', amount: 1900, amount_refunded: amount, metadata: {}, refunds: { object: 'list', data: [{ id: `re_dash_${amount}`, object: 'refund', created: t0 }] } });
    const charge = async () => (await t.query<{ id: string; refunded_minor: number }>("SELECT id, refunded_minor FROM subscription_charges WHERE idempotency_key = 'stripe:invoice:in_dash_1'"))[0]!;
    const before = refundEvents.length;
    ok(await post(refunded(500)));
    expect((await charge()).refunded_minor).toBe(500);
    ok(await post(refunded(500))); // another event, the same total: nothing more
    expect((await charge()).refunded_minor).toBe(500);
    // an admin's refund here, then Stripe's echo of it
    ok(await t.http('POST', `/api/v1/subscriptions/${id}/charges/${(await charge()).id}/refund`, { as: owner, headers: { ...owner.h(), 'idempotency-key': idem() }, body: { amountMinor: 400 } }));
    ok(await post(refunded(900)));
    expect((await charge()).refunded_minor).toBe(900);
    ok(await post(refunded(1900)));
    expect((await charge()).refunded_minor).toBe(1900);
    await t.drain();
    const chargeId = (await charge()).id;
    const mine = refundEvents.slice(before).filter((r) => r.chargeId === chargeId);
    expect(mine.map((r) => [r.amountMinor, r.reason, r.full])).toEqual([
      [500, 'provider', false],
      [400, 'admin', false],
      [1000, 'provider', true],
    ]);
    // an order's payment is orders' business: billing does not look it up
    const lookups = seen.filter((x) => x.path.startsWith('GET /v1/invoice_payments?')).length;
    ok(await post(event('charge.refunded', { id: 'ch_order_1', object: 'charge', payment_intent: 'pi_order_1', amount: 1000, amount_refunded: 1000, metadata: { orderId: '0190a0a0-0000-7000-8000-000000000000' } })));
    expect(seen.filter((x) => x.path.startsWith('GET /v1/invoice_payments?'))).toHaveLength(lookups);
  });

  it('change of plan goes through Stripe (new price on the item, prorated and invoiced by Stripe); nothing is charged here', async () => {
    const { member, id } = await stripeSubscriber('sub_manage_2');
    const other = (await createPlan(t, owner, { name: 'Yearly other', interval: 'year', prices: [{ currency: 'USD', amountMinor: 29000 }] })).id;
    const changed = ok(await t.http('POST', `/api/v1/subscriptions/${id}/change-plan`, { as: member, headers: member.h(), body: { planId: other } })).body;
    expect(changed).toMatchObject({ provider: 'stripe', status: 'active', plan: { id: other, interval: 'year' }, amountMinor: 29000 });
    expect(new Date(changed.currentPeriodEnd).getTime() - new Date(changed.currentPeriodStart).getTime()).toBe(365 * DAY * 1000);
    const product = seen.filter((s) => s.path === 'POST /v1/products').at(-1)!;
    expect(product.form.get('name')).toBe('Yearly other');
    const update = seen.filter((s) => s.path === 'POST /v1/subscriptions/sub_manage_2').at(-1)!;
    expect(update.form.get('items[0][id]')).toBe('si_sub_manage_2');
    expect(update.form.get('items[0][price_data][product]')).toMatch(/^prod_test_\d+$/);
    expect(update.form.get('items[0][price_data][unit_amount]')).toBe('29000');
    expect(update.form.get('items[0][price_data][currency]')).toBe('usd');
    expect(update.form.get('items[0][price_data][recurring][interval]')).toBe('year');
    expect(update.form.get('proration_behavior')).toBe('always_invoice');
    expect(update.form.get('metadata[planId]')).toBe(other);
    expect(await count(t, 'SELECT count(*) AS n FROM subscription_charges WHERE subscription_id = $1', [id])).toBe(0);
    const [row] = await t.query<{ plan_id: string; credit_minor: number }>('SELECT plan_id, credit_minor FROM subscriptions WHERE id = $1', [id]);
    expect(row).toEqual({ plan_id: other, credit_minor: 0 });

    // the same plan again is a 400 before Stripe is asked
    const calls = seen.length;
    const same = await t.http('POST', `/api/v1/subscriptions/${id}/change-plan`, { as: member, headers: member.h(), body: { planId: other } });
    expect(same.status).toBe(400);
    expect(seen.length).toBe(calls);
  });

  it('a new payment method is saved on Stripe (setup session); the completed setup makes it the subscription default; a test card is refused', async () => {
    const { member, id } = await stripeSubscriber('sub_manage_4');
    const card = await t.http('POST', `/api/v1/subscriptions/${id}/payment-method`, { as: member, headers: member.h(), body: { paymentMethod: { type: 'manual_card', cardNumber: '4242424242424242' } } });
    expect(card.status).toBe(409);
    expect(card.body.code).toBe('managed_by_stripe');
    expect((await t.query<{ card_number: string | null }>('SELECT card_number FROM subscriptions WHERE id = $1', [id]))[0]!.card_number).toBeNull();

    const res = ok(await t.http('POST', `/api/v1/subscriptions/${id}/payment-method`, { as: member, headers: { ...member.h(), 'idempotency-key': idem() }, body: { paymentMethod: { type: 'stripe_checkout' } } }), 202);
    expect(res.body).toEqual({ redirectUrl: expect.stringMatching(/^https:\/\/checkout\.stripe\.com\/c\/setup\/cs_test_sub_\d+$/) });
    const call = seen.filter((s) => s.path === 'POST /v1/checkout/sessions').at(-1)!;
    expect(call.form.get('mode')).toBe('setup');
    expect(call.form.get('customer')).toBe('cus_sub_manage_4');
    expect(call.form.get('currency')).toBe('usd');
    expect(call.form.get('setup_intent_data[metadata][subscriptionId]')).toBe(id);
    expect(call.form.get('metadata[stripeSubscriptionId]')).toBe('sub_manage_4');
    expect(call.form.get('success_url')).toBe('http://localhost:3000/my-subscription?stripe=payment-method');

    const sessionId = /cs_test_sub_\d+$/.exec(res.body.redirectUrl)![0];
    const setup = (metadata: Record<string, string>) =>
      event('checkout.session.completed', { id: sessionId, object: 'checkout.session', mode: 'setup', status: 'complete', setup_intent: 'seti_manage_4', metadata });
    // a session whose metadata names another Stripe subscription is ignored
    ok(await post(setup({ subscriptionId: id, stripeSubscriptionId: 'sub_other' })));
    expect(seen.some((s) => s.path === 'POST /v1/subscriptions/sub_manage_4' && s.form.has('default_payment_method'))).toBe(false);
    ok(await post(setup({ subscriptionId: id, stripeSubscriptionId: 'sub_manage_4' })));
    const def = seen.filter((s) => s.path === 'POST /v1/subscriptions/sub_manage_4' && s.form.has('default_payment_method'));
    expect(def.map((s) => s.form.get('default_payment_method'))).toEqual(['pm_seti_manage_4']);
    expect(ok(await t.http('GET', `/api/v1/subscriptions/${id}`, { as: member, headers: member.h() })).body).toMatchObject({ cardLast4: '4444', provider: 'stripe' });

    // a card-charged subscription does not take the Stripe flow; a stranger gets 404
    const other = await addMember(t, owner.orgId, 'learner');
    const manual = ok(await t.http('POST', '/api/v1/subscriptions', { as: other, headers: { ...other.h(), 'idempotency-key': idem() }, body: { planId, paymentMethod: { type: 'manual_card', cardNumber: '4242424242424242' } } }), 201).body;
    expect(manual.provider).toBe('manual');
    const wrong = await t.http('POST', `/api/v1/subscriptions/${manual.id}/payment-method`, { as: other, headers: other.h(), body: { paymentMethod: { type: 'stripe_checkout' } } });
    expect(wrong.status).toBe(409);
    expect(wrong.body.code).toBe('not_stripe_billed');
    const foreign = await t.http('POST', `/api/v1/subscriptions/${id}/payment-method`, { as: stranger, headers: stranger.h(), body: { paymentMethod: { type: 'stripe_checkout' } } });
    expect(foreign.status).toBe(404);
  });

  it('past due: the payment method saved on Stripe pays the open invoice at once', async () => {
    const { member, id } = await stripeSubscriber('sub_manage_5');
    Object.assign(stripeSubs.get('sub_manage_5')!, { status: 'past_due', latest_invoice: 'in_open_5' });
    ok(await post(event('customer.subscription.updated', stripeSubs.get('sub_manage_5')!)));
    expect(ok(await t.http('GET', `/api/v1/subscriptions/${id}`, { as: member, headers: member.h() })).body.status).toBe('past_due');
    const res = ok(await t.http('POST', `/api/v1/subscriptions/${id}/payment-method`, { as: member, headers: { ...member.h(), 'idempotency-key': idem() }, body: { paymentMethod: { type: 'stripe_checkout' } } }), 202);
    const sessionId = /cs_test_sub_\d+$/.exec(res.body.redirectUrl)![0];
    expect(seen.some((x) => x.path === 'POST /v1/invoices/in_open_5/pay')).toBe(false);
    ok(await post(event('checkout.session.completed', { id: sessionId, object: 'checkout.session', mode: 'setup', status: 'complete', setup_intent: 'seti_manage_5', metadata: { subscriptionId: id, stripeSubscriptionId: 'sub_manage_5' } })));
    const pay = seen.filter((x) => x.path === 'POST /v1/invoices/in_open_5/pay');
    expect(pay).toHaveLength(1);
    expect(pay[0]!.form.get('payment_method')).toBe('pm_seti_manage_5');
  });

  it('a stranger (another organization, no session) can neither subscribe to the plan nor touch the subscription', async () => {
    const { id } = await stripeSubscriber('sub_manage_3');
    const calls = seen.length;
    const foreign = await subscribeStripe(stranger, planId);
    expect(foreign.status).toBe(404);
    const anon = await t.http('POST', '/api/v1/subscriptions', { body: { planId, paymentMethod: { type: 'stripe_checkout' } } });
    expect(anon.status).toBe(401);
    const cancel = await t.http('POST', `/api/v1/subscriptions/${id}/cancel`, { as: stranger, headers: stranger.h(), body: { atPeriodEnd: false } });
    expect(cancel.status).toBe(404);
    const anonCancel = await t.http('POST', `/api/v1/subscriptions/${id}/cancel`, { body: { atPeriodEnd: false } });
    expect(anonCancel.status).toBe(401);
    expect(seen.length).toBe(calls); // Stripe was never called
    expect((await t.query<{ status: string }>('SELECT status FROM subscriptions WHERE id = $1', [id]))[0]!.status).toBe('active');
  });

  it('bad input is a 4xx problem and records nothing (a coupon code that does not apply too)', async () => {
    const member = await addMember(t, owner.orgId, 'learner');
    const before = await count(t, 'SELECT count(*) AS n FROM subscription_checkouts');
    const calls = seen.length;
    for (const body of [
      { planId, paymentMethod: { type: 'stripe_checkout', cardNumber: '4242424242424242' } },
      { planId, paymentMethod: { type: 'paypal' } },
      { planId: 'not-a-uuid', paymentMethod: { type: 'stripe_checkout' } },
      { planId, currency: 'GBP', paymentMethod: { type: 'stripe_checkout' } },
    ]) {
      const res = await t.http('POST', '/api/v1/subscriptions', { as: member, headers: member.h(), body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const coupon = await subscribeStripe(member, planId, { couponCode: 'NO-SUCH-CODE' });
    expect(coupon.status).toBe(400);
    expect(coupon.body.errors).toEqual([expect.objectContaining({ field: 'body.couponCode' })]);
    expect(await count(t, 'SELECT count(*) AS n FROM subscription_checkouts')).toBe(before);
    expect(seen.length).toBe(calls);
  });
});
