import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webvtt from 'webvtt-parser';
import { JobsService } from '../../../kernel/jobs/index.js';
import { STORAGE, type Storage } from '../../../kernel/storage/index.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, createOrg, type Member } from '../../learning/enrollment/enrollment.fixtures.js';
import { makeSource, storageText, uploadVideo } from './video.fixtures.js';
import type { VideoOutput } from './video.schema.js';
import { VideoService } from './video.service.js';

let t: TestApp;
let owner: Member;
let instructor: Member;
let learner: Member;
let stranger: Member;
let videoId: string;
let assetId: string;

const SRT = '1\r\n00:00:00,500 --> 00:00:02,000\r\nHello there\r\n\r\n2\r\n00:00:02,500 --> 00:00:04,000\r\nWelcome to the course\r\n';
const VTT_ES = 'WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nHola\n';

beforeAll(async () => {
  t = await createTestApp({ VIDEO_X264_PRESET: 'ultrafast' });
  owner = await createOrg(t, 'Captions school');
  instructor = await addMember(t, owner.orgId, 'instructor');
  learner = await addMember(t, owner.orgId, 'learner');
  stranger = await createOrg(t, 'Other school');
  ({ videoId, assetId } = await uploadVideo(t, instructor, makeSource('silent', 5), { firstUpload: true }));
  await t.drain();
});
afterAll(async () => {
  await t?.close();
});

const as = (m: Member) => ({ as: m, headers: m.h() });
const output = async () => (await t.query<{ output: VideoOutput }>('SELECT output FROM videos WHERE id = $1', [videoId]))[0]!.output;

