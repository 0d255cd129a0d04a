import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import pg from 'pg';
import type { APIResponse, Browser, BrowserContext, Page } from 'playwright-core';
import { checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { databaseUrl, startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 20_000;

/**
 * A timed quiz with an essay that has word limits and a file response: the live word counter,
 * the submit refused at the essay, a file upload, the one-minute warning (the page's clock moved
 * forward with Playwright's clock API) and the automatic submit when the time is up (the attempt's
 * deadline moved into the past in the database, as the passing of time would).
 */
describe('quiz limits: word counter, file upload, timer warning and auto-submit', { timeout: 300_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let instructor: BrowserContext;
  let learner: BrowserContext;
  let page: Page;
  let lessonPath = '';

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    instructor = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 }, extraHTTPHeaders: { origin: server.baseUrl } });
    instructor.setDefaultTimeout(TIMEOUT);
    page = await instructor.newPage();
  });

  const step = stepper(() => page);

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const ok = async (res: APIResponse) => {
    assert.ok(res.ok(), `${res.url()}: ${res.status()} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };

  step('the instructor publishes a two-minute quiz: an essay of 3 to 6 words, a file response and a true/false', async () => {
    await signIn(page, 'instructor@lyceum.local', 'lyceum-instructor-2026');
    await page.getByRole('button', { name: /^Account menu for/ }).waitFor();
    const r = page.request;
    const course = await ok(await r.post('/api/v1/courses', { data: { title: 'Timed writing', visibility: 'organization', isFree: true } }));
    const section = await ok(await r.post(`/api/v1/courses/${course.id}/sections`, { data: { title: 'Check' } }));
    const lesson = await ok(await r.post(`/api/v1/courses/${course.id}/sections/${section.id}/lessons`, { data: { title: 'Timed check', type: 'quiz' } }));
    const bank = await ok(await r.post(`/api/v1/courses/${course.id}/question-banks`, { data: { name: 'Checks' } }));
    const add = async (question: Record<string, unknown>) => (await ok(await r.post(`/api/v1/question-banks/${bank.id}/questions`, { data: { question } }))).id;
    const essay = await add({ type: 'essay', prompt: 'Describe a loop in a few words.', minWords: 3, maxWords: 6 });
    const file = await add({ type: 'file_response', prompt: 'Attach your notes.', allowedTypes: ['text/plain'], maxBytes: 10_000 });
    const tf = await add({ type: 'true_false', prompt: 'A loop can repeat work.', correct: true });
    await ok(
      await r.put(`/api/v1/courses/${course.id}/lessons/${lesson.id}/quiz`, {
        data: { timeLimitSeconds: 120, feedbackTiming: 'immediately', items: [essay, file, tf].map((questionId) => ({ kind: 'question', questionId })) },
      }),
    );
    await ok(await r.post(`/api/v1/courses/${course.id}/publish`));
    lessonPath = `/learn/${course.id}/lessons/${lesson.id}`;
  });

  step('the learner writes the essay: the counter follows, and a too-short essay is refused at the essay', async () => {
    learner = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 375, height: 800 }, extraHTTPHeaders: { origin: server.baseUrl } });
    learner.setDefaultTimeout(TIMEOUT);
    page = await learner.newPage();
    // the page's clock is Playwright's, so the journey can move it forward
    await page.clock.install();
    await signIn(page, 'learner@lyceum.local', 'lyceum-learner-2026');
    await page.getByRole('button', { name: /^Account menu for/ }).waitFor();
    const courseId = lessonPath.split('/')[2]!;
    await ok(await page.request.post(`/api/v1/courses/${courseId}/enroll`));
    await page.goto(lessonPath);
    await page.getByRole('button', { name: 'Start the quiz' }).click();
    await page.getByTestId('quiz-timer').waitFor();

    await page.getByRole('heading', { name: 'Describe a loop in a few words.' }).waitFor();
    await page.getByTestId('word-count').filter({ hasText: '0 words · 3 to 6 words' }).waitFor();
    await page.getByLabel('Your answer').fill('It repeats');
    await page.getByTestId('word-count').filter({ hasText: '2 words · 3 to 6 words' }).waitFor();
    await page.getByTestId('save-state').filter({ hasText: 'All answers saved' }).waitFor();
    await page.getByRole('button', { name: 'Review' }).last().click();
    await page.getByRole('button', { name: 'Submit the quiz' }).click();
    await page.getByRole('dialog', { name: 'Submit the quiz?' }).getByRole('button', { name: 'Submit the quiz' }).click();
    // refused: back at the essay, with the server's message beside it
    await page.getByText('Write at least 3 words (this answer has 2).').waitFor();
    await page.getByRole('heading', { name: 'Describe a loop in a few words.' }).waitFor();
    await page.getByLabel('Your answer').fill('A loop repeats the same work.');
    await page.getByTestId('word-count').filter({ hasText: '6 words · 3 to 6 words' }).waitFor();
    assert.equal(await page.getByText('Write at least 3 words').count(), 0, 'the message goes once the answer changes');
    await page.getByTestId('save-state').filter({ hasText: 'All answers saved' }).waitFor();
    await screenshot(page, 'quiz-word-count');
  });

  step('uploads a file response and answers the last question', async () => {
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('heading', { name: 'Attach your notes.' }).waitFor();
    await page.locator('input[type="file"]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('loops: for, while\n') });
    await page.getByText('Your file is uploaded.').waitFor();
    await page.getByTestId('save-state').filter({ hasText: 'All answers saved' }).waitFor();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('radio', { name: 'True' }).check();
    await page.getByTestId('save-state').filter({ hasText: 'All answers saved' }).waitFor();
    await page.locator('.mantine-Notification-root').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);
    await checkA11y(page, 'quiz with a file response');
  });

  step('one minute before the end the page warns; when the time is up the quiz is submitted automatically', async () => {
    await page.clock.fastForward('01:01');
    await page.locator('.mantine-Notification-root').filter({ hasText: 'One minute left' }).first().waitFor();
    await screenshot(page, 'quiz-one-minute');
    // the time passes for the server too: the attempt's deadline moves into the past
    const db = new pg.Client({ connectionString: databaseUrl(server) });
    await db.connect();
    try {
      const moved = await db.query(
        `UPDATE quiz_attempts SET started_at = now() - interval '3 minutes', deadline = now() - interval '1 second' WHERE lesson_id = $1 AND status = 'in_progress'`,
        [lessonPath.split('/')[4]],
      );
      assert.equal(moved.rowCount, 1);
    } finally {
      await db.end();
    }
    await page.clock.fastForward('01:00');
    await page.getByTestId('quiz-pending').waitFor();
    await page.getByText('The time ran out and the quiz was submitted automatically.').waitFor();
    await page.locator('.mantine-Notification-root').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);
    await checkA11y(page, 'auto-submitted quiz');
    await screenshot(page, 'quiz-auto-submitted');
    const attempts = (await (await page.request.get(`/api/v1/courses/${lessonPath.split('/')[2]}/lessons/${lessonPath.split('/')[4]}/quiz/attempts`)).json()) as { items: { status: string; autoSubmitted?: boolean }[] };
    assert.equal(attempts.items[0]?.status, 'grading', 'the essay and the file wait for a grader');
  });
});
