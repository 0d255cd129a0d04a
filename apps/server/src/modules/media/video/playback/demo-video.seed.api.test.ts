import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestApp, type TestApp } from '../../../../test/harness.js';
import { FfmpegToolchain } from '../processing/toolchain.js';
import type { VideoOutput } from '../video.schema.js';
import { DEMO_VIDEO_COURSE_SLUG, seedVideoCourse } from './demo-video.seed.js';
import { addMember, createOrg, expectStatus, type Member, startPlayback } from './playback-world.fixtures.js';

/*
 * The demo video course is seeded the way an instructor would make it: an upload to the library,
 * captions, attachments, then the real processing pipeline (no output files written by hand).
 */
let t: TestApp;

const mustFor = (t: TestApp) => async (method: string, url: string, body: unknown, headers: Record<string, string>) => {
  const res = await t.app.inject({
    method: method as 'GET',
    url,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
  if (res.statusCode >= 400) throw new Error(`${method} ${url} -> ${res.statusCode} ${res.body}`);
  return res.body ? JSON.parse(res.body) : undefined;
};

async function seed(owner: Member, learner: Member) {
  await seedVideoCourse(t.app as unknown as NestFastifyApplication, mustFor(t), { headers: owner.h(), userId: owner.userId, orgId: owner.orgId }, learner.h());
  const courses = await t.query<{ id: string }>(`SELECT id FROM courses WHERE organization_id = $1 AND slug = $2`, [owner.orgId, DEMO_VIDEO_COURSE_SLUG]);
  const assets = await t.query<{ id: string; status: string; size_bytes: string }>(`SELECT id, status, size_bytes FROM media_assets WHERE organization_id = $1 AND kind = 'video'`, [owner.orgId]);
  const vids = await t.query<{ id: string; status: string; output: VideoOutput | null; asset_id: string }>(`SELECT id, status, output, asset_id FROM videos WHERE organization_id = $1`, [owner.orgId]);
  const attached = await t.query<{ lesson_id: string; asset_id: string }>(`SELECT lesson_id, asset_id FROM media_attachments WHERE organization_id = $1 AND role = 'video'`, [owner.orgId]);
  return { courseId: courses[0]!.id, assets, vids, attached };
}

beforeAll(async () => {
  t = await createTestApp({ VIDEO_X264_PRESET: 'ultrafast' });
}, 120_000);
afterAll(async () => {
  vi.restoreAllMocks();
  await t?.close();
});

describe('the demo video course seed', () => {
  it('uploads a clip to the library and runs the real pipeline on it: ready, captioned, playable', async () => {
    const owner = await createOrg(t, 'Demo school');
    const learner = await addMember(t, owner.orgId, 'learner');
    const s = await seed(owner, learner);
    expect(s.assets).toHaveLength(1);
    expect(s.assets[0]!.status).toBe('stored');
    expect(Number(s.assets[0]!.size_bytes)).toBeGreaterThan(0);
    expect(s.vids).toHaveLength(1);
    const v = s.vids[0]!;
    expect(v.status).toBe('ready');
    expect(v.output!.renditions.map((r) => r.name)).toEqual(['480p', '360p', 'audio']);
    expect(v.output!.hlsMaster).toMatch(/^master-[0-9a-f]+\.m3u8$/); // announces the English captions
    expect(s.attached).toHaveLength(2);
    expect(s.attached.every((a) => a.asset_id === v.asset_id)).toBe(true);
    const lessonId = s.attached[0]!.lesson_id;
    const start = expectStatus(await startPlayback(t, learner, lessonId), 201).body;
    expect(start.captions.map((c: { language: string }) => c.language)).toEqual(['en']);
    expect((await t.http('GET', start.stream.hls)).text).toMatch(/TYPE=SUBTITLES/);
  }, 180_000);

  it('without a usable ffmpeg the video waits in `uploaded` with the install reason', async () => {
    const toolchain = t.app.get(FfmpegToolchain);
    const real = toolchain.status;
    vi.spyOn(toolchain, 'status', 'get').mockReturnValue({ ...real, ready: false, blockedReason: 'ffmpeg is too old. Install ffmpeg 5 or newer.' });
    const owner = await createOrg(t, 'No ffmpeg school');
    const learner = await addMember(t, owner.orgId, 'learner');
    const s = await seed(owner, learner);
    expect(s.vids.map((v) => v.status)).toEqual(['uploaded']);
    const video = expectStatus(await t.http('GET', `/api/v1/videos/${s.vids[0]!.id}`, { as: owner, headers: owner.h() }), 200).body;
    expect(video.processingBlocked).toMatch(/Install ffmpeg/);
    vi.restoreAllMocks();
  }, 180_000);
});
