import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { assertNoHorizontalScroll, checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 15_000;
// an 8x8 PNG
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAG0lEQVR4nGP8z4AbMOGRG5UclRyVHJUcSZIAl+4BD0R9kTUAAAAASUVORK5CYII=',
  'base64',
);

describe('instructor journey', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const title = `Watercolor Basics ${Date.now().toString(36)}`;
  let editorUrl = '';

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(TIMEOUT);
    page = await context.newPage();
  });

  const step = stepper(() => page);

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const state = () => page.getByTestId('course-state');
  const sectionCard = (name: string) => page.getByTestId('section').filter({ has: page.getByRole('heading', { level: 3, name }) });
  const lessonTitles = (section: Locator) => section.getByTestId('lesson-title').allTextContents();
  const toast = (text: string) => page.locator('.mantine-Notification-root').filter({ hasText: text }).first();
  const idle = () => page.getByText(/^Sections: \d+ · Lessons: \d+$/).waitFor();

  step('signs in as the instructor and opens Teach', async () => {
    await signIn(page, 'instructor@lyceum.local', 'lyceum-instructor-2026');
    await page.getByRole('link', { name: 'Teach' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Teach' }).waitFor();
    await page.getByTestId('teach-course').first().waitFor();
    assert.equal(await page.title(), 'Teach · Lyceum');
    // the search box filters the list on the server
    await page.getByRole('searchbox', { name: 'Search your courses' }).fill('zzqx-nothing');
    await page.getByText('No course matches your search.').waitFor();
    await page.getByRole('button', { name: 'Clear the search' }).click();
    await page.getByTestId('teach-course').first().waitFor();
    await checkA11y(page, 'teach dashboard');
    await screenshot(page, 'instructor-dashboard');
  });

  step('creates a course', async () => {
    await page.getByRole('button', { name: 'New course' }).click();
    const dialog = page.getByRole('dialog', { name: 'New course' });
    await dialog.getByRole('button', { name: 'Create course' }).click();
    await dialog.getByText('This field is required.').waitFor();
    await dialog.getByLabel('Title').fill(title);
    // a double click creates one course (the form is busy, and the Idempotency-Key is the same)
    await dialog.getByRole('button', { name: 'Create course' }).dblclick();
    await page.waitForURL(/\/teach\/courses\/[0-9a-f-]{36}$/);
    editorUrl = new URL(page.url()).pathname;
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    assert.equal(await state().textContent(), 'Draft');
    const list = await page.evaluate(async (q) => (await (await fetch(`/api/v1/courses?q=${encodeURIComponent(q)}`)).json()) as { items: unknown[] }, title);
    assert.equal(list.items.length, 1, 'one course was created');
  });

  step('edits the details and uploads a cover', async () => {
    await page.getByLabel('Summary').fill('Paint light and colour with water.');
    await page.getByRole('textbox', { name: 'Description' }).fill('## What you learn\n\nWet-on-wet and **glazing**.');
    await page.getByRole('tab', { name: 'Preview' }).click();
    await page.getByTestId('markdown-preview').locator('h2', { hasText: 'What you learn' }).waitFor();
    assert.equal(await page.getByTestId('markdown-preview').locator('strong').textContent(), 'glazing');
    await page.getByRole('combobox', { name: 'Level' }).click();
    await page.getByRole('option', { name: 'Beginner' }).click();
    const tags = page.getByRole('combobox', { name: 'Tags' });
    await tags.fill('art');
    await tags.press('Enter');
    await page.getByLabel('Category').fill('Art');

    // a file that is not an image is refused with the server's message
    const input = page.locator('input[type="file"]');
    await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
    await page.getByRole('alert').filter({ hasText: 'The image was not accepted' }).waitFor();

    // the progress bar shows while the image uploads, then the image
    await page.evaluate(() => {
      const w = window as unknown as { sawProgress: boolean };
      w.sawProgress = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="cover-progress"]')) w.sawProgress = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    await input.setInputFiles({ name: 'cover.png', mimeType: 'image/png', buffer: PNG });
    const img = page.getByTestId('cover-image');
    await img.waitFor();
    assert.ok(await page.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress), 'the upload progress was shown');
    await page.waitForFunction(() => {
      const el = document.querySelector<HTMLImageElement>('[data-testid="cover-image"]');
      return !!el && el.complete && el.naturalWidth === 8;
    });
    assert.equal(await page.getByRole('alert').filter({ hasText: 'The image was not accepted' }).count(), 0);

    // a co-instructor, chosen among the members who may teach (a learner is not offered)
    const instructors = page.getByRole('combobox', { name: 'Instructors' });
    await instructors.fill('learner@lyceum');
    await page.getByText('No member who can teach matches').waitFor();
    await instructors.fill('admin@lyceum');
    await page.getByRole('option', { name: /Ada Admin/ }).click();
    await page.keyboard.press('Escape');

    // a bad slug is reported beside the field
    await page.getByLabel('Address (slug)').fill('Not A Slug');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('lowercase letters, digits and single hyphens').waitFor();
    await page.getByLabel('Address (slug)').fill(`watercolor-${Date.now().toString(36)}`);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await toast('The details are saved.').waitFor();
    await page.getByText('Unsaved changes').waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    assert.equal(await page.getByLabel('Summary').inputValue(), 'Paint light and colour with water.');
    await page.getByTestId('cover-image').waitFor();
    assert.deepEqual(await page.locator('.mantine-MultiSelect-root .mantine-Pill-label').allTextContents(), ['Ines Instructor', 'Ada Admin']);
    assert.equal(await page.title(), `${title} · Lyceum`);
    await checkA11y(page, 'course details');
    await screenshot(page, 'instructor-details');
  });

  step('builds the curriculum: two sections, three lessons', async () => {
    await page.getByRole('link', { name: 'Curriculum' }).click();
    await page.getByRole('heading', { level: 2, name: 'Curriculum' }).waitFor();
    await page.getByText('This course has no sections yet.').waitFor();
    await checkA11y(page, 'curriculum (empty)');
    await page.getByRole('button', { name: 'Add the first section' }).click();
    let dialog = page.getByRole('dialog', { name: 'Add a section' });
    await dialog.getByLabel('Section title').fill('Getting started');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await sectionCard('Getting started').waitFor();
    await page.getByRole('button', { name: 'Add a section' }).click();
    dialog = page.getByRole('dialog', { name: 'Add a section' });
    await dialog.getByLabel('Section title').fill('Going further');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await sectionCard('Going further').waitFor();

    for (const [section, lesson] of [
      ['Getting started', 'Welcome'],
      ['Getting started', 'First strokes'],
      ['Going further', 'Mixing colours'],
    ] as const) {
      await page.getByRole('button', { name: `Add a lesson to ${section}` }).click();
      dialog = page.getByRole('dialog', { name: 'Add a lesson' });
      await dialog.getByLabel('Lesson title').fill(lesson);
      await dialog.getByRole('button', { name: 'Add' }).click();
      await sectionCard(section).getByRole('link', { name: lesson }).waitFor();
    }
    assert.deepEqual(await lessonTitles(sectionCard('Getting started')), ['Welcome', 'First strokes']);
    assert.deepEqual(await lessonTitles(sectionCard('Going further')), ['Mixing colours']);
    assert.equal(await page.title(), `Curriculum · ${title} · Lyceum`);
    await checkA11y(page, 'curriculum');
    await screenshot(page, 'instructor-curriculum');
  });

  step('writes each lesson in markdown and makes the first a free preview', async () => {
    await page.getByRole('link', { name: 'Welcome' }).click();
    await page.getByRole('heading', { level: 2, name: 'Welcome' }).waitFor();
    for (const [lesson, next] of [
      ['Welcome', 'First strokes'],
      ['First strokes', 'Mixing colours'],
      ['Mixing colours', null],
    ] as const) {
      await page.getByRole('heading', { level: 2, name: lesson }).waitFor();
      await page.getByRole('textbox', { name: 'Content' }).fill(`# ${lesson}\n\nThis lesson is about *${lesson.toLowerCase()}*.`);
      await page.getByRole('tab', { name: 'Preview' }).click();
      await page.getByTestId('markdown-preview').locator('h1', { hasText: lesson }).waitFor();
      if (lesson === 'Welcome') {
        await page.getByRole('switch', { name: 'Free preview' }).check();
        assert.equal(await page.title(), `Welcome · ${title} · Lyceum`);
        await checkA11y(page, 'lesson editor');
        await screenshot(page, 'instructor-lesson');
      }
      if (lesson === 'Mixing colours') {
        // drip, prerequisites and duration
        await page.getByText('Days after enrolling', { exact: true }).click();
        await page.getByLabel('Days after enrollment').fill('3');
        await page.getByRole('combobox', { name: 'Prerequisites' }).click();
        await page.getByRole('option', { name: 'Welcome' }).click();
        await page.keyboard.press('Escape');
        await page.getByLabel('Duration (minutes)').fill('10');
      }
      // the previous lesson's toast may still be up: wait for a new one (the save and the outline refetch are done)
      const toastsBefore = await page.locator('.mantine-Notification-root').filter({ hasText: 'The lesson is saved.' }).count();
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.waitForFunction(
        (n) => [...document.querySelectorAll('.mantine-Notification-root')].filter((e) => e.textContent?.includes('The lesson is saved.')).length > n,
        toastsBefore,
      );
      await page.getByText('Unsaved changes').waitFor({ state: 'detached' });
      if (next) {
        await page.getByRole('link', { name: `${next} →` }).click();
        await page.getByRole('heading', { level: 2, name: next }).waitFor();
      }
    }
    await page.getByRole('link', { name: '← First strokes' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Mixing colours' }).waitFor();
    assert.equal(await page.getByLabel('Days after enrollment').inputValue(), '3');
    assert.equal(await page.getByLabel('Duration (minutes)').inputValue(), '10');
    assert.deepEqual(await page.locator('.mantine-MultiSelect-root .mantine-Pill-label').allTextContents(), ['Welcome'], 'the prerequisite is saved');
    // saved: a reload shows the content and the setting
    await page.goto(`${editorUrl}/curriculum`);
    await sectionCard('Getting started').getByTestId('lesson-row').filter({ hasText: 'Welcome' }).getByText('Free preview').waitFor();
  });

  step('reorders lessons with the keyboard and with the menu; the order survives a reload', async () => {
    await idle();
    // keyboard drag and drop (dnd-kit): focus the handle, Space, ArrowDown, Space
    const handle = page.getByRole('button', { name: 'Move lesson Welcome' });
    await handle.focus();
    await page.keyboard.press('Space');
    await page.waitForTimeout(200);
    await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(200);
    await page.keyboard.press('Space');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="section"]')][0]?.querySelector('[data-testid="lesson-title"]')?.textContent === 'First strokes');
    await idle();
    assert.deepEqual(await lessonTitles(sectionCard('Getting started')), ['First strokes', 'Welcome']);

    // the menu: move a lesson to the other section
    await page.getByRole('button', { name: 'Actions for lesson Mixing colours' }).click();
    await page.getByRole('menuitem', { name: 'Move to Getting started' }).click();
    await sectionCard('Getting started').getByRole('link', { name: 'Mixing colours' }).waitFor();
    await idle();
    // a refused reorder is rolled back, with the server's message
    await page.route('**/sections/reorder', (route) =>
      route.fulfill({
        status: 409,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Conflict', status: 409, code: 'conflict', detail: 'Someone else changed this outline.' }),
      }),
    );
    await page.getByRole('button', { name: 'Actions for section Going further' }).click();
    await page.getByRole('menuitem', { name: 'Move up' }).click();
    await toast('Someone else changed this outline.').waitFor();
    await idle();
    assert.deepEqual(await page.getByTestId('section-title').allTextContents(), ['Getting started', 'Going further']);
    await page.unroute('**/sections/reorder');
    // and a section up, for real
    await page.getByRole('button', { name: 'Actions for section Going further' }).click();
    await page.getByRole('menuitem', { name: 'Move up' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="section-title"]')?.textContent === 'Going further');
    await idle();

    await page.reload();
    await sectionCard('Getting started').waitFor();
    assert.deepEqual(await page.getByTestId('section-title').allTextContents(), ['Going further', 'Getting started']);
    assert.deepEqual(await lessonTitles(sectionCard('Getting started')), ['First strokes', 'Welcome', 'Mixing colours']);
    assert.deepEqual(await lessonTitles(sectionCard('Going further')), []);
  });

  step('publishes and finds the course in the catalog', async () => {
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await toast('The course is published.').waitFor();
    assert.equal(await state().textContent(), 'Published');
    await page.getByRole('link', { name: 'View in catalog' }).waitFor();
    await checkA11y(page, 'curriculum (published)');

    await page.getByRole('link', { name: 'Catalog' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Catalog' }).waitFor();
    await page.getByRole('searchbox', { name: 'Search courses' }).fill(title);
    await page.getByRole('link', { name: title }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.getByText('Welcome').first().waitFor();
  });

  step('edits again, sees unpublished changes, publishes them', async () => {
    await page.goto(editorUrl);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.getByLabel('Summary').fill('Paint light, colour and texture with water.');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await toast('The details are saved.').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="course-state"]')?.textContent === 'Published, with unpublished changes');
    await checkA11y(page, 'course details (unpublished changes)');
    await screenshot(page, 'instructor-unpublished-changes');

    await page.goto('/teach');
    const row = page.getByTestId('teach-course').filter({ hasText: title });
    await row.getByText('Published, with unpublished changes').waitFor();
    await row.getByRole('link', { name: title, exact: true }).click();
    await page.getByRole('button', { name: 'Publish changes' }).click();
    await toast('The course is published.').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="course-state"]')?.textContent === 'Published');
    assert.equal(await page.getByRole('button', { name: 'Publish changes' }).count(), 0);
  });

  step('works at 375 px and in the dark theme', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${editorUrl}/curriculum`);
    await sectionCard('Getting started').waitFor();
    await assertNoHorizontalScroll(page, 'the curriculum editor');
    await page.getByRole('button', { name: 'Toggle light and dark theme' }).click();
    assert.equal(await page.locator('html').getAttribute('data-mantine-color-scheme'), 'dark');
    await checkA11y(page, 'curriculum (dark, 375 px)');
    await screenshot(page, 'instructor-curriculum-375-dark');
    await page.goto(editorUrl);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.getByTestId('cover-image').waitFor();
    await assertNoHorizontalScroll(page, 'the course details');
    await checkA11y(page, 'course details (dark, 375 px)');
    await page.getByRole('button', { name: 'Toggle light and dark theme' }).click();
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  step('an organization admin sees every course, filters by status and deletes one without learners', async () => {
    await context.clearCookies();
    await signIn(page, 'admin@lyceum.local', 'lyceum-admin-2026');
    await page.getByRole('link', { name: 'Teach' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Teach' }).waitFor();
    const row = page.getByTestId('teach-course').filter({ hasText: title });
    await row.waitFor();
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Archived' }).click();
    await page.getByText('No course matches your search.').waitFor();
    await page.getByRole('button', { name: 'Clear the search' }).click();
    await row.getByRole('link', { name: title, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this course?' });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { level: 1, name: 'Teach' }).waitFor();
    await toast(`"${title}" is deleted.`).waitFor();
    await page.getByTestId('teach-course').first().waitFor();
    assert.equal(await page.getByTestId('teach-course').filter({ hasText: title }).count(), 0);
  });
});
