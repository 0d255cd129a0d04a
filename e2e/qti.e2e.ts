import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 20_000;

describe('QTI export and import of a question bank', { timeout: 300_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let admin: BrowserContext;
  let page: Page;
  let courseId = '';
  let packagePath = '';

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 }, acceptDownloads: true, extraHTTPHeaders: { origin: server.baseUrl } });
    context.setDefaultTimeout(TIMEOUT);
    page = await context.newPage();
  });

  const step = stepper(() => page);

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('an instructor has a bank with two questions', async () => {
    await signIn(page, 'instructor@lyceum.local', 'lyceum-instructor-2026');
    await page.getByRole('button', { name: /^Account menu for/ }).waitFor();
    const ok = async (res: Awaited<ReturnType<typeof page.request.post>>) => {
      assert.ok(res.ok(), `${res.url()}: ${res.status()} ${await res.text()}`);
      return (await res.json()) as { id: string };
    };
    courseId = (await ok(await page.request.post('/api/v1/courses', { data: { title: 'Astronomy 101' } }))).id;
    const bank = await ok(await page.request.post(`/api/v1/courses/${courseId}/question-banks`, { data: { name: 'Planets' } }));
    await ok(
      await page.request.post(`/api/v1/question-banks/${bank.id}/questions`, {
        data: { question: { type: 'true_false', prompt: 'The Sun is a star.', correct: true }, tags: ['sun'] },
      }),
    );
    await ok(
      await page.request.post(`/api/v1/question-banks/${bank.id}/questions`, {
        data: {
          question: {
            type: 'multiple_choice',
            prompt: 'Which of these are gas giants?',
            options: [
              { id: 'j', text: 'Jupiter' },
              { id: 's', text: 'Saturn' },
              { id: 'm', text: 'Mars' },
            ],
            correctOptionIds: ['j', 's'],
          },
        },
      }),
    );
    await page.goto(`/teach/courses/${courseId}/question-bank`);
    await page.getByTestId('bank-question').nth(1).waitFor();
  });

  step('downloads the bank as a QTI 3.0 package', async () => {
    const downloaded = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download this bank as QTI' }).click();
    const download = await downloaded;
    assert.match(download.suggestedFilename(), /\.zip$/);
    packagePath = (await download.path())!;
    assert.equal(readFileSync(packagePath).subarray(0, 2).toString('latin1'), 'PK');
  });

  step('imports the package back: the questions arrive and a bad file is refused', async () => {
    await page.locator('input[type="file"][accept*="zip"]').setInputFiles(packagePath);
    await page.getByTestId('qti-result').getByText('2 questions imported.').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="bank-question"]').length === 4);
    await checkA11y(page, 'question bank with QTI import');
    await screenshot(page, 'qti-import');

    await page.locator('input[type="file"][accept*="zip"]').setInputFiles({ name: 'notes.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip') });
    await page.getByRole('alert').filter({ hasText: /zip|package/i }).first().waitFor();
    assert.equal(await page.getByTestId('bank-question').count(), 4, 'a refused package adds nothing');
  });

  step('an administrator opens the organization banks from Teach, writes a question and imports the package', async () => {
    admin = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 375, height: 800 }, acceptDownloads: true, extraHTTPHeaders: { origin: server.baseUrl } });
    admin.setDefaultTimeout(TIMEOUT);
    page = await admin.newPage();
    await signIn(page, 'admin@lyceum.local', 'lyceum-admin-2026');
    await page.getByRole('button', { name: /^Account menu for/ }).waitFor();
    await page.goto('/teach');
    await page.getByRole('link', { name: 'Organization question banks' }).click();
    await page.getByRole('heading', { level: 1, name: 'Organization question banks' }).waitFor();
    await page.getByLabel('New bank name').fill('Shared science');
    await page.getByRole('button', { name: 'Create the bank' }).click();
    await page.getByRole('heading', { name: 'No questions here yet.' }).waitFor();
    await page.getByRole('button', { name: 'New question' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New question' });
    await dialog.getByLabel('Question type').selectOption('true_false');
    await dialog.getByRole('textbox', { name: /^Question/ }).fill('Water boils at 100 °C at sea level.');
    await dialog.getByLabel('Tags').fill('physics');
    await dialog.getByRole('button', { name: 'Save the question' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('bank-question').filter({ hasText: 'Water boils' }).waitFor();
    await page.locator('input[type="file"][accept*="zip"]').setInputFiles(packagePath);
    await page.getByTestId('qti-result').getByText('2 questions imported.').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="bank-question"]').length === 3);
    const downloaded = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download this bank as QTI' }).click();
    assert.match((await downloaded).suggestedFilename(), /\.zip$/);
    await page.locator('.mantine-Notification-root').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);
    await checkA11y(page, 'organization question banks');
    await screenshot(page, 'org-question-banks');
  });

  step("a course's quiz builder offers the organization bank and draws from it", async () => {
    const ok = async (res: Awaited<ReturnType<typeof page.request.post>>) => {
      assert.ok(res.ok(), `${res.url()}: ${res.status()} ${await res.text()}`);
      return (await res.json()) as { id: string };
    };
    const section = await ok(await page.request.post(`/api/v1/courses/${courseId}/sections`, { data: { title: 'Checks' } }));
    const lesson = await ok(await page.request.post(`/api/v1/courses/${courseId}/sections/${section.id}/lessons`, { data: { title: 'Shared check', type: 'quiz' } }));
    await page.goto(`/teach/courses/${courseId}/lessons/${lesson.id}`);
    await page.getByRole('heading', { level: 2, name: 'Quiz' }).waitFor();
    const select = page.getByLabel('Add from the bank');
    const option = select.locator('option', { hasText: 'Shared science' });
    await select.selectOption((await option.getAttribute('value'))!);
    await page.getByTestId('bank-picker').getByText('Water boils at 100 °C at sea level.').waitFor();
    await page.getByRole('button', { name: 'Add “Water boils at 100 °C at sea level.” to the quiz' }).click();
    await page.getByRole('button', { name: 'Save the quiz' }).click();
    await page.locator('.mantine-Notification-root').filter({ hasText: 'The quiz is saved.' }).first().waitFor();
    const quiz = (await (await page.request.get(`/api/v1/courses/${courseId}/lessons/${lesson.id}/quiz`)).json()) as { questionCount: number };
    assert.equal(quiz.questionCount, 1);
  });
});
