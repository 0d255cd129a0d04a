import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webvtt from 'webvtt-parser';
import { EventBus } from '../../../kernel/events/index.js';
import { STORAGE, type Storage } from '../../../kernel/storage/index.js';
import { createTestApp, type HttpResult, type TestApp } from '../../../test/harness.js';
import { addMember, createOrg, type Member } from '../../learning/enrollment/enrollment.fixtures.js';
import { VideoFailed, VideoReady } from '../media.events.js';
import { VideoPipeline } from './video-pipeline.js';
import { VideoBusy } from './video-lock.js';
import { makeSource, storageBytes, storageText, uploadVideo } from './video.fixtures.js';
import type { VideoOutput } from './video.schema.js';

let t: TestApp;
let owner: Member;
let instructor: Member;
const ready: { videoId: string }[] = [];
const failed: { videoId: string; reason: string }[] = [];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lyceum-video-check-'));

beforeAll(async () => {
  t = await createTestApp({ VIDEO_X264_PRESET: 'ultrafast' });
  owner = await createOrg(t, 'Video school');
  instructor = await addMember(t, owner.orgId, 'instructor');
  const bus = t.app.get(EventBus);
  bus.subscribe(VideoReady, 'test.video-ready', async (e) => void ready.push(e));
  bus.subscribe(VideoFailed, 'test.video-failed', async (e) => void failed.push(e));
});
afterAll(async () => {
  await t?.close();
});

interface Row {
  status: string;
  progress: number;
  failure_reason: string | null;
  output: VideoOutput | null;
  probe: Record<string, unknown> | null;
  attempts: number;
  pending_output: { prefix: string; keys: string[] } | null;
  output_keys: string[];
  ready_at: Date | null;
}
const row = async (id: string) => (await t.query<Row>('SELECT * FROM videos WHERE id = $1', [id]))[0]!;

/** Segment files an HLS media playlist lists (init + media), and its EXTINF durations. */
function hlsMedia(text: string): { files: string[]; durations: number[] } {
  const files: string[] = [];
  const durations: number[] = [];
  for (const line of text.split('\n')) {
    const map = /^#EXT-X-MAP:URI="([^"]+)"/.exec(line);
    if (map) files.push(map[1]!);
    const inf = /^#EXTINF:([\d.]+),/.exec(line);
    if (inf) durations.push(Number(inf[1]));
    if (line && !line.startsWith('#')) files.push(line.trim());
  }
  return { files, durations };
}

interface MpdRep {
  id: string;
  width?: number;
  height?: number;
  files: string[];
  durations: number[];
}

/** Every Representation of the MPD with the files its SegmentTemplate + SegmentTimeline expand to. */
function mpdReps(xml: string): { reps: MpdRep[]; sets: Record<string, unknown>[] } {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['AdaptationSet', 'Representation', 'S'].includes(n) }).parse(xml) as {
    MPD: { Period: { AdaptationSet: (Record<string, unknown> & { Representation: Record<string, unknown>[] })[] } };
  };
  const reps: MpdRep[] = [];
  const sets = doc.MPD.Period.AdaptationSet;
  for (const set of sets) {
    if (set.contentType === 'text') continue;
    for (const r of set.Representation) {
      const tpl = r.SegmentTemplate as { timescale: string; initialization: string; media: string; startNumber: string; SegmentTimeline: { S: { d: string; r?: string }[] } };
      const id = String(r.id);
      const durations: number[] = [];
      for (const s of tpl.SegmentTimeline.S) for (let i = 0; i <= Number(s.r ?? 0); i++) durations.push(Number(s.d) / Number(tpl.timescale));
      const files = [tpl.initialization.replace('$RepresentationID$', id)];
      durations.forEach((_, i) => files.push(tpl.media.replace('$RepresentationID$', id).replace('$Number%05d$', String(Number(tpl.startNumber) + i).padStart(5, '0'))));
      reps.push({ id, width: r.width ? Number(r.width) : undefined, height: r.height ? Number(r.height) : undefined, files, durations });
    }
  }
  return { reps, sets };
}

