import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/harness.js';
import { addMember, backdateHeartbeat, expectStatus, playbackWorld, type Member, type PlaybackWorld, startPlayback } from './playback-world.fixtures.js';

let t: TestApp;
let w: PlaybackWorld;

beforeAll(async () => {
  // the country header is configurable: this app reads it from x-viewer-country
  t = await createTestApp({ GEO_COUNTRY_HEADER: 'X-Viewer-Country' });
  w = await playbackWorld(t);
}, 120_000);
afterAll(() => t?.close());

async function enrolledLearner(): Promise<Member> {
  const m = await addMember(t, w.owner.orgId, 'learner');
  expectStatus(await t.http('POST', `/api/v1/courses/${w.course.id}/enroll`, { as: m, headers: m.h() }), 201);
  return m;
}
const end = (as: Member, id: string) => t.http('DELETE', `/api/v1/playback/${id}`, { as, headers: as.h() });
const beat = (as: Member, id: string, body: unknown) => t.http('POST', `/api/v1/playback/${id}/heartbeat`, { as, headers: as.h(), body });

describe('the stream limit', () => {
  it('refuses a third concurrent session with a clear 409, and frees a slot when one ends', async () => {
    const m = await enrolledLearner();
    const a = expectStatus(await startPlayback(t, m, w.course.lessons.v!), 201).body;
    expectStatus(await startPlayback(t, m, w.course.lessons.p!), 201);
    const third = await startPlayback(t, m, w.course.lessons.v!);
    expect(third.status).toBe(409);
    expect(third.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(third.body.code).toBe('stream_limit');
    expect(third.body.detail).toMatch(/^You are already watching on 2 devices/);
    expect(third.body.limit).toBe(2);
    expectStatus(await end(m, a.sessionId), 204);
    expectStatus(await startPlayback(t, m, w.course.lessons.v!), 201);
  });

  it('lets a stale session (no heartbeat for the TTL) stop counting; a heartbeat keeps one alive', async () => {
    const m = await enrolledLearner();
    const a = expectStatus(await startPlayback(t, m, w.course.lessons.v!), 201).body;
    const b = expectStatus(await startPlayback(t, m, w.course.lessons.v!), 201).body;
    await backdateHeartbeat(w.db, a.sessionId, 50);
    expectStatus(await beat(m, a.sessionId, { position: 1, ranges: [[0, 1]] }), 200); // alive again
    expect((await startPlayback(t, m, w.course.lessons.v!)).status).toBe(409);
    await backdateHeartbeat(w.db, b.sessionId, 61);
    expectStatus(await startPlayback(t, m, w.course.lessons.v!), 201);
    const late = await beat(m, b.sessionId, { position: 1, ranges: [] });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('session_ended');
    expect((await t.http('GET', b.stream.hls)).status).toBe(403);
  });

  it('is race-safe: of five starts at once exactly two succeed', async () => {
    const m = await enrolledLearner();
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => startPlayback(t, m, w.course.lessons.v!)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 409, 409, 409]);
    const [n] = await t.query<{ n: number }>('select count(*)::int as n from playback_sessions where user_id = $1', [m.userId]);
    expect(n!.n).toBe(2);
  });
});

describe('geo rules', () => {
  const url = () => `/api/v1/courses/${w.course.id}/geo-rules`;
  const put = (as: Member, body: unknown) => t.http('PUT', url(), { as, headers: as.h(), body });

  it('are edited by course editors only, with countries checked', async () => {
    const initial = expectStatus(await t.http('GET', url(), { as: w.owner, headers: w.owner.h() }), 200).body;
    expect(initial).toEqual({ courseId: w.course.id, allow: [], deny: [], countryHeader: 'x-viewer-country', updatedAt: null });
    for (const bad of [{ allow: ['QQ'] }, { allow: ['usa'] }, { allow: ['DE'], deny: ['de'] }, { allow: 'DE' }]) {
      const res = await put(w.owner, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect((await put(w.learner, { allow: ['DE'] })).status).toBe(403);
    expect((await put(w.stranger, { allow: ['DE'] })).status).toBe(404);
    expect((await t.http('GET', url(), { as: w.stranger, headers: w.stranger.h() })).status).toBe(404);
    expect((await t.http('GET', url())).status).toBe(401);
    const [n] = await t.query<{ n: number }>('select count(*)::int as n from course_geo_rules');
    expect(n!.n).toBe(0);
  });

  it('an allow list admits only its countries, read from the configured header', async () => {
    const saved = expectStatus(await put(w.owner, { allow: ['fr', 'DE'] }), 200).body;
    expect(saved.allow).toEqual(['DE', 'FR']);
    const m = await enrolledLearner();
    const de = expectStatus(await startPlayback(t, m, w.course.lessons.v!, { 'x-viewer-country': 'DE' }), 201).body;
    await end(m, de.sessionId);
    const us = await startPlayback(t, m, w.course.lessons.v!, { 'x-viewer-country': 'US' });
    expect(us.status).toBe(403);
    expect(us.body.code).toBe('geo_blocked');
    expect(us.body.detail).toBe('This course is not available in United States.');
    // the default header means nothing to this app
    expect((await startPlayback(t, m, w.course.lessons.v!, { 'cf-ipcountry': 'DE' })).status).toBe(403);
    const none = await startPlayback(t, m, w.course.lessons.v!);
    expect(none.status).toBe(403);
    expect(none.body.detail).toMatch(/could not tell where you are/);
    // staff check their course from anywhere
    const staff = expectStatus(await startPlayback(t, w.owner, w.course.lessons.v!, { 'x-viewer-country': 'US' }), 201).body;
    await end(w.owner, staff.sessionId);
  });

  it('a deny list refuses its countries and admits the rest', async () => {
    expectStatus(await put(w.owner, { deny: ['US'] }), 200);
    const m = await enrolledLearner();
    expect((await startPlayback(t, m, w.course.lessons.v!, { 'x-viewer-country': 'us' })).status).toBe(403);
    const de = expectStatus(await startPlayback(t, m, w.course.lessons.v!, { 'x-viewer-country': 'DE' }), 201).body;
    await end(m, de.sessionId);
    expectStatus(await startPlayback(t, m, w.course.lessons.v!), 201);
    expectStatus(await put(w.owner, {}), 200);
  });
});
