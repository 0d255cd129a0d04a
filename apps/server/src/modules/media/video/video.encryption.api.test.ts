import { createDecipheriv } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, createOrg, expectStatus, type Member, startPlayback } from './playback/playback-world.fixtures.js';
import { makeSource, storageBytes, storageText, uploadVideo } from './video.fixtures.js';
import type { VideoOutput } from './video.schema.js';

/*
 * HLS AES-128 through the real pipeline: the instructor turns encryption on, processing encrypts
 * the CMAF segments with a per-video key kept sealed in the database, and a viewer with a live
 * playback session fetches the key through the stream route and can decrypt what it downloads.
 */
let t: TestApp;
let owner: Member;
let learner: Member;
let stranger: Member;
let videoId = '';
let assetId = '';
let courseId = '';
let lessonId = '';

interface Row {
  status: string;
  encrypted: boolean;
  encryption_key: Buffer | null;
  output: VideoOutput | null;
}
const row = async () => (await t.query<Row>('SELECT status, encrypted, encryption_key, output FROM videos WHERE id = $1', [videoId]))[0]!;

/** The box type at the start of an ISO BMFF buffer, when its size field is plausible. */
function firstBox(b: Buffer): string | null {
  if (b.length < 8) return null;
  const size = b.readUInt32BE(0);
  const type = b.subarray(4, 8).toString('latin1');
  return size >= 8 && size <= b.length && /^[a-z0-9]{4}$/.test(type) ? type : null;
}

