import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORAGE, type Storage } from '../../../kernel/storage/index.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { count, type Member, observe } from '../../learning/enrollment/enrollment.fixtures.js';
import { MediaAssetStored } from '../media.events.js';
import { AssetFiles } from './asset-files.js';
import { makeClip, mediaCast, mediaClient, TUS } from './media.fixtures.js';

let t: TestApp;
let storage: Storage;
let owner: Member;
let instructor: Member;
let learner: Member;
let stranger: Member;
let video: Buffer;
let stored: { organizationId: string; assetId: string; kind: string; createdBy: string; firstUpload: boolean }[];
let m: ReturnType<typeof mediaClient>;

beforeAll(async () => {
  video = makeClip();
  t = await createTestApp();
  storage = t.app.get<Storage>(STORAGE);
  stored = observe(t, MediaAssetStored, 'media-library-stored');
  m = mediaClient(t);
  ({ owner, instructor, learner, stranger } = await mediaCast(t));
});
afterAll(() => t?.close());

describe('tus uploads', () => {
  let assetId: string;

  it('creates, takes the file in two PATCHes with a HEAD between, and stores it with the videos row and the event in one go', async () => {
    const before = await m.quota(instructor);
    const created = await m.tusCreate(instructor, 'Intro lecture.mp4', 'video/mp4', video.length);
    expect(created.status, created.text).toBe(201);
    const location = String(created.headers.location);
    expect(location).toMatch(/^\/api\/v1\/media\/uploads\/[0-9a-f]{32}$/);
    expect((await m.quota(instructor)).reservedBytes).toBe(before.reservedBytes + video.length);

    const half = Math.floor(video.length / 2);
    const first = await m.tusPatch(instructor, location, 0, video.subarray(0, half));
    expect(first.status, first.text).toBe(204);
    expect(first.headers['upload-offset']).toBe(String(half));

    // the connection "dropped": the client asks where to resume
    const head = await t.http('HEAD', location, { as: instructor, headers: m.tusHeaders(instructor) });
    expect(head.status).toBe(200);
    expect(head.headers['upload-offset']).toBe(String(half));
    expect(head.headers['upload-length']).toBe(String(video.length));

    // a PATCH at the wrong offset is refused and changes nothing
    const wrong = await m.tusPatch(instructor, location, 3, video.subarray(3));
    expect(wrong.status).toBe(409);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
    expect(wrong.body.code).toBe('upload_offset_mismatch');
    const still = await t.http('HEAD', location, { as: instructor, headers: m.tusHeaders(instructor) });
    expect(still.headers['upload-offset']).toBe(String(half));

    const rest = await m.tusPatch(instructor, location, half, video.subarray(half));
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

    const q = await m.quota(instructor);
    expect(q.usedBytes).toBe(before.usedBytes + video.length);
    expect(q.reservedBytes).toBe(before.reservedBytes);

    const videos = await t.query<{ status: string; priority: number; created_by: string; organization_id: string }>('SELECT status, priority, created_by, organization_id FROM videos WHERE asset_id = $1', [assetId]);
    expect(videos).toEqual([{ status: 'uploaded', priority: 10, created_by: instructor.userId, organization_id: owner.orgId }]);
    await t.drain();
    expect(stored.filter((e) => e.assetId === assetId)).toEqual([{ organizationId: owner.orgId, assetId, kind: 'video', createdBy: instructor.userId, firstUpload: true }]);
  });

  it("a second video from the same uploader is not a first upload (priority 0)", async () => {
    const res = await m.tusUpload(instructor, 'second.mp4', 'video/mp4', video);
    expect(res.status, res.text).toBe(204);
    const id = String(res.headers['lyceum-asset-id']);
    expect((await t.query<{ priority: number }>('SELECT priority FROM videos WHERE asset_id = $1', [id]))[0]!.priority).toBe(0);
    await t.drain();
    expect(stored.find((e) => e.assetId === id)?.firstUpload).toBe(false);
    expect((await t.http('DELETE', `/api/v1/media/${id}`, { as: instructor, headers: instructor.h() })).status).toBe(204);
  });

  it('refuses a file that is not the video it claims: the bytes are deleted and the asset ends refused with the reason', async () => {
    const fake = Buffer.from('This is plain text pretending to be a video.\n'.repeat(20));
    const before = await m.quota(instructor);
    const res = await m.tusUpload(instructor, 'holiday.mp4', 'video/mp4', fake);
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe('content_refused');
    expect(res.body.detail).toMatch(/video\/mp4/);
    const [row] = await t.query<{ id: string; status: string; refusal_reason: string; upload_id: string | null }>("SELECT id, status, refusal_reason, upload_id FROM media_assets WHERE filename = 'holiday.mp4'");
    expect(row).toMatchObject({ status: 'refused', upload_id: null });
    expect(row!.refusal_reason).toMatch(/not a video\/mp4 file/);
    expect(await storage.exists(`media/${owner.orgId}/${row!.id}/original`)).toBe(false);
    expect(await count(t, "SELECT count(*) AS n FROM videos WHERE asset_id = $1", [row!.id])).toBe(0);
    const q = await m.quota(instructor);
    expect(q.usedBytes).toBe(before.usedBytes);
    expect(q.reservedBytes).toBe(before.reservedBytes);
    expect((await t.http('GET', `/api/v1/media/${row!.id}`, { as: instructor, headers: instructor.h() })).body).toMatchObject({ status: 'refused', url: null });
  });

  it('refuses with 413 an upload over the per-file limit or the organization quota, and reserves nothing', async () => {
    const tooBig = await m.tusCreate(instructor, 'huge.mp4', 'video/mp4', 21 * 1024 ** 3);
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers['content-type']).toContain('application/problem+json');
    expect(tooBig.body.code).toBe('file_too_large');

    const q = await m.quota(instructor);
    await t.query('UPDATE media_quotas SET limit_bytes = $2 WHERE organization_id = $1', [owner.orgId, q.usedBytes + q.reservedBytes + 1000]);
    try {
      const over = await m.tusCreate(instructor, 'big.mp4', 'video/mp4', 5000);
      expect(over.status).toBe(413);
      expect(over.body.code).toBe('quota_exceeded');
      expect(over.body.detail).toMatch(/left/);
      const direct = await m.upload(instructor, 'pic.png', 'image/png', await sharp({ create: { width: 200, height: 200, channels: 3, background: '#abc' } }).png({ compressionLevel: 0 }).toBuffer());
      expect(direct.status).toBe(413);
      expect(direct.body.code).toBe('quota_exceeded');
      expect((await m.quota(instructor)).reservedBytes).toBe(q.reservedBytes);
      expect(await count(t, "SELECT count(*) AS n FROM media_assets WHERE filename IN ('big.mp4', 'huge.mp4', 'pic.png')")).toBe(0);
    } finally {
      await t.query('UPDATE media_quotas SET limit_bytes = NULL WHERE organization_id = $1', [owner.orgId]);
    }
  });

  it('refuses uploads of unknown length and types the library does not take', async () => {
    const deferred = await t.http('POST', TUS, { as: instructor, headers: m.tusHeaders(instructor, { 'upload-defer-length': '1', 'upload-metadata': `filename ${Buffer.from('a.mp4').toString('base64')}` }) });
    expect(deferred.status).toBe(400);
    expect(deferred.body.code).toBe('upload_length_required');
    const exe = await m.tusCreate(instructor, 'setup.exe', 'application/x-msdownload', 100);
    expect(exe.status).toBe(415);
    expect(exe.body.code).toBe('unsupported_type');
  });

  it('DELETE terminates an upload in flight and releases its reservation', async () => {
    const before = await m.quota(instructor);
    const created = await m.tusCreate(instructor, 'abandoned.mp4', 'video/mp4', video.length);
    const location = String(created.headers.location);
    await m.tusPatch(instructor, location, 0, video.subarray(0, 100));
    const del = await t.http('DELETE', location, { as: instructor, headers: m.tusHeaders(instructor) });
    expect(del.status).toBe(204);
    expect((await m.quota(instructor)).reservedBytes).toBe(before.reservedBytes);
    expect((await t.http('HEAD', location, { as: instructor, headers: m.tusHeaders(instructor) })).status).toBe(404);
  });

  it('an upload idle for a day expires: its reservation is released and its parts deleted', async () => {
    const before = await m.quota(instructor);
    const created = await m.tusCreate(instructor, 'forgotten.mp4', 'video/mp4', video.length);
    const location = String(created.headers.location);
    const uploadId = location.split('/').pop()!;
    await m.tusPatch(instructor, location, 0, video.subarray(0, 500));
    expect(existsSync(path.join(t.dataDir, 'uploads', uploadId))).toBe(true);
    const files = t.app.get(AssetFiles);
    // still alive an hour later: the PATCH touched it
    expect(await files.expireIdleUploads(new Date(Date.now() + 3600_000))).toBe(0);
    expect(await files.expireIdleUploads(new Date(Date.now() + 25 * 3600_000))).toBe(1);
    expect((await m.quota(instructor)).reservedBytes).toBe(before.reservedBytes);
    await t.drain();
    expect(existsSync(path.join(t.dataDir, 'uploads', uploadId))).toBe(false);
    expect((await t.http('HEAD', location, { as: instructor, headers: m.tusHeaders(instructor) })).status).toBe(404);
  });

  it('refuses strangers: anonymous, another organization, and a learner', async () => {
    const created = await m.tusCreate(instructor, 'mine.mp4', 'video/mp4', video.length);
    const location = String(created.headers.location);
    const anon = await t.http('POST', TUS, { headers: m.tusHeaders(null, { 'upload-length': '10' }) });
    expect(anon.status).toBe(401);
    expect(anon.headers['content-type']).toContain('application/problem+json');
    expect((await t.http('HEAD', location, { headers: m.tusHeaders(null) })).status).toBe(401);
    expect((await t.http('PATCH', location, { headers: m.tusHeaders(null, { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }), body: video })).status).toBe(401);
    // another organization's owner cannot see or write someone else's upload
    expect((await t.http('HEAD', location, { as: stranger, headers: m.tusHeaders(stranger) })).status).toBe(404);
    expect((await m.tusPatch(stranger, location, 0, video)).status).toBe(404);
    expect((await t.http('DELETE', location, { as: stranger, headers: m.tusHeaders(stranger) })).status).toBe(404);
    const asLearner = await m.tusCreate(learner, 'x.mp4', 'video/mp4', 10);
    expect(asLearner.status).toBe(403);
    expect(asLearner.body.code).toBe('missing_permission');
    // the upload is untouched
    const head = await t.http('HEAD', location, { as: instructor, headers: m.tusHeaders(instructor) });
    expect(head.headers['upload-offset']).toBe('0');
    await t.http('DELETE', location, { as: instructor, headers: m.tusHeaders(instructor) });
  });
});
