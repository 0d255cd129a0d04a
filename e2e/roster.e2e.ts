import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { type APIRequestContext, type Browser, type BrowserContext, type Page, request } from 'playwright-core';
import { assertNoHorizontalScroll, checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 15_000;
const INSTRUCTOR = { email: 'instructor@lyceum.local', password: 'lyceum-instructor-2026' };
const LEARNER = { email: 'learner@lyceum.local', password: 'lyceum-learner-2026' };

describe('course learners: enroll, CSV import with live status, revoke', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let learnerApi: APIRequestContext;
  let courseId = '';
  const unknown = `nobody-${Date.now()}@example.com`;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(TIMEOUT);
    page = await context.newPage();
    learnerApi = await request.newContext({ baseURL: server.baseUrl, extraHTTPHeaders: { origin: server.baseUrl } });
  });

  const step = stepper(() => page, 'roster');

  after(async () => {
    await learnerApi?.dispose();
    await browser?.close();
    await server?.stop();
  });

  step('signs in as the instructor and opens the learners page of "Learn to Learn"', async () => {
    const catalog = await context.request.get('/api/v1/catalog/courses?q=learn');
    assert.equal(catalog.status(), 200);
    const course = ((await catalog.json()) as { items: { id: string; title: string }[] }).items.find((c) => c.title === 'Learn to Learn');
    assert.ok(course, 'the demo course is in the catalog');
    courseId = course.id;

    await signIn(page, INSTRUCTOR.email, INSTRUCTOR.password);
    await page.getByRole('button', { name: /^Account menu for/ }).waitFor();

    // the Learners tab of the course editor
    await page.goto(`/teach/courses/${courseId}`);
    await page.getByRole('heading', { level: 1, name: 'Learn to Learn' }).waitFor();
    await page.getByRole('link', { name: 'Learners', exact: true }).click();
    await page.waitForURL(new RegExp(`/teach/courses/${courseId}/learners$`));
    await page.getByRole('heading', { level: 2, name: 'Learners', exact: true }).waitFor();
    await page.getByText('No learners yet').waitFor();
    assert.equal(await page.title(), 'Learners of Learn to Learn · Lyceum');
    assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1);
  });

  step('enrolls the demo learner by email and sees the result', async () => {
    await page.getByRole('textbox', { name: 'Emails' }).fill(LEARNER.email);
    await page.getByRole('button', { name: 'Enroll', exact: true }).click();
    const report = page.getByTestId('enroll-report');
    await report.getByRole('row').filter({ hasText: LEARNER.email }).getByText('Enrolled', { exact: true }).waitFor();
    await page.getByTestId('roster-row').filter({ hasText: LEARNER.email }).waitFor();
  });

  step('the learner completes a lesson (through the API), and the roster shows the progress', async () => {
    const signIn = await learnerApi.post('/api/auth/sign-in/email', { data: LEARNER });
    assert.equal(signIn.status(), 200, await signIn.text());
    const outline = await learnerApi.get(`/api/v1/me/courses/${courseId}/outline`);
    assert.equal(outline.status(), 200, await outline.text());
    const lessonId = ((await outline.json()) as { sections: { lessons: { id: string }[] }[] }).sections[0]!.lessons[0]!.id;
    const done = await learnerApi.post(`/api/v1/me/courses/${courseId}/lessons/${lessonId}/complete`, { data: {} });
    assert.ok(done.ok(), await done.text());

    await page.reload();
    const row = page.getByTestId('roster-row').filter({ hasText: LEARNER.email });
    await row.getByText('20% complete · 1 of 5 lessons done').waitFor();
    await row.getByText('Active').waitFor();
  });

  step('imports a CSV and follows its live status to 100% and the per-row results', async () => {
    const csv = ['email', 'admin@lyceum.local', unknown, 'not-an-email', 'ADMIN@lyceum.local', LEARNER.email].join('\n');
    // the file goes through the dropzone's file input (what choosing or dropping a file feeds)
    await page
      .getByTestId('csv-dropzone')
      .locator('input[type="file"]')
      .setInputFiles({ name: 'learners.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByText('File: learners.csv').waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Or paste the CSV' }).inputValue(), csv);
    await page.getByRole('button', { name: 'Start import' }).click();
    const status = page.getByTestId('import-status');
    await status.waitFor();
    await status.getByText('100 % · 5 of 5 rows processed').waitFor({ timeout: 30_000 });
    await status.getByText('Completed', { exact: true }).waitFor();
    const report = page.getByTestId('import-report');
    await report.getByTestId('report-row').nth(4).waitFor();
    const results = await report.getByTestId('report-row').evaluateAll((rows) =>
      rows.map((r) => [r.querySelectorAll('td')[1]?.textContent ?? '', r.querySelector('.mantine-Badge-label')?.textContent ?? '']),
    );
    assert.deepEqual(results, [
      ['admin@lyceum.local', 'Enrolled'],
      [unknown, 'No account'],
      ['not-an-email', 'Invalid email'],
      ['admin@lyceum.local', 'Duplicate'],
      [LEARNER.email, 'Already enrolled'],
    ]);
    const progress = status.getByRole('progressbar', { name: 'Import progress' });
    assert.equal(await progress.getAttribute('aria-valuenow'), '100');
    await page.getByTestId('roster-row').filter({ hasText: 'admin@lyceum.local' }).waitFor();
    await checkA11y(page, 'learners page with results');
    await screenshot(page, 'roster-learners');
  });

  step('revokes an enrollment after confirming, and the roster shows it revoked', async () => {
    const row = page.getByTestId('roster-row').filter({ hasText: 'admin@lyceum.local' });
    await row.getByRole('button', { name: /^Actions for/ }).click();
    await page.getByRole('menuitem', { name: 'Revoke access' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke access?' });
    await dialog.waitFor();
    await page.getByRole('menu').waitFor({ state: 'detached' });
    await checkA11y(page, 'revoke confirmation');
    await dialog.getByRole('button', { name: 'Revoke access' }).click();
    await row.getByText('Revoked', { exact: true }).waitFor();

    // the status filter finds it, and restoring brings it back
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Revoked' }).click();
    await page.getByText('1 learner shown').waitFor();
    await row.getByRole('button', { name: /^Actions for/ }).click();
    await page.getByRole('menuitem', { name: 'Restore access' }).click();
    await page.getByText('No learner matches these filters').waitFor();
  });

  step('stays usable at 375 px wide', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByTestId('roster-row').first().waitFor();
    await assertNoHorizontalScroll(page, 'learners page');
    await checkA11y(page, 'learners page (mobile)');
    await screenshot(page, 'roster-learners-mobile');
  });
});
