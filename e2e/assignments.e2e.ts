import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { request, type APIResponse, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 20_000;
const ESSAY_V2 = 'Rubrics make grading fair because every learner is judged on the same criteria.';

const toast = (page: Page, text: string) => page.locator('.mantine-Notification-root').filter({ hasText: text }).first().waitFor();

describe('assignment journey', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let instructor: BrowserContext;
  let learner: BrowserContext;
  let page: Page;
  let ipage: Page;
  const title = `Essay Writing ${Date.now().toString(36)}`;
  let lessonUrl = '';

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    instructor = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    instructor.setDefaultTimeout(TIMEOUT);
    page = await instructor.newPage();
    ipage = page;
  });

  const step = stepper(() => page);

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('the instructor sets up an assignment lesson with a two-criterion rubric', async () => {
    await signIn(page, 'instructor@lyceum.local', 'lyceum-instructor-2026');
    await page.getByRole('link', { name: 'Teach' }).first().click();
    await page.getByRole('button', { name: 'New course' }).click();
    const create = page.getByRole('dialog', { name: 'New course' });
    await create.getByLabel('Title').fill(title);
    await create.getByRole('button', { name: 'Create course' }).click();
    await page.waitForURL(/\/teach\/courses\/[0-9a-f-]{36}$/);
    await page.getByRole('combobox', { name: 'Who can find it' }).click();
    await page.getByRole('option', { name: 'Everyone' }).click();
    const free = page.getByRole('switch', { name: 'Free course' });
    if (!(await free.isChecked())) await free.check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await toast(page, 'The details are saved.');
    await page.getByRole('link', { name: 'Curriculum' }).click();
    await page.getByRole('button', { name: 'Add the first section' }).click();
    const section = page.getByRole('dialog', { name: 'Add a section' });
    await section.getByLabel('Section title').fill('Writing');
    await section.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'Add a lesson to Writing' }).click();
    const lesson = page.getByRole('dialog', { name: 'Add a lesson' });
    await lesson.getByLabel('Lesson title').fill('Why rubrics');
    await lesson.getByText('Assignment', { exact: true }).click();
    await lesson.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('link', { name: 'Why rubrics' }).click();
    await page.getByRole('heading', { level: 2, name: 'Assignment' }).waitFor();
    lessonUrl = new URL(page.url()).pathname;

    await page.getByLabel('Instructions (Markdown)').fill('Explain in a paragraph **why rubrics help**. Attach your notes as a text file.');
    await page.getByRole('checkbox', { name: 'Text (.txt)' }).check();
    await page.getByRole('button', { name: 'Add a criterion' }).click();
    await page.getByRole('button', { name: 'Add a criterion' }).click();
    const criteria = page.getByTestId('rubric-criterion');
    await criteria.nth(0).getByRole('textbox', { name: 'Criterion 1', exact: true }).fill('Argument');
    await criteria.nth(0).getByRole('textbox', { name: 'Level 1', exact: true }).fill('Weak');
    await criteria.nth(0).getByRole('textbox', { name: 'Level 2', exact: true }).fill('Strong');
    await criteria.nth(1).getByRole('textbox', { name: 'Criterion 2', exact: true }).fill('Style');
    await criteria.nth(1).getByRole('textbox', { name: 'Level 1', exact: true }).fill('Rough');
    await criteria.nth(1).getByRole('textbox', { name: 'Level 2', exact: true }).fill('Polished');
    await page.getByText('The rubric is worth 10 points.').waitFor();
    await page.getByRole('button', { name: 'Save the assignment' }).click();
    await toast(page, 'The assignment is saved.');
    assert.equal(await page.getByRole('textbox', { name: 'Points possible' }).inputValue(), '10');
    await checkA11y(page, 'assignment editor');
    await screenshot(page, 'assignment-editor');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await toast(page, 'The course is published.');
  });

  step('a learner submits text and a file, then resubmits', async () => {
    learner = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 375, height: 800 } });
    learner.setDefaultTimeout(TIMEOUT);
    page = await learner.newPage();
    await page.goto('/sign-up');
    await page.getByLabel('Full name').fill('Rita Writer');
    await page.getByLabel('Email').fill(`writer-${Date.now()}@example.com`);
    await page.getByRole('textbox', { name: 'Password' }).fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('button', { name: 'Account menu for Rita Writer' }).waitFor();
    await page.goto('/catalog');
    await page.getByRole('searchbox', { name: 'Search courses' }).fill(title);
    // the search is debounced: click once the filtered list is there, or the search's own navigation wins
    await page.getByText('1 course', { exact: true }).waitFor();
    await page.getByRole('link', { name: title }).click();
    await page.waitForURL(/\/courses\//);
    await page.getByRole('button', { name: /^Enroll/ }).click();
    await page.getByRole('button', { name: 'Start learning' }).click();
    await page.getByRole('heading', { level: 2, name: 'The assignment' }).waitFor();
    await page.getByText('why rubrics help').waitFor();

    await page.getByLabel('Your answer').fill('Rubrics are good.');
    await page.locator('input[type="file"]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('criteria, levels, points\n') });
    await page.getByTestId('attached-file').filter({ hasText: 'notes.txt' }).waitFor();
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    await toast(page, 'Version 1 is submitted.');
    await page.getByLabel('Your answer').fill(ESSAY_V2);
    await page.getByRole('button', { name: 'Submit again' }).click();
    await toast(page, 'Version 2 is submitted.');
    await page.getByTestId('my-version').nth(1).waitFor();
    assert.equal(await page.getByTestId('my-version').count(), 2);
    await page.getByText('Your grade and feedback appear here once your instructor releases them.').waitFor();
    await checkA11y(page, 'assignment lesson (learner, 375 px)');
    await screenshot(page, 'assignment-learner-submitted');
  });

  step('the instructor grades with the rubric and an inline comment, and releases', async () => {
    page = ipage;
    // groups: the learner can be put in a group of this course
    await page.goto(lessonUrl);
    await page.getByRole('link', { name: 'Manage groups' }).click();
    await page.getByRole('heading', { level: 1, name: 'Groups' }).waitFor();
    await page.getByText('No groups yet.').waitFor();
    await page.getByRole('textbox', { name: 'Name' }).fill('Team 1');
    await page.getByRole('combobox', { name: 'Members' }).click();
    await page.getByRole('option', { name: /Rita Writer/ }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Create the group' }).click();
    await toast(page, 'The group is saved.');
    await page.getByRole('form', { name: 'Team 1' }).waitFor();
    await checkA11y(page, 'assignment groups');
    await screenshot(page, 'assignment-groups');

    await page.goto(lessonUrl);
    await page.getByRole('link', { name: 'Open grading' }).click();
    await page.getByRole('heading', { level: 1, name: 'Grading' }).waitFor();
    await page.getByTestId('submission-row').filter({ hasText: 'Rita Writer' }).waitFor();
    await page.getByTestId('grader-owner').filter({ hasText: 'Rita Writer' }).waitFor();
    // the history: version 1 is there too
    await page.getByText('Version 1', { exact: true }).click();
    await page.getByTestId('submission-text').filter({ hasText: 'Rubrics are good.' }).waitFor();
    await page.getByText('Version 2', { exact: true }).click();
    await page.getByTestId('submission-text').filter({ hasText: 'judged on the same criteria' }).waitFor();

    // select "same criteria" in the text, as a mouse would
    await page.getByTestId('submission-text').evaluate((el, word) => {
      const node = el.firstChild!.firstChild!;
      const start = (node.textContent ?? '').indexOf(word);
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, start + word.length);
      const sel = window.getSelection()!;
      sel.removeAllRanges();
      sel.addRange(range);
      el.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
    }, 'same criteria');
    await page.getByTestId('selected-quote').filter({ hasText: 'On “same criteria”' }).waitFor();
    await page.getByLabel('Comment', { exact: true }).fill('Say which criteria.');
    await page.getByRole('button', { name: 'Add the comment' }).click();
    await toast(page, 'The comment is added.');
    await page.getByTestId('grader-comment').filter({ hasText: 'Say which criteria.' }).waitFor();
    await page.getByTestId('submission-text').locator('mark').filter({ hasText: 'same criteria' }).waitFor();

    await page.getByText('Strong · 5').click();
    await page.getByTestId('rubric-total').filter({ hasText: 'Total: 5 / 10' }).waitFor();
    await page.getByText('Rough · 0').click();
    await page.getByText('Polished · 5').click();
    await page.getByTestId('rubric-total').filter({ hasText: 'Total: 10 / 10' }).waitFor();
    await page.getByRole('button', { name: 'Save the grade' }).click();
    await toast(page, 'The grade is saved.');
    await page.getByTestId('grade-summary').filter({ hasText: 'Grade: 10 / 10' }).waitFor();
    await checkA11y(page, 'grading page');
    await screenshot(page, 'assignment-grading');
    // the learner's page stays open: it must update by itself when the grade is released
    const learnerPage = learner.pages()[0]!;
    await learnerPage.evaluate(() => {
      (window as unknown as { __noReload?: boolean }).__noReload = true;
    });
    await page.getByRole('button', { name: 'Release to the learner' }).click();
    await toast(page, 'The grade is released.');
    await page.getByTestId('submission-row').filter({ hasText: 'Released' }).waitFor();
    await learnerPage.getByTestId('assignment-feedback').getByTestId('assignment-grade').filter({ hasText: '10 / 10' }).waitFor();
    await toast(learnerPage, 'Your grade is released.');
    assert.equal(await learnerPage.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload), true, 'pushed live, not reloaded');
  });

  step('the grading list pages by cursor: 26 submissions show 25, then "Load more" brings the last', async () => {
    const [, courseId, lessonId] = /\/teach\/courses\/([0-9a-f-]{36})\/lessons\/([0-9a-f-]{36})/.exec(lessonUrl)!;
    for (let i = 1; i <= 25; i++) {
      const api = await request.newContext({ baseURL: server.baseUrl, extraHTTPHeaders: { origin: server.baseUrl } });
      const ok = async (res: APIResponse) => assert.ok(res.ok(), `${res.url()}: ${res.status()} ${await res.text()}`);
      await ok(await api.post('/api/auth/sign-up/email', { data: { name: `Pager ${String(i).padStart(2, '0')}`, email: `pager-${i}-${Date.now()}@example.com`, password: 'correct-horse-battery' } }));
      await ok(await api.post(`/api/v1/courses/${courseId}/enroll`));
      await ok(await api.post(`/api/v1/courses/${courseId}/lessons/${lessonId}/assignment/submissions`, { data: { text: `Essay number ${i}.` } }));
      await api.dispose();
    }
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Grading' }).waitFor();
    await page.getByTestId('submission-row').nth(24).waitFor();
    assert.equal(await page.getByTestId('submission-row').count(), 25);
    await page.getByRole('button', { name: 'Load more submissions' }).click();
    await page.getByTestId('submission-row').nth(25).waitFor();
    assert.equal(await page.getByTestId('submission-row').count(), 26);
    await page.getByRole('button', { name: 'Load more submissions' }).waitFor({ state: 'detached' });
    const labels = await page.getByTestId('submission-row').locator('button').allTextContents();
    assert.equal(new Set(labels).size, 26, 'no submission shows twice');
  });

  step('the learner sees the grade, the rubric levels and the comment; the lesson is complete', async () => {
    page = await learner.newPage();
    await page.goto(new URL(learner.pages()[0]!.url()).pathname);
    const feedback = page.getByTestId('assignment-feedback');
    await feedback.waitFor();
    await feedback.getByTestId('assignment-grade').filter({ hasText: '10 / 10' }).waitFor();
    await feedback.getByTestId('feedback-comment').filter({ hasText: 'Say which criteria.' }).waitFor();
    await feedback.getByText('“same criteria”').waitFor();
    await page.getByTestId('lesson-completed').waitFor();
    await checkA11y(page, 'assignment lesson with feedback');
    await screenshot(page, 'assignment-learner-feedback');
  });
});
