import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORAGE, type Storage } from '../../../kernel/storage/index.js';
import { createTestApp, type HttpResult, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type Member, observe } from '../../learning/enrollment/enrollment.fixtures.js';
import { MediaAssetStored } from '../media.events.js';
import { AssetFiles } from './asset-files.js';
import { MediaLibraryService } from './library.service.js';

let t: TestApp;
let storage: Storage;
let owner: Member;
let instructor: Member;
let learner: Member;
let stranger: Member; // owner of another organization
let dir: string;
let video: Buffer;
let course: BuiltCourse;
let stored: ReturnType<typeof observe<{ organizationId: string; assetId: string; kind: string; createdBy: string; firstUpload: boolean }>>;

const TUS = '/api/v1/media/uploads';
const b64 = (s: string) => Buffer.from(s).toString('base64');

function multipart(name: string, type: string, data: Buffer, title?: string) {
  const boundary = '----lyceum' + Math.random().toString(16).slice(2);
  const parts: Buffer[] = [];
  if (title) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n${title}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`), data, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(as: Member, name: string, type: string, data: Buffer, title?: string): Promise<HttpResult> {
  const m = multipart(name, type, data, title);
  return t.http('POST', '/api/v1/media', { as, headers: { ...as.h(), 'content-type': m.contentType }, body: m.payload });
}

const tusHeaders = (as: Member | null, extra: Record<string, string> = {}) => ({ ...(as ? as.h() : {}), 'tus-resumable': '1.0.0', ...extra });

async function tusCreate(as: Member, name: string, type: string, length: number): Promise<HttpResult> {
  return t.http('POST', TUS, { as, headers: tusHeaders(as, { 'upload-length': String(length), 'upload-metadata': `filename ${b64(name)},filetype ${b64(type)}` }) });
}

async function tusPatch(as: Member, location: string, offset: number, chunk: Buffer): Promise<HttpResult> {
  return t.http('PATCH', location, { as, headers: tusHeaders(as, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }), body: chunk });
}

/** A whole tus upload in one PATCH; returns the final PATCH response. */
async function tusUpload(as: Member, name: string, type: string, data: Buffer): Promise<HttpResult> {
  const created = await tusCreate(as, name, type, data.length);
  expect(created.status, created.text).toBe(201);
  return tusPatch(as, String(created.headers.location), 0, data);
}

async function quota(as: Member): Promise<{ usedBytes: number; reservedBytes: number; limitBytes: number }> {
  const q = await t.http('GET', '/api/v1/media/quota', { as, headers: as.h() });
  expect(q.status, q.text).toBe(200);
  return q.body;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lyceum-media-lib-'));
  const file = path.join(dir, 'clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-f', 'lavfi', '-i', 'sine', '-t', '1', '-pix_fmt', 'yuv420p', '-y', file]);
  video = readFileSync(file);
  t = await createTestApp();
  storage = t.app.get<Storage>(STORAGE);
  stored = observe(t, MediaAssetStored, 'media-library-stored');
  owner = await createOrg(t, 'Media Org');
  instructor = await addMember(t, owner.orgId, 'instructor');
  learner = await addMember(t, owner.orgId, 'learner');
  stranger = await createOrg(t, 'Other Org');
  course = await buildCourse(t, instructor, { sections: [{ title: 'Watch', lessons: [{ key: 'v', type: 'video' }, { key: 'txt', type: 'text' }] }], publish: false });
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tus uploads', () => {
  let assetId: string;

  it('creates, takes the file in two PATCHes with a HEAD between, and stores it with the videos row and the event in one go', async () => {
    const before = await quota(instructor);
    const created = await tusCreate(instructor, 'Intro lecture.mp4', 'video/mp4', video.length);
    expect(created.status, created.text).toBe(201);
    const location = String(created.headers.location);
    expect(location).toMatch(/^\/api\/v1\/media\/uploads\/[0-9a-f]{32}$/);
    expect((await quota(instructor)).reservedBytes).toBe(before.reservedBytes + video.length);

    const half = Math.floor(video.length / 2);
    const first = await tusPatch(instructor, location, 0, video.subarray(0, half));
    expect(first.status, first.text).toBe(204);
    expect(first.headers['upload-offset']).toBe(String(half));

    // the connection "dropped": the client asks where to resume
    const head = await t.http('HEAD', location, { as: instructor, headers: tusHeaders(instructor) });
    expect(head.status).toBe(200);
    expect(head.headers['upload-offset']).toBe(String(half));
    expect(head.headers['upload-length']).toBe(String(video.length));

    // a PATCH at the wrong offset is refused and changes nothing
    const wrong = await tusPatch(instructor, location, 3, video.subarray(3));
    expect(wrong.status).toBe(409);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
    expect(wrong.body.code).toBe('upload_offset_mismatch');
    const still = await t.http('HEAD', location, { as: instructor, headers: tusHeaders(instructor) });
    expect(still.headers['upload-offset']).toBe(String(half));

    const rest = await tusPatch(instructor, location, half, video.subarray(half));
    expect(rest.status, rest.text).toBe(204);
    expect(rest.headers['upload-offset']).toBe(String(video.length));
    assetId = String(rest.headers['lyceum-asset-id']);

    const got = await t.http('GET', `/api/v1/media/${assetId}`, { as: instructor, headers: instructor.h() });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ kind: 'video', status: 'stored', title: 'Intro lecture', filename: 'Intro lecture.mp4', contentType: 'video/mp4', sizeBytes: video.length });
    // the stored bytes are the uploaded bytes, under a UUID key
    const [row] = await t.query<{ storage_key: string; sha256: string }>('SELECT storage_key, sha256 FROM media_assets WHERE id = $1', [assetId]);
    expect(row!.storage_key).toBe(`media/${owner.orgId}/${assetId}/original`);
    const file = await t.app.inject({ method: 'GET', url: got.body.url, headers: instructor.h() });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(video)).toBe(true);
    // the in-flight parts are gone from local disk
    expect(existsSync(path.join(t.dataDir, 'uploads', location.split('/').pop()!))).toBe(false);

    const q = await quota(instructor);
    expect(q.usedBytes).toBe(before.usedBytes + video.length);
    expect(q.reservedBytes).toBe(before.reservedBytes);

    const videos = await t.query<{ status: string; priority: number; created_by: string; organization_id: string }>('SELECT status, priority, created_by, organization_id FROM videos WHERE asset_id = $1', [assetId]);
    expect(videos).toEqual([{ status: 'uploaded', priority: 10, created_by: instructor.userId, organization_id: owner.orgId }]);
    await t.drain();
    expect(stored.filter((e) => e.assetId === assetId)).toEqual([{ organizationId: owner.orgId, assetId, kind: 'video', createdBy: instructor.userId, firstUpload: true }]);
  });

  it("a second video from the same uploader is not a first upload (priority 0)", async () => {
    const res = await tusUpload(instructor, 'second.mp4', 'video/mp4', video);
    expect(res.status, res.text).toBe(204);
    const id = String(res.headers['lyceum-asset-id']);
    expect((await t.query<{ priority: number }>('SELECT priority FROM videos WHERE asset_id = $1', [id]))[0]!.priority).toBe(0);
    await t.drain();
    expect(stored.find((e) => e.assetId === id)?.firstUpload).toBe(false);
    expect((await t.http('DELETE', `/api/v1/media/${id}`, { as: instructor, headers: instructor.h() })).status).toBe(204);
  });

  it('refuses a file that is not the video it claims: the bytes are deleted and the asset ends refused with the reason', async () => {
    const fake = Buffer.from('This is plain text pretending to be a video.\n'.repeat(20));
    const before = await quota(instructor);
    const res = await tusUpload(instructor, 'holiday.mp4', 'video/mp4', fake);
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe('content_refused');
    expect(res.body.detail).toMatch(/video\/mp4/);
    const [row] = await t.query<{ id: string; status: string; refusal_reason: string; upload_id: string | null }>("SELECT id, status, refusal_reason, upload_id FROM media_assets WHERE filename = 'holiday.mp4'");
    expect(row).toMatchObject({ status: 'refused', upload_id: null });
    expect(row!.refusal_reason).toMatch(/not a video\/mp4 file/);
    expect(await storage.exists(`media/${owner.orgId}/${row!.id}/original`)).toBe(false);
    expect(await count(t, "SELECT count(*) AS n FROM videos WHERE asset_id = $1", [row!.id])).toBe(0);
    const q = await quota(instructor);
    expect(q.usedBytes).toBe(before.usedBytes);
    expect(q.reservedBytes).toBe(before.reservedBytes);
    expect((await t.http('GET', `/api/v1/media/${row!.id}`, { as: instructor, headers: instructor.h() })).body).toMatchObject({ status: 'refused', url: null });
  });

  it('refuses with 413 an upload over the per-file limit or the organization quota, and reserves nothing', async () => {
    const tooBig = await tusCreate(instructor, 'huge.mp4', 'video/mp4', 21 * 1024 ** 3);
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers['content-type']).toContain('application/problem+json');
    expect(tooBig.body.code).toBe('file_too_large');

    const q = await quota(instructor);
    await t.query('UPDATE media_quotas SET limit_bytes = $2 WHERE organization_id = $1', [owner.orgId, q.usedBytes + q.reservedBytes + 1000]);
    try {
      const over = await tusCreate(instructor, 'big.mp4', 'video/mp4', 5000);
      expect(over.status).toBe(413);
      expect(over.body.code).toBe('quota_exceeded');
      expect(over.body.detail).toMatch(/left/);
      const direct = await upload(instructor, 'pic.png', 'image/png', await sharp({ create: { width: 200, height: 200, channels: 3, background: '#abc' } }).png({ compressionLevel: 0 }).toBuffer());
      expect(direct.status).toBe(413);
      expect(direct.body.code).toBe('quota_exceeded');
      expect((await quota(instructor)).reservedBytes).toBe(q.reservedBytes);
      expect(await count(t, "SELECT count(*) AS n FROM media_assets WHERE filename IN ('big.mp4', 'huge.mp4', 'pic.png')")).toBe(0);
    } finally {
      await t.query('UPDATE media_quotas SET limit_bytes = NULL WHERE organization_id = $1', [owner.orgId]);
    }
  });

  it('refuses uploads of unknown length and types the library does not take', async () => {
    const deferred = await t.http('POST', TUS, { as: instructor, headers: tusHeaders(instructor, { 'upload-defer-length': '1', 'upload-metadata': `filename ${b64('a.mp4')}` }) });
    expect(deferred.status).toBe(400);
    expect(deferred.body.code).toBe('upload_length_required');
    const exe = await tusCreate(instructor, 'setup.exe', 'application/x-msdownload', 100);
    expect(exe.status).toBe(415);
    expect(exe.body.code).toBe('unsupported_type');
  });

  it('DELETE terminates an upload in flight and releases its reservation', async () => {
    const before = await quota(instructor);
    const created = await tusCreate(instructor, 'abandoned.mp4', 'video/mp4', video.length);
    const location = String(created.headers.location);
    await tusPatch(instructor, location, 0, video.subarray(0, 100));
    const del = await t.http('DELETE', location, { as: instructor, headers: tusHeaders(instructor) });
    expect(del.status).toBe(204);
    expect((await quota(instructor)).reservedBytes).toBe(before.reservedBytes);
    expect((await t.http('HEAD', location, { as: instructor, headers: tusHeaders(instructor) })).status).toBe(404);
  });

  it('an upload idle for a day expires: its reservation is released and its parts deleted', async () => {
    const before = await quota(instructor);
    const created = await tusCreate(instructor, 'forgotten.mp4', 'video/mp4', video.length);
    const location = String(created.headers.location);
    const uploadId = location.split('/').pop()!;
    await tusPatch(instructor, location, 0, video.subarray(0, 500));
    expect(existsSync(path.join(t.dataDir, 'uploads', uploadId))).toBe(true);
    const files = t.app.get(AssetFiles);
    // still alive an hour later: the PATCH touched it
    expect(await files.expireIdleUploads(new Date(Date.now() + 3600_000))).toBe(0);
    expect(await files.expireIdleUploads(new Date(Date.now() + 25 * 3600_000))).toBe(1);
    expect((await quota(instructor)).reservedBytes).toBe(before.reservedBytes);
    await t.drain();
    expect(existsSync(path.join(t.dataDir, 'uploads', uploadId))).toBe(false);
    expect((await t.http('HEAD', location, { as: instructor, headers: tusHeaders(instructor) })).status).toBe(404);
  });

  it('refuses strangers: anonymous, another organization, and a learner', async () => {
    const created = await tusCreate(instructor, 'mine.mp4', 'video/mp4', video.length);
    const location = String(created.headers.location);
    const anon = await t.http('POST', TUS, { headers: tusHeaders(null, { 'upload-length': '10' }) });
    expect(anon.status).toBe(401);
    expect(anon.headers['content-type']).toContain('application/problem+json');
    expect((await t.http('HEAD', location, { headers: tusHeaders(null) })).status).toBe(401);
    expect((await t.http('PATCH', location, { headers: tusHeaders(null, { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }), body: video })).status).toBe(401);
    // another organization's owner cannot see or write someone else's upload
    expect((await t.http('HEAD', location, { as: stranger, headers: tusHeaders(stranger) })).status).toBe(404);
    expect((await tusPatch(stranger, location, 0, video)).status).toBe(404);
    expect((await t.http('DELETE', location, { as: stranger, headers: tusHeaders(stranger) })).status).toBe(404);
    const asLearner = await tusCreate(learner, 'x.mp4', 'video/mp4', 10);
    expect(asLearner.status).toBe(403);
    expect(asLearner.body.code).toBe('missing_permission');
    // the upload is untouched
    const head = await t.http('HEAD', location, { as: instructor, headers: tusHeaders(instructor) });
    expect(head.headers['upload-offset']).toBe('0');
    await t.http('DELETE', location, { as: instructor, headers: tusHeaders(instructor) });
  });
});

describe('multipart uploads and images', () => {
  it('stores a small image and resizes it to webp thumb/medium/large in a job (never upscaling)', async () => {
    const png = await sharp({ create: { width: 1000, height: 500, channels: 3, background: '#3366aa' } }).png().toBuffer();
    const res = await upload(instructor, 'Campus map.png', 'image/png', png, 'The campus');
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

  it('a retry with the same Idempotency-Key stores the file once', async () => {
    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#0a0' } }).png().toBuffer();
    const m = multipart('green.png', 'image/png', png);
    const send = () => t.http('POST', '/api/v1/media', { as: instructor, headers: { ...instructor.h(), 'content-type': m.contentType, 'idempotency-key': 'green-png-upload-1' }, body: m.payload });
    const first = await send();
    expect(first.status, first.text).toBe(201);
    const again = await send();
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(await count(t, "SELECT count(*) AS n FROM media_assets WHERE filename = 'green.png'")).toBe(1);
  });

  it('refuses a file whose bytes are not what it claims, storing nothing', async () => {
    const res = await upload(instructor, 'notes.pdf', 'application/pdf', Buffer.from('not a pdf at all'));
    expect(res.status).toBe(415);
    expect(await count(t, "SELECT count(*) AS n FROM media_assets WHERE filename = 'notes.pdf'")).toBe(0);
  });

  it('refuses anonymous callers, learners, and sends another organization nothing of ours', async () => {
    const png = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } }).png().toBuffer();
    const m = multipart('a.png', 'image/png', png);
    expect((await t.http('POST', '/api/v1/media', { headers: { 'content-type': m.contentType }, body: m.payload })).status).toBe(401);
    expect((await upload(learner, 'a.png', 'image/png', png)).status).toBe(403);
    const theirs = await upload(stranger, 'theirs.png', 'image/png', png);
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
      const r = await upload(instructor, `${title}.pdf`, 'application/pdf', pdf, title);
      expect(r.status, r.text).toBe(201);
      ids[title] = r.body.id;
    }
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
    const res = await tusUpload(instructor, 'Lesson one.mp4', 'video/mp4', video);
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
    const theirs = await tusUpload(stranger, 'theirs.mp4', 'video/mp4', video);
    const foreign = await t.http('PUT', lessonUrl(), { as: instructor, headers: instructor.h(), body: { assetId: String(theirs.headers['lyceum-asset-id']) } });
    expect(foreign.status).toBe(404);
    expect((await t.http('GET', lessonUrl(), { as: instructor, headers: instructor.h() })).body.attachment.asset.id).toBe(videoId);
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
    const before = await quota(instructor);
    const key = `media/${owner.orgId}/${videoId}/original`;
    expect(await storage.exists(key)).toBe(true);
    const del = await t.http('DELETE', `/api/v1/media/${videoId}`, { as: instructor, headers: instructor.h() });
    expect(del.status).toBe(204);
    expect((await quota(instructor)).usedBytes).toBe(before.usedBytes - video.length);
    expect(await count(t, 'SELECT count(*) AS n FROM videos WHERE asset_id = $1', [videoId])).toBe(0);
    await t.drain();
    expect(await storage.exists(key)).toBe(false);
    expect((await t.http('GET', `/api/v1/media/${videoId}`, { as: instructor, headers: instructor.h() })).status).toBe(404);
  });

  it('deleting an image removes its sizes too', async () => {
    const png = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#a00' } }).png().toBuffer();
    const res = await upload(instructor, 'red.png', 'image/png', png);
    await t.drain();
    const [row] = await t.query<{ variants: Record<string, { key: string }> }>('SELECT variants FROM media_assets WHERE id = $1', [res.body.id]);
    const keys = Object.values(row!.variants).map((v) => v.key);
    expect(keys).toHaveLength(3);
    expect((await t.http('DELETE', `/api/v1/media/${res.body.id}`, { as: instructor, headers: instructor.h() })).status).toBe(204);
    await t.drain();
    for (const k of keys) expect(await storage.exists(k)).toBe(false);
  });
});
