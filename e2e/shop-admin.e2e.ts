import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 20_000;

/**
 * The shop admin's journey: a bundle is created and bought (every course of it granted), refunded
 * in part by amount, commissions are set per course, the referrer sees which rate applied, and the
 * revenue page charts the day.
 */
describe('shop admin journey: bundles, refunds by amount, commission rules, revenue chart', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let staff: BrowserContext;
  let learner: BrowserContext;
  let admin: Page;
  let page: Page | undefined;
  let referralLink = '';
  const learnerName = `Bo Bundle ${Date.now().toString(36)}`;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    staff = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    staff.setDefaultTimeout(TIMEOUT);
    admin = await staff.newPage();
  });

  const step = stepper(() => [admin, page]);

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('an admin creates a bundle of two paid courses with a USD price', async () => {
    await signIn(admin, 'admin@lyceum.local', 'lyceum-admin-2026');
    await admin.getByRole('button', { name: /^Account menu for/ }).waitFor();
    await admin.goto('/shop');
    await admin.getByRole('tab', { name: 'Bundles' }).click();
    const form = admin.getByRole('form', { name: 'Create bundle' });
    await form.getByLabel('Bundle title').fill('Mind Skills');
    await form.getByRole('button', { name: 'Create bundle' }).click();
    await form.getByText('Give the bundle a price in at least one currency.').or(form.getByText('Enter a price such as 39.00.')).first().waitFor();
    await form.getByLabel('Courses').click();
    await admin.getByRole('option', { name: 'Memory Palace Masterclass' }).click();
    await admin.getByRole('option', { name: 'Speed Reading Basics' }).click();
    await form.getByLabel('Bundle title').click(); // close the dropdown
    await form.getByLabel('Price', { exact: true }).fill('39.00');
    await form.getByRole('button', { name: 'Create bundle' }).click();
    await admin.locator('.mantine-Notification-root').filter({ hasText: 'Bundle created.' }).first().waitFor();
    const row = admin.getByTestId('bundle-row').filter({ hasText: 'Mind Skills' });
    await row.filter({ hasText: '$39.00' }).waitFor();
    await row.filter({ hasText: 'Memory Palace Masterclass · Speed Reading Basics' }).waitFor();
    await checkA11y(admin, 'shop admin bundles');

    // the admin also refers: their link is what the learner follows
    await admin.goto('/affiliate');
    await admin.getByRole('button', { name: 'Get my referral link' }).click();
    referralLink = await admin.getByRole('textbox', { name: 'Your link' }).inputValue();
    assert.match(referralLink, /\/api\/v1\/ref\/[A-Z0-9-]+$/);
  });

  step('a learner finds the bundle on a course page, sees the savings, buys it and is enrolled in both courses', async () => {
    learner = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    learner.setDefaultTimeout(TIMEOUT);
    page = await learner.newPage();
    await page.goto('/sign-up');
    await page.getByLabel('Full name').fill(learnerName);
    await page.getByLabel('Email').fill(`bundle-${Date.now()}@example.com`);
    await page.getByRole('textbox', { name: 'Password' }).fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('button', { name: `Account menu for ${learnerName}` }).waitFor();
    await page.goto(`${new URL(referralLink).pathname}?to=/courses/memory-palace`);
    await page.waitForURL(/\/courses\/memory-palace$/);
    const card = page.getByTestId('course-bundle').filter({ hasText: 'Mind Skills' });
    await card.filter({ hasText: 'You save $9.00 against buying the courses separately ($48.00).' }).waitFor();
    await checkA11y(page, 'course page with a bundle');
    await card.getByRole('link', { name: 'Mind Skills' }).click();
    await page.waitForURL(/\/bundles\/[0-9a-f-]+$/);
    await page.getByRole('heading', { level: 1, name: 'Mind Skills' }).waitFor();
    await page.getByRole('heading', { name: 'Includes 2 courses' }).waitFor();
    await page.getByTestId('bundle-price').filter({ hasText: '$39.00' }).waitFor();
    await checkA11y(page, 'bundle page');
    await screenshot(page, 'shop-bundle-page');
    await page.getByRole('button', { name: 'Buy now' }).click();
    await page.waitForURL(/\/cart$/);
    await page.getByTestId('cart-item').filter({ hasText: 'Mind Skills' }).filter({ hasText: '$39.00' }).waitFor();
    await page.getByRole('link', { name: 'Check out' }).click();
    await page.waitForURL(/\/checkout$/);
    await page.getByLabel('Full name').fill(learnerName);
    await page.getByTestId('total').filter({ hasText: '$42.12' }).waitFor(); // 39.00 + 8% US sales tax
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Pay $42.12' }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]+$/);
    await page.getByText('Thank you! Your payment was received.').waitFor();
    for (const slug of ['memory-palace', 'speed-reading']) {
      for (let i = 0; i < 20; i++) {
        await page.goto(`/courses/${slug}`);
        await page.getByRole('heading', { level: 1 }).waitFor();
        if (await page.getByText('You are enrolled in this course.').isVisible()) break;
        await page.waitForTimeout(500);
      }
      await page.getByText('You are enrolled in this course.').waitFor();
    }
  });

  step('the admin refunds part of the order by amount: too much is refused on the field, then it is partly refunded', async () => {
    await admin.goto('/shop');
    const order = admin.getByTestId('order').filter({ hasText: 'Mind Skills' }).first();
    await order.waitFor();
    const amount = admin.getByRole('textbox', { name: /^Refund an amount of order/ }).first();
    await admin.getByText('Left to refund: $42.12').first().waitFor();
    await amount.fill('50');
    await admin.getByRole('button', { name: 'Refund amount' }).first().click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Refund' }).click();
    await admin.getByText('That is more than is left to refund (at most $42.12).').waitFor();
    await amount.fill('10.00');
    await admin.getByRole('button', { name: 'Refund amount' }).first().click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Refund' }).click();
    await admin.locator('.mantine-Notification-root').filter({ hasText: 'Refund issued.' }).first().waitFor();
    await order.getByTestId('order-status').filter({ hasText: 'Partly refunded' }).waitFor();
    await admin.getByText('Left to refund: $32.12').first().waitFor();
    await checkA11y(admin, 'shop admin refund by amount');
    // the learner keeps both courses: an amount refund does not take access back
    await page!.goto('/courses/speed-reading');
    await page!.getByText('You are enrolled in this course.').waitFor();
  });

  step('the admin sets the default commission and a rule per course, removes one; the referrer sees the rate that applied', async () => {
    await admin.goto('/affiliate/admin');
    await admin.getByLabel('Default commission (%)').fill('12.5');
    await admin.getByRole('button', { name: 'Save settings' }).click();
    await admin.locator('.mantine-Notification-root').filter({ hasText: 'Settings saved.' }).first().waitFor();
    const rules = admin.getByRole('form', { name: 'Set commission' });
    for (const [course, pct] of [['Memory Palace Masterclass', '20'], ['Speed Reading Basics', '5']] as const) {
      await rules.getByLabel('Course', { exact: true }).click();
      await admin.getByRole('option', { name: course }).click();
      await rules.getByLabel('Commission (%)').fill(pct);
      await rules.getByRole('button', { name: 'Set commission' }).click();
      await admin.getByTestId('commission-rules').getByRole('row').filter({ hasText: course }).filter({ hasText: `${pct} %` }).waitFor();
    }
    await admin.getByRole('button', { name: 'Remove the rule for Speed Reading Basics' }).click();
    await admin.locator('.mantine-Notification-root').filter({ hasText: 'Commission rule removed' }).first().waitFor();
    await admin.getByTestId('commission-rules').getByRole('row').filter({ hasText: 'Speed Reading Basics' }).waitFor({ state: 'detached' });
    await checkA11y(admin, 'affiliate admin with rules');
    await admin.reload();
    await admin.getByRole('heading', { name: 'Commission per course or plan' }).waitFor();
    assert.match(await admin.getByLabel('Default commission (%)').inputValue(), /^12\.5/);

    // the bundle sale was made at the default rate then in force (10%)
    await admin.goto('/affiliate');
    await admin.getByTestId('entry-rate').filter({ hasText: '10 % · default rate' }).first().waitFor();
  });

  step('the revenue page charts the day (gross, refunds, net, instructor share) above the table, per course', async () => {
    await admin.goto('/revenue');
    const chart = admin.getByRole('img', { name: /^Revenue per day \(USD\)/ });
    await chart.waitFor();
    const desc = await chart.getAttribute('aria-labelledby');
    assert.ok(desc && desc.split(' ').length === 2, 'the chart is labelled by its title and its description');
    assert.equal(await chart.locator('polyline').count(), 4);
    const today = new Date().toISOString().slice(0, 10);
    const row = admin.getByRole('row').filter({ hasText: today });
    await row.filter({ hasText: '$39.00' }).waitFor(); // gross sales of the bundle, tax excluded
    await checkA11y(admin, 'revenue chart');
    await screenshot(admin, 'revenue-chart');
    await admin.getByRole('combobox', { name: 'Course' }).click();
    await admin.getByRole('option', { name: 'Speed Reading Basics' }).click();
    await admin.getByRole('row').filter({ hasText: today }).filter({ hasText: '$19.50' }).waitFor(); // half of the bundle
    await chart.waitFor();
  });
});
