import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertNoHorizontalScroll, checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 20_000;
const COURSE = 'Members Only Masterclass';

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