describe('video API', () => {
  it('shows staff the status, probe, renditions and captions, by id and by asset', async () => {
    const res = await t.http('GET', `/api/v1/videos/${videoId}`, as(instructor));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: videoId, assetId, status: 'ready', progress: 100, failureReason: null, processingBlocked: null, hasPoster: true, captions: [] });
    expect(res.body.probe).toMatchObject({ width: 640, height: 360, hasAudio: false });
    expect(res.body.renditions).toEqual([expect.objectContaining({ name: '360p', kind: 'video', width: 640, height: 360 })]);
    const byAsset = await t.http('GET', `/api/v1/videos/by-asset/${assetId}`, as(instructor));
    expect(byAsset.status).toBe(200);
    expect(byAsset.body.id).toBe(videoId);
    const poster = await t.http('GET', `/api/v1/videos/${videoId}/poster`, as(instructor));
    expect(poster.status).toBe(200);
    expect(poster.headers['content-type']).toBe('image/jpeg');
    expect((await t.http('GET', `/api/v1/videos/${videoId}/storyboard`, as(instructor))).status).toBe(200);
  });

  it('refuses strangers: another organization gets 404, an anonymous caller 401, a learner 403', async () => {
    for (const [method, url] of [
      ['GET', `/api/v1/videos/${videoId}`],
      ['GET', `/api/v1/videos/by-asset/${assetId}`],
      ['POST', `/api/v1/videos/${videoId}/retry`],
      ['POST', `/api/v1/videos/${videoId}/cancel`],
      ['GET', `/api/v1/videos/${videoId}/poster`],
      ['GET', `/api/v1/videos/${videoId}/captions`],
      ['GET', `/api/v1/videos/${videoId}/captions/en`],
    ] as const) {
      const foreign = await t.http(method, url, as(stranger));
      expect(foreign.status, `${method} ${url}`).toBe(404);
      expect(foreign.headers['content-type']).toContain('application/problem+json');
      expect((await t.http(method, url)).status, `${method} ${url}`).toBe(401);
      expect((await t.http(method, url, as(learner))).status, `${method} ${url}`).toBe(403);
    }
    const post = await t.http('POST', `/api/v1/videos/${videoId}/captions`, { ...as(stranger), body: { language: 'en', label: 'English', text: SRT } });
    expect(post.status).toBe(404);
    expect((await t.http('POST', '/api/v1/videos/reencode-all', as(instructor))).status).toBe(403);
    expect((await t.http('POST', '/api/v1/videos/reencode-all')).status).toBe(401);
    const count = await t.query<{ n: number }>('SELECT count(*)::int AS n FROM video_captions');
    expect(count[0]!.n).toBe(0);
  });

  it('refuses a retry of a ready video and a cancel of a settled one with 409', async () => {
    const retry = await t.http('POST', `/api/v1/videos/${videoId}/retry`, as(instructor));
    expect(retry.status).toBe(409);
    expect(retry.body.code).toBe('video_not_retryable');
    expect((await t.http('POST', `/api/v1/videos/${videoId}/cancel`, as(instructor))).body.code).toBe('video_not_cancelable');
  });

  it('uploads SRT as WebVTT and announces it in the HLS master (SUBTITLES) and the MPD (text AdaptationSet)', async () => {
    const res = await t.http('POST', `/api/v1/videos/${videoId}/captions`, { ...as(instructor), body: { language: 'en', label: 'English', isDefault: true, text: SRT } });
    expect(res.status).toBe(201);
    expect(res.body.vtt).toBe('WEBVTT\n\n1\n00:00:00.500 --> 00:00:02.000\nHello there\n\n2\n00:00:02.500 --> 00:00:04.000\nWelcome to the course\n');
    const es = await t.http('POST', `/api/v1/videos/${videoId}/captions`, { ...as(instructor), body: { language: 'es', label: 'Español', text: VTT_ES } });
    expect(es.status).toBe(201);
    const before = await output();
    await t.drain();
    const out = await output();
    expect(out.hlsMaster).toMatch(/^master-[0-9a-f]{12}\.m3u8$/);
    expect(out.prefix).toBe(before.prefix);
    const master = (await storageText(t, out.prefix + out.hlsMaster))!;
    const subs = [...master.matchAll(/^#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="([^"]+)",LANGUAGE="([^"]+)",DEFAULT=(YES|NO),AUTOSELECT=(?:YES|NO),URI="([^"]+)"$/gm)];
    expect(subs.map((m) => [m[1], m[2], m[3]])).toEqual([
      ['English', 'en', 'YES'],
      ['Español', 'es', 'NO'],
    ]);
    expect(master).toMatch(/#EXT-X-STREAM-INF:.*SUBTITLES="subs"/);
    const playlist = (await storageText(t, out.prefix + subs[0]![4]!))!;
    expect(playlist).toContain('#EXT-X-ENDLIST');
    const vttUri = playlist.split('\n').find((l) => l.endsWith('.vtt'))!;
    const vtt = (await storageText(t, out.prefix + subs[0]![4]!.replace(/[^/]+$/, vttUri)))!;
    expect(new webvtt.WebVTTParser().parse(vtt).cues.map((c) => c.text)).toEqual(['Hello there', 'Welcome to the course']);

    const mpd = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => n === 'AdaptationSet' }).parse((await storageText(t, out.prefix + out.dashManifest))!) as {
      MPD: { Period: { AdaptationSet: { contentType: string; mimeType?: string; lang?: string; Representation: { BaseURL: string } }[] } };
    };
    const text = mpd.MPD.Period.AdaptationSet.filter((s) => s.contentType === 'text');
    expect(text.map((s) => [s.mimeType, s.lang])).toEqual([
      ['text/vtt', 'en'],
      ['text/vtt', 'es'],
    ]);
    expect(await storageText(t, out.prefix + text[1]!.Representation.BaseURL)).toBe(VTT_ES);

    const video = await t.http('GET', `/api/v1/videos/${videoId}`, as(instructor));
    expect(video.body.captions.map((c: { language: string; isDefault: boolean }) => [c.language, c.isDefault])).toEqual([
      ['en', true],
      ['es', false],
    ]);
    const page = await t.http('GET', `/api/v1/videos/${videoId}/captions?limit=1`, as(instructor));
    expect(page.body.items.map((c: { language: string }) => c.language)).toEqual(['en']);
    const next = await t.http('GET', `/api/v1/videos/${videoId}/captions?limit=1&cursor=${page.body.nextCursor}`, as(instructor));
    expect(next.body).toMatchObject({ items: [expect.objectContaining({ language: 'es' })], nextCursor: null });
  });

  it('refuses garbage, bad language tags and a second track of one language, changing nothing', async () => {
    const garbage = await t.http('POST', `/api/v1/videos/${videoId}/captions`, { ...as(instructor), body: { language: 'fr', label: 'Français', text: 'this is not a subtitle file' } });
    expect(garbage.status).toBe(400);
    expect(garbage.headers['content-type']).toContain('application/problem+json');
    expect(garbage.body.code).toBe('caption_unreadable');
    const broken = await t.http('POST', `/api/v1/videos/${videoId}/captions`, { ...as(instructor), body: { language: 'fr', label: 'Français', text: 'WEBVTT\n\n00:00:01.000 --> 00:0x:02.000\nSalut\n' } });
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('caption_invalid');
    expect((await t.http('POST', `/api/v1/videos/${videoId}/captions`, { ...as(instructor), body: { language: 'not a tag!', label: 'x', text: VTT_ES } })).status).toBe(400);
    const dup = await t.http('POST', `/api/v1/videos/${videoId}/captions`, { ...as(instructor), body: { language: 'en', label: 'Again', text: VTT_ES } });
    expect(dup.status).toBe(409);
    const langs = await t.query<{ language: string }>('SELECT language FROM video_captions WHERE video_id = $1 ORDER BY language', [videoId]);
    expect(langs.map((l) => l.language)).toEqual(['en', 'es']);
  });

  it('edits a track in place (validated), moves the default, deletes, and republishes the manifests each time', async () => {
    const bad = await t.http('PUT', `/api/v1/videos/${videoId}/captions/es`, { ...as(instructor), body: { vtt: 'WEBVTT\n\nnonsense --> \n' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('body.vtt');
    const edited = 'WEBVTT\n\n00:00:00.500 --> 00:00:03.000\n¡Hola a todos!\n';
    const put = await t.http('PUT', `/api/v1/videos/${videoId}/captions/es`, { ...as(instructor), body: { vtt: edited, isDefault: true, label: 'Español (España)' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ language: 'es', isDefault: true, label: 'Español (España)', vtt: edited });
    expect((await t.http('GET', `/api/v1/videos/${videoId}/captions/en`, as(instructor))).body.isDefault).toBe(false);
    const old = await output();
    const oldKeys = (await t.query<{ output_keys: string[] }>('SELECT output_keys FROM videos WHERE id = $1', [videoId]))[0]!.output_keys.filter((k) => k.includes('/captions/') || k.includes('master-'));
    await t.drain();
    const out = await output();
    expect(out.hlsMaster).not.toBe(old.hlsMaster);
    const master = (await storageText(t, out.prefix + out.hlsMaster))!;
    expect(master).toContain('NAME="Español (España)",LANGUAGE="es",DEFAULT=YES');
    const esPlaylist = /LANGUAGE="es",DEFAULT=YES,AUTOSELECT=YES,URI="([^"]+)"/.exec(master)![1]!;
    expect(await storageText(t, out.prefix + esPlaylist.replace(/\.m3u8$/, '.vtt'))).toBe(edited);
    const storage = t.app.get<symbol, Storage>(STORAGE);
    for (const k of oldKeys) expect(await storage.exists(k)).toBe(false); // the previous revision is gone

    expect((await t.http('DELETE', `/api/v1/videos/${videoId}/captions/en`, as(instructor))).status).toBe(204);
    expect((await t.http('DELETE', `/api/v1/videos/${videoId}/captions/en`, as(instructor))).status).toBe(404);
    await t.drain();
    const after = await output();
    const m2 = (await storageText(t, after.prefix + after.hlsMaster))!;
    expect(m2).not.toContain('LANGUAGE="en"');
    expect(m2).toContain('LANGUAGE="es"');
  });
});

describe('without a usable ffmpeg', () => {
  it('keeps videos waiting in `uploaded` with an "install ffmpeg" reason instead of failing them', async () => {
    const blocked = await createTestApp({ FFMPEG_PATH: '/nonexistent/ffmpeg' }, { databaseUrl: t.databaseUrl });
    try {
      // rows in the shared database, the file in the storage of the app that will process it later
      const { videoId: waiting } = await uploadVideo(t, instructor, makeSource('silent', 5));
      await blocked.drain();
      const res = await blocked.http('GET', `/api/v1/videos/${waiting}`, as(instructor));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'uploaded', failureReason: null });
      expect(res.body.processingBlocked).toMatch(/Install ffmpeg 5 or newer/);
      expect(res.body.processingBlocked).toContain('/nonexistent/ffmpeg');
      await blocked.close();
      // where ffmpeg works, the requeue cron gives the waiting video its job
      await t.app.get(JobsService).drain();
      await t.app.get(VideoService).enqueueWaiting();
      await t.drain();
      expect((await t.http('GET', `/api/v1/videos/${waiting}`, as(instructor))).body).toMatchObject({ status: 'ready', processingBlocked: null });
    } finally {
      await blocked.close().catch(() => undefined);
    }
  });
});
