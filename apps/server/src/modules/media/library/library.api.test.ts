import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../kernel/events/index.js';
import { STORAGE, type Storage } from '../../../kernel/storage/index.js';
import { createTestApp, type HttpResult, type TestApp } from '../../../test/harness.js';
import { buildCourse, type BuiltCourse, count, type Member, observe } from '../../learning/enrollment/enrollment.fixtures.js';
import { MediaAssetDeleted } from '../media.events.js';
import { MediaLibraryService } from './library.service.js';
import { makeClip, mediaCast, mediaClient, multipart } from './media.fixtures.js';

let t: TestApp;
let storage: Storage;
let owner: Member;
let instructor: Member;
let learner: Member;
let stranger: Member;
let video: Buffer;
let course: BuiltCourse;
let m: ReturnType<typeof mediaClient>;
let deleted: { organizationId: string; assetId: string; kind: string; videoId: string | null }[];

beforeAll(async () => {
  video = makeClip();
  t = await createTestApp();
  storage = t.app.get<Storage>(STORAGE);
  m = mediaClient(t);
  deleted = observe(t, MediaAssetDeleted, 'media-library-deleted');
  ({ owner, instructor, learner, stranger } = await mediaCast(t));
  course = await buildCourse(t, instructor, { sections: [{ title: 'Watch', lessons: [{ key: 'v', type: 'video' }, { key: 'txt', type: 'text' }] }], publish: false });
});
afterAll(() => t?.close());

/** Every file stored under the organization's media prefix, on local disk. */
function filesOf(orgId: string): string[] {
  const dir = path.join(t.dataDir, 'files', 'media', orgId);
  return existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)) : [];
}

