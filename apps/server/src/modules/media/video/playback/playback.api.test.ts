import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/harness.js';
import { FIXTURE_AES_KEY, FIXTURE_CAPTIONS_VTT, FIXTURE_SECONDS } from './demo-video.js';
import { expectStatus, playbackWorld, type PlaybackWorld, startPlayback } from './playback-world.fixtures.js';
import { StreamTokens } from './stream-token.js';

let t: TestApp;
let w: PlaybackWorld;

beforeAll(async () => {
  t = await createTestApp({ PLAYBACK_MAX_STREAMS: '50' });
  w = await playbackWorld(t);
}, 120_000);
afterAll(() => t?.close());

describe('starting playback', () => {
  it('gives an enrolled learner signed manifests, captions, storyboard, poster, the session and the duration', async () => {
    const res = expectStatus(await startPlayback(t, w.learner, w.course.lessons.v!), 201);
    const b = res.body;
    expect(b.videoId).toBe(w.video.videoId);
    expect(b.durationSeconds).toBe(FIXTURE_SECONDS);
    expect(b.resumePosition).toBe(0);
    expect(b.heartbeatIntervalSeconds).toBeGreaterThanOrEqual(15);
    expect(b.heartbeatIntervalSeconds).toBeLessThanOrEqual(30);
    expect(b.stream.hls).toMatch(/^\/api\/v1\/stream\/[^/]+\/master\.m3u8$/);
    expect(b.stream.dash).toMatch(/^\/api\/v1\/stream\/[^/]+\/manifest\.mpd$/);
    expect(b.stream.poster).toMatch(/\/poster\.jpg$/);
    expect(b.stream.storyboardVtt).toMatch(/\/storyboard\.vtt$/);
    expect(b.captions).toEqual([{ language: 'en', label: 'English', default: true, url: expect.stringMatching(/\/captions\/en\.vtt$/) }]);
    expect(b.canViewAnalytics).toBe(false);
    const [row] = await t.query<{ access: string; user_id: string }>('select access, user_id from playback_sessions where id = $1', [b.sessionId]);
    expect(row).toEqual({ access: 'enrolled', user_id: w.learner.userId });
  });

  it('lets anyone who can see the course watch a free preview lesson', async () => {
    const res = expectStatus(await startPlayback(t, w.outsider, w.course.lessons.p!), 201);
    expect(res.body.videoId).toBe(w.preview.videoId);
    expect(res.body.captions).toEqual([]);
    const [row] = await t.query<{ access: string }>('select access from playback_sessions where id = $1', [res.body.sessionId]);
    expect(row!.access).toBe('preview');
  });

  it('lets course staff watch without an enrollment, and tells the player they may see analytics', async () => {
    const res = expectStatus(await startPlayback(t, w.owner, w.course.lessons.v!), 201);
    expect(res.body.canViewAnalytics).toBe(true);
  });

  it('refuses a member who is not enrolled, a member of another organization and an anonymous caller', async () => {
    const outsider = await startPlayback(t, w.outsider, w.course.lessons.v!);
    expect(outsider.status).toBe(403);
    expect(outsider.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(outsider.body.detail).toMatch(/Enroll/);
    const stranger = await startPlayback(t, w.stranger, w.course.lessons.v!);
    expect([403, 404]).toContain(stranger.status);
    const anon = await t.http('POST', `/api/v1/lessons/${w.course.lessons.v}/playback`);
    expect(anon.status).toBe(401);
    const [n] = await t.query<{ n: number }>('select count(*)::int as n from playback_sessions where user_id = any($1)', [[w.outsider.userId, w.stranger.userId]]);
    // the outsider's only sessions are the preview ones
    const [preview] = await t.query<{ n: number }>("select count(*)::int as n from playback_sessions where user_id = any($1) and access = 'preview'", [[w.outsider.userId, w.stranger.userId]]);
    expect(n!.n).toBe(preview!.n);
  });

  it('answers 409 with the status while the video is still processing, and 404 for a lesson without a video', async () => {
    const busy = await startPlayback(t, w.learner, w.course.lessons.w!);
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe('video_not_ready');
    expect(busy.body.videoStatus).toBe('transcoding');
    expect(busy.body.detail).toMatch(/still processing/);
    const text = await startPlayback(t, w.learner, w.course.lessons.t!);
    expect(text.status).toBe(404);
  });
});

describe('the signed stream route', () => {
  let start: { sessionId: string; stream: { token: string; hls: string; dash: string; poster: string; storyboardVtt: string }; captions: { url: string }[] };
  const base = () => start.stream.hls.replace(/master\.m3u8$/, '');

  beforeAll(async () => {
    start = expectStatus(await startPlayback(t, w.learner, w.course.lessons.v!), 201).body;
  });

  it('serves the manifests, playlists and segments with their types and caching, without cookies', async () => {
    const master = await t.http('GET', start.stream.hls);
    expect(master.status).toBe(200);
    expect(master.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    expect(master.headers['cache-control']).toBe('public, max-age=10');
    expect(master.headers.etag).toBeTruthy();
    expect(master.text).toMatch(/#EXT-X-STREAM-INF/);
    const media = master.text.split('\n').find((l) => l.endsWith('.m3u8') && !l.startsWith('#'))!;
    const playlist = await t.http('GET', base() + media);
    expect(playlist.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    const segment = playlist.text.split('\n').find((l) => l.endsWith('.m4s') && !l.startsWith('#'))!;
    const seg = await t.http('GET', base() + segment);
    expect(seg.status).toBe(200);
    expect(seg.headers['content-type']).toBe('video/iso.segment');
    expect(seg.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(seg.headers['content-length'])).toBeGreaterThan(1000);
    const mpd = await t.http('GET', start.stream.dash);
    expect(mpd.headers['content-type']).toBe('application/dash+xml');
    expect(mpd.text).toMatch(/<MPD/);
    const init = await t.http('GET', base() + 'init-stream0.m4s');
    expect(init.headers['content-type']).toBe('video/iso.segment');
    const poster = await t.http('GET', start.stream.poster);
    expect(poster.headers['content-type']).toBe('image/jpeg');
    const sb = await t.http('GET', start.stream.storyboardVtt);
    expect(sb.headers['content-type']).toMatch(/^text\/vtt/);
    expect(sb.text).toMatch(/storyboard\.jpg#xywh=0,0,80,45/);
    const cap = await t.http('GET', start.captions[0]!.url);
    expect(cap.headers['content-type']).toMatch(/^text\/vtt/);
    expect(cap.text).toBe(FIXTURE_CAPTIONS_VTT);
    const again = await t.http('GET', start.stream.hls, { headers: { 'if-none-match': String(master.headers.etag) } });
    expect(again.status).toBe(304);
  });

  it('answers range requests with 206 and unsatisfiable ones with 416', async () => {
    const url = base() + 'chunk-stream0-00001.m4s';
    const whole = await t.http('GET', url);
    const size = Number(whole.headers['content-length']);
    const part = await t.http('GET', url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${size}`);
    expect(part.headers['content-length']).toBe('100');
    const bad = await t.http('GET', url, { headers: { range: `bytes=${size + 10}-` } });
    expect(bad.status).toBe(416);
    expect(bad.headers['content-range']).toBe(`bytes */${size}`);
  });

  it('refuses expired, tampered and foreign tokens with 403 problems', async () => {
    const tokens = t.app.get(StreamTokens);
    const claims = { sessionId: start.sessionId, userId: w.learner.userId, videoId: w.video.videoId };
    const check = async (token: string, code: string) => {
      const res = await t.http('GET', `/api/v1/stream/${token}/master.m3u8`);
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe(code);
    };
    await check(tokens.sign(claims, Date.now() - 3600_000).token, 'stream_token_expired');
    const tok = start.stream.token;
    await check(tok.slice(0, -2) + (tok.endsWith('AA') ? 'BB' : 'AA'), 'stream_token_invalid');
    // another viewer's session, another session of the same viewer, another video: signed, but not matching the session
    await check(tokens.sign({ ...claims, userId: w.outsider.userId }).token, 'stream_token_foreign');
    await check(tokens.sign({ ...claims, videoId: w.preview.videoId }).token, 'stream_token_foreign');
    const other = expectStatus(await startPlayback(t, w.outsider, w.course.lessons.p!), 201).body;
    await check(tokens.sign({ ...claims, sessionId: other.sessionId }).token, 'stream_token_foreign');
    // the other session's own token works on its own video only
    expect((await t.http('GET', other.stream.hls)).status).toBe(200);
  });

  it('stops serving once the session ended, and refuses paths outside the output', async () => {
    const s = expectStatus(await startPlayback(t, w.learner, w.course.lessons.v!), 201).body;
    expect((await t.http('GET', s.stream.hls)).status).toBe(200);
    expect((await t.http('GET', s.stream.hls.replace('master.m3u8', '..%2F..%2Fsecret.jpg'))).status).toBe(404);
    expect((await t.http('GET', s.stream.hls.replace('master.m3u8', 'nope.m4s'))).status).toBe(404);
    expect((await t.http('DELETE', `/api/v1/playback/${s.sessionId}`, { as: w.outsider, headers: w.outsider.h() })).status).toBe(404);
    expect((await t.http('DELETE', `/api/v1/playback/${s.sessionId}`, { as: w.learner, headers: w.learner.h() })).status).toBe(204);
    const after = await t.http('GET', s.stream.hls);
    expect(after.status).toBe(403);
    expect(after.body.code).toBe('session_ended');
  });
});

describe('HLS AES-128', () => {
  let e: TestApp;
  let ew: PlaybackWorld;
  beforeAll(async () => {
    e = await createTestApp();
    ew = await playbackWorld(e, { encrypted: true });
  }, 120_000);
  afterAll(() => e?.close());

  it('serves the key, never cacheable, only to a live session of the video', async () => {
    const s = expectStatus(await startPlayback(e, ew.learner, ew.course.lessons.v!), 201).body;
    expect(s.encrypted).toBe(true);
    expect(s.stream.dash).toBeNull();
    const base = s.stream.hls.replace(/master\.m3u8$/, '');
    const master = await e.http('GET', s.stream.hls);
    const media = await e.http('GET', base + master.text.split('\n').find((l: string) => l.endsWith('.m3u8'))!);
    expect(media.text).toMatch(/#EXT-X-KEY:METHOD=AES-128,URI="key"/);
    const key = await e.app.inject({ method: 'GET', url: base + 'key' });
    expect(key.statusCode).toBe(200);
    expect(key.headers['cache-control']).toBe('no-store');
    expect(key.rawPayload.equals(FIXTURE_AES_KEY)).toBe(true);
    const seg = await e.http('GET', base + 'seg-000.ts');
    expect(seg.headers['content-type']).toBe('video/mp2t');
    // a clear video's session gets no key
    const clear = expectStatus(await startPlayback(e, ew.learner, ew.course.lessons.p!), 201).body;
    expect((await e.http('GET', clear.stream.hls.replace('master.m3u8', 'key'))).status).toBe(404);
    // ended: refused
    await e.http('DELETE', `/api/v1/playback/${s.sessionId}`, { as: ew.learner, headers: ew.learner.h() });
    expect((await e.http('GET', base + 'key')).status).toBe(403);
  });
});
