import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, type Database } from '../../../kernel/db/index.js';
import { createTestApp, type Session, type TestApp } from '../../../test/harness.js';
import { CourseCompleted, LessonCompleted } from '../learning.events.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, jobsLeftAfterDrain, type Member, observe, signUp } from './enrollment.fixtures.js';
import { LearnerService, ProgressService } from './index.js';

let t: TestApp;
let instructor: Member;
let foreignOwner: Member;
let course: BuiltCourse; // read -> link (prerequisite) -> video, + an optional lesson
let orgCourse: BuiltCourse;
let lessonEvents: { lessonId: string; userId: string; enrollmentId: string }[];
let courseEvents: { courseId: string; userId: string; enrollmentId: string; completedAt: string }[];

beforeAll(async () => {
  t = await createTestApp();
  lessonEvents = observe(t, LessonCompleted, 'lesson-completed');
  courseEvents = observe(t, CourseCompleted, 'course-completed');
  const owner = await createOrg(t, 'Progress');
  instructor = await addMember(t, owner.orgId, 'instructor');
  foreignOwner = await createOrg(t, 'Elsewhere');
  course = await buildCourse(t, instructor, {
    visibility: 'public',
    sections: [
      { title: 'One', lessons: [{ key: 'read' }, { key: 'link', type: 'link', prerequisites: ['read'] }] },
      { title: 'Two', lessons: [{ key: 'video', type: 'video' }, { key: 'bonus', required: false }] },
    ],
  });
  orgCourse = await buildCourse(t, instructor, { visibility: 'organization', sections: [{ title: 'S', lessons: [{ key: 'a' }] }] });
});
afterAll(() => t?.close());

async function enroll(who: Session, c: BuiltCourse = course): Promise<string> {
  const res = await t.http('POST', `/api/v1/courses/${c.id}/enroll`, { as: who });
  if (res.status !== 201) throw new Error(res.text);
  return res.body.enrollment.id;
}
const complete = (who: Session, lessonId: string, c: BuiltCourse = course, headers?: Record<string, string>) =>
  t.http('POST', `/api/v1/me/courses/${c.id}/lessons/${lessonId}/complete`, { as: who, headers });

/** What another module (video, quiz) does when its lesson is done. */
async function recordFromModule(who: Session, lessonId: string, source: string) {
  const progress = t.app.get(ProgressService);
  return t.app.get<symbol, Database>(DB).transaction((tx) => progress.recordLessonCompletion(tx, { userId: who.userId, courseId: course.id, lessonId, source }));
}