describe('multipart uploads with an Idempotency-Key', () => {
  const png = (color: string) => sharp({ create: { width: 20, height: 20, channels: 3, background: color } }).png().toBuffer();
  const send = (key: string, form: { payload: Buffer | PassThrough; contentType: string }) =>
    t.http('POST', '/api/v1/media', { as: instructor, headers: { ...instructor.h(), 'content-type': form.contentType, 'idempotency-key': key }, body: form.payload });
  const assets = (filename: string) => count(t, 'SELECT count(*) AS n FROM media_assets WHERE filename = $1', [filename]);

  it('a retry with the same key and file answers the same asset: stored once, counted once', async () => {
    const form = multipart('green.png', 'image/png', await png('#0a0'), 'Green');
    const before = await m.quota(instructor);
    const files = filesOf(owner.orgId).length;
    const first = await send('green-png-upload-1', form);
    expect(first.status, first.text).toBe(201);
    const again = await send('green-png-upload-1', form);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await assets('green.png')).toBe(1);
    expect((await m.quota(instructor)).usedBytes).toBe(before.usedBytes + first.body.sizeBytes);
    // the retry's copy of the file did not stay in storage
    expect(filesOf(owner.orgId).length).toBe(files + 1);
  });

  it('a retry is answered even when the storage is full since the first upload', async () => {
    const form = multipart('full.png', 'image/png', await png('#a0a'));
    const first = await send('full-png-upload-1', form);
    expect(first.status, first.text).toBe(201);
    await t.query('UPDATE media_quotas SET limit_bytes = used_bytes WHERE organization_id = $1', [owner.orgId]);
    try {
      expect((await m.upload(instructor, 'more.png', 'image/png', await png('#a0b'))).status).toBe(413);
      const again = await send('full-png-upload-1', form);
      expect(again.status, again.text).toBe(201);
      expect(again.body.id).toBe(first.body.id);
    } finally {
      await t.query('UPDATE media_quotas SET limit_bytes = NULL WHERE organization_id = $1', [owner.orgId]);
    }
  });

  it('the same key with another file (or another title) is a 422 that stores nothing', async () => {
    const first = await send('blue-png-upload-1', multipart('blue.png', 'image/png', await png('#00a')));
    expect(first.status, first.text).toBe(201);
    const before = await m.quota(instructor);
    const files = filesOf(owner.orgId).length;
    for (const form of [multipart('blue.png', 'image/png', await png('#a00')), multipart('blue.png', 'image/png', await png('#00a'), 'Renamed')]) {
      const other = await send('blue-png-upload-1', form);
      expect(other.status, other.text).toBe(422);
      expect(other.headers['content-type']).toContain('application/problem+json');
      expect(other.body.code).toBe('idempotency_key_reused');
    }
    expect(await assets('blue.png')).toBe(1);
    expect(await m.quota(instructor)).toEqual(before);
    expect(filesOf(owner.orgId).length).toBe(files);
  });

  it('a retry while the first upload is still streaming is a 409, and the first one completes', async () => {
    const form = multipart('slow.png', 'image/png', await png('#aa0'));
    const body = new PassThrough();
    const firstRes = send('slow-png-upload-1', { payload: body, contentType: form.contentType });
    body.write(form.payload.subarray(0, 200));
    // the first request has claimed the key and is reading its file
    for (let i = 0; (await count(t, "SELECT count(*) AS n FROM idempotency_keys WHERE key = 'slow-png-upload-1'")) === 0; i++) {
      if (i > 500) throw new Error('the first upload never claimed its key');
      await new Promise((r) => setTimeout(r, 10));
    }
    const dup = await send('slow-png-upload-1', form);
    expect(dup.status, dup.text).toBe(409);
    expect(dup.body.code).toBe('idempotency_in_progress');
    body.end(form.payload.subarray(200));
    const first = await firstRes;
    expect(first.status, first.text).toBe(201);
    expect(await assets('slow.png')).toBe(1);
    const after = await send('slow-png-upload-1', form);
    expect(after.status).toBe(201);
    expect(after.body.id).toBe(first.body.id);
  });

  it('a crash between storing the file and committing leaves no file, no usage and a free key', async () => {
    const form = multipart('crash.png', 'image/png', await png('#0aa'));
    const before = await m.quota(instructor);
    const files = filesOf(owner.orgId).length;
    const emit = vi.spyOn(t.app.get(EventBus), 'emit').mockRejectedValueOnce(new Error('the process died'));
    try {
      const crashed = await send('crash-png-upload-1', form);
      expect(crashed.status).toBe(500);
    } finally {
      emit.mockRestore();
    }
    expect(await assets('crash.png')).toBe(0);
    expect(await m.quota(instructor)).toEqual(before);
    expect(filesOf(owner.orgId).length).toBe(files);
    // the key was not consumed: the retry stores the file
    const retry = await send('crash-png-upload-1', form);
    expect(retry.status, retry.text).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await assets('crash.png')).toBe(1);
    expect((await m.quota(instructor)).usedBytes).toBe(before.usedBytes + retry.body.sizeBytes);
  });
  it('a request that died after committing but before its answer was saved: the retry waits for its lease, then answers the same asset, stored once', async () => {
    const form = multipart('lease.png', 'image/png', await png('#5a5'));
    const first = await send('lease-png-upload-1', form);
    expect(first.status, first.text).toBe(201);
    const used = (await m.quota(instructor)).usedBytes;
    const files = filesOf(owner.orgId).length;
    // what the table holds when the process dies between the commit and saving the answer: the claim with its fingerprint, no answer, a live lease
    await t.query("UPDATE idempotency_keys SET status = NULL, response = NULL, locked_until = now() + interval '1 minute' WHERE key = 'lease-png-upload-1'");
    const early = await send('lease-png-upload-1', form);
    expect(early.status, early.text).toBe(409);
    expect(early.body.code).toBe('idempotency_in_progress');
    // the dead request no longer renews its lease
    await t.query("UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE key = 'lease-png-upload-1'");
    const other = await send('lease-png-upload-1', multipart('lease.png', 'image/png', await png('#a55')));
    expect(other.status, other.text).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
    const retry = await send('lease-png-upload-1', form);
    expect(retry.status, retry.text).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(await assets('lease.png')).toBe(1);
    expect((await m.quota(instructor)).usedBytes).toBe(used);
    expect(filesOf(owner.orgId).length).toBe(files);
    // and its answer is stored now
    const again = await send('lease-png-upload-1', form);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
  });

  it('a request that died before committing: after its lease the retry stores the file once', async () => {
    const form = multipart('died.png', 'image/png', await png('#55a'));
    // a claim left by a request killed while its file was streaming (no fingerprint yet)
    await t.query(
      "INSERT INTO idempotency_keys (scope, key, request_hash, locked_until) VALUES ($1, 'died-png-upload-1', NULL, now() - interval '1 second')",
      [`${instructor.userId} POST /api/v1/media`],
    );
    const retry = await send('died-png-upload-1', form);
    expect(retry.status, retry.text).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(await assets('died.png')).toBe(1);
  });
});