beforeAll(async () => {
  t = await createTestApp({ VIDEO_X264_PRESET: 'ultrafast' });
  owner = await createOrg(t, 'Encrypting school');
  learner = await addMember(t, owner.orgId, 'learner');
  stranger = await createOrg(t, 'Elsewhere');
  ({ videoId, assetId } = await uploadVideo(t, owner, makeSource('landscape', 4), { firstUpload: true }));
  const as = owner;
  courseId = expectStatus(await t.http('POST', '/api/v1/courses', { as, headers: as.h(), body: { title: 'Secret videos', visibility: 'public', isFree: true } }), 201).body.id;
  const sec = expectStatus(await t.http('POST', `/api/v1/courses/${courseId}/sections`, { as, headers: as.h(), body: { title: 'Videos' } }), 201).body.id;
  lessonId = expectStatus(await t.http('POST', `/api/v1/courses/${courseId}/sections/${sec}/lessons`, { as, headers: as.h(), body: { title: 'Encrypted', type: 'video' } }), 201).body.id;
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('HLS AES-128 in the pipeline', () => {
  it('only the video staff of its organization change the setting, with a valid body', async () => {
    const url = `/api/v1/videos/${videoId}/encryption`;
    expect((await t.http('PUT', url, { as: stranger, headers: stranger.h(), body: { encrypted: true } })).status).toBe(404);
    expect((await t.http('PUT', url, { as: learner, headers: learner.h(), body: { encrypted: true } })).status).toBe(403);
    const bad = await t.http('PUT', url, { as: owner, headers: owner.h(), body: { encrypted: 'yes' } });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await row()).encrypted).toBe(false);
  });

  it('encrypts the segments of a video processed with the setting on, with a sealed per-video key and no DASH', async () => {
    const set = expectStatus(await t.http('PUT', `/api/v1/videos/${videoId}/encryption`, { as: owner, headers: owner.h(), body: { encrypted: true } }), 200).body;
    expect(set).toMatchObject({ encrypted: true, outputEncrypted: false, status: 'uploaded' });
    await t.drain();
    const v = await row();
    expect(v.status).toBe('ready');
    expect(v.output!.encrypted).toBe(true);
    expect(v.output!.dashManifest).toBe('');
    // sealed: iv | tag | ciphertext, not the 16 bare bytes
    expect(v.encryption_key!.length).toBe(44);
    const staff = expectStatus(await t.http('GET', `/api/v1/videos/${videoId}`, { as: owner, headers: owner.h() }), 200).body;
    expect(staff).toMatchObject({ encrypted: true, outputEncrypted: true, dashManifest: '' });

    const out = v.output!;
    expect(await storageText(t, out.prefix + 'manifest.mpd')).toBeNull();
    const media = (await storageText(t, out.prefix + 'media_0.m3u8'))!;
    const lines = media.split('\n');
    const map = lines.findIndex((l) => l.startsWith('#EXT-X-MAP:'));
    const firstKey = lines.findIndex((l) => l.startsWith('#EXT-X-KEY:'));
    expect(map).toBeGreaterThan(-1);
    expect(firstKey).toBeGreaterThan(map); // the init segment stays clear
    const keyTags = lines.filter((l) => l.startsWith('#EXT-X-KEY:'));
    const segments = lines.filter((l) => l && !l.startsWith('#'));
    expect(keyTags.length).toBe(segments.length);
    for (const tag of keyTags) expect(tag).toMatch(/^#EXT-X-KEY:METHOD=AES-128,URI="key",IV=0x[0-9a-f]{32}$/);
    expect(new Set(keyTags).size).toBe(keyTags.length); // an IV per segment

    const init = await storageBytes(t, out.prefix + /URI="([^"]+)"/.exec(lines[map]!)![1]!);
    expect(firstBox(init)).toBe('ftyp');
    const seg = await storageBytes(t, out.prefix + segments[0]!);
    expect(firstBox(seg)).toBeNull();
    expect(seg.length % 16).toBe(0);
  });

  it('gives the key to a live playback session only; with it a segment decrypts to fMP4', async () => {
    expectStatus(await t.http('PUT', `/api/v1/courses/${courseId}/lessons/${lessonId}/video`, { as: owner, headers: owner.h(), body: { assetId } }), 200);
    expectStatus(await t.http('POST', `/api/v1/courses/${courseId}/publish`, { as: owner, headers: owner.h() }), 200);
    expectStatus(await t.http('POST', `/api/v1/courses/${courseId}/enroll`, { as: learner, headers: learner.h() }), 201);
    expect((await startPlayback(t, stranger, lessonId)).status).toBeGreaterThanOrEqual(403);

    const s = expectStatus(await startPlayback(t, learner, lessonId), 201).body;
    expect(s.encrypted).toBe(true);
    expect(s.stream.dash).toBeNull();
    const base = s.stream.hls.slice(0, s.stream.hls.lastIndexOf('/') + 1);
    const master = expectStatus(await t.http('GET', s.stream.hls), 200).text;
    const mediaName = master.split('\n').find((l: string) => l.endsWith('.m3u8'))!;
    const media = expectStatus(await t.http('GET', base + mediaName), 200).text;
    const tag = media.split('\n').find((l: string) => l.startsWith('#EXT-X-KEY:'))!;
    const uri = /URI="([^"]+)"/.exec(tag)![1]!;
    const iv = Buffer.from(/IV=0x([0-9a-f]{32})/.exec(tag)![1]!, 'hex');
    const segName = media.split('\n').find((l: string) => l && !l.startsWith('#') && !l.includes('init'))!;

    const keyRes = await t.app.inject({ method: 'GET', url: new URL(uri, `http://x${base}`).pathname });
    expect(keyRes.statusCode).toBe(200);
    expect(keyRes.headers['cache-control']).toBe('no-store');
    const key = keyRes.rawPayload;
    expect(key.length).toBe(16);
    // without a valid token, or with a stranger's forged one: refused
    expect((await t.http('GET', '/api/v1/stream/key')).status).toBe(403);
    const forged = s.stream.token.slice(0, -4) + (s.stream.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await t.http('GET', `/api/v1/stream/${forged}/key`)).status).toBe(403);

    const seg = (await t.app.inject({ method: 'GET', url: base + segName })).rawPayload;
    const d = createDecipheriv('aes-128-cbc', key, iv);
    const plain = Buffer.concat([d.update(seg), d.final()]);
    expect(['styp', 'moof', 'sidx']).toContain(firstBox(plain));
    expect(plain.subarray(0, 4096).includes(Buffer.from('moof'))).toBe(true);

    // ended session: the key is refused
    await t.http('DELETE', `/api/v1/playback/${s.sessionId}`, { as: learner, headers: learner.h() });
    expect((await t.app.inject({ method: 'GET', url: new URL(uri, `http://x${base}`).pathname })).statusCode).toBe(403);
  });

  it('cannot be changed while the video is being processed', async () => {
    await t.query(`UPDATE videos SET status = 'transcoding' WHERE id = $1`, [videoId]);
    const res = await t.http('PUT', `/api/v1/videos/${videoId}/encryption`, { as: owner, headers: owner.h(), body: { encrypted: false } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('video_busy');
    await t.query(`UPDATE videos SET status = 'ready' WHERE id = $1`, [videoId]);
    expect((await row()).encrypted).toBe(true);
  });

  it('turned off, a re-encode publishes a clear output with DASH and drops the key', async () => {
    expectStatus(await t.http('PUT', `/api/v1/videos/${videoId}/encryption`, { as: owner, headers: owner.h(), body: { encrypted: false } }), 200);
    await t.drain();
    const v = await row();
    expect(v.status).toBe('ready');
    expect(v.output!.encrypted).toBe(false);
    expect(v.output!.dashManifest).toBe('manifest.mpd');
    expect(v.encryption_key).toBeNull();
    const media = (await storageText(t, v.output!.prefix + 'media_0.m3u8'))!;
    expect(media).not.toMatch(/#EXT-X-KEY/);
    const seg = await storageBytes(t, v.output!.prefix + media.split('\n').find((l) => l && !l.startsWith('#'))!);
    expect(firstBox(seg)).not.toBeNull();
  });
});
