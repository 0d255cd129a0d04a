import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORAGE, type Storage } from '../../../kernel/storage/index.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { createOrg, expectStatus, type Member } from './playback/playback-world.fixtures.js';
import { makeSource } from './video.fixtures.js';
import type { VideoOutput } from './video.schema.js';

/* The media quota counts what processing stores (video renditions, poster, storyboard, caption files; image sizes), not only originals. */
let t: TestApp;
let owner: Member;

function multipart(filename: string, contentType: string, bytes: Buffer): { payload: Buffer; type: string } {
  const b = 'quota-test-boundary';
  const head = `--${b}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`;
  return { payload: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${b}--\r\n`)]), type: `multipart/form-data; boundary=${b}` };
}

async function upload(filename: string, contentType: string, bytes: Buffer): Promise<{ id: string; sizeBytes: number }> {
  const m = multipart(filename, contentType, bytes);
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/media', headers: { ...owner.h(), 'content-type': m.type }, payload: m.payload });
  if (res.statusCode !== 201) throw new Error(`upload: ${res.statusCode} ${res.body}`);
  return JSON.parse(res.body) as { id: string; sizeBytes: number };
}

const used = async () => expectStatus(await t.http('GET', '/api/v1/media/quota', { as: owner, headers: owner.h() }), 200).body.usedBytes as number;

async function bytesUnder(keys: string[]): Promise<number> {
  const storage = t.app.get<symbol, Storage>(STORAGE);
  let n = 0;
  for (const k of keys) n += (await storage.head(k))?.size ?? 0;
  return n;
}

beforeAll(async () => {
  t = await createTestApp({ VIDEO_X264_PRESET: 'ultrafast' });
  owner = await createOrg(t, 'Quota school');
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('the media quota counts processed outputs', () => {
  it("a video's published output counts, follows caption changes, and is given back on delete", async () => {
    const before = await used();
    const asset = await upload('clip.mp4', 'video/mp4', readFileSync(makeSource('silent', 3)));
    expect(await used()).toBe(before + asset.sizeBytes);
    await t.drain();
    const [v] = await t.query<{ id: string; status: string; output: VideoOutput; output_keys: string[] }>('SELECT id, status, output, output_keys FROM videos WHERE asset_id = $1', [asset.id]);
    expect(v!.status).toBe('ready');
    const stored = await bytesUnder(v!.output_keys);
    expect(stored).toBeGreaterThan(0);
    expect(v!.output.bytes).toBe(stored);
    expect(await used()).toBe(before + asset.sizeBytes + stored);

    expectStatus(await t.http('POST', `/api/v1/videos/${v!.id}/captions`, { as: owner, headers: owner.h(), body: { language: 'en', label: 'English', text: 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello\n' } }), 201);
    await t.drain();
    const [after] = await t.query<{ output: VideoOutput; output_keys: string[] }>('SELECT output, output_keys FROM videos WHERE id = $1', [v!.id]);
    const storedWithCaptions = await bytesUnder(after!.output_keys);
    expect(storedWithCaptions).toBeGreaterThan(stored);
    expect(after!.output.bytes).toBe(storedWithCaptions);
    expect(await used()).toBe(before + asset.sizeBytes + storedWithCaptions);

    expect((await t.http('DELETE', `/api/v1/media/${asset.id}`, { as: owner, headers: owner.h() })).status).toBe(204);
    expect(await used()).toBe(before);
  });

  it("an image's sizes count too, and are given back on delete", async () => {
    const before = await used();
    const png = await sharp({ create: { width: 1600, height: 900, channels: 3, background: { r: 200, g: 80, b: 40 } } }).png().toBuffer();
    const asset = await upload('banner.png', 'image/png', png);
    await t.drain();
    const [row] = await t.query<{ variants: Record<string, { key: string; sizeBytes: number }> }>('SELECT variants FROM media_assets WHERE id = $1', [asset.id]);
    const variants = Object.values(row!.variants);
    expect(variants.length).toBeGreaterThan(0);
    const sizes = variants.reduce((n, x) => n + x.sizeBytes, 0);
    expect(await bytesUnder(variants.map((x) => x.key))).toBe(sizes);
    expect(await used()).toBe(before + asset.sizeBytes + sizes);
    expect((await t.http('DELETE', `/api/v1/media/${asset.id}`, { as: owner, headers: owner.h() })).status).toBe(204);
    expect(await used()).toBe(before);
  });
});