describe('multipart uploads and images', () => {
  it('stores a small image and resizes it to webp thumb/medium/large in a job (never upscaling)', async () => {
    const png = await sharp({ create: { width: 1000, height: 500, channels: 3, background: '#3366aa' } }).png().toBuffer();
    const res = await m.upload(instructor, 'Campus map.png', 'image/png', png, 'The campus');
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ kind: 'image', status: 'stored', title: 'The campus', contentType: 'image/png', sizeBytes: png.length, variants: [] });
    await t.drain();
    const got = await t.http('GET', `/api/v1/media/${res.body.id}`, { as: instructor, headers: instructor.h() });
    const variants = Object.fromEntries((got.body.variants as { name: string; width: number; height: number; contentType: string; url: string }[]).map((v) => [v.name, v]));
    expect(variants.thumb).toMatchObject({ width: 320, height: 160, contentType: 'image/webp' });
    expect(variants.medium).toMatchObject({ width: 800, height: 400 });
    expect(variants.large).toMatchObject({ width: 1000, height: 500 });
    const thumb = await t.app.inject({ method: 'GET', url: variants.thumb!.url, headers: instructor.h() });
    expect(thumb.statusCode).toBe(200);
    expect((await sharp(thumb.rawPayload).metadata()).format).toBe('webp');
  });

  it('refuses a file whose bytes are not what it claims, storing nothing', async () => {
    const res = await m.upload(instructor, 'notes.pdf', 'application/pdf', Buffer.from('not a pdf at all'));
    expect(res.status).toBe(415);
    expect(await count(t, "SELECT count(*) AS n FROM media_assets WHERE filename = 'notes.pdf'")).toBe(0);
  });

  it('refuses anonymous callers, learners, and sends another organization nothing of ours', async () => {
    const png = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } }).png().toBuffer();
    const form = multipart('a.png', 'image/png', png);
    expect((await t.http('POST', '/api/v1/media', { headers: { 'content-type': form.contentType }, body: form.payload })).status).toBe(401);
    expect((await m.upload(learner, 'a.png', 'image/png', png)).status).toBe(403);
    const theirs = await m.upload(stranger, 'theirs.png', 'image/png', png);
    expect(theirs.status).toBe(201);
    const ours = await t.http('GET', '/api/v1/media?limit=100', { as: instructor, headers: instructor.h() });
    expect((ours.body.items as { id: string }[]).map((i) => i.id)).not.toContain(theirs.body.id);
  });
});