/** Key frame times of one rendition, read back by ffprobe from its init + segments. */
async function keyframeTimes(prefix: string, files: string[]): Promise<number[]> {
  const bytes = await Promise.all(files.map((f) => storageBytes(t, prefix + f)));
  const file = path.join(tmp, `${files[0]}-${Math.random().toString(36).slice(2)}.mp4`);
  writeFileSync(file, Buffer.concat(bytes));
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-skip_frame', 'nokey', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  // one line per key frame ("0.000000," when side data follows); blank lines are side data
  return out
    .split('\n')
    .map((l) => l.split(',')[0]!.trim())
    .filter((v) => /^[\d.]+$/.test(v))
    .map((v) => Math.round(Number(v) * 100) / 100);
}

describe('the processing job', () => {
  it('turns a landscape upload into a CMAF ladder with HLS and DASH over the same segment files', async () => {
    const { videoId } = await uploadVideo(t, instructor, makeSource('landscape'), { firstUpload: true });
    await t.drain();
    const v = await row(videoId);
    expect(v.status).toBe('ready');
    expect(v.progress).toBe(100);
    expect(v.probe).toMatchObject({ width: 854, height: 480, frameRate: 25, videoCodec: 'h264', audioCodec: 'aac', hasAudio: true, rotation: 0 });
    expect(Number(v.probe!.durationSeconds)).toBeCloseTo(6, 0);
    const out = v.output!;
    expect(out.prefix).toMatch(new RegExp(`^videos/${videoId}/[0-9a-f-]{36}/$`));
    expect(out.renditions.map((r) => `${r.name}:${r.width ?? ''}x${r.height ?? ''}`)).toEqual(['480p:832x468', '360p:640x360', 'audio:x']);
    expect(ready.map((e) => e.videoId)).toContain(videoId);

    // HLS: master -> media playlists -> files; DASH: template + timeline -> the very same files
    const master = (await storageText(t, out.prefix + out.hlsMaster))!;
    expect(master).toMatch(/#EXT-X-STREAM-INF:.*RESOLUTION=832x468/);
    expect(master).toMatch(/#EXT-X-MEDIA:TYPE=AUDIO/);
    const mediaUris = [...master.matchAll(/^(media_\d+\.m3u8)$|URI="(media_\d+\.m3u8)"/gm)].map((m) => m[1] ?? m[2]!);
    expect(mediaUris.sort()).toEqual(['media_0.m3u8', 'media_1.m3u8', 'media_2.m3u8']);
    const hlsFiles = new Set<string>();
    const hlsDurations: Record<string, number[]> = {};
    for (const uri of mediaUris) {
      const m = hlsMedia((await storageText(t, out.prefix + uri))!);
      m.files.forEach((f) => hlsFiles.add(f));
      hlsDurations[uri] = m.durations;
    }
    const { reps } = mpdReps((await storageText(t, out.prefix + out.dashManifest))!);
    expect(reps).toHaveLength(3);
    const dashFiles = new Set(reps.flatMap((r) => r.files));
    expect([...dashFiles].sort()).toEqual([...hlsFiles].sort());
    for (const f of dashFiles) expect(await t.app.get<symbol, Storage>(STORAGE).exists(out.prefix + f)).toBe(true);
    expect(v.output_keys.filter((k) => k.endsWith('.m4s')).sort()).toEqual([...dashFiles].map((f) => out.prefix + f).sort());

    // segments 4-6 s except the last (audio cuts on AAC frames: within one 1024-sample frame of 4 s);
    // every rendition within 0.5 s of the source
    const aacFrame = 1024 / 48000;
    const inRange = (d: number, audio: boolean) => {
      expect(d).toBeGreaterThanOrEqual(audio ? 4 - aacFrame : 4);
      expect(d).toBeLessThanOrEqual(6);
    };
    for (const r of reps) {
      r.durations.slice(0, -1).forEach((d) => inRange(d, !r.width));
      expect(Math.abs(r.durations.reduce((a, b) => a + b, 0) - 6)).toBeLessThan(0.5);
    }
    expect(Object.values(hlsDurations).flatMap((d) => d.slice(0, -1)).length).toBeGreaterThan(0);
    for (const [uri, d] of Object.entries(hlsDurations)) d.slice(0, -1).forEach((x) => inRange(x, uri === 'media_2.m3u8'));

    // keyframes every 2 s at the same times in every video rendition, so every segment starts on one
    const video = reps.filter((r) => r.width);
    const times = await Promise.all(video.map((r) => keyframeTimes(out.prefix, r.files)));
    expect(times[0]).toEqual([0, 2, 4]);
    expect(times[1]).toEqual(times[0]);

    // poster and storyboard
    const poster = await storageBytes(t, out.prefix + out.poster);
    expect(poster.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const sb = new webvtt.WebVTTParser().parse((await storageText(t, out.prefix + out.storyboardVtt))!);
    expect(sb.errors).toEqual([]);
    expect(sb.cues).toHaveLength(6);
    expect(sb.cues.every((c) => /^storyboard\.jpg#xywh=\d+,0,160,90$/.test(c.text))).toBe(true);
    const sprite = path.join(tmp, 'sprite.jpg');
    writeFileSync(sprite, await storageBytes(t, out.prefix + out.storyboardImage));
    expect(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', sprite], { encoding: 'utf8' }).trim()).toBe('960,90');
  });

  it('respects rotation: a 90° phone clip becomes portrait, one 360p rung (never upscaled) plus audio', async () => {
    const { videoId } = await uploadVideo(t, instructor, makeSource('rotated'));
    await t.drain();
    const v = await row(videoId);
    expect(v.status).toBe('ready');
    expect(v.probe).toMatchObject({ width: 360, height: 640 });
    expect([90, 270]).toContain(v.probe!.rotation);
    expect(v.output!.renditions.map((r) => `${r.name}:${r.width ?? ''}x${r.height ?? ''}`)).toEqual(['360p:360x640', 'audio:x']);
    const { reps } = mpdReps((await storageText(t, v.output!.prefix + v.output!.dashManifest))!);
    expect(reps.find((r) => r.width)).toMatchObject({ width: 360, height: 640 });
  });

  it('packages a silent video without an audio rendition', async () => {
    const { videoId } = await uploadVideo(t, instructor, makeSource('silent'));
    await t.drain();
    const v = await row(videoId);
    expect(v.status).toBe('ready');
    expect(v.probe).toMatchObject({ hasAudio: false, audioCodec: null });
    expect(v.output!.renditions.map((r) => r.name)).toEqual(['360p']);
    const { sets } = mpdReps((await storageText(t, v.output!.prefix + v.output!.dashManifest))!);
    expect(sets.map((s) => s.contentType)).toEqual(['video']);
    expect(await storageText(t, v.output!.prefix + v.output!.hlsMaster)).not.toContain('TYPE=AUDIO');
  });

  it('fails a corrupt file at once with a reason a person understands, and emits video.failed', async () => {
    const { videoId } = await uploadVideo(t, instructor, makeSource('corrupt'));
    await t.drain();
    const v = await row(videoId);
    expect(v.status).toBe('failed');
    expect(v.failure_reason).toMatch(/not a video we can read/);
    expect(v.attempts).toBe(1);
    expect(v.output).toBeNull();
    expect(failed).toContainEqual(expect.objectContaining({ videoId, reason: v.failure_reason }));
  });

  it('restarts cleanly after a crash between upload and publish: the half output is never pointed at and is deleted', async () => {
    const pipeline = t.app.get(VideoPipeline);
    let crashedPrefix = '';
    pipeline.hooks.afterUpload = async (_id, prefix) => {
      crashedPrefix = prefix;
      pipeline.hooks = {};
      throw new Error('simulated crash after the segments were uploaded');
    };
    const { videoId } = await uploadVideo(t, instructor, makeSource('silent'));
    await t.drain();
    const mid = await row(videoId);
    expect(crashedPrefix).not.toBe('');
    expect(mid.status).not.toBe('ready');
    expect(mid.output).toBeNull();
    const orphans = mid.pending_output!.keys;
    expect(orphans.length).toBeGreaterThan(5);
    expect(orphans.every((k) => k.startsWith(crashedPrefix))).toBe(true);
    const storage = t.app.get<symbol, Storage>(STORAGE);
    expect(await storage.exists(orphans[0]!)).toBe(true);

    // graphile-worker retries it (made due now instead of after the backoff)
    await t.query(`UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key = $1`, [`video:${videoId}`]);
    await t.drain();
    const v = await row(videoId);
    expect(v.status).toBe('ready');
    expect(v.attempts).toBe(2);
    expect(v.output!.prefix).not.toBe(crashedPrefix);
    expect(v.pending_output).toBeNull();
    for (const k of orphans) expect(await storage.exists(k)).toBe(false);
    expect(await storage.exists(v.output!.prefix + v.output!.hlsMaster)).toBe(true);
  });

  it('runs one job per video at a time: a second runner finds the lock held and leaves the video alone', async () => {
    const { videoId } = await uploadVideo(t, instructor, makeSource('silent'));
    const holder = new pg.Client({ connectionString: t.databaseUrl });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [`video:${videoId}`]);
      await expect(t.app.get(VideoPipeline).process(videoId, { jobId: '1', attempt: 1, maxAttempts: 3 })).rejects.toBeInstanceOf(VideoBusy);
      expect((await row(videoId)).status).toBe('uploaded');
    } finally {
      await holder.end();
    }
    await t.drain();
    expect((await row(videoId)).status).toBe('ready');
  });

  it('cancel while transcoding stops ffmpeg and publishes nothing; retry then finishes it', async () => {
    const { videoId } = await uploadVideo(t, instructor, makeSource('landscape'));
    const pipeline = t.app.get(VideoPipeline);
    pipeline.hooks = {};
    // cancel through the API the moment the job reports `transcoding`
    const notifier = (pipeline as unknown as { notifier: { send: (org: string, m: { videoId: string; status: string }) => void } }).notifier;
    const original = notifier.send.bind(notifier);
    const cancel: { call: Promise<HttpResult> | null } = { call: null };
    notifier.send = (org, m) => {
      original(org, m as never);
      if (m.videoId === videoId && m.status === 'transcoding' && !cancel.call) cancel.call = t.http('POST', `/api/v1/videos/${videoId}/cancel`, { as: instructor, headers: instructor.h() });
    };
    try {
      await t.drain();
    } finally {
      notifier.send = original;
    }
    expect(cancel.call).not.toBeNull();
    const res = (await cancel.call)!;
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('canceled');
    const v = await row(videoId);
    expect(v.status).toBe('canceled');
    expect(v.output).toBeNull();
    expect(v.pending_output).toBeNull();
    expect(ready.map((e) => e.videoId)).not.toContain(videoId);

    const retry = await t.http('POST', `/api/v1/videos/${videoId}/retry`, { as: instructor, headers: instructor.h() });
    expect(retry.status).toBe(200);
    expect(retry.body.status).toBe('uploaded');
    await t.drain();
    expect((await row(videoId)).status).toBe('ready');
  });

  it("runs an instructor's first upload ahead of a bulk re-encode queued before it", async () => {
    const other = await createOrg(t, 'Priority school');
    const old = await uploadVideo(t, other, makeSource('silent'));
    await t.drain();
    const bulk = await t.http('POST', '/api/v1/videos/reencode-all', { as: other, headers: other.h() });
    expect(bulk.status).toBe(202);
    expect(bulk.body).toEqual({ queued: 1 });
    const first = await uploadVideo(t, other, makeSource('silent'), { firstUpload: true });
    // queued first, the bulk job would run first in FIFO order; graphile-worker runs lower priority numbers first
    const [bulkJob] = await t.query<{ priority: number }>(`SELECT priority FROM graphile_worker._private_jobs WHERE key = $1`, [`video:${old.videoId}`]);
    expect(bulkJob!.priority).toBe(100);
    await t.drain();
    const [a, b] = [await row(first.videoId), await row(old.videoId)];
    expect(a.status).toBe('ready');
    expect(b.status).toBe('ready');
    expect(a.ready_at!.getTime()).toBeLessThan(b.ready_at!.getTime());
  });
});
