import { DB, type Database } from '../../../../kernel/db/index.js';
import { STORAGE, type Storage } from '../../../../kernel/storage/index.js';
import type { HttpResult, TestApp } from '../../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, createOrg, type Member } from '../../../learning/enrollment/enrollment.fixtures.js';
import { createReadyVideo, type ReadyVideo, type ReadyVideoSpec } from './playback.fixtures.js';

/*
 * The cast and course the playback API tests share (tests only): an owner who teaches the course,
 * an enrolled learner, a member who is not enrolled, and the owner of another organization.
 * Lessons: `v` a video lesson, `p` a free preview video lesson, `t` a text lesson, `w` a video
 * lesson whose video is still transcoding.
 */
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
  const course = await buildCourse(t, owner, {
    sections: [{ title: 'Videos', lessons: [{ key: 'v', type: 'video' }, { key: 'p', type: 'video', isPreview: true }, { key: 't' }, { key: 'w', type: 'video' }] }],
  });
  const en = await t.http('POST', `/api/v1/courses/${course.id}/enroll`, { as: learner, headers: learner.h() });
  if (en.status !== 201) throw new Error(`enroll: ${en.status} ${en.text}`);
  const db = t.app.get<symbol, Database>(DB);
  const storage = t.app.get<symbol, Storage>(STORAGE);
  const base: Omit<ReadyVideoSpec, 'lessonId'> = { organizationId: owner.orgId, courseId: course.id, createdBy: owner.userId };
  const video = await createReadyVideo(db, storage, { ...base, lessonId: course.lessons.v!, encrypted: opts.encrypted ?? false });
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
