import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertNoHorizontalScroll, checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 15_000;

describe('learner journey', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const email = `learner-${Date.now()}@example.com`;
  const name = 'Ada Learner';
  let lessonUrl = '';

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(TIMEOUT);
    page = await context.newPage();
  });

  /** A step of the journey; on failure a screenshot of the page goes to e2e/artifacts/. */
  const step = stepper(() => page);

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('signs up as a new learner', async () => {
    await page.goto('/sign-up');
    await page.getByRole('heading', { level: 1, name: 'Create your account' }).waitFor();
    assert.equal(await page.title(), 'Create your account · Lyceum');
    await checkA11y(page, 'sign up');
    await screenshot(page, 'sign-up');

    // client-side validation shows the message next to the field
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('This field is required.').first().waitFor();

    await page.getByLabel('Full name').fill(name);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('textbox', { name: 'Password' }).fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('button', { name: `Account menu for ${name}` }).waitFor();
  });

  step('searches the catalog as it types', async () => {
    await page.getByRole('link', { name: 'Catalog' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Catalog' }).waitFor();
    const search = page.getByRole('searchbox', { name: 'Search courses' });

    await search.pressSequentially('zzqxv-nothing', { delay: 20 });
    await page.getByText('No course matches your search.').waitFor();
    await search.fill('');

    // a filter that matches nothing gives the empty state, and clearing it brings the course back
    await page.getByRole('combobox', { name: 'Level' }).click();
    await page.getByRole('option', { name: 'Advanced' }).click();
    await page.waitForURL(/[?&]level=advanced/);
    await page.getByText('No course matches your search.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await page.getByRole('combobox', { name: 'Level' }).click();
    await page.getByRole('option', { name: 'Beginner' }).click();
    await page.waitForURL(/[?&]level=beginner/);

    await search.pressSequentially('learn', { delay: 60 });
    await page.waitForURL(/[?&]q=learn/);
    await page.getByRole('link', { name: 'Learn to Learn' }).waitFor();
    // the results of the last keystroke have arrived (the previous ones are dimmed while they load)
    await page.locator('[data-testid="catalog-results"][aria-busy="false"]').waitFor();
    assert.equal(await page.title(), 'Catalog · Lyceum');
    await checkA11y(page, 'catalog');
    await screenshot(page, 'catalog');
  });

  step('opens the course page with its outline and locked lessons', async () => {
    await page.getByRole('link', { name: 'Learn to Learn' }).click();
    await page.getByRole('heading', { level: 1, name: 'Learn to Learn' }).waitFor();
    await page.getByRole('heading', { name: 'Course outline' }).waitFor();
    const lessons = page.getByTestId('outline-lesson');
    await lessons.first().waitFor();
    assert.ok((await lessons.count()) >= 2, 'the outline lists the lessons');
    assert.ok((await page.getByText('Enroll to open this lesson').count()) >= 1, 'locked lessons are shown as locked');
    assert.equal(await page.title(), 'Learn to Learn · Lyceum');
    await checkA11y(page, 'course page');
    await screenshot(page, 'course');
  });

  step('opens a free-preview lesson before enrolling, and a visitor who is not signed in can too', async () => {
    const previewLink = page.getByRole('link', { name: /: Preview this lesson$/ }).first();
    const title = ((await previewLink.textContent()) ?? '').trim();
    await previewLink.click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.getByText('Free preview', { exact: true }).waitFor();
    await checkA11y(page, 'free-preview lesson');
    await screenshot(page, 'preview-lesson');
    const previewUrl = page.url();

    const visitor = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US' });
    try {
      const anon = await visitor.newPage();
      await anon.goto(previewUrl);
      await anon.getByRole('heading', { level: 1, name: title }).waitFor({ timeout: TIMEOUT });
      await anon.getByRole('link', { name: 'Sign in to enroll' }).waitFor({ timeout: TIMEOUT });
    } finally {
      await visitor.close();
    }
    await page.getByRole('button', { name: 'See the course and enroll' }).or(page.getByRole('link', { name: 'See the course and enroll' })).click();
    await page.getByRole('heading', { level: 1, name: 'Learn to Learn' }).waitFor();
  });

  step('enrolls', async () => {
    await page.getByRole('button', { name: /^Enroll/ }).click();
    await page.getByText('You are enrolled in this course.').waitFor();
    assert.equal(await page.getByText('Enroll to open this lesson').count(), 0, 'no lesson is locked once enrolled');
    await page.getByRole('button', { name: 'Start learning' }).click();
    await page.waitForURL(/\/learn\/[^/]+\/lessons\//);
    lessonUrl = new URL(page.url()).pathname;
  });

  step('completes every lesson through the player', async () => {
    await page.getByRole('button', { name: 'Mark as complete' }).waitFor();
    await checkA11y(page, 'lesson player');
    await screenshot(page, 'lesson');
    const total = await page.getByTestId('sidebar-lesson').count();
    assert.ok(total >= 2);

    const titles = new Set<string>();
    for (let i = 0; i < total; i++) {
      // the lesson has loaded when it shows either its completion state or the button
      await page.locator('[data-testid="lesson-completed"], button:has-text("Mark as complete")').first().waitFor();
      const title = (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
      assert.ok(!titles.has(title), `lesson "${title}" is shown once`);
      titles.add(title);
      const markComplete = page.getByRole('button', { name: 'Mark as complete' });
      if (await markComplete.isVisible()) await markComplete.click();
      await page.getByTestId('lesson-completed').waitFor();
      const next = page.getByRole('button', { name: 'Next lesson →' });
      if (i < total - 1) {
        assert.ok(await next.isEnabled(), `lesson ${i + 1} has a next lesson`);
        await next.click();
        await page.waitForFunction((old) => document.querySelector('h1')?.textContent !== old, title);
      } else {
        assert.ok(await next.isDisabled(), 'the last lesson has no next lesson');
      }
    }
    await page.getByText('Congratulations, you completed the course!').waitFor();
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="sidebar-lesson"]')].every((e) => e.getAttribute('data-completed') === 'true'),
    );
    await page.getByText('100% complete').first().waitFor();
    // previous works too
    await page.getByRole('button', { name: '← Previous lesson' }).click();
    await page.getByTestId('lesson-completed').waitFor();
    await screenshot(page, 'lesson-completed');
  });

  step('shows 100% in My learning', async () => {
    await page.getByRole('link', { name: 'My learning' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'My learning' }).waitFor();
    const card = page.getByTestId('enrollment-card').filter({ hasText: 'Learn to Learn' });
    await card.getByText('100% complete').waitFor();
    const bar = card.getByRole('progressbar', { name: 'Course progress' });
    assert.equal(await bar.getAttribute('aria-valuenow'), '100');
    await card.getByText('Completed', { exact: true }).waitFor();
    assert.equal(await page.title(), 'My learning · Lyceum');
    await checkA11y(page, 'my learning');
    await screenshot(page, 'my-learning');
  });

  step('works on a 375 px phone, in dark theme and in Spanish', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Catalog' }).waitFor();
    await page.getByRole('link', { name: 'Learn to Learn' }).waitFor();
    await assertNoHorizontalScroll(page, 'the catalog');
    await screenshot(page, 'catalog-375');
    await page.goto(lessonUrl);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByTestId('lesson-completed').waitFor();
    await assertNoHorizontalScroll(page, 'the lesson player');
    await screenshot(page, 'lesson-375');

    await page.getByRole('button', { name: 'Toggle light and dark theme' }).click();
    assert.equal(await page.locator('html').getAttribute('data-mantine-color-scheme'), 'dark');
    await checkA11y(page, 'lesson player (dark, 375 px)');
    await screenshot(page, 'lesson-375-dark');

    await page.getByRole('combobox', { name: 'Language' }).selectOption('es');
    await page.getByRole('button', { name: 'Lección siguiente →' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');
    await page.goto('/my-learning');
    await page.getByRole('heading', { level: 1, name: 'Mi aprendizaje' }).waitFor();
    await page.getByText('100 % completado').first().waitFor();
    await checkA11y(page, 'my learning (es, dark, 375 px)');
    await screenshot(page, 'my-learning-375-dark-es');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  step('signs out', async () => {
    // the profile locale (es) follows the user; switch back to English for the rest
    await page.getByRole('combobox', { name: 'Idioma' }).selectOption('en');
    await page.getByRole('button', { name: `Account menu for ${name}` }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    await page.getByRole('link', { name: 'Sign in' }).first().waitFor();
    await page.goto('/my-learning');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();

    // and signs back in, landing where they were going
    await page.getByLabel('Email').fill(email);
    await page.getByRole('textbox', { name: 'Password' }).fill('wrong-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The email or the password is not correct.').waitFor();
    await checkA11y(page, 'sign in');
    await screenshot(page, 'sign-in-error');
    await page.getByRole('textbox', { name: 'Password' }).fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'My learning' }).waitFor();
  });
});
