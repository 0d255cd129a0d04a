import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { assertNoHorizontalScroll, checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 20_000;

describe('media library journey', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  let video: Buffer;
  let secondFile = '';
  let courseId = '';
  let lessonId = '';
  const courseTitle = `Filmed course ${Date.now().toString(36)}`;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lyceum-e2e-media-'));
    const file = path.join(dir, 'lecture.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine', '-t', '3', '-pix_fmt', 'yuv420p', '-y', file]);
    video = readFileSync(file);
    // a file on disk keeps its modification time, so tus finds its earlier upload by fingerprint
    secondFile = path.join(dir, 'Lecture two.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '2', '-pix_fmt', 'yuv420p', '-y', secondFile]);
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
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const row = (title: string) => page.getByTestId('media-row').filter({ has: page.getByText(title, { exact: true }) });

  step('the instructor opens the media library from the navigation', async () => {
    await signIn(page, 'instructor@lyceum.local', 'lyceum-instructor-2026');
    await page.getByRole('button', { name: /^Account menu for/ }).waitFor();
    await page.getByRole('link', { name: 'Media library' }).first().click();
    await page.waitForURL(/\/teach\/media$/);
    await page.getByRole('heading', { level: 1, name: 'Media library' }).waitFor();
    await page.getByTestId('media-quota').getByText(/of 100 GB used/).waitFor();
    assert.equal(await page.title(), 'Media library · Lyceum');
    await checkA11y(page, 'media library');
  });

  step('uploads a real video over tus, pauses it mid-flight, resumes, and sees the row appear', async () => {
    // hold the first PATCH in the browser so "pause" happens while bytes are in flight
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let patches = 0;
    const hold = async (route: Route) => {
      if (route.request().method() === 'PATCH' && patches++ === 0) {
        await held;
        await route.continue().catch(() => undefined); // aborted by the pause: nothing to continue
        return;
      }
      await route.continue();
    };
    await page.route('**/api/v1/media/uploads/*', hold);
    await page.getByTestId('media-dropzone').locator('input[type="file"]').setInputFiles({ name: 'Lecture one.mp4', mimeType: 'video/mp4', buffer: video });
    const upload = page.getByTestId('upload-row').filter({ hasText: 'Lecture one.mp4' });
    await upload.getByText(/^Uploading \d+%$/).waitFor();
    await upload.getByRole('progressbar', { name: 'Upload progress of Lecture one.mp4' }).waitFor({ state: 'attached' });
    // while it uploads, the library already lists the file as uploading
    await row('Lecture one').getByText('Uploading', { exact: true }).waitFor();
    await upload.getByRole('button', { name: 'Pause Lecture one.mp4' }).click();
    await upload.getByText(/^Paused at \d+%$/).waitFor();
    release();
    await page.unroute('**/api/v1/media/uploads/*', hold);
    await upload.getByRole('button', { name: 'Resume Lecture one.mp4' }).click();
    await upload.getByText('Uploaded', { exact: true }).waitFor();
    assert.equal(await upload.getByRole('progressbar').getAttribute('aria-valuenow'), '100');
    const r = row('Lecture one');
    await r.getByText('Video', { exact: true }).waitFor();
    await r.getByText(/Lecture one\.mp4 · \d+(\.\d)? KB/).waitFor();
    await r.getByText('Uploading', { exact: true }).waitFor({ state: 'detached' });
    const href = await r.getByRole('link', { name: 'Details of Lecture one' }).getAttribute('href');
    assert.match(href ?? '', /^\/teach\/media\/[0-9a-f-]{36}$/);
    // the seeded demo video (uploaded and processed through the library) already counts: MB, not bytes
    await page.getByTestId('media-quota').getByText(/\d(\.\d)? (KB|MB) of 100 GB used/).waitFor();
    await checkA11y(page, 'media library after upload');
    await screenshot(page, 'media-library');
  });

  step('an upload cut off by a page reload resumes when the same file is chosen again', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const hold = async (route: Route) => {
      if (route.request().method() === 'PATCH') {
        await held;
        await route.continue().catch(() => undefined);
        return;
      }
      await route.continue();
    };
    await page.route('**/api/v1/media/uploads/*', hold);
    const input = () => page.getByTestId('media-dropzone').locator('input[type="file"]');
    await input().setInputFiles(secondFile);
    await page.getByTestId('upload-row').filter({ hasText: 'Lecture two.mp4' }).getByText(/^Uploading \d+%$/).waitFor();
    await row('Lecture two').getByText('Uploading', { exact: true }).waitFor();
    await page.reload();
    release();
    await page.unroute('**/api/v1/media/uploads/*', hold);
    await page.getByRole('heading', { level: 1, name: 'Media library' }).waitFor();
    await input().setInputFiles(secondFile);
    const upload = page.getByTestId('upload-row').filter({ hasText: 'Lecture two.mp4' });
    await upload.getByText('Resuming an earlier upload of this file').waitFor();
    await upload.getByText('Uploaded', { exact: true }).waitFor();
    const r = row('Lecture two');
    await r.getByText('Uploading', { exact: true }).waitFor({ state: 'detached' });
    // the same upload was finished: one row, not a second copy
    assert.equal(await r.count(), 1);
  });

  step('searches and filters the library', async () => {
    await page.getByRole('searchbox', { name: 'Search the library' }).fill('lectu');
    await row('Lecture one').waitFor();
    await page.getByRole('searchbox', { name: 'Search the library' }).fill('nothing like this');
    await page.getByText('No file matches your search.').waitFor();
    await page.getByRole('searchbox', { name: 'Search the library' }).fill('');
    await page.getByRole('combobox', { name: 'Kind' }).click();
    await page.getByRole('option', { name: 'Images' }).click();
    await page.getByText('No file matches your search.').waitFor();
    await page.getByRole('combobox', { name: 'Kind' }).click();
    await page.getByRole('option', { name: 'Videos' }).click();
    await row('Lecture one').waitFor();
  });

  step('attaches the video to a video lesson from the lesson editor', async () => {
    const c = await page.request.post('/api/v1/courses', { data: { title: courseTitle, visibility: 'public', isFree: true } });
    assert.equal(c.status(), 201, await c.text());
    courseId = ((await c.json()) as { id: string }).id;
    const s = await page.request.post(`/api/v1/courses/${courseId}/sections`, { data: { title: 'Week one' } });
    const sectionId = ((await s.json()) as { id: string }).id;
    const l = await page.request.post(`/api/v1/courses/${courseId}/sections/${sectionId}/lessons`, { data: { title: 'Watch the lecture', type: 'video' } });
    assert.equal(l.status(), 201, await l.text());
    lessonId = ((await l.json()) as { id: string }).id;

    await page.goto(`/teach/courses/${courseId}/lessons/${lessonId}`);
    await page.getByRole('heading', { name: 'Video from the library' }).waitFor();
    await page.getByText('No file attached yet.').waitFor();
    await page.getByRole('combobox', { name: 'Choose from the library' }).click();
    await page.getByRole('option', { name: 'Lecture one' }).click();
    await page.getByRole('button', { name: 'Attach', exact: true }).click();
    await page.getByTestId('attached-media').getByText('Attached: Lecture one').waitFor();
    await checkA11y(page, 'video lesson editor with the library picker');
    // it survives a reload: it is stored
    await page.reload();
    await page.getByTestId('attached-media').getByText('Attached: Lecture one').waitFor();
  });

  step('deleting the attached video is refused, naming the lesson that uses it', async () => {
    await page.goto('/teach/media');
    const r = row('Lecture one');
    await r.getByRole('button', { name: 'Used by' }).click();
    await r.getByRole('link', { name: `Watch the lecture · ${courseTitle}` }).waitFor();
    await r.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete “Lecture one”?' }).getByRole('button', { name: 'Delete' }).click();
    const inUse = page.getByRole('dialog', { name: 'This file is in use' });
    await inUse.getByText(`Watch the lecture · ${courseTitle}`).waitFor();
    await checkA11y(page, 'delete refused while in use');
    await inUse.getByRole('button', { name: 'Close' }).first().click();
    await inUse.waitFor({ state: 'detached' });
    await r.waitFor();
  });

  step('renames a file', async () => {
    await row('Lecture one').getByRole('button', { name: 'Rename' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rename “Lecture one”' });
    await dialog.getByRole('textbox', { name: 'Title' }).fill('Lecture one (2026)');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await row('Lecture one (2026)').waitFor();
  });

  step('a text file renamed .mp4 is refused with the reason, and the library shows it refused', async () => {
    await page.getByTestId('media-dropzone').locator('input[type="file"]').setInputFiles({ name: 'not a video.mp4', mimeType: 'video/mp4', buffer: Buffer.from('just some text, not a video\n'.repeat(50)) });
    const upload = page.getByTestId('upload-row').filter({ hasText: 'not a video.mp4' });
    await upload.getByRole('alert').getByText(/^Upload failed: The file was sent as video\/mp4 but its content is not a video\/mp4 file\.$/).waitFor();
    const r = row('not a video');
    await r.getByText('Refused', { exact: true }).waitFor();
    await r.getByText(/^Refused: The file was sent as video\/mp4/).waitFor();
    await checkA11y(page, 'refused upload');
  });

  step('the library works on a 375 px phone screen', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.reload();
    await row('Lecture one (2026)').waitFor();
    await assertNoHorizontalScroll(page, 'media library at 375 px');
    await checkA11y(page, 'media library at 375 px');
    await screenshot(page, 'media-library-375');
  });
});