describe('library', () => {
  let ids: Record<string, string>;

  beforeAll(async () => {
    ids = {};
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    for (const title of ['Algebra basics', 'Geometry primer', 'Algebra advanced']) {
      const r = await m.upload(instructor, `${title}.pdf`, 'application/pdf', pdf, title);
      expect(r.status, r.text).toBe(201);
      ids[title] = r.body.id;
    }
    expect((await m.tusUpload(instructor, 'Intro lecture.mp4', 'video/mp4', video)).status).toBe(204);
  });

  it('searches titles and file names (words and substrings) and filters by kind', async () => {
    const q = async (query: string) => {
      const r = await t.http('GET', `/api/v1/media?${query}`, { as: instructor, headers: instructor.h() });
      expect(r.status, r.text).toBe(200);
      return (r.body.items as { title: string }[]).map((i) => i.title);
    };
    expect((await q('q=algebra')).sort()).toEqual(['Algebra advanced', 'Algebra basics']);
    expect(await q('q=geom')).toEqual(['Geometry primer']);
    expect(await q('q=intro&kind=video')).toEqual(['Intro lecture']);
    expect(await q('q=algebra&kind=video')).toEqual([]);
    const docs = await q('kind=document');
    expect(docs).toEqual(['Algebra advanced', 'Geometry primer', 'Algebra basics']);
  });

  it('pages with a cursor, newest first, without repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: HttpResult = await t.http('GET', `/api/v1/media?kind=document&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { as: instructor, headers: instructor.h() });
      expect(r.status).toBe(200);
      seen.push(...(r.body.items as { id: string }[]).map((i) => i.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([ids['Algebra advanced'], ids['Geometry primer'], ids['Algebra basics']]);
    expect((await t.http('GET', '/api/v1/media?cursor=garbage', { as: instructor, headers: instructor.h() })).status).toBe(400);
  });

  it('renames, and refuses an empty title', async () => {
    const id = ids['Geometry primer']!;
    const r = await t.http('PATCH', `/api/v1/media/${id}`, { as: instructor, headers: instructor.h(), body: { title: 'Geometry, first steps' } });
    expect(r.status).toBe(200);
    expect(r.body.title).toBe('Geometry, first steps');
    const bad = await t.http('PATCH', `/api/v1/media/${id}`, { as: instructor, headers: instructor.h(), body: { title: '  ' } });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
  });

  it('refuses strangers on every library endpoint', async () => {
    const id = ids['Algebra basics']!;
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/v1/media'],
      ['GET', '/api/v1/media/quota'],
      ['GET', `/api/v1/media/${id}`],
      ['PATCH', `/api/v1/media/${id}`, { title: 'Mine now' }],
      ['GET', `/api/v1/media/${id}/used-by`],
      ['DELETE', `/api/v1/media/${id}`],
    ];
    for (const [method, url, body] of calls) {
      expect((await t.http(method, url, { body })).status, `anon ${method} ${url}`).toBe(401);
      expect((await t.http(method, url, { as: learner, headers: learner.h(), body })).status, `learner ${method} ${url}`).toBe(403);
    }
    for (const [method, url, body] of calls.slice(2)) {
      expect((await t.http(method, url, { as: stranger, headers: stranger.h(), body })).status, `stranger ${method} ${url}`).toBe(404);
    }
    expect((await t.http('GET', `/api/v1/media/${id}`, { as: instructor, headers: instructor.h() })).body.title).toBe('Algebra basics');
  });
});

