import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/harness.js';
import { addMember, backdateHeartbeat, expectStatus, playbackWorld, type Member, type PlaybackWorld, startPlayback } from './playback-world.fixtures.js';

let t: TestApp;
let w: PlaybackWorld;

beforeAll(async () => {
  t = await createTestApp({ PLAYBACK_MAX_STREAMS: '50' });
  w = await playbackWorld(t);
}, 120_000);
afterAll(() => t?.close());

const beat = (as: Member, id: string, body: unknown) => t.http('POST', `/api/v1/playback/${id}/heartbeat`, { as, headers: as.h(), body });
async function lessonDone(userId: string, lessonId: string): Promise<boolean> {
  const rows = await t.query('select 1 from lesson_progress lp join enrollments e on e.id = lp.enrollment_id where e.user_id = $1 and lp.lesson_id = $2 and lp.completed_at is not null', [userId, lessonId]);
  return rows.length === 1;
}

describe('heartbeats and distinct seconds', () => {
  it('refuse nonsense with 400 and change nothing', async () => {
    const s = expectStatus(await startPlayback(t, w.learner, w.course.lessons.v!), 201).body;
    const bad = [
      { position: 100, ranges: [] },
      { position: -1, ranges: [] },
      { position: 1, ranges: [[0, 9]] },
      { position: 1, ranges: [[3, 2]] },
      { position: 1, ranges: [[-1, 2]] },
      { position: 1, ranges: [[0, 8]] }, // 8 s of video in no wall time at all
      { position: 1, ranges: [[0, 4], [4, 8]] },
      { position: 'x' },
      { position: 1, ranges: [[0, 1]], extra: true },
    ];
    for (const body of bad) {
      const res = await beat(w.learner, s.sessionId, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    const rows = await t.query('select 1 from video_watch_progress where user_id = $1', [w.learner.userId]);
    expect(rows).toHaveLength(0);
    expect((await beat(w.outsider, s.sessionId, { position: 1, ranges: [] })).status).toBe(404);
    expect((await beat(w.stranger, s.sessionId, { position: 1, ranges: [] })).status).toBe(404);
    expect((await t.http('POST', `/api/v1/playback/${s.sessionId}/heartbeat`, { body: { position: 1, ranges: [] } })).status).toBe(401);
  });

  it('seeking to the end does not complete; watching 90% of the distinct seconds does, once', async () => {
    const s = expectStatus(await startPlayback(t, w.learner, w.course.lessons.v!), 201).body;
    const first = expectStatus(await beat(w.learner, s.sessionId, { position: 2, ranges: [[0, 2]] }), 200).body;
    expect(first.progress).toEqual({ distinctSeconds: 2, totalSeconds: 8, percent: 25, completed: false });
    expect(first.stream.token).not.toBe('');
    // seek to the end and watch the last second
    const seek = expectStatus(await beat(w.learner, s.sessionId, { position: 8, ranges: [[7, 8]], event: 'ended' }), 200).body;
    expect(seek.progress.distinctSeconds).toBe(3);
    expect(seek.lessonCompleted).toBe(false);
    // the same seconds again count once
    await backdateHeartbeat(w.db, s.sessionId, 10);
    const rewatch = expectStatus(await beat(w.learner, s.sessionId, { position: 2, ranges: [[0, 2], [7, 8]] }), 200).body;
    expect(rewatch.progress.distinctSeconds).toBe(3);
    await backdateHeartbeat(w.db, s.sessionId, 10);
    const most = expectStatus(await beat(w.learner, s.sessionId, { position: 6, ranges: [[2, 6]] }), 200).body;
    expect(most.progress).toEqual({ distinctSeconds: 7, totalSeconds: 8, percent: 87.5, completed: false });
    expect(await lessonDone(w.learner.userId, w.course.lessons.v!)).toBe(false);
    await backdateHeartbeat(w.db, s.sessionId, 5);
    const done = expectStatus(await beat(w.learner, s.sessionId, { position: 7, ranges: [[6, 7]] }), 200).body;
    expect(done.progress).toEqual({ distinctSeconds: 8, totalSeconds: 8, percent: 100, completed: true });
    expect(done.lessonCompleted).toBe(true);
    expect(await lessonDone(w.learner.userId, w.course.lessons.v!)).toBe(true);
    const again = expectStatus(await beat(w.learner, s.sessionId, { position: 7.5, ranges: [[7, 7.5]] }), 200).body;
    expect(again.lessonCompleted).toBe(false);
    const [sess] = await t.query<{ watched_seconds: number }>('select watched_seconds from playback_sessions where id = $1', [s.sessionId]);
    expect(sess!.watched_seconds).toBeCloseTo(2 + 1 + 3 + 4 + 1 + 0.5, 5);
  });

  it('remembers the position to resume from, and a pagehide heartbeat ends the session', async () => {
    const m = await addMember(t, w.owner.orgId, 'learner');
    expectStatus(await t.http('POST', `/api/v1/courses/${w.course.id}/enroll`, { as: m, headers: m.h() }), 201);
    const s = expectStatus(await startPlayback(t, m, w.course.lessons.v!), 201).body;
    expect(s.resumePosition).toBe(0);
    expectStatus(await beat(m, s.sessionId, { position: 3.5, ranges: [[0, 3.5]], event: 'pagehide' }), 200);
    expect((await t.http('GET', s.stream.hls)).status).toBe(403);
    const next = expectStatus(await startPlayback(t, m, w.course.lessons.v!), 201).body;
    expect(next.resumePosition).toBe(3.5);
    expect(next.progress.distinctSeconds).toBe(3);
  });

  it('records a preview viewer without completing a lesson they are not enrolled in', async () => {
    const s = expectStatus(await startPlayback(t, w.outsider, w.course.lessons.p!), 201).body;
    await backdateHeartbeat(w.db, s.sessionId, 10);
    const res = expectStatus(await beat(w.outsider, s.sessionId, { position: 8, ranges: [[0, 8]] }), 200).body;
    expect(res.progress.completed).toBe(true);
    expect(res.lessonCompleted).toBe(false);
  });
});

describe('video analytics', () => {
  it('computes views, viewers, watch time, average % and the 5% drop-off curve from a crafted data set', async () => {
    const v = w.preview.videoId; // 8 s; the preview test above left its rows on it: start from a clean slate
    await t.query('delete from playback_sessions where video_id = $1', [v]);
    await t.query('delete from video_watch_progress where video_id = $1', [v]);
    const [a, b, c] = [w.learner.userId, w.outsider.userId, w.owner.userId];
    const session = (user: string, watched: number) =>
      t.query(
        "insert into playback_sessions (id, organization_id, user_id, video_id, course_id, lesson_id, access, watched_seconds) values (gen_random_uuid(), $1, $2, $3, $4, $5, 'enrolled', $6)",
        [w.owner.orgId, user, v, w.course.id, w.course.lessons.p, watched],
      );
    await session(a, 8);
    await session(a, 4);
    await session(b, 4);
    await session(c, 0);
    const progress = (user: string, bits: number, distinct: number, completed: boolean) =>
      t.query(
        'insert into video_watch_progress (id, organization_id, user_id, video_id, total_seconds, watched, distinct_seconds, completed_at) values (gen_random_uuid(), $1, $2, $3, 8, $4, $5, $6)',
        [w.owner.orgId, user, v, Buffer.from([bits]), distinct, completed ? new Date() : null],
      );
    await progress(a, 0xff, 8, true); // every second
    await progress(b, 0b1100_0011, 4, false); // seconds 0, 1, 6, 7: skipped the middle
    // c started but never sent a heartbeat: a view, 0% watched

    const res = expectStatus(await t.http('GET', `/api/v1/videos/${v}/analytics`, { as: w.owner, headers: w.owner.h() }), 200).body;
    expect(res).toMatchObject({ videoId: v, durationSeconds: 8, views: 4, uniqueViewers: 3, totalWatchSeconds: 16, averagePercentWatched: 50, completions: 1 });
    // 8 s in 20 buckets of 0.4 s: second 0 spans buckets 0-2, 1: 2-4, 6: 15-17, 7: 17-19
    const expected = Array.from({ length: 20 }, (_, i) => (i <= 4 || i >= 15 ? 2 : 1));
    expect(res.dropOff.map((d: { viewers: number }) => d.viewers)).toEqual(expected);
    expect(res.dropOff[0]).toEqual({ fromPercent: 0, toPercent: 5, viewers: 2, share: 0.6667 });
    expect(res.dropOff[10]).toEqual({ fromPercent: 50, toPercent: 55, viewers: 1, share: 0.3333 });
  });

  it('are for course staff of the organization only', async () => {
    const v = w.video.videoId;
    expect((await t.http('GET', `/api/v1/videos/${v}/analytics`, { as: w.learner, headers: w.learner.h() })).status).toBe(403);
    expect((await t.http('GET', `/api/v1/videos/${v}/analytics`, { as: w.stranger, headers: w.stranger.h() })).status).toBe(404);
    expect((await t.http('GET', `/api/v1/videos/${v}/analytics`)).status).toBe(401);
    const empty = expectStatus(await t.http('GET', `/api/v1/videos/${w.video.videoId}/analytics`, { as: w.owner, headers: w.owner.h() }), 200).body;
    expect(empty.dropOff).toHaveLength(20);
  });
});
