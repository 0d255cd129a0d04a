import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertNoHorizontalScroll, checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 20_000;

describe('quiz journey', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let instructor: BrowserContext;
  let learner: BrowserContext;
  let page: Page;
  let teacherPage: Page;
  const title = `Quiz Course ${Date.now().toString(36)}`;
  let courseUrl = '';
  let lessonUrl = '';
  let learnerLessonUrl = '';

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    instructor = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    instructor.setDefaultTimeout(TIMEOUT);
    page = await instructor.newPage();
    teacherPage = page;
  });

  const step = stepper(() => page);

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const toast = (p: Page, text: string) => p.locator('.mantine-Notification-root').filter({ hasText: text }).first().waitFor();
  /** axe on a page whose toasts have finished (a fading toast fails the contrast check mid-animation) */
  const a11y = async (p: Page, label: string) => {
    await p.locator('.mantine-Notification-root').first().waitFor({ state: 'detached', timeout: 15_000 });
    await checkA11y(p, label);
  };

  step('the instructor adds a quiz lesson to a new course', async () => {
    await signIn(page, 'instructor@lyceum.local', 'lyceum-instructor-2026');
    await page.getByRole('link', { name: 'Teach' }).first().click();
    await page.getByRole('button', { name: 'New course' }).click();
    const create = page.getByRole('dialog', { name: 'New course' });
    await create.getByLabel('Title').fill(title);
    await create.getByRole('button', { name: 'Create course' }).click();
    await page.waitForURL(/\/teach\/courses\/[0-9a-f-]{36}$/);
    courseUrl = new URL(page.url()).pathname;
    await page.getByRole('combobox', { name: 'Who can find it' }).click();
    await page.getByRole('option', { name: 'Everyone' }).click();
    const free = page.getByRole('switch', { name: 'Free course' });
    if (!(await free.isChecked())) await free.check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await toast(page, 'The details are saved.');
    await page.getByRole('link', { name: 'Curriculum' }).click();
    await page.getByRole('button', { name: 'Add the first section' }).click();
    const section = page.getByRole('dialog', { name: 'Add a section' });
    await section.getByLabel('Section title').fill('Check-in');
    await section.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'Add a lesson to Check-in' }).click();
    const lesson = page.getByRole('dialog', { name: 'Add a lesson' });
    await lesson.getByLabel('Lesson title').fill('Checkpoint');
    await lesson.getByText('Quiz', { exact: true }).click();
    await lesson.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('link', { name: 'Checkpoint' }).click();
    await page.getByRole('heading', { level: 2, name: 'Quiz' }).waitFor();
    lessonUrl = new URL(page.url()).pathname;
  });

  step('builds the question bank: single choice, true/false and an essay', async () => {
    await page.getByRole('link', { name: 'Question bank' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Question bank' }).waitFor();
    await a11y(page, 'empty question bank');
    await page.getByLabel('New bank name').fill('Unit 1');
    await page.getByRole('button', { name: 'Create the bank' }).click();
    await page.getByRole('heading', { name: 'No questions here yet.' }).waitFor();

    const add = async (fill: (dialog: ReturnType<Page['getByRole']>) => Promise<void>) => {
      await page.getByRole('button', { name: 'New question' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'New question' });
      await fill(dialog);
      await dialog.getByRole('button', { name: 'Save the question' }).click();
      await toast(page, 'The question is saved.');
      await dialog.waitFor({ state: 'hidden' });
    };
    // a question without a prompt is refused; the message shows beside the field
    await page.getByRole('button', { name: 'New question' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New question' });
    await dialog.getByRole('button', { name: 'Save the question' }).click();
    await dialog.getByText(/at least 1|Too small/i).first().waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await add(async (d) => {
      await d.getByRole('textbox', { name: /^Question/ }).fill('Which planet is the largest?');
      await d.getByLabel('Option 1').fill('Mars');
      await d.getByLabel('Option 2').fill('Jupiter');
      await d.getByRole('radio', { name: 'Correct: Jupiter' }).check();
      await d.getByLabel('Tags').fill('space');
      await a11y(page, 'question form');
    });
    await add(async (d) => {
      await d.getByLabel('Question type').selectOption('true_false');
      await d.getByRole('textbox', { name: /^Question/ }).fill('The Sun is a star.');
    });
    await add(async (d) => {
      await d.getByLabel('Question type').selectOption('essay');
      await d.getByRole('textbox', { name: /^Question/ }).fill('Why do planets orbit the Sun?');
      await d.getByLabel('Points', { exact: true }).fill('4');
      await d.getByLabel('Guidance for graders (learners never see it)').fill('Mentions gravity');
    });
    await page.getByTestId('bank-question').nth(2).waitFor();
    assert.equal(await page.getByTestId('bank-question').count(), 3);
    await a11y(page, 'question bank');
    await screenshot(page, 'quiz-bank');
  });

  step('builds a timed quiz from the bank and publishes', async () => {
    await page.goto(lessonUrl);
    await page.getByRole('heading', { level: 2, name: 'Quiz' }).waitFor();
    await page.getByLabel('Time limit (minutes)').fill('10');
    await page.getByLabel('Attempts allowed').fill('2');
    for (const prompt of ['Which planet is the largest?', 'The Sun is a star.', 'Why do planets orbit the Sun?']) {
      await page.getByRole('button', { name: `Add “${prompt}” to the quiz` }).click();
    }
    assert.equal(await page.getByTestId('quiz-items').locator('li').count(), 3);
    await page.getByRole('button', { name: 'Move item 3 up' }).click();
    await page.getByRole('button', { name: 'Move item 2 down' }).click();
    await page.getByRole('button', { name: 'Save the quiz' }).click();
    await toast(page, 'The quiz is saved.');
    await a11y(page, 'quiz builder');
    await screenshot(page, 'quiz-builder');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await toast(page, 'The course is published.');
  });

  step('a learner takes the quiz: navigation, autosave survives a reload, submit', async () => {
    learner = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 375, height: 800 } });
    learner.setDefaultTimeout(TIMEOUT);
    page = await learner.newPage();
    await page.goto('/sign-up');
    await page.getByLabel('Full name').fill('Ada Learner');
    await page.getByLabel('Email').fill(`quiz-${Date.now()}@example.com`);
    await page.getByRole('textbox', { name: 'Password' }).fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('button', { name: 'Account menu for Ada Learner' }).waitFor();
    await page.goto('/catalog');
    await page.getByRole('searchbox', { name: 'Search courses' }).fill(title);
    await page.getByText('1 course', { exact: true }).waitFor();
    await page.getByRole('link', { name: title }).click();
    await page.waitForURL(/\/courses\//);
    await page.getByRole('button', { name: /^Enroll/ }).click();
    await page.getByRole('button', { name: 'Start learning' }).click();
    await page.getByTestId('quiz-start').waitFor();
    learnerLessonUrl = new URL(page.url()).pathname;
    await page.getByTestId('attempts-left').filter({ hasText: '2 attempts left' }).waitFor();
    await a11y(page, 'quiz start');
    await page.getByRole('button', { name: 'Start the quiz' }).click();
    await page.getByTestId('quiz-timer').waitFor();
    // no answer key reaches the page
    assert.equal(await page.getByText('Mentions gravity').count(), 0);

    await page.getByRole('heading', { name: 'Which planet is the largest?' }).waitFor();
    await page.getByRole('radio', { name: 'Jupiter' }).check();
    await page.getByTestId('save-state').filter({ hasText: 'All answers saved' }).waitFor();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('heading', { name: 'The Sun is a star.' }).waitFor();
    await page.getByRole('radio', { name: 'True' }).check();
    await page.getByTestId('save-state').filter({ hasText: 'All answers saved' }).waitFor();
    await a11y(page, 'quiz question');
    await assertNoHorizontalScroll(page, 'quiz question at 375 px');
    await screenshot(page, 'quiz-question');

    await page.reload();
    await page.getByTestId('quiz-attempt').waitFor();
    await page.getByRole('button', { name: 'Question 1, answered' }).click();
    assert.equal(await page.getByRole('radio', { name: 'Jupiter' }).isChecked(), true, 'the saved answer survives a reload');
    await page.getByRole('button', { name: 'Question 3, not answered' }).click();
    await page.getByRole('heading', { name: 'Why do planets orbit the Sun?' }).waitFor();
    await page.getByLabel('Your answer').fill('Gravity from the Sun bends their paths into orbits.');
    await page.getByTestId('save-state').filter({ hasText: 'All answers saved' }).waitFor();
    await page.getByRole('button', { name: 'Review' }).last().click();
    await page.getByRole('heading', { name: 'Review your answers' }).waitFor();
    await a11y(page, 'quiz review');
    await page.getByRole('button', { name: 'Submit the quiz' }).click();
    await page.getByRole('dialog', { name: 'Submit the quiz?' }).getByRole('button', { name: 'Submit the quiz' }).click();
    await page.getByTestId('quiz-pending').waitFor();
    await a11y(page, 'quiz result pending');
    await screenshot(page, 'quiz-pending');
  });

  step('the instructor grades the essay in the queue', async () => {
    page = teacherPage;
    await page.goto(`${courseUrl}/grading`);
    await page.getByRole('heading', { level: 1, name: 'Grading queue' }).waitFor();
    const item = page.getByTestId('grading-item');
    await item.getByTestId('essay-answer').filter({ hasText: 'Gravity from the Sun' }).waitFor();
    await a11y(page, 'grading queue');
    await screenshot(page, 'quiz-grading');
    await item.getByLabel('Points (of 4)').fill('3');
    await item.getByLabel('Comment for the learner').fill('Good, mention inertia too.');
    await item.getByRole('button', { name: 'Save the grade' }).click();
    await toast(page, 'Graded.');
    await page.getByRole('heading', { name: 'Nothing to grade' }).waitFor();
  });

  step('the learner sees the final score', async () => {
    page = await learner.newPage();
    await page.goto(learnerLessonUrl);
    await page.getByTestId('quiz-start').waitFor();
    await page.getByRole('button', { name: 'View attempt 1' }).click();
    await page.getByTestId('quiz-score').filter({ hasText: '5 of 6 points' }).waitFor();
    await page.getByText('Grader’s comment: Good, mention inertia too.').waitFor();
    await a11y(page, 'quiz result');
    await screenshot(page, 'quiz-result');
  });
});
