import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertNoHorizontalScroll, checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 20_000;
const COURSE = 'Members Only Masterclass';

interface Invoice {
  source: string;
  sourceId: string;
  netMinor: number;
  taxMinor: number;
  totalMinor: number;
  refundedMinor: number;
  status: string;
}

describe('billing journey', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let admin: BrowserContext;
  let learner: BrowserContext;
  let adminPage: Page;
  let page: Page;

  before(async () => {
    server = await startServer({ BILLING_TEST_CLOCKS: 'true' });
    browser = await launchBrowser();
    admin = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    admin.setDefaultTimeout(TIMEOUT);
    adminPage = await admin.newPage();
    page = adminPage;
  });

  const step = stepper(() => [adminPage, page]);

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const toast = (p: Page, text: string | RegExp) => p.locator('.mantine-Notification-root').filter({ hasText: text }).first().waitFor();
  /** The learner's invoice of a subscription charge (issued by the invoicing worker after the payment event), once it matches. */
  const invoiceOf = async (chargeId: string, done: (inv: Invoice) => boolean): Promise<Invoice> => {
    for (let i = 0; i < 80; i++) {
      const res = await learner.request.get('/api/v1/me/invoices?limit=100');
      assert.equal(res.status(), 200);
      const inv = ((await res.json()).items as Invoice[]).find((x) => x.source === 'subscription' && x.sourceId === chargeId);
      if (inv && done(inv)) return inv;
      await page.waitForTimeout(250);
    }
    throw new Error(`no matching invoice for charge ${chargeId}`);
  };
  const advance = async (days: number) => {
    await adminPage.bringToFront();
    await adminPage.reload();
    const before = await adminPage.getByTestId('clock-time').textContent();
    await adminPage.getByRole('button', { name: `Advance ${days} days` }).click();
    await adminPage.waitForFunction((old) => document.querySelector('[data-testid="clock-time"]')?.textContent !== old, before);
  };

  step('the admin creates a test clock and a plan; a paid course exists', async () => {
    await signIn(adminPage, 'admin@lyceum.local', 'lyceum-admin-2026');
    await adminPage.getByRole('button', { name: /^Account menu for/ }).waitFor();
    // a paid course (no self-enrollment), built through the API the course editor uses
    const h = { 'content-type': 'application/json' };
    const course = await (await admin.request.post('/api/v1/courses', { headers: h, data: { title: COURSE, visibility: 'public', isFree: false } })).json();
    const section = await (await admin.request.post(`/api/v1/courses/${course.id}/sections`, { headers: h, data: { title: 'Part one' } })).json();
    const lesson = await admin.request.post(`/api/v1/courses/${course.id}/sections/${section.id}/lessons`, { headers: h, data: { title: 'Welcome', type: 'text', body: { markdown: '# Welcome' } } });
    assert.equal(lesson.status(), 201);
    assert.equal((await admin.request.post(`/api/v1/courses/${course.id}/publish`, { headers: h, data: {} })).status(), 200);

    await adminPage.goto('/admin/billing');
    await adminPage.getByRole('heading', { level: 1, name: 'Billing' }).waitFor();
    await adminPage.getByRole('button', { name: 'Create a test clock' }).click();
    await adminPage.getByTestId('clock-time').waitFor();

    await adminPage.getByRole('textbox', { name: 'Name', exact: true }).fill('Starter');
    await adminPage.getByRole('textbox', { name: 'Price', exact: true }).fill('9');
    await adminPage.getByRole('button', { name: 'Create plan' }).click();
    await toast(adminPage, 'Plan created.');
    await adminPage.getByTestId('admin-plan').filter({ hasText: 'Starter' }).waitFor();
    await checkA11y(adminPage, 'billing admin');
    await screenshot(adminPage, 'billing-admin');
  });

  step('a learner subscribes to Starter with a test card and gets the paid course', async () => {
    learner = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    learner.setDefaultTimeout(TIMEOUT);
    page = await learner.newPage();
    await signIn(page, 'learner@lyceum.local', 'lyceum-learner-2026');
    await page.getByRole('button', { name: /^Account menu for/ }).waitFor();
    await page.getByRole('link', { name: 'Plans' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Plans' }).waitFor();
    await page.getByTestId('plan-card').filter({ hasText: 'All access' }).first().waitFor();
    await checkA11y(page, 'plans');
    await page.getByRole('button', { name: 'Subscribe to Starter' }).click();
    const dialog = page.getByRole('dialog', { name: 'Subscribe to Starter' });
    // a declined card: the message shows, nothing is created
    await dialog.getByRole('textbox', { name: 'Card number' }).fill('4000 0000 0000 0002');
    await dialog.getByRole('button', { name: /^Pay/ }).click();
    await dialog.getByText(/declined/).waitFor();
    await dialog.getByRole('textbox', { name: 'Card number' }).fill('4242 4242 4242 4242');
    await dialog.getByRole('button', { name: /^Pay/ }).click();
    await page.waitForURL(/\/my-subscription$/);
    const card = page.getByTestId('subscription-card').filter({ hasText: 'Starter' });
    await card.getByTestId('subscription-status').filter({ hasText: 'Active' }).waitFor();
    await card.getByText(/^Renews on/).waitFor();

    await page.goto('/my-learning');
    await page.getByTestId('enrollment-card').filter({ hasText: COURSE }).getByText('In progress').waitFor();
  });

  step('changes plan with the proration preview, cancels at period end and resumes', async () => {
    await page.goto('/my-subscription');
    const card = page.getByTestId('subscription-card').filter({ hasText: 'Starter' });
    await card.getByRole('button', { name: 'Change plan' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change plan' });
    await dialog.getByRole('combobox', { name: 'New plan' }).click();
    await page.getByRole('option', { name: 'All access', exact: true }).click();
    const preview = dialog.getByTestId('proration-preview');
    await preview.getByText(/Unused time on Starter/).waitFor();
    await preview.getByText(/Remaining time on All access/).waitFor();
    await preview.getByText(/^Charged now: \$10\.00$/).waitFor(); // 19.00 − 9.00, nothing of the period used yet
    await checkA11y(page, 'change plan preview');
    await screenshot(page, 'billing-change-preview');
    await dialog.getByRole('button', { name: 'Change plan' }).click();
    await toast(page, 'You are now on All access.');

    const sub = page.getByTestId('subscription-card').filter({ hasText: 'All access' });
    await sub.getByRole('button', { name: 'Cancel at period end' }).click();
    await toast(page, 'Your subscription will end at the end of the period.');
    await sub.getByText(/it will not renew/).waitFor();
    await sub.getByRole('button', { name: 'Keep my subscription' }).click();
    await sub.getByText(/^Renews on/).waitFor();
    await checkA11y(page, 'my subscription');
    await page.setViewportSize({ width: 375, height: 800 });
    await assertNoHorizontalScroll(page, 'my subscription at 375 px');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  step('the admin advances the test clock past the period end: the subscription renews', async () => {
    await advance(31);
    await page.bringToFront();
    await page.reload();
    const sub = page.getByTestId('subscription-card').filter({ hasText: 'All access' });
    await sub.getByTestId('subscription-status').filter({ hasText: 'Active' }).waitFor();
    await sub.getByText(/Renewal · \$19\.00/).waitFor();
  });

  step('with the 0341 card the next renewal fails: past due with a banner, then access is lost', async () => {
    const sub = page.getByTestId('subscription-card').filter({ hasText: 'All access' });
    await sub.getByRole('button', { name: 'Update card' }).click();
    const dialog = page.getByRole('dialog', { name: 'Update the card' });
    await dialog.getByRole('textbox', { name: 'Card number' }).fill('4000 0000 0000 0341');
    await dialog.getByRole('button', { name: 'Save card' }).click();
    await toast(page, 'Card saved.');
    await sub.getByText('Card ending 0341').waitFor();

    await advance(31);
    await page.bringToFront();
    await page.reload();
    await sub.getByTestId('subscription-status').filter({ hasText: 'Past due' }).waitFor();
    await sub.getByRole('alert').filter({ hasText: 'Your last payment failed.' }).waitFor();
    await checkA11y(page, 'past due');
    await screenshot(page, 'billing-past-due');

    // the grace period (2 days) ends: course access is suspended
    await advance(3);
    await page.bringToFront();
    await page.reload();
    await sub.getByText('Course access is suspended until a payment succeeds.').waitFor();
    await page.goto('/my-learning');
    await page.getByTestId('enrollment-card').filter({ hasText: COURSE }).getByText('Expired').waitFor();

    // through the last retry (+5 days): the subscription ends
    await advance(3);
    await page.bringToFront();
    await page.goto('/my-subscription');
    await page.getByTestId('subscription-card').filter({ hasText: 'All access' }).getByTestId('subscription-status').filter({ hasText: 'Ended' }).waitFor();
  });
  step('the learner subscribes to Starter again with a coupon and a taxed country: the quote, the payment and the invoice show the discount and the tax', async () => {
    // the admin offers a plan coupon for Starter (the demo seed taxes the US at 8%, added on top)
    const h = { 'content-type': 'application/json' };
    const plans = await (await admin.request.get('/api/v1/billing/plans?limit=100')).json();
    const starter = plans.items.find((p: { name: string }) => p.name === 'Starter');
    const coupon = await admin.request.post('/api/v1/coupons', { headers: h, data: { code: 'HALFSTARTER', name: 'Half off Starter', kind: 'percent', percentBasisPoints: 5000, scope: 'plans', scopeIds: [starter.id] } });
    assert.equal(coupon.status(), 201, await coupon.text());

    await page.bringToFront();
    await page.goto('/plans');
    await page.getByRole('button', { name: 'Subscribe to Starter' }).click();
    const dialog = page.getByRole('dialog', { name: 'Subscribe to Starter' });
    const quote = dialog.getByTestId('subscription-quote');
    await quote.getByTestId('quote-total').filter({ hasText: /^\$9\.00$/ }).waitFor();
    // a code that does not exist: the problem's field error shows beside the coupon field
    await dialog.getByRole('textbox', { name: 'Coupon code' }).fill('NOPE');
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.getByText('There is no such coupon code.').waitFor();
    await dialog.getByRole('textbox', { name: 'Coupon code' }).fill('halfstarter');
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await quote.getByTestId('quote-discount').filter({ hasText: /^−\$4\.50$/ }).waitFor();
    await quote.getByText(/Half off Starter, on the first payment/).waitFor();
    // a region code that is not one: the field error shows beside the region
    await dialog.getByRole('combobox', { name: 'Country' }).click();
    await page.getByRole('option', { name: 'United States', exact: true }).click();
    await dialog.getByRole('textbox', { name: /^State or region code/ }).fill('C-A');
    await dialog.getByText('Use the region code, e.g. CA.').waitFor();
    await dialog.getByRole('textbox', { name: /^State or region code/ }).fill('');
    await quote.getByText('Sales tax 8%').waitFor();
    await quote.getByTestId('quote-tax').filter({ hasText: /^\$0\.36$/ }).waitFor(); // 8% of 4.50
    await quote.getByTestId('quote-total').filter({ hasText: /^\$4\.86$/ }).waitFor();
    await checkA11y(page, 'subscribe with quote');
    await screenshot(page, 'billing-subscribe-quote');
    await dialog.getByRole('textbox', { name: 'Card number' }).fill('4242 4242 4242 4242');
    await dialog.getByRole('button', { name: 'Pay $4.86' }).click();
    await page.waitForURL(/\/my-subscription$/);
    const card = page.getByTestId('subscription-card').filter({ hasText: 'Starter' });
    await card.getByTestId('subscription-status').filter({ hasText: 'Active' }).waitFor();
    await card.getByText(/First payment · \$4\.86 · \$0\.36 tax/).waitFor();

    const subs = await (await learner.request.get('/api/v1/me/subscriptions?limit=50')).json();
    const sub = subs.items.find((s: { plan: { name: string }; status: string }) => s.plan.name === 'Starter' && s.status === 'active');
    const charges = await (await learner.request.get(`/api/v1/subscriptions/${sub.id}/charges`)).json();
    const inv = await invoiceOf(charges.items[0].id, () => true);
    assert.deepEqual([inv.netMinor, inv.taxMinor, inv.totalMinor], [450, 36, 486]);
  });

  step('the learner cancels Starter now: the dialog shows the refund of the unused time, then it is canceled and refunded on the invoice', async () => {
    const card = page.getByTestId('subscription-card').filter({ hasText: 'Starter' });
    await card.getByRole('button', { name: 'Cancel now' }).click();
    const confirm = page.getByRole('dialog', { name: 'Cancel now?' });
    // the test clock has not moved since the payment: the whole period is unused
    await confirm.getByText('The unused time, $4.86, is refunded to your card.', { exact: false }).waitFor();
    await checkA11y(page, 'cancel now with refund');
    await confirm.getByRole('button', { name: 'Cancel now' }).click();
    await toast(page, 'Your subscription has ended.');
    await card.getByTestId('subscription-status').filter({ hasText: 'Canceled' }).waitFor();
    await card.getByText(/First payment · \$4\.86 · \$0\.36 tax · \$4\.86 refunded/).waitFor();

    const subs = await (await learner.request.get('/api/v1/me/subscriptions?limit=50')).json();
    const sub = subs.items.find((s: { plan: { name: string }; status: string }) => s.plan.name === 'Starter' && s.status === 'canceled');
    assert.ok(sub, 'the Starter subscription is canceled');
    const charges = await (await learner.request.get(`/api/v1/subscriptions/${sub.id}/charges`)).json();
    const inv = await invoiceOf(charges.items[0].id, (i) => i.refundedMinor > 0);
    assert.equal(inv.refundedMinor, 486);
    assert.equal(inv.status, 'refunded');
  });

  step('the admin buys seats and gives one to the instructor, who gets the course', async () => {
    await adminPage.bringToFront();
    await adminPage.goto('/admin/billing');
    await adminPage.getByTestId('admin-plan').filter({ hasText: 'Starter' }).waitFor();
    await adminPage.getByText('No seat licences yet.').waitFor(); // the seats section has loaded (with its plan list)
    await adminPage.getByRole('combobox', { name: 'Plan', exact: true }).click();
    await adminPage.getByRole('option', { name: 'Starter', exact: true }).click();
    await adminPage.getByRole('textbox', { name: 'Seats', exact: true }).fill('2');
    await adminPage.getByRole('button', { name: 'Buy seats' }).click();
    const dialog = adminPage.getByRole('dialog', { name: 'Buy seats' });
    await dialog.getByRole('textbox', { name: 'Card number' }).fill('4242 4242 4242 4242');
    await dialog.getByRole('button', { name: 'Buy seats' }).click();
    await toast(adminPage, 'Seats bought.');
    const licence = adminPage.getByTestId('seat-licence').first();
    await licence.getByText(/0 of 2 seats assigned/).waitFor();
    await licence.getByRole('textbox', { name: 'Member email' }).fill('instructor@lyceum.local');
    await licence.getByRole('button', { name: 'Assign seat' }).click();
    await toast(adminPage, 'Seat assigned to instructor@lyceum.local.');
    await licence.getByText(/1 of 2 seats assigned/).waitFor();
    await licence.getByRole('button', { name: 'Take back the seat of instructor@lyceum.local' }).waitFor();
    const mine = await (await admin.request.get('/api/v1/billing/seats')).json();
    assert.equal(mine.items[0].assigned, 1);
    await checkA11y(adminPage, 'seat licences');

    const instructor = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    instructor.setDefaultTimeout(TIMEOUT);
    page = await instructor.newPage();
    await signIn(page, 'instructor@lyceum.local', 'lyceum-instructor-2026');
    await page.getByRole('button', { name: /^Account menu for/ }).waitFor();
    await page.goto('/my-learning');
    await page.getByTestId('enrollment-card').filter({ hasText: COURSE }).getByText('In progress').waitFor();
  });

  step("the admin refunds the learner's renewal from the subscriptions list: part of it, then the rest", async () => {
    await adminPage.bringToFront();
    await adminPage.goto('/admin/billing');
    const sub = adminPage.getByTestId('admin-subscription').filter({ hasText: 'learner@lyceum.local' }).filter({ hasText: 'All access' });
    await sub.getByRole('button', { name: 'Charges' }).click();
    const renewal = sub.getByTestId('subscription-charge').filter({ hasText: 'Renewal' }).filter({ hasText: 'Refund $19.00' });
    await renewal.getByRole('textbox').fill('20');
    await renewal.getByRole('button', { name: 'Refund amount' }).click();
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Refund' }).click();
    await renewal.getByText('That is more than is left to refund (at most $19.00).').waitFor();
    await renewal.getByRole('textbox').fill('5.00');
    await renewal.getByRole('button', { name: 'Refund amount' }).click();
    await adminPage.getByRole('dialog').getByText('learner@lyceum.local gets $5.00 back through the payment provider.', { exact: false }).waitFor();
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Refund' }).click();
    await toast(adminPage, 'Refund issued.');
    const row = sub.getByTestId('subscription-charge').filter({ hasText: 'Renewal' }).filter({ hasText: '$5.00' });
    const rest = row.getByRole('button', { name: /^Refund \$14\.00, what is left of the charge/ });
    await rest.waitFor();
    await checkA11y(adminPage, 'subscription charges');
    await screenshot(adminPage, 'billing-admin-charge-refund');
    await rest.click();
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Refund' }).click();
    const done = sub.getByTestId('subscription-charge').filter({ hasText: 'Renewal' }).filter({ hasText: /\$19\.00\s*\$19\.00/ });
    await done.waitFor();
    assert.equal(await done.getByRole('button').count(), 0, 'nothing is left to refund');
    const subs = await (await admin.request.get('/api/v1/billing/subscriptions?limit=50')).json();
    const theirs = subs.items.find((x: { customerEmail: string; plan: { name: string } }) => x.customerEmail === 'learner@lyceum.local' && x.plan.name === 'All access');
    const charges = await (await admin.request.get(`/api/v1/subscriptions/${theirs.id}/charges`)).json();
    const refunded = charges.items.filter((c: { reason: string; status: string }) => c.reason === 'renewal' && c.status === 'succeeded');
    assert.deepEqual(refunded.map((c: { amountMinor: number; refundedMinor: number }) => [c.amountMinor, c.refundedMinor]), [[1900, 1900]]);
  });
});
