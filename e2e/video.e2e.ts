import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { v7 as uuidv7 } from 'uuid';
import { LocalStorage } from '../apps/server/src/kernel/storage/local.storage.js';
import { assertNoHorizontalScroll, checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 20_000;
const SRT = '1\n00:00:00,500 --> 00:00:02,000\nHello there\n\n2\n00:00:02,500 --> 00:00:04,000\nWelcome to the course\n';

/*
 * The library's upload endpoint is another engineer's part; until it lands this journey does what
 * the library does on a finished upload (asset + video rows, the file in storage, the processing
 * job), straight into the e2e server's embedded database and local storage. Everything after that
 * is the real app: the worker processes the file with ffmpeg while the page watches.
 */
describe('video processing journey', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let db: pg.Client;
  let storage: LocalStorage;
  let assetId = '';
  let videoId = '';

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ctx = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    ctx.setDefaultTimeout(TIMEOUT);
    page = await ctx.newPage();
    const port = readFileSync(path.join(server.dataDir, 'pg-port'), 'utf8').trim();
    db = new pg.Client({ connectionString: `postgres://lyceum:lyceum@127.0.0.1:${port}/lyceum` });
    await db.connect();
    storage = new LocalStorage(path.join(server.dataDir, 'files'));
  });

  const step = stepper(() => page);

  after(async () => {
    await db?.end();
    await browser?.close();
    await server?.stop();
  });

  step('an instructor uploads a video (as the library would) and watches it process to ready', async () => {
    await signIn(page, 'instructor@lyceum.local', 'lyceum-instructor-2026');
    await page.getByRole('button', { name: /^Account menu for/ }).waitFor();
    const me = (await (await ctx.request.get('/api/v1/me')).json()) as { id: string };
    const orgs = (await (await ctx.request.get('/api/v1/me/organizations?limit=100')).json()) as { items: { id: string; active: boolean }[] };
    const orgId = (orgs.items.find((o) => o.active) ?? orgs.items[0])!.id;

    const dir = mkdtempSync(path.join(tmpdir(), 'lyceum-e2e-video-'));
    const file = path.join(dir, 'lecture.mp4');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '8', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', file]);
    const bytes = readFileSync(file);
    assetId = uuidv7();
    const storageKey = `media/${orgId}/${assetId}/original`;
    await storage.put(storageKey, bytes, { contentType: 'video/mp4' });
    await db.query('BEGIN');
    await db.query(
      `INSERT INTO media_assets (id, organization_id, kind, filename, title, content_type, size_bytes, storage_key, created_by) VALUES ($1, $2, 'video', 'lecture.mp4', 'Lecture 1', 'video/mp4', $3, $4, $5)`,
      [assetId, orgId, bytes.length, storageKey, me.id],
    );
    videoId = uuidv7();
    await db.query(`INSERT INTO videos (id, organization_id, asset_id, created_by, priority) VALUES ($1, $2, $3, $4, 10)`, [videoId, orgId, assetId, me.id]);
    await db.query(`SELECT graphile_worker.add_job('video.process', json_build_object('videoId', $1::text), job_key => $2, priority => -10, max_attempts => 3)`, [videoId, `video:${videoId}`]);
    await db.query('COMMIT');

    await page.goto(`/teach/media/${assetId}`);
    await page.getByRole('heading', { level: 1, name: 'Video processing' }).waitFor();
    await page.locator('[data-testid="video-status"][data-status="ready"]').waitFor({ timeout: 180_000 });
    await page.getByText('Ready', { exact: true }).waitFor();
    const renditions = page.getByTestId('renditions');
    await renditions.getByText('360p').waitFor();
    await renditions.getByText('audio only').waitFor();
    await page.getByRole('img', { name: 'The poster frame of the video' }).waitFor();
    assert.equal(await page.title(), 'Video processing · Lyceum');
    await checkA11y(page, 'video ready');
    await screenshot(page, 'video-ready');
  });

  step('adds SRT captions, which the published HLS master then announces', async () => {
    await page.getByText('No captions yet.').waitFor();
    await page.getByRole('textbox', { name: 'Language (BCP 47, e.g. en or pt-BR)' }).fill('en');
    await page.getByRole('textbox', { name: 'Label shown to viewers' }).fill('English');
    await page.getByRole('textbox', { name: 'Or paste the captions' }).fill(SRT);
    await page.getByRole('button', { name: 'Add captions' }).click();
    await page.locator('.mantine-Notification-root').filter({ hasText: 'Captions added.' }).first().waitFor();
    await page.getByTestId('caption-en').getByText('English').waitFor();
    await page.getByTestId('caption-en').getByText('default').waitFor();

    // garbage is refused with the server's reason, nothing is added
    await page.getByRole('textbox', { name: 'Language (BCP 47, e.g. en or pt-BR)' }).fill('es');
    await page.getByRole('textbox', { name: 'Label shown to viewers' }).fill('Español');
    await page.getByRole('textbox', { name: 'Or paste the captions' }).fill('not subtitles at all');
    await page.getByRole('button', { name: 'Add captions' }).click();
    await page.getByRole('alert').filter({ hasText: 'neither WebVTT nor SRT' }).waitFor();
    assert.equal(await page.getByTestId('caption-es').count(), 0);

    let master = '';
    for (let i = 0; i < 60 && !master.includes('TYPE=SUBTITLES'); i++) {
      const r = await db.query<{ output: { prefix: string; hlsMaster: string } }>('SELECT output FROM videos WHERE id = $1', [videoId]);
      const out = r.rows[0]!.output;
      const obj = await storage.get(out.prefix + out.hlsMaster);
      if (obj) {
        const chunks: Buffer[] = [];
        for await (const c of obj.body) chunks.push(c as Buffer);
        master = Buffer.concat(chunks).toString('utf8');
      }
      if (!master.includes('TYPE=SUBTITLES')) await new Promise((r2) => setTimeout(r2, 500));
    }
    assert.match(master, /#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=YES/);
  });

  step('edits the captions in place: an invalid edit shows the error, a valid one saves', async () => {
    await page.getByRole('button', { name: 'Edit English' }).click();
    const editor = page.getByRole('textbox', { name: 'WebVTT text' });
    await editor.waitFor();
    assert.match(await editor.inputValue(), /^WEBVTT\n\n1\n00:00:00\.500 --> 00:00:02\.000\nHello there/);
    await editor.fill('WEBVTT\n\n00:00:01.000 --> 00:0x:02.000\nBroken\n');
    await page.getByRole('button', { name: 'Save captions' }).click();
    await page.getByText(/not valid WebVTT/).first().waitFor();
    await editor.fill('WEBVTT\n\n00:00:00.500 --> 00:00:03.000\nHello, everyone\n');
    await page.getByRole('button', { name: 'Save captions' }).click();
    await page.locator('.mantine-Notification-root').filter({ hasText: 'Captions saved.' }).first().waitFor();
    const saved = (await (await ctx.request.get(`/api/v1/videos/${videoId}/captions/en`)).json()) as { vtt: string };
    assert.equal(saved.vtt, 'WEBVTT\n\n00:00:00.500 --> 00:00:03.000\nHello, everyone\n');
    await checkA11y(page, 'caption editor');

    await page.setViewportSize({ width: 375, height: 800 });
    await assertNoHorizontalScroll(page, 'video page at 375 px');
    await screenshot(page, 'video-captions-mobile');
  });
});
