import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { DB, type Database } from '../../../../kernel/db/index.js';
import { STORAGE, type Storage } from '../../../../kernel/storage/index.js';
import type { HttpResult, Session, TestApp } from '../../../../test/harness.js';
import { OrganizationsService } from '../../../identity/index.js';
import { HlsKeyVault } from '../hls-keys.js';
import { createReadyVideo, type ReadyVideo, type ReadyVideoSpec } from './demo-video.js';

/*
 * The cast and course the playback API tests share (tests only): an owner who teaches the course,
 * an enrolled learner, a member who is not enrolled, and the owner of another organization.
 * Lessons: `v` a video lesson, `p` a free preview video lesson, `t` a text lesson, `w` a video
 * lesson whose video is still transcoding.
 */
export interface Member extends Session {
  orgId: string;
  h(): Record<string, string>;
}

export interface BuiltCourse {
  id: string;
  lessons: Record<string, string>;
}

const uniq = () => randomUUID().slice(0, 8);

function ok(res: HttpResult, what: string, status = 201): HttpResult {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.text}`);
  return res;
}

/** A new organization through the API; its creator is the owner. */
export async function createOrg(t: TestApp, name: string): Promise<Member> {
  const owner = await t.signUp(`owner-${uniq()}@example.test`, { name: 'Owner' });
  const res = ok(await t.http('POST', '/api/v1/organizations', { as: owner, body: { name: `${name} ${uniq()}` } }), 'create organization');
  const orgId = res.body.id as string;
  return { ...owner, orgId, h: () => owner.headers(orgId) };
}

/** A new user added to the organization with `role`, through identity's service. */
export async function addMember(t: TestApp, orgId: string, role: string, opts: { name?: string } = {}): Promise<Member> {
  const s = await t.signUp(`${role}-${uniq()}@example.test`, { name: opts.name ?? role });
  await t.app.get(OrganizationsService).addMember(t.app.get<symbol, Database>(DB), { organizationId: orgId, userId: s.userId, role, via: 'admin' });
  return { ...s, orgId, h: () => s.headers(orgId) };
}

/** A public free course with one section of lessons, published, through the courses API. */
async function buildCourse(t: TestApp, as: Member, lessons: { key: string; type: 'video' | 'text'; isPreview?: boolean }[]): Promise<BuiltCourse> {
  const id = ok(await t.http('POST', '/api/v1/courses', { as, headers: as.h(), body: { title: 'Video course', visibility: 'public', isFree: true } }), 'create course').body.id as string;
  const sec = ok(await t.http('POST', `/api/v1/courses/${id}/sections`, { as, headers: as.h(), body: { title: 'Videos' } }), 'create section').body.id as string;
  const out: Record<string, string> = {};
  for (const l of lessons) {
    const body = { title: `Lesson ${l.key}`, type: l.type, isPreview: l.isPreview ?? false, ...(l.type === 'text' ? { body: { markdown: 'Some text.' } } : {}) };
    out[l.key] = ok(await t.http('POST', `/api/v1/courses/${id}/sections/${sec}/lessons`, { as, headers: as.h(), body }), 'create lesson').body.id as string;
  }
  ok(await t.http('POST', `/api/v1/courses/${id}/publish`, { as, headers: as.h() }), 'publish', 200);
  return { id, lessons: out };
}

export interface PlaybackWorld {
  owner: Member;
  learner: Member;
  outsider: Member;
  stranger: Member;
  course: BuiltCourse;
  video: ReadyVideo;
  preview: ReadyVideo;
  db: Database;
  storage: Storage;
}

export async function playbackWorld(t: TestApp, opts: { encrypted?: boolean } = {}): Promise<PlaybackWorld> {
  const owner = await createOrg(t, 'Video school');
  const learner = await addMember(t, owner.orgId, 'learner', { name: 'Lena Learner' });
  const outsider = await addMember(t, owner.orgId, 'learner', { name: 'Otto Outsider' });
  const stranger = await createOrg(t, 'Elsewhere');
  const course = await buildCourse(t, owner, [
    { key: 'v', type: 'video' },
    { key: 'p', type: 'video', isPreview: true },
    { key: 't', type: 'text' },
    { key: 'w', type: 'video' },
  ]);
  const en = await t.http('POST', `/api/v1/courses/${course.id}/enroll`, { as: learner, headers: learner.h() });
  if (en.status !== 201) throw new Error(`enroll: ${en.status} ${en.text}`);
  const db = t.app.get<symbol, Database>(DB);
  const storage = t.app.get<symbol, Storage>(STORAGE);
  const base: Omit<ReadyVideoSpec, 'lessonId'> = { organizationId: owner.orgId, courseId: course.id, createdBy: owner.userId };
  const video = await createReadyVideo(db, storage, { ...base, lessonId: course.lessons.v!, encrypted: opts.encrypted ?? false, keys: t.app.get(HlsKeyVault) });
  const preview = await createReadyVideo(db, storage, { ...base, lessonId: course.lessons.p!, captions: false });
  await createReadyVideo(db, storage, { ...base, lessonId: course.lessons.w!, status: 'transcoding' });
  return { owner, learner, outsider, stranger, course, video, preview, db, storage };
}

export async function startPlayback(t: TestApp, as: Member, lessonId: string, headers: Record<string, string> = {}): Promise<HttpResult> {
  return t.http('POST', `/api/v1/lessons/${lessonId}/playback`, { as, headers: { ...as.h(), ...headers } });
}

export function expectStatus(res: HttpResult, status: number): HttpResult {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  return res;
}

/** Moves a session's last heartbeat into the past (tests: wall time between heartbeats, staleness). */
export async function backdateHeartbeat(db: Database, sessionId: string, seconds: number): Promise<void> {
  await db.execute(sql`update playback_sessions set last_heartbeat_at = now() - make_interval(secs => ${seconds}) where id = ${sessionId}`);
}
