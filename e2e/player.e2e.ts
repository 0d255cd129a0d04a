import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertNoHorizontalScroll, checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 30_000;
const CODECS = 'video/mp4; codecs="avc1.42E01E,mp4a.40.2"';

/*
 * The seeded "Watching video well" course (its video processed by the real pipeline at seed time; the demo
 * learner is enrolled): the learner plays a lesson's HLS video in Chromium, changes speed and
 * quality, sees captions, reloads and is offered to resume, hits the two-stream limit on a third
 * tab; the instructor sees the analytics chart.
 */
describe('video player journey', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let learner: BrowserContext;
  let page: Page;
  let extra: Page[] = [];
  let lessonUrl = '';
  let videoId = '';
  let courseId = '';

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    learner = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    learner.setDefaultTimeout(TIMEOUT);
    page = await learner.newPage();
  });

  const step = stepper(() => [page, ...extra]);

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const videoState = (p: Page) =>
    p.locator('video').evaluate((v: HTMLVideoElement) => ({ t: v.currentTime, rate: v.playbackRate, paused: v.paused, tracks: Array.from(v.textTracks).map((x) => ({ mode: x.mode, cues: x.activeCues?.length ?? 0 })) }));

  step("Debian's Chromium has MSE with H.264 + AAC in fMP4", async () => {
    await page.goto('/');
    const supported = await page.evaluate((c) => typeof MediaSource !== 'undefined' && MediaSource.isTypeSupported(c), CODECS);
    console.log(`MediaSource.isTypeSupported('${CODECS}') = ${supported}`);
    assert.equal(supported, true, 'this Chromium cannot play H.264/AAC through MSE');
  });

  step('the learner opens the video lesson; it plays, with captions showing', async () => {
    await signIn(page, 'learner@lyceum.local', 'lyceum-learner-2026');
    await page.getByRole('button', { name: /^Account menu for/ }).waitFor();
    const res = await learner.request.get('/api/v1/catalog/courses/video-playback-demo');
    assert.equal(res.status(), 200, 'the demo video course is seeded');
    const course = (await res.json()) as { id: string; sections: { lessons: { id: string; type: string; isPreview: boolean }[] }[] };
    const lesson = course.sections.flatMap((s) => s.lessons).find((l) => l.type === 'video' && !l.isPreview)!;
    courseId = course.id;
    lessonUrl = `/learn/${course.id}/lessons/${lesson.id}`;
    const started = page.waitForResponse((r) => r.url().endsWith('/playback') && r.request().method() === 'POST');
    await page.goto(lessonUrl);
    const start = await started;
    assert.equal(start.status(), 201);
    videoId = ((await start.json()) as { videoId: string }).videoId;
    await page.getByTestId('video-player').waitFor();
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 1);
    const s = await videoState(page);
    assert.equal(s.tracks[0]?.mode, 'showing', 'the default English captions are on');
    await page.waitForFunction(() => (document.querySelector('video')?.textTracks[0]?.activeCues?.length ?? 0) > 0);
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 3);
    await checkA11y(page, 'video lesson');
    await assertNoHorizontalScroll(page, 'video lesson');
    await screenshot(page, 'player-playing');
  });

  step('speed and quality change while it plays; storyboard thumbnails show on the seek bar', async () => {
    await page.getByTestId('speed-select').selectOption('1.5');
    assert.equal((await videoState(page)).rate, 1.5);
    // the demo video is processed by the pipeline: an 854x480 source gives the 480p and 360p rungs
    const lowQuality = page.waitForRequest((r) => /\/api\/v1\/stream\/[^/]+\/(media_1\.m3u8|seg-1-)/.test(r.url()));
    await page.getByTestId('quality-select').selectOption({ label: '360p' });
    await lowQuality;
    const before = (await videoState(page)).t;
    await page.waitForFunction((b) => (document.querySelector('video')?.currentTime ?? 0) > b + 0.5, before);
    const bar = page.getByRole('slider', { name: 'Seek' });
    const box = (await bar.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    await page.getByTestId('storyboard-preview').waitFor();
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    await page.getByText('J / L: back or forward 10 seconds').waitFor();
  });

  step('after a pause and a reload the player offers to resume', async () => {
    await page.getByTestId('video-player').focus();
    const beat = page.waitForResponse((r) => /\/heartbeat$/.test(r.url()) && r.status() === 200);
    await page.keyboard.press('k');
    await beat;
    const paused = await videoState(page);
    assert.equal(paused.paused, true);
    await page.reload();
    const prompt = page.getByTestId('resume-prompt');
    await prompt.waitFor();
    const text = (await prompt.textContent()) ?? '';
    assert.match(text, /Resume at 00:0\d\?/);
    await checkA11y(page, 'resume prompt');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.waitForFunction((t) => (document.querySelector('video')?.currentTime ?? 0) >= t, Math.floor(paused.t) - 1);
  });

  step('a third concurrent stream is refused with the limit message', async () => {
    const second = await learner.newPage();
    extra = [second];
    const ok = second.waitForResponse((r) => r.url().endsWith('/playback') && r.request().method() === 'POST');
    await second.goto(lessonUrl);
    assert.equal((await ok).status(), 201);
    const third = await learner.newPage();
    extra = [second, third];
    await third.goto(lessonUrl);
    const alert = third.getByTestId('player-error');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /Too many devices.*You are already watching on 2 devices/);
    await checkA11y(third, 'stream limit');
    await screenshot(third, 'player-stream-limit');
    await third.close();
    await second.close();
    extra = [];
  });

  step('the instructor sees the drop-off chart for the video', async () => {
    const staff = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 375, height: 800 } });
    staff.setDefaultTimeout(TIMEOUT);
    page = await staff.newPage();
    await signIn(page, 'instructor@lyceum.local', 'lyceum-instructor-2026');
    await page.getByRole('button', { name: /^Account menu for/ }).waitFor();
    await page.goto(`/teach/videos/${videoId}/analytics`);
    await page.getByRole('heading', { level: 1, name: 'Video analytics' }).waitFor();
    await page.getByTestId('dropoff-chart').waitFor();
    const d = await page.getByTestId('dropoff-line').getAttribute('d');
    assert.match(d ?? '', /^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){19}$/, 'a line through the 20 buckets');
    const views = await page.getByText('Views', { exact: true }).locator('xpath=following-sibling::*[1]').textContent();
    assert.ok(Number(views) >= 3, `views: ${views}`);
    await checkA11y(page, 'video analytics');
    await assertNoHorizontalScroll(page, 'video analytics');
    await screenshot(page, 'video-analytics');
  });

  step('the instructor restricts the course to some countries in the course editor', async () => {
    await page.goto(`/teach/courses/${courseId}`);
    const allow = page.getByRole('textbox', { name: 'Only these countries (allow list)' });
    await allow.waitFor();
    await allow.fill('QQ');
    await page.getByRole('button', { name: 'Save countries' }).click();
    await page.getByText('Not a country code: QQ.').first().waitFor();
    await allow.fill('de, fr');
    await page.getByRole('button', { name: 'Save countries' }).click();
    await page.locator('.mantine-Notification-root').filter({ hasText: 'Country rules saved.' }).first().waitFor();
    const saved = await page.request.get(`/api/v1/courses/${courseId}/geo-rules`);
    assert.deepEqual(((await saved.json()) as { allow: string[] }).allow, ['DE', 'FR']);
    await checkA11y(page, 'geo rules');
    await assertNoHorizontalScroll(page, 'geo rules');
  });
});
