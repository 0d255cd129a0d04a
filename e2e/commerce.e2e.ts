import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertNoHorizontalScroll, checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 20_000;

describe('commerce journey', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let learner: BrowserContext;
  let staff: BrowserContext;
  let page: Page;
  const learnerName = `Bea Buyer ${Date.now().toString(36)}`;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    learner = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    learner.setDefaultTimeout(TIMEOUT);
    page = await learner.newPage();
  });

  const step = stepper(() => page);

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('a learner adds two paid courses to the cart (one as a guest, kept at sign-up)', async () => {
    await page.goto('/courses/memory-palace');
    await page.getByTestId('course-price').filter({ hasText: '$29.00' }).waitFor();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByTestId('cart-count').filter({ hasText: /^1$/ }).waitFor();
    await checkA11y(page, 'course page with price');

    await page.goto('/sign-up');
    await page.getByLabel('Full name').fill(learnerName);
    await page.getByLabel('Email').fill(`buyer-${Date.now()}@example.com`);
    await page.getByRole('textbox', { name: 'Password' }).fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('button', { name: `Account menu for ${learnerName}` }).waitFor();

    await page.goto('/courses/speed-reading');
    await page.getByRole('button', { name: 'Buy now' }).click();
    await page.waitForURL(/\/cart$/);
    await page.getByTestId('cart-item').nth(1).waitFor();
    const titles = await page.getByTestId('cart-item').allTextContents();
    assert.ok(titles.some((x) => x.includes('Memory Palace Masterclass')), 'the guest cart was merged at sign-in');
    assert.ok(titles.some((x) => x.includes('Speed Reading Basics')));
    await checkA11y(page, 'cart');
    await screenshot(page, 'commerce-cart');
  });

  step('checks out with a coupon and the manual test card, and is enrolled at once', async () => {
    await page.getByRole('link', { name: 'Check out' }).click();
    await page.waitForURL(/\/checkout$/);
    await page.getByLabel('Full name').fill(learnerName);
    await page.getByTestId('total').filter({ hasText: '$51.84' }).waitFor(); // 48.00 + 8% US sales tax
    await page.getByLabel('Coupon code').fill('NOSUCHCODE');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('There is no such coupon code.').waitFor();
    await page.getByLabel('Coupon code').fill('welcome10');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByTestId('applied-coupon').filter({ hasText: 'WELCOME10' }).waitFor();
    await page.getByTestId('discount').filter({ hasText: '$4.80' }).waitFor();
    await page.getByTestId('total').filter({ hasText: '$46.66' }).waitFor();
    await checkA11y(page, 'checkout');
    await screenshot(page, 'commerce-checkout');

    await page.getByLabel('Card number').fill('4000 0000 0000 0002');
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.getByRole('alert').filter({ hasText: 'The card was declined.' }).waitFor();

    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Pay $46.66' }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]+$/);
    await page.getByText('Thank you! Your payment was received.').waitFor();
    await page.getByRole('link', { name: 'Open Memory Palace Masterclass' }).click();
    await page.getByText('You are enrolled in this course.').waitFor();
    await page.getByRole('button', { name: 'Start learning' }).click();
    await page.waitForURL(/\/learn\/[^/]+\/lessons\//);
  });

  step('the order and its invoice PDF are in the order history', async () => {
    await page.goto('/my-orders');
    const order = page.getByTestId('order').first();
    await order.getByTestId('order-status').filter({ hasText: 'Paid' }).waitFor();
    const invoice = order.getByRole('link', { name: /^Download invoice INV-\d{6} \(PDF\)$/ });
    const [download] = await Promise.all([page.waitForEvent('download'), invoice.click()]);
    const file = await download.path();
    const { readFileSync } = await import('node:fs');
    assert.equal(readFileSync(file).subarray(0, 5).toString(), '%PDF-');
    await checkA11y(page, 'order history');
    await page.setViewportSize({ width: 375, height: 800 });
    await assertNoHorizontalScroll(page, 'order history at 375 px');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  step('the invoice is listed on My invoices, linked to its order, with its PDF', async () => {
    await page.getByRole('link', { name: 'All my invoices' }).click();
    await page.waitForURL(/\/my-invoices$/);
    const row = page.getByTestId('my-invoice').first();
    await row.getByText('Paid', { exact: true }).waitFor();
    await row.getByRole('link', { name: 'Course order' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: /^Download invoice INV-\d{6} \(PDF\)$/ }).click()]);
    const { readFileSync } = await import('node:fs');
    assert.equal(readFileSync(await download.path()).subarray(0, 5).toString(), '%PDF-');
    await checkA11y(page, 'my invoices');
  });

  step('an admin refunds one line and the learner loses that course only', async () => {
    staff = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    staff.setDefaultTimeout(TIMEOUT);
    const adminPage = await staff.newPage();
    page = adminPage;
    await signIn(adminPage, 'admin@lyceum.local', 'lyceum-admin-2026');
    await adminPage.getByRole('button', { name: /^Account menu for/ }).waitFor();
    await adminPage.getByRole('link', { name: 'Shop admin' }).first().click();
    await adminPage.waitForURL(/\/shop$/);
    const row = adminPage.getByTestId('order').filter({ hasText: 'Speed Reading Basics' }).first();
    await row.waitFor();
    await checkA11y(adminPage, 'shop admin orders');
    await adminPage.getByRole('button', { name: 'Refund Speed Reading Basics' }).first().click();
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Refund' }).click();
    await adminPage.locator('.mantine-Notification-root').filter({ hasText: 'Refund issued.' }).first().waitFor();
    await adminPage.getByRole('tab', { name: 'Coupons and promotions' }).click();
    await adminPage.getByTestId('coupon-row').filter({ hasText: 'WELCOME10' }).filter({ hasText: 'Used 1' }).waitFor();
    await checkA11y(adminPage, 'shop admin coupons');

    page = await learner.newPage();
    await page.goto('/my-orders');
    await page.getByTestId('order-status').first().filter({ hasText: 'Partly refunded' }).waitFor();
    await page.getByText('Access removed').waitFor();
    for (let i = 0; i < 20; i++) {
      await page.goto('/courses/speed-reading');
      await page.getByRole('heading', { level: 1, name: 'Speed Reading Basics' }).waitFor();
      if (await page.getByRole('button', { name: 'Add to cart' }).isVisible()) break;
      await page.waitForTimeout(500);
    }
    await page.getByRole('button', { name: 'Add to cart' }).waitFor();
    await page.goto('/courses/memory-palace');
    await page.getByText('You are enrolled in this course.').waitFor();
  });

  step('an admin creates a category promotion with a validity window; a missing category shows as a field error', async () => {
    const adminPage = await staff.newPage();
    page = adminPage;
    await adminPage.goto('/shop');
    await adminPage.getByRole('tab', { name: 'Coupons and promotions' }).click();
    const form = adminPage.getByRole('form', { name: 'New coupon or promotion' });
    await form.getByLabel('Name').fill('Memory week');
    await form.getByRole('combobox', { name: 'Applies to' }).click();
    await adminPage.getByRole('option', { name: 'Course categories' }).click();
    await form.getByLabel('Valid from (optional)').fill('2026-01-01T09:00');
    await form.getByLabel('Valid until (optional)').fill('2026-01-08T09:00');
    await form.getByRole('button', { name: 'Create coupon' }).click();
    await form.getByText('Choose the categories the coupon applies to.').waitFor();
    await form.getByLabel('Categories').fill('Memory');
    await form.getByLabel('Categories').press('Enter');
    await form.getByRole('button', { name: 'Create coupon' }).click();
    await adminPage.locator('.mantine-Notification-root').filter({ hasText: 'Coupon created.' }).first().waitFor();
    const row = adminPage.getByTestId('coupon-row').filter({ hasText: 'Memory week' });
    await row.filter({ hasText: 'Automatic' }).filter({ hasText: 'Categories: Memory' }).filter({ hasText: '2026' }).waitFor();
    await checkA11y(adminPage, 'shop admin coupon form');

    await adminPage.getByRole('button', { name: 'Edit Memory week' }).click();
    const edit = adminPage.getByRole('form', { name: 'Edit Memory week' });
    await edit.getByLabel('Valid until (optional)').fill('2025-12-01T09:00');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.getByText('The coupon must end after it starts.').waitFor();
    await edit.getByRole('button', { name: 'Cancel editing' }).click();
    await adminPage.getByRole('form', { name: 'New coupon or promotion' }).waitFor();
  });
});