describe('lesson completion', () => {
  it('goes to 100% over the required lessons, completing the course once, and the course.completed job runs', async () => {
    const s = await signUp(t, 'finisher');
    const enrollmentId = await enroll(s);
    const L = course.lessons;

    const locked = await complete(s, L.link!);
    expect(locked.status).toBe(403);
    expect(locked.body.lock).toEqual({ reason: 'prerequisites', missingLessonIds: [L.read] });

    const r1 = await complete(s, L.read!);
    expect(r1.status).toBe(200);
    expect(r1.body).toMatchObject({ lessonId: L.read, newlyCompleted: true, courseCompleted: false, enrollmentStatus: 'active', progress: { percent: 33, completedLessons: 1, totalLessons: 3 } });
    const bonus = await complete(s, L.bonus!);
    expect(bonus.body.progress.percent).toBe(33); // optional lessons do not count
    const r2 = await complete(s, L.link!);
    expect(r2.body.progress.percent).toBe(66);

    const video = await complete(s, L.video!);
    expect(video.status).toBe(422);
    expect(video.body.code).toBe('completion_not_manual');

    const done = await recordFromModule(s, L.video!, 'video');
    expect(done).toMatchObject({ newlyCompleted: true, courseCompleted: true, progress: { percent: 100, completedLessons: 3, totalLessons: 3 } });

    await t.drain();
    expect(await jobsLeftAfterDrain(t, 'event:course.completed:%')).toEqual([]);
    expect(courseEvents.filter((e) => e.enrollmentId === enrollmentId)).toEqual([
      expect.objectContaining({ courseId: course.id, userId: s.userId, enrollmentId }),
    ]);
    expect(lessonEvents.filter((e) => e.enrollmentId === enrollmentId).map((e) => e.lessonId).sort()).toEqual([L.read, L.link, L.bonus, L.video].sort());

    const list = await t.http('GET', `/api/v1/courses/${course.id}/enrollments/${enrollmentId}`, { as: instructor, headers: instructor.h() });
    expect(list.body).toMatchObject({ status: 'completed', progress: { percent: 100 } });
    expect(list.body.completedAt).toBe(courseEvents.find((e) => e.enrollmentId === enrollmentId)!.completedAt);
    const [row] = await t.query<{ completion_source: string }>('SELECT completion_source FROM lesson_progress WHERE enrollment_id = $1 AND lesson_id = $2', [enrollmentId, L.video]);
    expect(row!.completion_source).toBe('video');
    const mine = await t.http('GET', '/api/v1/me/enrollments', { as: s });
    expect(mine.body.items[0]).toMatchObject({ enrollment: { status: 'completed' }, progress: { percent: 100 }, continue: { reason: 'completed' } });
  });

  it('is idempotent: completing again changes nothing and emits nothing', async () => {
    const s = await signUp(t, 'repeater');
    const enrollmentId = await enroll(s);
    const first = await complete(s, course.lessons.read!);
    const again = await complete(s, course.lessons.read!);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ newlyCompleted: false, courseCompleted: false, completedAt: first.body.completedAt });
    await t.drain();
    expect(lessonEvents.filter((e) => e.enrollmentId === enrollmentId)).toHaveLength(1);
    expect(await count(t, 'SELECT count(*) AS n FROM lesson_progress WHERE enrollment_id = $1', [enrollmentId])).toBe(1);
  });

  it('completes the course exactly once under concurrent completions', async () => {
    const s = await signUp(t, 'racer');
    const enrollmentId = await enroll(s);
    await complete(s, course.lessons.read!);
    await complete(s, course.lessons.link!);
    // The last lesson reported by the video module several times at once, plus the learner racing on others.
    const results = await Promise.all([
      recordFromModule(s, course.lessons.video!, 'video'),
      recordFromModule(s, course.lessons.video!, 'video'),
      recordFromModule(s, course.lessons.video!, 'video'),
      complete(s, course.lessons.bonus!),
      complete(s, course.lessons.bonus!),
    ]);
    const direct = results.slice(0, 3) as Awaited<ReturnType<typeof recordFromModule>>[];
    expect(direct.filter((r) => r.newlyCompleted)).toHaveLength(1);
    expect(direct.filter((r) => r.courseCompleted)).toHaveLength(1);
    await t.drain();
    expect(courseEvents.filter((e) => e.enrollmentId === enrollmentId)).toHaveLength(1);
    expect(lessonEvents.filter((e) => e.enrollmentId === enrollmentId)).toHaveLength(4);
  });

  it('refuses anonymous callers, other organizations, the unenrolled and bad input, writing nothing', async () => {
    const url = `/api/v1/me/courses/${orgCourse.id}/lessons/${orgCourse.lessons.a}/complete`;
    expect((await t.http('POST', url)).status).toBe(401);
    expect((await t.http('POST', url, { as: foreignOwner, headers: foreignOwner.h() })).status).toBe(404);
    const member = await addMember(t, instructor.orgId, 'learner');
    const notEnrolled = await t.http('POST', url, { as: member, headers: member.h() });
    expect(notEnrolled.status).toBe(403);
    expect(notEnrolled.body.code).toBe('not_enrolled');
    const s = await signUp(t, 'careless');
    await enroll(s);
    expect((await complete(s, 'nope')).status).toBe(400);
    expect((await complete(s, orgCourse.lessons.a!)).status).toBe(404);
    expect(await count(t, 'SELECT count(*) AS n FROM lesson_progress WHERE user_id = ANY($1)', [[member.userId, s.userId]])).toBe(0);
    await expect(recordFromModule(member, course.lessons.video!, 'video')).rejects.toMatchObject({ code: 'not_enrolled' });
  });

  it('tells other modules whether a learner may open a lesson', async () => {
    const s = await signUp(t, 'asker');
    const access = t.app.get(LearnerService);
    const L = course.lessons;
    expect(await access.lessonAccess(s.userId, course.id, L.video!)).toMatchObject({ allowed: false, reason: 'locked', lock: { reason: 'not_enrolled' } });
    const enrollmentId = await enroll(s);
    expect(await access.lessonAccess(s.userId, course.id, L.video!)).toMatchObject({ allowed: true, enrollmentId, lesson: { id: L.video, type: 'video' } });
    expect(await access.lessonAccess(s.userId, course.id, L.link!)).toMatchObject({ allowed: false, lock: { reason: 'prerequisites' } });
    expect(await access.lessonAccess(s.userId, course.id, orgCourse.lessons.a!)).toMatchObject({ allowed: false, reason: 'lesson_not_found' });
    expect(await access.lessonAccess(foreignOwner.userId, orgCourse.id, orgCourse.lessons.a!)).toMatchObject({ allowed: false, reason: 'course_not_visible' });
  });
});
