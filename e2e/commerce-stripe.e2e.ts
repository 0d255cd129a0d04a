import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import Stripe from 'stripe';
import { checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

/*
 * Paying with Stripe from the checkout page. Stripe is across the network, so the server's SDK is
 * pointed (STRIPE_API_URL) at a local HTTP server that answers the Checkout Session call like
 * Stripe and serves the page the buyer is redirected to; the payment's webhook is signed with the
 * SDK's test helper and posted to Lyceum as Stripe would.
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
          return res.end(JSON.stringify({ id, object: 'checkout.session', mode: 'payment', status: 'open', url: `${fakeBase}/pay/${id}` }));
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
});
