import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 20_000;
const PROCESSING = 180_000;

/*
 * Upload to playback through the real pipeline: the instructor uploads a small ffmpeg-made MP4 over
 * tus in the media library, the server's worker processes it with ffmpeg, the instructor turns HLS
 * AES-128 encryption on (a re-encode), attaches it to a lesson, and the demo learner plays it in
 * Chromium (hls.js fetching the key from the protected endpoint), pauses, reloads and resumes.
 * The clip is 8 s, not less: the player offers to resume only before the last 3 s.
 */
describe('video pipeline journey: upload, process, encrypt, play', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let staff: BrowserContext;
  let learner: BrowserContext;
  let page: Page;
  let dir = '';
  let clip: Buffer;
  let assetId = '';
  let courseId = '';
  let lessonId = '';
  const title = `Pipeline clip ${Date.now().toString(36)}`;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lyceum-e2e-pipeline-'));
    const file = path.join(dir, 'clip.mp4');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '8', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-y', file]);
    clip = readFileSync(file);
    server = await startServer();
    browser = await launchBrowser();
    staff = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    staff.setDefaultTimeout(TIMEOUT);
    page = await staff.newPage();
  });

  const step = stepper(() => page);

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const status = (s: string) => page.locator(`[data-testid="video-status"][data-status="${s}"]`);

  step('the instructor uploads the clip over tus and the worker processes it to ready', async () => {
    await signIn(page, 'instructor@lyceum.local', 'lyceum-instructor-2026');
    await page.getByRole('button', { name: /^Account menu for/ }).waitFor();
    await page.goto('/teach/media');
    await page.getByRole('heading', { level: 1, name: 'Media library' }).waitFor();
    await page.getByTestId('media-dropzone').locator('input[type="file"]').setInputFiles({ name: `${title}.mp4`, mimeType: 'video/mp4', buffer: clip });
    await page.getByTestId('upload-row').filter({ hasText: `${title}.mp4` }).getByText('Uploaded', { exact: true }).waitFor();
    const details = page.getByRole('link', { name: `Details of ${title}` });
    assetId = ((await details.getAttribute('href')) ?? '').split('/').pop() ?? '';
    assert.match(assetId, /^[0-9a-f-]{36}$/);
    await details.click();
    await page.getByRole('heading', { level: 1, name: 'Video processing' }).waitFor();
    await status('ready').waitFor({ timeout: PROCESSING });
    await page.getByTestId('renditions').getByText('180p').waitFor();
    await page.getByTestId('encryption-published').getByText('The published stream is not encrypted.').waitFor();
  });

  step('turns encryption on: the video is converted again, and its published stream is encrypted', async () => {
    const sw = page.getByRole('switch', { name: 'Encrypt the video stream (HLS AES-128)' });
    assert.equal(await sw.isChecked(), false);
    const saved = page.waitForResponse((r) => r.url().endsWith('/encryption') && r.request().method() === 'PUT');
    await sw.click({ force: true });
    assert.equal((await saved).status(), 200);
    await page.locator('.mantine-Notification-root').filter({ hasText: 'Encryption turned on.' }).first().waitFor();
    await page.getByTestId('encryption-published').getByText('The published stream is encrypted.').waitFor({ timeout: PROCESSING });
    await status('ready').waitFor();
    assert.equal(await sw.isChecked(), true);
    await checkA11y(page, 'video processing with encryption');
    await screenshot(page, 'video-encrypted');
  });

  step('attaches it to a video lesson from the lesson editor; the course is published', async () => {
    const c = await page.request.post('/api/v1/courses', { data: { title: `Encrypted course ${Date.now().toString(36)}`, visibility: 'public', isFree: true } });
    assert.equal(c.status(), 201, await c.text());
    courseId = ((await c.json()) as { id: string }).id;
    const s = await page.request.post(`/api/v1/courses/${courseId}/sections`, { data: { title: 'Week one' } });
    const sectionId = ((await s.json()) as { id: string }).id;
    const l = await page.request.post(`/api/v1/courses/${courseId}/sections/${sectionId}/lessons`, { data: { title: 'Watch the clip', type: 'video' } });
    assert.equal(l.status(), 201, await l.text());
    lessonId = ((await l.json()) as { id: string }).id;
    await page.goto(`/teach/courses/${courseId}/lessons/${lessonId}`);
    await page.getByRole('heading', { name: 'Video from the library' }).waitFor();
    await page.getByRole('combobox', { name: 'Choose from the library' }).click();
    await page.getByRole('option', { name: title }).click();
    await page.getByRole('button', { name: 'Attach', exact: true }).click();
    await page.getByTestId('attached-media').getByText(`Attached: ${title}`).waitFor();
    const pub = await page.request.post(`/api/v1/courses/${courseId}/publish`);
    assert.equal(pub.status(), 200, await pub.text());
  });

  step('the learner plays it in Chromium with the key from the protected endpoint, and resumes after a reload', async () => {
    learner = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    learner.setDefaultTimeout(TIMEOUT);
    page = await learner.newPage();
    await signIn(page, 'learner@lyceum.local', 'lyceum-learner-2026');
    await page.getByRole('button', { name: /^Account menu for/ }).waitFor();
    const en = await page.request.post(`/api/v1/courses/${courseId}/enroll`);
    assert.equal(en.status(), 201, await en.text());

    const started = page.waitForResponse((r) => r.url().endsWith('/playback') && r.request().method() === 'POST');
    const key = page.waitForResponse((r) => /\/api\/v1\/stream\/[^/]+\/key$/.test(r.url()));
    await page.goto(`/learn/${courseId}/lessons/${lessonId}`);
    const start = await started;
    assert.equal(start.status(), 201);
    const body = (await start.json()) as { encrypted: boolean; stream: { dash: string | null } };
    assert.equal(body.encrypted, true);
    assert.equal(body.stream.dash, null, 'an encrypted video is offered as HLS only');
    await page.getByTestId('video-player').waitFor();
    await page.getByRole('button', { name: 'Play' }).click();
    const k = await key;
    assert.equal(k.status(), 200);
    assert.equal(k.headers()['cache-control'], 'no-store');
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 1.5);

    await page.getByTestId('video-player').focus();
    const beat = page.waitForResponse((r) => /\/heartbeat$/.test(r.url()) && r.status() === 200);
    await page.keyboard.press('k');
    await beat;
    const paused = await page.locator('video').evaluate((v: HTMLVideoElement) => ({ t: v.currentTime, paused: v.paused }));
    assert.equal(paused.paused, true);
    await page.reload();
    await page.getByTestId('resume-prompt').waitFor();
    assert.match((await page.getByTestId('resume-prompt').textContent()) ?? '', /Resume at 00:0\d\?/);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.waitForFunction((t) => (document.querySelector('video')?.currentTime ?? 0) >= t, Math.floor(paused.t) - 0.5);
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction((t) => (document.querySelector('video')?.currentTime ?? 0) > t, paused.t + 0.5);
    await screenshot(page, 'video-encrypted-playing');
  });
});
