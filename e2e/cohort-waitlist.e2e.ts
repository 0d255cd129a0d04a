import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { assertNoHorizontalScroll, checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 20_000;

/**
 * A cohort with one seat, held by another learner: the demo learner joins its waitlist from the
 * course page, the instructor raises the cohort's seat limit in the course editor, and the learner
 * sees the offer arrive, claims it and is in the cohort.
 */
describe('cohort waitlist journey', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let staffCtx: BrowserContext;
  let learnerCtx: BrowserContext;
  let staffPage: Page;
  let page: Page;
  const slug = `evening-seminar-${Date.now().toString(36)}`;
  let courseId = '';
  let cohortId = '';

  const must = async (req: APIRequestContext, method: 'get' | 'post' | 'patch', url: string, data?: unknown) => {
    const res = await req[method](url, data === undefined ? {} : { data });
    assert.ok(res.ok(), `${method.toUpperCase()} ${url}: ${res.status()} ${await res.text()}`);
    return res.json();
  };

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    staffCtx = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    staffCtx.setDefaultTimeout(TIMEOUT);
    staffPage = await staffCtx.newPage();
    learnerCtx = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    learnerCtx.setDefaultTimeout(TIMEOUT);
    page = await learnerCtx.newPage();
  });

  const step = stepper(() => [page, staffPage]);

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('the instructor has a course whose cohort has one seat, taken by another learner', async () => {
    await signIn(staffPage, 'instructor@lyceum.local', 'lyceum-instructor-2026');
    await staffPage.getByRole('button', { name: /^Account menu for/ }).waitFor();
    const api = staffCtx.request;
    courseId = (await must(api, 'post', '/api/v1/courses', { title: 'Evening Seminar', slug, visibility: 'public', isFree: true })).id;
    const section = (await must(api, 'post', `/api/v1/courses/${courseId}/sections`, { title: 'Sessions' })).id;
    await must(api, 'post', `/api/v1/courses/${courseId}/sections/${section}/lessons`, { title: 'Session one', type: 'text', body: { markdown: 'Welcome.' } });
    await must(api, 'post', `/api/v1/courses/${courseId}/publish`, {});
    cohortId = (await must(api, 'post', `/api/v1/courses/${courseId}/cohorts`, { name: 'Evening cohort', startsAt: '2031-01-06T00:00:00Z', capacity: 1 })).id;
    await must(api, 'post', `/api/v1/courses/${courseId}/enrollments`, { emails: ['admin@lyceum.local', 'learner@lyceum.local'] });
    const list = (await must(api, 'get', `/api/v1/courses/${courseId}/enrollments?limit=100`)) as { items: { id: string; learner: { email: string } | null }[] };
    const holder = list.items.find((e) => e.learner?.email === 'admin@lyceum.local');
    assert.ok(holder, 'the seat holder is enrolled');
    await must(api, 'post', `/api/v1/courses/${courseId}/cohorts/${cohortId}/learners`, { enrollmentIds: [holder.id] });
  });

  step('the demo learner sees the full cohort on the course page, joins its waitlist and is #1 in line', async () => {
    await signIn(page, 'learner@lyceum.local', 'lyceum-learner-2026');
    await page.getByRole('button', { name: /^Account menu for/ }).waitFor();
    await page.goto(`/courses/${slug}`);
    await page.getByRole('heading', { level: 1, name: 'Evening Seminar' }).waitFor();
    const cohort = page.getByTestId('cohort-line').filter({ hasText: 'Evening cohort' });
    await cohort.getByText('Seats left: 0').waitFor();
    await cohort.getByText('This cohort is full.').waitFor();
    await cohort.getByRole('button', { name: 'Join the waitlist' }).click();
    await cohort.getByText('You are #1 in line.').waitFor();
    await cohort.getByRole('button', { name: 'Leave the waitlist' }).waitFor();
    assert.equal(await cohort.getByRole('button', { name: 'Join the waitlist' }).count(), 0, 'no join button once in line');
    await checkA11y(page, 'course page, in a cohort line');
    await screenshot(page, 'cohort-waitlist-position');
  });

  step('the instructor raises the seat limit in the cohorts card; the learner sees the offer, claims it and is in the cohort', async () => {
    await staffPage.goto(`/teach/courses/${courseId}`);
    const card = staffPage.getByRole('region', { name: 'Cohorts' });
    const row = card.getByRole('row').filter({ hasText: 'Evening cohort' });
    await row.getByText('1 / 1').waitFor();
    await row.getByText('1 waiting').waitFor();
    await row.getByRole('textbox', { name: 'Seat limit of Evening cohort' }).fill('2');
    await row.getByRole('button', { name: 'Apply' }).click();
    await staffPage.getByText('Seat limit of the cohort applied.').waitFor();

    // the offer arrives on the open course page through the socket
    const cohort = page.getByTestId('cohort-line').filter({ hasText: 'Evening cohort' });
    await cohort.getByText(/^A seat is yours until /).waitFor({ timeout: 30_000 });
    await page.getByText('A seat is free for you in the cohort “Evening cohort”.').first().waitFor();
    await checkA11y(page, 'course page with a cohort seat offer');
    await screenshot(page, 'cohort-waitlist-offer');
    await cohort.getByRole('button', { name: 'Claim' }).click();
    await cohort.getByText('Your cohort').waitFor();
    assert.equal(await cohort.getByRole('button', { name: 'Leave the waitlist' }).count(), 0, 'out of the line once in the cohort');
    await assertNoHorizontalScroll(page, 'course page with cohorts');

    const mine = (await must(learnerCtx.request, 'get', `/api/v1/courses/${courseId}/cohort-waitlists/me`)) as { items: { cohortId: string; inCohort: boolean; entry: unknown }[] };
    assert.deepEqual(
      mine.items.map((i) => [i.cohortId, i.inCohort, i.entry]),
      [[cohortId, true, null]],
    );
    await staffPage.reload();
    const after = staffPage.getByRole('region', { name: 'Cohorts' }).getByRole('row').filter({ hasText: 'Evening cohort' });
    await after.getByText('2 / 2').waitFor();
    await after.getByText('0 waiting').waitFor();
  });
});
