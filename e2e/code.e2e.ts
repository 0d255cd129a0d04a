import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 20_000;

/** Replaces a CodeMirror editor's text (insertText: no auto-indent or auto-closed brackets). */
async function typeCode(page: Page, editorLabel: string, code: string): Promise<void> {
  const editor = page.getByRole('textbox', { name: editorLabel });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
}

describe('code exercise journey', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let instructor: BrowserContext;
  let learner: BrowserContext;
  let page: Page;
  const title = `Python Drills ${Date.now().toString(36)}`;
  let courseUrl = '';

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    instructor = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    instructor.setDefaultTimeout(TIMEOUT);
    page = await instructor.newPage();
  });

  const step = stepper(() => page);

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('the instructor adds a code lesson to a new course', async () => {
    await signIn(page, 'instructor@lyceum.local', 'lyceum-instructor-2026');
    await page.getByRole('link', { name: 'Teach' }).first().click();
    await page.getByRole('button', { name: 'New course' }).click();
    const create = page.getByRole('dialog', { name: 'New course' });
    await create.getByLabel('Title').fill(title);
    await create.getByRole('button', { name: 'Create course' }).click();
    await page.waitForURL(/\/teach\/courses\/[0-9a-f-]{36}$/);
    courseUrl = new URL(page.url()).pathname;
    // open to everyone, free
    await page.getByRole('combobox', { name: 'Who can find it' }).click();
    await page.getByRole('option', { name: 'Everyone' }).click();
    const free = page.getByRole('switch', { name: 'Free course' });
    if (!(await free.isChecked())) await free.check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.mantine-Notification-root').filter({ hasText: 'The details are saved.' }).first().waitFor();
    await page.getByRole('link', { name: 'Curriculum' }).click();
    await page.getByRole('button', { name: 'Add the first section' }).click();
    const section = page.getByRole('dialog', { name: 'Add a section' });
    await section.getByLabel('Section title').fill('Warm-up');
    await section.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'Add a lesson to Warm-up' }).click();
    const lesson = page.getByRole('dialog', { name: 'Add a lesson' });
    await lesson.getByLabel('Lesson title').fill('Sum of two numbers');
    await lesson.getByText('Code exercise', { exact: true }).click();
    await lesson.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('link', { name: 'Sum of two numbers' }).click();
    await page.getByRole('heading', { level: 2, name: 'Code exercise' }).waitFor();
  });

  step('sets up the exercise: instructions, starter code, a visible and a hidden test', async () => {
    await page.getByLabel('Instructions (Markdown)').fill('Read two integers on one line and print their **sum**.');
    await typeCode(page, 'Starter code', 'a, b = map(int, input().split())');
    const tests = page.getByTestId('code-test-editor');
    await tests.nth(0).getByLabel('Name').fill('small numbers');
    await tests.nth(0).getByLabel('Input (stdin)').fill('2 3');
    await tests.nth(0).getByLabel('Expected output (stdout)').fill('5');
    // only hidden tests: the server refuses, the reason shows above the tests, nothing is saved
    await tests.nth(0).getByRole('checkbox', { name: 'Hidden test' }).check();
    await page.getByRole('button', { name: 'Save the exercise' }).click();
    await page.getByRole('alert').filter({ hasText: 'At least one test case must be visible' }).first().waitFor();
    await tests.nth(0).getByRole('checkbox', { name: 'Hidden test' }).uncheck();

    await page.getByRole('button', { name: 'Add a test case' }).click();
    await tests.nth(1).getByLabel('Name').fill('large numbers');
    await tests.nth(1).getByLabel('Input (stdin)').fill('123456789 987654321');
    await tests.nth(1).getByLabel('Expected output (stdout)').fill('1111111110');
    await tests.nth(1).getByLabel('Points').fill('3');
    assert.equal(await tests.nth(1).getByRole('checkbox', { name: 'Hidden test' }).isChecked(), true, 'tests added after the first start hidden');
    await page.getByRole('button', { name: 'Save the exercise' }).click();
    await page.locator('.mantine-Notification-root').filter({ hasText: 'The exercise is saved.' }).first().waitFor();
    await checkA11y(page, 'code exercise editor');
    await screenshot(page, 'code-exercise-editor');

    await page.reload();
    await page.getByTestId('code-test-editor').nth(1).waitFor();
    assert.equal(await page.getByTestId('code-test-editor').nth(1).getByLabel('Expected output (stdout)').inputValue(), '1111111110');

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.locator('.mantine-Notification-root').filter({ hasText: 'The course is published.' }).first().waitFor();
  });

  step('a learner enrolls, runs the examples, then submits until accepted', async () => {
    learner = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    learner.setDefaultTimeout(TIMEOUT);
    page = await learner.newPage();
    await page.goto('/sign-up');
    await page.getByLabel('Full name').fill('Grace Coder');
    await page.getByLabel('Email').fill(`coder-${Date.now()}@example.com`);
    await page.getByRole('textbox', { name: 'Password' }).fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('button', { name: 'Account menu for Grace Coder' }).waitFor();
    // the demo data has a course of code exercises too
    await page.getByRole('searchbox', { name: 'Search courses' }).fill('warm-ups');
    await page.getByRole('link', { name: 'Python Warm-ups' }).waitFor();
    await page.getByRole('searchbox', { name: 'Search courses' }).fill(title);
    await page.getByRole('link', { name: title }).click();
    await page.getByRole('button', { name: /^Enroll/ }).click();
    await page.getByRole('button', { name: 'Start learning' }).click();
    await page.getByTestId('code-exercise').waitFor();
    await page.getByText('Submitting also runs 1 hidden test.').waitFor();
    // the hidden test's data never reaches the learner's browser
    assert.equal(await page.getByText('987654321').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Mark as complete' }).count(), 0, 'code lessons complete by passing, not by marking');

    const editorLabel = 'Your code (Python 3)';
    assert.match((await page.getByRole('textbox', { name: editorLabel }).textContent()) ?? '', /map\(int, input\(\)\.split\(\)\)/);
    await typeCode(page, editorLabel, 'a, b = map(int, input().split())\nprint(a - b)');
    await page.getByRole('button', { name: 'Run the examples' }).click();
    const verdict = page.getByTestId('code-results').getByTestId('verdict').first();
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-verdict'), 'wrong_answer');
    await page.getByText('Your output').first().waitFor();
    await checkA11y(page, 'code lesson with results');
    await screenshot(page, 'code-lesson-wrong');

    await typeCode(page, editorLabel, 'a, b = map(int, input().split())\nprint(a + b)');
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.locator('[data-testid="code-results"] [data-testid="verdict"][data-verdict="accepted"]').first().waitFor();
    await page.getByTestId('code-score').filter({ hasText: '4 of 4 points' }).waitFor();
    assert.equal(await page.getByTestId('code-test-row').count(), 2);
    await page.getByTestId('code-test-row').filter({ hasText: 'Hidden test' }).waitFor();
    await page.getByTestId('lesson-completed').waitFor();
    await page.getByText('100% complete').first().waitFor();
    await screenshot(page, 'code-lesson-accepted');

    // after a reload the editor keeps the code, and the history lists both attempts
    await page.reload();
    await page.getByTestId('code-exercise').waitFor();
    assert.match((await page.getByRole('textbox', { name: editorLabel }).textContent()) ?? '', /print\(a \+ b\)/);
    await page.getByRole('heading', { name: 'Your submissions' }).waitFor();
    assert.ok((await page.getByRole('button', { name: 'Load this code' }).count()) >= 2);
  });

  step('the instructor sees the course has no unpublished changes', async () => {
    page = await instructor.newPage();
    await page.goto(courseUrl);
    assert.equal(await page.getByTestId('course-state').textContent(), 'Published');
  });
});
