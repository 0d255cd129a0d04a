import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertNoHorizontalScroll, checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 20_000;

describe('growth journey: waitlist and referrals', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let learnerCtx: BrowserContext;
  let staffCtx: BrowserContext;
  let page: Page;
  let staffPage: Page | undefined;
  let courseId = '';
  const learnerName = `Wanda Waitlist ${Date.now().toString(36)}`;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    learnerCtx = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    learnerCtx.setDefaultTimeout(TIMEOUT);
    page = await learnerCtx.newPage();
  });

  const step = stepper(() => [page, staffPage]);

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('a course with one seat is full: a new learner joins the waitlist and is number 1', async () => {
    await page.goto('/sign-up');
    await page.getByLabel('Full name').fill(learnerName);
    await page.getByLabel('Email').fill(`waitlist-${Date.now()}@example.com`);
    await page.getByRole('textbox', { name: 'Password' }).fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('button', { name: `Account menu for ${learnerName}` }).waitFor();

    await page.goto('/courses/small-group-seminar');
    await page.getByRole('heading', { level: 1, name: 'Small-Group Seminar' }).waitFor();
    await page.getByText('This course is full.').waitFor();
    await page.getByText('1 of 1 seats taken or held').waitFor();
    assert.equal(await page.getByRole('button', { name: /^Enroll/ }).count(), 0, 'no enroll button on a full course');
    await page.getByRole('button', { name: 'Join the waitlist' }).click();
    await page.getByText('You are number 1 on the waitlist.').waitFor();
    await checkA11y(page, 'course page, on the waitlist');
    await screenshot(page, 'growth-waitlist-position');
  });

  step('staff see the line in the course editor and free the seat; the learner gets the offer live and claims it', async () => {
    staffCtx = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    staffCtx.setDefaultTimeout(TIMEOUT);
    staffPage = await staffCtx.newPage();
    await signIn(staffPage, 'instructor@lyceum.local', 'lyceum-instructor-2026');
    await staffPage.getByRole('button', { name: /^Account menu for/ }).waitFor();
    const course = (await (await staffCtx.request.get('/api/v1/catalog/courses/small-group-seminar')).json()) as { id: string };
    courseId = course.id;
    await staffPage.goto(`/teach/courses/${courseId}`);
    const card = staffPage.getByRole('region', { name: 'Capacity and waitlist' });
    await card.getByText('1 of 1 seats taken or held').waitFor();
    await card.getByRole('cell', { name: learnerName }).waitFor();
    await card.getByText('Waiting (#1)').waitFor();
    await checkA11y(staffPage, 'course editor with the capacity card');

    // the seat holder (the demo learner) is revoked
    const list = (await (await staffCtx.request.get(`/api/v1/courses/${courseId}/enrollments?limit=100`)).json()) as { items: { id: string; email?: string; learner?: { email: string } }[] };
    assert.equal(list.items.length, 1, 'one seat holder');
    const revoke = await staffCtx.request.delete(`/api/v1/courses/${courseId}/enrollments/${list.items[0]!.id}`);
    assert.equal(revoke.status(), 200, await revoke.text());

    // the offer arrives on the open page through the socket
    await page.getByText(/^You have a seat offer until /).waitFor({ timeout: 30_000 });
    await page.getByText(`A seat is free for you in “Small-Group Seminar”.`).first().waitFor();
    await screenshot(page, 'growth-seat-offer');
    await checkA11y(page, 'course page with a seat offer');
    await page.getByRole('button', { name: 'Claim your seat' }).click();
    await page.getByText('You are enrolled in this course.').waitFor();
    await page.getByRole('button', { name: 'Start learning' }).waitFor();

    await staffPage.reload();
    await staffPage.getByRole('region', { name: 'Capacity and waitlist' }).getByText('Nobody is waiting.').waitFor();
  });

  step('a referral link sets the attribution cookie and the referrer sees the click on their dashboard (375 px)', async () => {
    const leoCtx = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 375, height: 800 } });
    leoCtx.setDefaultTimeout(TIMEOUT);
    page = await leoCtx.newPage();
    await signIn(page, 'learner@lyceum.local', 'lyceum-learner-2026');
    await page.getByRole('button', { name: /^Account menu for/ }).waitFor();
    await page.goto('/affiliate');
    await page.getByRole('heading', { level: 1, name: 'Referrals' }).waitFor();
    const link = await page.getByRole('textbox', { name: 'Your link' }).inputValue();
    const code = (await page.getByTestId('referral-code').textContent())?.trim() ?? '';
    assert.match(link, new RegExp(`/api/v1/ref/${code}$`));
    assert.equal(await page.getByTestId('stat-Clicks').textContent(), '0');

    // a visitor follows the link to the course page
    const visitor = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US' });
    const vPage = await visitor.newPage();
    await vPage.goto(`${new URL(link).pathname}?to=/courses/small-group-seminar`);
    await vPage.waitForURL(/\/courses\/small-group-seminar$/);
    const cookies = await visitor.cookies();
    assert.equal(cookies.find((c) => c.name === 'lyceum_ref')?.value, code);
    await visitor.close();

    await page.reload();
    await page.getByTestId('stat-Clicks').filter({ hasText: '1' }).waitFor();
    await checkA11y(page, 'referral dashboard');
    await assertNoHorizontalScroll(page, 'referral dashboard at 375 px');
    await screenshot(page, 'growth-referral-dashboard');
    await leoCtx.close();
  });
});
