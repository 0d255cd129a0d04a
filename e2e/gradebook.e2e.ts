import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe } from 'node:test';
import type { APIRequestContext, Browser, BrowserContext, Page } from 'playwright-core';
import { assertNoHorizontalScroll, checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 20_000;

async function api<T = { id: string }>(request: APIRequestContext, method: 'POST' | 'PUT', url: string, data?: unknown): Promise<T> {
  const res = await request.fetch(url, { method, data: data ?? {}, headers: { 'content-type': 'application/json' } });
  assert.ok(res.ok(), `${method} ${url}: ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}

async function typeCode(page: Page, editorLabel: string, code: string): Promise<void> {
  const editor = page.getByRole('textbox', { name: editorLabel });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
}

/** Waits until CSS transitions (a modal fading in) have finished, so axe sees the final colours. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
}

describe('gradebook journey', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let instructor: BrowserContext;
  let learner: BrowserContext;
  let page: Page;
  let learnerPage: Page;
  const title = `Graded Sums ${Date.now().toString(36)}`;
  const learnerName = `Grace Grader ${Date.now().toString(36)}`;
  let courseId = '';

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    instructor = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    instructor.setDefaultTimeout(TIMEOUT);
    page = await instructor.newPage();
  });

  const step = stepper(() => [page, learnerPage], 'gradebook');

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('the instructor sets up a published course with a code exercise through the API', async () => {
    await signIn(page, 'instructor@lyceum.local', 'lyceum-instructor-2026');
    await page.getByRole('link', { name: 'Teach' }).first().waitFor();
    const r = page.request;
    const course = await api(r, 'POST', '/api/v1/courses', { title, visibility: 'public', isFree: true });
    courseId = course.id;
    const section = await api(r, 'POST', `/api/v1/courses/${courseId}/sections`, { title: 'Practice' });
    const lesson = await api(r, 'POST', `/api/v1/courses/${courseId}/sections/${section.id}/lessons`, { title: 'Add two numbers', type: 'code' });
    await api(r, 'PUT', `/api/v1/courses/${courseId}/lessons/${lesson.id}/code-exercise`, {
      language: 'python',
      starterCode: 'a, b = map(int, input().split())\n',
      tests: [
        { name: 'small', stdin: '2 3\n', expectedStdout: '5\n', points: 1 },
        { name: 'large', stdin: '40 2\n', expectedStdout: '42\n', hidden: true, points: 3 },
      ],
    });
    await api(r, 'POST', `/api/v1/courses/${courseId}/publish`);
  });

  step('a learner enrolls and submits a solution that passes only the visible test', async () => {
    learner = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    learner.setDefaultTimeout(TIMEOUT);
    learnerPage = await learner.newPage();
    const p = learnerPage;
    await p.goto('/sign-up');
    await p.getByLabel('Full name').fill(learnerName);
    await p.getByLabel('Email').fill(`grader-${Date.now()}@example.com`);
    await p.getByRole('textbox', { name: 'Password' }).fill('correct-horse-battery');
    await p.getByRole('button', { name: 'Create account' }).click();
    await p.getByRole('button', { name: `Account menu for ${learnerName}` }).waitFor();
    await p.getByRole('searchbox', { name: 'Search courses' }).fill(title);
    await p.getByRole('link', { name: title }).click();
    await p.getByRole('button', { name: /^Enroll/ }).click();
    await p.getByRole('button', { name: 'Start learning' }).click();
    await p.getByTestId('code-exercise').waitFor();
    await typeCode(p, 'Your code (Python 3)', 'print(5)');
    await p.getByRole('button', { name: 'Submit' }).click();
    await p.locator('[data-testid="code-results"] [data-testid="verdict"][data-verdict="wrong_answer"]').first().waitFor();
    await p.getByTestId('code-score').filter({ hasText: '1 of 4 points' }).waitFor();
  });

  step('the instructor sees the grade in the gradebook and overrides it with a reason', async () => {
    await page.goto(`/teach/courses/${courseId}`);
    await page.getByRole('link', { name: 'Gradebook' }).click();
    await page.waitForURL(/\/gradebook$/);
    const row = page.getByTestId('gradebook-row').filter({ hasText: learnerName });
    // the grade arrives through GradeReported, handled by a job: reload until it is there
    for (let i = 0; i < 20 && !(await row.getByText('25 %').first().isVisible().catch(() => false)); i++) {
      await page.waitForTimeout(500);
      await page.reload();
      await page.getByTestId('gradebook').waitFor();
    }
    await row.getByText('25 %').first().waitFor();
    assert.equal(await row.getByText('Fail', { exact: true }).count(), 1);
    assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1);
    await checkA11y(page, 'gradebook tab');
    await screenshot(page, 'gradebook-table');

    await row.getByRole('button', { name: new RegExp(`^Add two numbers for ${learnerName}: 25 %`) }).click();
    const dialog = page.getByRole('dialog', { name: `Add two numbers · ${learnerName}` });
    await dialog.getByLabel('Grade (%)').fill('90');
    // the reason is required: the form says so beside the field and sends nothing
    await dialog.getByRole('button', { name: 'Save override' }).click();
    await dialog.getByText('Say why (at least 3 characters).').waitFor();
    await dialog.getByLabel('Reason').fill('Hidden test data was ambiguous');
    await settled(page);
    await checkA11y(page, 'override popover');
    await dialog.getByRole('button', { name: 'Save override' }).click();
    await page.locator('.mantine-Notification-root').filter({ hasText: `The grade of ${learnerName} is overridden.` }).first().waitFor();
    await row.getByText('90 %').first().waitFor();
    await row.getByText('Pass', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Override history' }).click();
    const history = page.getByRole('dialog', { name: 'Override history' });
    await history.getByText('Hidden test data was ambiguous').waitFor();
    await history.getByText('25 % → 90 %').waitFor();
    await settled(page);
    await checkA11y(page, 'override history');
    await screenshot(page, 'gradebook-history');
    await history.getByRole('button', { name: 'Close' }).click();
  });

  step('the instructor downloads the CSV', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    assert.match(download.suggestedFilename(), /^gradebook-.*\.csv$/);
    const file = await download.path();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'Name,Email,Add two numbers (%),Final (%),Result');
    const mine = lines.find((l) => l.startsWith(learnerName));
    assert.ok(mine, `a row for ${learnerName} in:\n${lines.join('\n')}`);
    assert.match(mine, /,90\.00,90\.00,pass$/);
    // on a phone the table scrolls inside its own region, not the page
    await page.setViewportSize({ width: 375, height: 800 });
    await page.getByTestId('gradebook').waitFor();
    await assertNoHorizontalScroll(page, 'gradebook at 375 px');
    await screenshot(page, 'gradebook-375');
  });

  step('the learner sees the overridden grade on their Grades page, linked from My learning', async () => {
    const p = learnerPage;
    await p.goto('/my-learning');
    await p.getByRole('link', { name: `Grades: ${title}` }).click();
    await p.waitForURL(new RegExp(`/my-learning/${courseId}/grades$`));
    await p.getByRole('heading', { level: 1, name: `Grades: ${title}` }).waitFor();
    const item = p.getByTestId('my-grade-row').filter({ hasText: 'Add two numbers' });
    await item.getByText('90 %').waitFor();
    await item.getByText('Adjusted by your instructor').waitFor();
    assert.equal(await p.getByTestId('my-final').textContent(), '90 %');
    await p.getByText('Passing', { exact: true }).waitFor();
    await checkA11y(p, 'my grades');
    await screenshot(p, 'gradebook-my-grades');
    await p.setViewportSize({ width: 375, height: 800 });
    await assertNoHorizontalScroll(p, 'my grades at 375 px');
    await item.getByRole('link', { name: 'View feedback: Add two numbers' }).click();
    await p.getByTestId('code-exercise').waitFor();
    await p.getByRole('link', { name: 'Grades', exact: true }).first().waitFor();
  });
});