describe('attachments, used by, delete', () => {
  let videoId: string;

  beforeAll(async () => {
    const res = await m.tusUpload(instructor, 'Lesson one.mp4', 'video/mp4', video);
    expect(res.status, res.text).toBe(204);
    videoId = String(res.headers['lyceum-asset-id']);
  });

  const lessonUrl = (lesson = course.lessons.v!) => `/api/v1/courses/${course.id}/lessons/${lesson}/video`;

  it('attaches a library video to a video lesson, and lessonAsset() reports it', async () => {
    expect((await t.http('GET', lessonUrl(), { as: instructor, headers: instructor.h() })).body).toEqual({ attachment: null });
    const put = await t.http('PUT', lessonUrl(), { as: instructor, headers: instructor.h(), body: { assetId: videoId } });
    expect(put.status, put.text).toBe(200);
    expect(put.body.attachment).toMatchObject({ courseId: course.id, lessonId: course.lessons.v, role: 'video', asset: { id: videoId, kind: 'video' } });
    expect(await t.app.get(MediaLibraryService).lessonAsset(course.lessons.v!, 'video')).toEqual({ assetId: videoId, organizationId: owner.orgId, courseId: course.id });
    expect(await t.app.get(MediaLibraryService).lessonAsset(course.lessons.v!, 'document')).toBeNull();
  });

  it('refuses a text lesson, a non-video asset, and callers who may not edit the course', async () => {
    const txt = await t.http('PUT', lessonUrl(course.lessons.txt), { as: instructor, headers: instructor.h(), body: { assetId: videoId } });
    expect(txt.status).toBe(409);
    expect(txt.body.code).toBe('wrong_lesson_type');
    const [pdf] = await t.query<{ id: string }>("SELECT id FROM media_assets WHERE kind = 'document' AND organization_id = $1 LIMIT 1", [owner.orgId]);
    const wrong = await t.http('PUT', lessonUrl(), { as: instructor, headers: instructor.h(), body: { assetId: pdf!.id } });
    expect(wrong.status).toBe(409);
    expect(wrong.body.code).toBe('wrong_asset_kind');
    expect((await t.http('PUT', lessonUrl(), { body: { assetId: videoId } })).status).toBe(401);
    expect((await t.http('PUT', lessonUrl(), { as: learner, headers: learner.h(), body: { assetId: videoId } })).status).toBe(403);
    expect((await t.http('PUT', lessonUrl(), { as: stranger, headers: stranger.h(), body: { assetId: videoId } })).status).toBe(404);
    expect((await t.http('DELETE', lessonUrl(), { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('GET', lessonUrl(), { as: stranger, headers: stranger.h() })).status).toBe(404);
    // another organization's video cannot be attached to our lesson
    const theirs = await m.tusUpload(stranger, 'theirs.mp4', 'video/mp4', video);
    const foreign = await t.http('PUT', lessonUrl(), { as: instructor, headers: instructor.h(), body: { assetId: String(theirs.headers['lyceum-asset-id']) } });
    expect(foreign.status).toBe(404);
    expect((await t.http('GET', lessonUrl(), { as: instructor, headers: instructor.h() })).body.attachment.asset.id).toBe(videoId);
  });

  it("shows a video's processing state in the list and on the asset, read when asked", async () => {
    const [row] = await t.query<{ id: string }>('SELECT id FROM videos WHERE asset_id = $1', [videoId]);
    await t.query(`UPDATE videos SET status = 'transcoding', progress = 42.5 WHERE id = $1`, [row!.id]);
    const one = await t.http('GET', `/api/v1/media/${videoId}`, { as: instructor, headers: instructor.h() });
    expect(one.body.video).toEqual({ id: row!.id, status: 'transcoding', progress: 42.5, failureReason: null });
    const list = await t.http('GET', '/api/v1/media?kind=video&limit=50', { as: instructor, headers: instructor.h() });
    expect(list.body.items.find((a: { id: string }) => a.id === videoId).video).toMatchObject({ status: 'transcoding', progress: 42.5 });
    const images = await t.http('GET', '/api/v1/media?kind=image&limit=50', { as: instructor, headers: instructor.h() });
    for (const a of images.body.items as { video: unknown }[]) expect(a.video).toBeNull();
  });

  it('lists the lesson under "used by" and refuses to delete the asset with 409 naming it', async () => {
    const used = await t.http('GET', `/api/v1/media/${videoId}/used-by`, { as: instructor, headers: instructor.h() });
    expect(used.body.items).toEqual([{ courseId: course.id, courseTitle: 'Course', lessonId: course.lessons.v, lessonTitle: 'Lesson v', role: 'video' }]);
    const del = await t.http('DELETE', `/api/v1/media/${videoId}`, { as: instructor, headers: instructor.h() });
    expect(del.status).toBe(409);
    expect(del.headers['content-type']).toContain('application/problem+json');
    expect(del.body.code).toBe('asset_in_use');
    expect(del.body.detail).toContain('Lesson v');
    expect(del.body.usedBy).toEqual(used.body.items);
    expect(await count(t, 'SELECT count(*) AS n FROM media_assets WHERE id = $1', [videoId])).toBe(1);
  });

  it('after detaching, delete removes the rows, frees the quota and (in a job) the files', async () => {
    expect((await t.http('DELETE', lessonUrl(), { as: instructor, headers: instructor.h() })).status).toBe(204);
    expect(await t.app.get(MediaLibraryService).lessonAsset(course.lessons.v!, 'video')).toBeNull();
    const before = await m.quota(instructor);
    const key = `media/${owner.orgId}/${videoId}/original`;
    expect(await storage.exists(key)).toBe(true);
    const [videoRow] = await t.query<{ id: string }>('SELECT id FROM videos WHERE asset_id = $1', [videoId]);
    // a published stream and a half-written one: both go with the asset
    const outKey = `videos/${videoRow!.id}/out1/master.m3u8`;
    const pendingKey = `videos/${videoRow!.id}/out2/seg-1.m4s`;
    await storage.put(outKey, Buffer.from('#EXTM3U\n'));
    await storage.put(pendingKey, Buffer.from('x'));
    await t.query(`UPDATE videos SET output_keys = $2::jsonb, pending_output = $3::jsonb WHERE id = $1`, [videoRow!.id, JSON.stringify([outKey]), JSON.stringify({ prefix: `videos/${videoRow!.id}/out2/`, keys: [pendingKey] })]);
    const del = await t.http('DELETE', `/api/v1/media/${videoId}`, { as: instructor, headers: instructor.h() });
    expect(del.status).toBe(204);
    expect((await m.quota(instructor)).usedBytes).toBe(before.usedBytes - video.length);
    expect(await count(t, 'SELECT count(*) AS n FROM videos WHERE asset_id = $1', [videoId])).toBe(0);
    await t.drain();
    expect(await storage.exists(key)).toBe(false);
    expect(await storage.exists(outKey)).toBe(false);
    expect(await storage.exists(pendingKey)).toBe(false);
    expect(deleted.filter((e) => e.assetId === videoId)).toEqual([{ organizationId: owner.orgId, assetId: videoId, kind: 'video', videoId: videoRow!.id }]);
    expect((await t.http('GET', `/api/v1/media/${videoId}`, { as: instructor, headers: instructor.h() })).status).toBe(404);
  });

  it('deleting an image removes its sizes too', async () => {
    const png = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#a00' } }).png().toBuffer();
    const res = await m.upload(instructor, 'red.png', 'image/png', png);
    await t.drain();
    const [row] = await t.query<{ variants: Record<string, { key: string }> }>('SELECT variants FROM media_assets WHERE id = $1', [res.body.id]);
    const keys = Object.values(row!.variants).map((v) => v.key);
    expect(keys).toHaveLength(3);
    expect((await t.http('DELETE', `/api/v1/media/${res.body.id}`, { as: instructor, headers: instructor.h() })).status).toBe(204);
    await t.drain();
    for (const k of keys) expect(await storage.exists(k)).toBe(false);
  });
});

describe('document lessons', () => {
  it('attach a library PDF, which lessonAsset() reports under the document role; a video is refused', async () => {
    const sec = (await t.http('POST', `/api/v1/courses/${course.id}/sections`, { as: instructor, headers: instructor.h(), body: { title: 'Read' } })).body.id;
    const lesson = await t.http('POST', `/api/v1/courses/${course.id}/sections/${sec}/lessons`, { as: instructor, headers: instructor.h(), body: { title: 'Handout', type: 'document' } });
    expect(lesson.status, lesson.text).toBe(201);
    const url = `/api/v1/courses/${course.id}/lessons/${lesson.body.id}/document`;
    const pdf = await m.upload(instructor, 'Handout.pdf', 'application/pdf', Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'));
    expect(pdf.status).toBe(201);
    const clip = await m.tusUpload(instructor, 'clip.mp4', 'video/mp4', video);
    const asVideo = await t.http('PUT', url, { as: instructor, headers: instructor.h(), body: { assetId: String(clip.headers['lyceum-asset-id']) } });
    expect(asVideo.status).toBe(409);
    expect(asVideo.body.code).toBe('wrong_asset_kind');
    const put = await t.http('PUT', url, { as: instructor, headers: instructor.h(), body: { assetId: pdf.body.id } });
    expect(put.status, put.text).toBe(200);
    expect(put.body.attachment).toMatchObject({ role: 'document', asset: { id: pdf.body.id, kind: 'document' } });
    expect(await t.app.get(MediaLibraryService).lessonAsset(lesson.body.id, 'document')).toEqual({ assetId: pdf.body.id, organizationId: owner.orgId, courseId: course.id });
    expect((await t.http('PUT', url, { as: stranger, headers: stranger.h(), body: { assetId: pdf.body.id } })).status).toBe(404);
    expect((await t.http('GET', url)).status).toBe(401);
    expect((await t.http('DELETE', url, { as: instructor, headers: instructor.h() })).status).toBe(204);
    expect(await t.app.get(MediaLibraryService).lessonAsset(lesson.body.id, 'document')).toBeNull();
  });
});
