// web-bundle: the gzip size of the JavaScript the catalog page loads (aim: 250 KB or less) and
// its time to first render in Chromium. Baseline, in the same browser and run: a static page of
// the same text served by a bare Node server, i.e. what a page costs with no app at all.
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { launchBrowser } from '../e2e/lib/browser.js';
import { startServer } from '../e2e/lib/server.js';
import { alternate, freePort, median, report, round2 } from './_lib.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const server = await startServer();
const port = await freePort();
const bare = http.createServer((_req, res) => {
  res.setHeader('content-type', 'text/html');
  res.end('<!doctype html><html lang="en"><head><title>Catalog</title></head><body><h1>Catalog</h1><p>Learn to Learn</p></body></html>');
});
await new Promise<void>((r) => bare.listen(port, '127.0.0.1', r));
const browser = await launchBrowser();
try {
  // JavaScript loaded by the catalog page, gzipped as a CDN would serve it.
  const page = await browser.newPage();
  const scripts = new Map<string, Buffer>();
  page.on('response', async (res) => {
    if (res.request().resourceType() === 'script' || res.url().endsWith('.js')) scripts.set(res.url(), await res.body().catch(() => Buffer.alloc(0)));
  });
  await page.goto(`${server.baseUrl}/catalog`, { waitUntil: 'networkidle' });
  await page.close();
  const gzipBytes = [...scripts.values()].reduce((n, body) => n + gzipSync(body, { level: 9 }).length, 0);

  /** Milliseconds from navigation start until the course title is painted. */
  const firstRender = async (url: string): Promise<number> => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(url, { waitUntil: 'commit' });
    await p.getByText('Learn to Learn').first().waitFor({ state: 'visible', timeout: 30_000 });
    const ms = await p.evaluate(() => performance.now());
    await ctx.close();
    return ms;
  };
  const r = await alternate(ROUNDS, () => firstRender(`${server.baseUrl}/catalog`), () => firstRender(`http://127.0.0.1:${port}/`));
  const ours = median(r.ours);
  const baseline = median(r.baseline);
  report({
    bench: 'web-bundle',
    unit: 'ms',
    ours: Math.round(ours),
    baseline: Math.round(baseline),
    ratio: round2(ours / baseline),
    js_gzip_kb: round2(gzipBytes / 1024),
    js_files: scripts.size,
    aim_js_gzip_kb: 250,
    rounds: ROUNDS,
  });
} finally {
  await browser.close();
  bare.close();
  await server.stop();
}
