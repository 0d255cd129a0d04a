import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import Stripe from 'stripe';
import { checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

/*
 * Paying with Stripe from the checkout page. Stripe is across the network, so the server's SDK is
 * pointed (STRIPE_API_URL) at a local HTTP server that answers the Checkout Session call like
 * Stripe and serves the page the buyer is redirected to; the payment's webhook is signed with the
 * SDK's test helper and posted to Lyceum as Stripe would. A member then subscribes to a plan through
 * Stripe Checkout (mode: subscription): back on My subscription the page waits for Stripe's
 * confirmation (the signed checkout.session.completed) and shows the subscription when it comes.
 */
const TIMEOUT = 20_000;
const SECRET = 'whsec_e2e_lyceum';

describe('commerce: pay with Stripe', { timeout: 600_000 }, () => {
  let server: TestServer;
  let fake: Server;
  let fakeBase = '';
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  const sessions: URLSearchParams[] = [];
  const expired: string[] = [];
  /** Stripe's subscriptions, as the fake API answers stripe.subscriptions.retrieve */
  const stripeSubs = new Map<string, Record<string, unknown>>();
  const name = `Sam Stripe ${Date.now().toString(36)}`;

  before(async () => {
    fake = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/v1/checkout/sessions') {
          sessions.push(new URLSearchParams(body));
          const id = `cs_test_${sessions.length}`;
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ id, object: 'checkout.session', mode: new URLSearchParams(body).get('mode'), status: 'open', url: `${fakeBase}/pay/${id}` }));
        }
        const sub = req.method === 'GET' && /^\/v1\/subscriptions\/([A-Za-z0-9_]+)$/.exec(req.url ?? '');
        if (sub && stripeSubs.has(sub[1]!)) {
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(JSON.stringify(stripeSubs.get(sub[1]!)));
        }
        const expire = req.url?.match(/^\/v1\/checkout\/sessions\/(cs_test_\d+)\/expire$/);
        if (req.method === 'POST' && expire) {
          expired.push(expire[1]!);
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ id: expire[1], object: 'checkout.session', mode: 'payment', status: 'expired', url: null }));
        }
        if (req.method === 'GET' && req.url?.startsWith('/pay/')) {
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end('<!doctype html><html lang="en"><title>Test payment page</title><main><h1>Test payment page</h1></main></html>');
        }
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { type: 'invalid_request_error', message: 'unknown' } }));
      });
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
    fakeBase = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    process.env.STRIPE_SECRET_KEY = 'sk_test_e2e';
    process.env.STRIPE_WEBHOOK_SECRET = SECRET;
    process.env.STRIPE_API_URL = fakeBase;
    server = await startServer();
    browser = await launchBrowser();
    ctx = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    ctx.setDefaultTimeout(TIMEOUT);
    page = await ctx.newPage();
  });

  const step = stepper(() => page);

  after(async () => {
    await browser?.close();
    await server?.stop();
    await new Promise((r) => fake?.close(r));
  });

  step('a learner chooses Stripe at checkout and is sent to the Checkout Session', async () => {
    await page.goto('/sign-up');
    await page.getByLabel('Full name').fill(name);
    await page.getByLabel('Email').fill(`stripe-${Date.now()}@example.com`);
    await page.getByRole('textbox', { name: 'Password' }).fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('button', { name: `Account menu for ${name}` }).waitFor();
    await page.goto('/courses/speed-reading');
    await page.getByRole('button', { name: 'Buy now' }).click();
    await page.waitForURL(/\/cart$/);
    await page.getByRole('link', { name: 'Check out' }).click();
    await page.waitForURL(/\/checkout$/);
    await page.getByLabel('Full name').fill(name);
    await page.getByText('You will be taken to Stripe to pay securely').waitFor();
    assert.equal(await page.getByLabel('Card number').count(), 0, 'no test-card field while Stripe is chosen');
    await checkA11y(page, 'checkout with Stripe');
    await screenshot(page, 'commerce-checkout-stripe');
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.waitForURL(/\/pay\/cs_test_1$/);
    await page.getByRole('heading', { name: 'Test payment page' }).waitFor();
    const s = sessions[0]!;
    assert.equal(s.get('mode'), 'payment');
    assert.equal(s.get('line_items[0][price_data][currency]'), 'usd');
  });

  step('the signed webhook pays the order; back on Lyceum the learner is enrolled', async () => {
    const s = sessions[0]!;
    const orderId = s.get('payment_intent_data[metadata][orderId]')!;
    const payload = JSON.stringify({
      id: 'evt_e2e_1',
      object: 'event',
      type: 'payment_intent.succeeded',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: { object: { id: 'pi_e2e_1', object: 'payment_intent', status: 'succeeded', created: Math.floor(Date.now() / 1000), metadata: { orderId } } },
    });
    const signature = new Stripe('sk_test_e2e').webhooks.generateTestHeaderString({ payload, secret: SECRET });
    const res = await fetch(`${server.baseUrl}/api/v1/payments/stripe/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
    assert.equal(res.status, 200, await res.text());
    await page.goto(s.get('success_url')!);
    await page.getByText('Thank you! Your payment was received.').waitFor();
    await checkA11y(page, 'order paid through Stripe');
    await page.getByRole('link', { name: 'Open Speed Reading Basics' }).click();
    await page.getByText('You are enrolled in this course.').waitFor();
  });

  step('a learner back from Stripe without paying can continue to pay, or cancel: the session is expired at Stripe', async () => {
    await page.goto('/courses/memory-palace');
    await page.getByRole('button', { name: 'Buy now' }).click();
    await page.waitForURL(/\/cart$/);
    await page.getByRole('link', { name: 'Check out' }).click();
    await page.waitForURL(/\/checkout$/);
    await page.getByLabel('Full name').fill(name);
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.waitForURL(/\/pay\/cs_test_2$/);
    await page.goto(sessions[1]!.get('cancel_url')!);
    await page.getByText('Waiting for the payment to be confirmed…').waitFor();
    const resume = page.getByRole('link', { name: 'Continue to payment' });
    assert.match((await resume.getAttribute('href')) ?? '', /\/pay\/cs_test_2$/);
    await checkA11y(page, 'pending Stripe order');
    await page.getByRole('button', { name: 'Cancel this order' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel order' }).click();
    await page.getByText('Order canceled.').waitFor();
    assert.deepEqual(expired, ['cs_test_2']);
    assert.equal(await resume.count(), 0);
  });

  step('a member subscribes to a plan through Stripe; back on My subscription it waits for Stripe and shows the subscription', async () => {
    const member = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    member.setDefaultTimeout(TIMEOUT);
    page = await member.newPage();
    await signIn(page, 'learner@lyceum.local', 'lyceum-learner-2026');
    await page.getByRole('button', { name: /^Account menu for/ }).waitFor();
    await page.goto('/plans');
    await page.getByRole('button', { name: 'Subscribe to All access', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Subscribe to All access' });
    await dialog.getByText('Stripe', { exact: true }).click();
    await dialog.getByText(/You will pay on Stripe’s secure page/).waitFor();
    assert.equal(await dialog.getByLabel('Card number').count(), 0, 'no test-card field while Stripe is chosen');
    await checkA11y(page, 'subscribe with Stripe');
    await screenshot(page, 'billing-subscribe-stripe');
    await dialog.getByRole('button', { name: 'Pay with Stripe' }).click();
    await page.waitForURL(/\/pay\/cs_test_\d+$/);
    await page.getByRole('heading', { name: 'Test payment page' }).waitFor();
    const s = sessions.at(-1)!;
    assert.equal(s.get('mode'), 'subscription');
    assert.equal(s.get('line_items[0][price_data][recurring][interval]'), 'month');
    assert.equal(s.get('line_items[0][price_data][unit_amount]'), '1900');
    const checkoutId = s.get('subscription_data[metadata][checkoutId]')!;
    assert.ok(checkoutId, 'the subscription carries our checkout id');

    // back from Stripe before its webhook: the payment is being confirmed
    await page.goto(s.get('success_url')!);
    await page.getByText('Stripe is confirming your payment.', { exact: false }).waitFor();
    await checkA11y(page, 'my subscription, confirming the Stripe payment');

    const now = Math.floor(Date.now() / 1000);
    stripeSubs.set('sub_e2e_1', {
      id: 'sub_e2e_1',
      object: 'subscription',
      customer: 'cus_e2e_1',
      status: 'active',
      cancel_at_period_end: false,
      metadata: { checkoutId },
      items: { object: 'list', data: [{ id: 'si_e2e_1', object: 'subscription_item', current_period_start: now, current_period_end: now + 30 * 86400 }] },
    });
    const payload = JSON.stringify({
      id: 'evt_e2e_sub_1',
      object: 'event',
      type: 'checkout.session.completed',
      created: now,
      livemode: false,
      data: { object: { id: `cs_test_${sessions.length}`, object: 'checkout.session', mode: 'subscription', status: 'complete', client_reference_id: checkoutId, metadata: { checkoutId }, subscription: 'sub_e2e_1' } },
    });
    const signature = new Stripe('sk_test_e2e').webhooks.generateTestHeaderString({ payload, secret: SECRET });
    const res = await fetch(`${server.baseUrl}/api/v1/payments/stripe/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
    assert.equal(res.status, 200, await res.text());

    // the page refetches on its own until the subscription is there
    await page.getByText('Payment confirmed: you are subscribed.').waitFor();
    const card = page.getByTestId('subscription-card').filter({ hasText: 'All access' });
    await card.getByTestId('subscription-status').filter({ hasText: 'Active' }).waitFor();
    await card.getByText('Billed by Stripe').waitFor();
    assert.equal(await card.getByRole('button', { name: 'Update card' }).count(), 0, 'Stripe bills it: no test-card update');
    await checkA11y(page, 'my subscription billed by Stripe');

    // a new payment method is saved on Stripe's page (a setup session for the subscription's customer)
    await card.getByRole('button', { name: 'Update payment method on Stripe' }).click();
    await page.waitForURL(/\/pay\/cs_test_\d+$/);
    const setup = sessions.at(-1)!;
    assert.equal(setup.get('mode'), 'setup');
    assert.equal(setup.get('customer'), 'cus_e2e_1');
    await page.goto(setup.get('success_url')!);
    await page.getByText('Stripe is saving your new payment method', { exact: false }).waitFor();
  });
});
