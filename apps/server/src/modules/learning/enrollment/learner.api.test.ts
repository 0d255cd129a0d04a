import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, type Database } from '../../../kernel/db/index.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { createTestApp, type Session, type TestApp } from '../../../test/harness.js';
import { ExpireEnrollmentsJob } from './enrollment.jobs.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, jobsLeftAfterDrain, type Member, signUp } from './enrollment.fixtures.js';

const DAY = 86400_000;

let t: TestApp;
let instructor: Member;
let member: Member; // org member, not enrolled anywhere
let foreignOwner: Member;
let student: Session; // enrolled in the public course
let course: BuiltCourse; // public
let orgCourse: BuiltCourse; // organization-only
let studentEnrollment: string;

beforeAll(async () => {
  t = await createTestApp();
  const owner = await createOrg(t, 'School');
  instructor = await addMember(t, owner.orgId, 'instructor');
  member = await addMember(t, owner.orgId, 'learner');
  foreignOwner = await createOrg(t, 'Rival');
  course = await buildCourse(t, instructor, {
    title: 'Gardening',
    visibility: 'public',
    sections: [
      {
        title: 'Start',
        lessons: [{ key: 'intro', isPreview: true }, { key: 'read' }, { key: 'link', type: 'link', prerequisites: ['read'] }],
      },
      {
        title: 'Later',
        lessons: [
          { key: 'video', type: 'video' },
          { key: 'drip', dripDays: 7 },
          { key: 'dated', dripDate: '2099-01-01T00:00:00Z' },
          { key: 'extra', required: false },
        ],
      },
    ],
  });
  orgCourse = await buildCourse(t, instructor, { visibility: 'organization', sections: [{ title: 'Only', lessons: [{ key: 'a', isPreview: true }, { key: 'b' }] }] });
  student = await signUp(t, 'student', 'Sam Student');
  studentEnrollment = (await t.http('POST', `/api/v1/courses/${course.id}/enroll`, { as: student })).body.enrollment.id;
});
afterAll(() => t?.close());

const me = (path: string) => `/api/v1/me${path}`;
type OutlineLesson = { id: string; completed: boolean; locked: boolean; lock: null | { reason: string; availableAt?: string; missingLessonIds?: string[] } };
const lessonsOf = (outline: { sections: { lessons: OutlineLesson[] }[] }) => new Map(outline.sections.flatMap((s) => s.lessons).map((l) => [l.id, l]));

describe('outline', () => {
  it('shows the live outline with each lesson\'s lock and why', async () => {
    const res = await t.http('GET', me(`/courses/${course.id}/outline`), { as: student });
    expect(res.status).toBe(200);
    expect(res.body.course).toMatchObject({ id: course.id, title: 'Gardening' });
    expect(res.body.enrollment).toMatchObject({ id: studentEnrollment, status: 'active' });
    expect(res.body.sections.map((s: { title: string; lessons: unknown[] }) => [s.title, s.lessons.length])).toEqual([
      ['Start', 3],
      ['Later', 4],
    ]);
    expect(res.body.progress).toEqual({ percent: 0, completedLessons: 0, totalLessons: 6 });
    const l = lessonsOf(res.body);
    const L = course.lessons;
    expect(l.get(L.intro!)).toMatchObject({ locked: false, lock: null, completed: false });
    expect(l.get(L.read!)).toMatchObject({ locked: false });
    expect(l.get(L.link!)).toMatchObject({ locked: true, lock: { reason: 'prerequisites', missingLessonIds: [L.read] } });
    const [{ enrolled_at }] = await t.query<{ enrolled_at: Date }>('SELECT enrolled_at FROM enrollments WHERE id = $1', [studentEnrollment]);
    expect(l.get(L.drip!)!.lock).toEqual({ reason: 'drip', availableAt: new Date(enrolled_at.getTime() + 7 * DAY).toISOString() });
    expect(l.get(L.dated!)!.lock).toEqual({ reason: 'drip', availableAt: '2099-01-01T00:00:00.000Z' });
    expect(l.get(L.extra!)).toMatchObject({ locked: false });
  });

  it('shows people who are not enrolled everything locked but the previews', async () => {
    const visitor = await signUp(t, 'visitor');
    const res = await t.http('GET', me(`/courses/${course.id}/outline`), { as: visitor });
    expect(res.status).toBe(200);
    expect(res.body.enrollment).toBeNull();
    const l = lessonsOf(res.body);
    expect(l.get(course.lessons.intro!)!.locked).toBe(false);
    expect(l.get(course.lessons.read!)!.lock).toEqual({ reason: 'not_enrolled' });
  });

  it('hides organization courses from other organizations and anonymous callers', async () => {
    expect((await t.http('GET', me(`/courses/${orgCourse.id}/outline`))).status).toBe(401);
    expect((await t.http('GET', me(`/courses/${orgCourse.id}/outline`), { as: foreignOwner, headers: foreignOwner.h() })).status).toBe(404);
    expect((await t.http('GET', me(`/courses/${orgCourse.id}/outline`), { as: student })).status).toBe(404);
    const mine = await t.http('GET', me(`/courses/${orgCourse.id}/outline`), { as: member, headers: member.h() });
    expect(mine.status).toBe(200);
    expect((await t.http('GET', me('/courses/nope/outline'), { as: student })).status).toBe(400);
  });
});

describe('lesson content', () => {
  it('serves preview lessons to anyone who sees the course, other lessons to the enrolled', async () => {
    const visitor = await signUp(t, 'reader');
    const preview = await t.http('GET', me(`/courses/${course.id}/lessons/${course.lessons.intro}`), { as: visitor });
    expect(preview.status).toBe(200);
    expect(preview.body.body.html).toContain('<h1');
    const closed = await t.http('GET', me(`/courses/${course.id}/lessons/${course.lessons.read}`), { as: visitor });
    expect(closed.status).toBe(403);
    expect(closed.body).toMatchObject({ code: 'lesson_locked', lock: { reason: 'not_enrolled' } });
    const open = await t.http('GET', me(`/courses/${course.id}/lessons/${course.lessons.read}`), { as: student });
    expect(open.status).toBe(200);
    expect(open.body.lesson).toMatchObject({ id: course.lessons.read, sectionTitle: 'Start', type: 'text', completed: false });
    expect(open.body.body.markdown).toContain('Some text');
  });

  it('refuses locked lessons with the lock in the problem', async () => {
    const prereq = await t.http('GET', me(`/courses/${course.id}/lessons/${course.lessons.link}`), { as: student });
    expect(prereq.status).toBe(403);
    expect(prereq.body.lock).toEqual({ reason: 'prerequisites', missingLessonIds: [course.lessons.read] });
    const drip = await t.http('GET', me(`/courses/${course.id}/lessons/${course.lessons.drip}`), { as: student });
    expect(drip.status).toBe(403);
    expect(drip.body.lock.reason).toBe('drip');
  });

  it('refuses anonymous callers, other organizations, unknown lessons and bad ids', async () => {
    const url = me(`/courses/${orgCourse.id}/lessons/${orgCourse.lessons.a}`);
    expect((await t.http('GET', url)).status).toBe(401);
    expect((await t.http('GET', url, { as: foreignOwner, headers: foreignOwner.h() })).status).toBe(404);
    expect((await t.http('GET', url, { as: member, headers: member.h() })).status).toBe(200);
    expect((await t.http('GET', me(`/courses/${course.id}/lessons/${orgCourse.lessons.b}`), { as: student })).status).toBe(404);
    expect((await t.http('GET', me(`/courses/${course.id}/lessons/x`), { as: student })).status).toBe(400);
  });
});

describe('drip', () => {
  it('opens a dripped lesson N days after enrollment', async () => {
    const late = await signUp(t, 'late');
    await t.http('POST', `/api/v1/courses/${course.id}/enroll`, { as: late });
    const url = me(`/courses/${course.id}/lessons/${course.lessons.drip}`);
    expect((await t.http('GET', url, { as: late })).status).toBe(403);
    await t.query(`UPDATE enrollments SET enrolled_at = now() - interval '8 days' WHERE course_id = $1 AND user_id = $2`, [course.id, late.userId]);
    expect((await t.http('GET', url, { as: late })).status).toBe(200);
    // A date in the future still holds its lesson back.
    expect((await t.http('GET', me(`/courses/${course.id}/lessons/${course.lessons.dated}`), { as: late })).status).toBe(403);
  });

  it('counts drip days from the cohort start when the learner is in a cohort', async () => {
    const c = await signUp(t, 'cohorted');
    const enr = await t.http('POST', `/api/v1/courses/${course.id}/enrollments`, { as: instructor, headers: instructor.h(), body: { emails: [c.email] } });
    const cohort = await t.http('POST', `/api/v1/courses/${course.id}/cohorts`, {
      as: instructor,
      headers: instructor.h(),
      body: { name: 'Early birds', startsAt: new Date(Date.now() - 10 * DAY).toISOString() },
    });
    const url = me(`/courses/${course.id}/lessons/${course.lessons.drip}`);
    expect((await t.http('GET', url, { as: c })).status).toBe(403);
    await t.http('POST', `/api/v1/courses/${course.id}/cohorts/${cohort.body.id}/learners`, {
      as: instructor,
      headers: instructor.h(),
      body: { enrollmentIds: [enr.body.items[0].enrollmentId] },
    });
    expect((await t.http('GET', url, { as: c })).status).toBe(200);
  });
});

describe('continue and my learning', () => {
  it('resumes the last lesson opened, with the saved position, then moves on', async () => {
    const s = await signUp(t, 'resumer');
    await t.http('POST', `/api/v1/courses/${course.id}/enroll`, { as: s });
    const start = await t.http('GET', me(`/courses/${course.id}/continue`), { as: s });
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({ reason: 'start', lesson: { id: course.lessons.intro } });
    await t.http('GET', me(`/courses/${course.id}/lessons/${course.lessons.read}`), { as: s });
    const pos = await t.http('PUT', me(`/courses/${course.id}/lessons/${course.lessons.read}/position`), { as: s, body: { position: 42.5 } });
    expect(pos.status).toBe(200);
    expect(pos.body).toMatchObject({ lessonId: course.lessons.read, position: 42.5 });
    const resume = await t.http('GET', me(`/courses/${course.id}/continue`), { as: s });
    expect(resume.body).toMatchObject({ reason: 'resume', lesson: { id: course.lessons.read, sectionTitle: 'Start' }, lastPosition: 42.5 });
    await t.http('POST', me(`/courses/${course.id}/lessons/${course.lessons.read}/complete`), { as: s });
    const next = await t.http('GET', me(`/courses/${course.id}/continue`), { as: s });
    expect(next.body).toMatchObject({ reason: 'next', lesson: { id: course.lessons.link } });

    const mine = await t.http('GET', me('/enrollments'), { as: s });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).toMatchObject({
      course: { id: course.id, title: 'Gardening' },
      enrollment: { status: 'active' },
      progress: { percent: 16, completedLessons: 1, totalLessons: 6 },
      lastLesson: { id: course.lessons.read },
      continue: { reason: 'next', lesson: { id: course.lessons.link } },
    });
    const outline = await t.http('GET', me(`/courses/${course.id}/outline`), { as: s });
    expect(lessonsOf(outline.body).get(course.lessons.read!)).toMatchObject({ completed: true, lastPosition: 42.5 });
  });

  it('lists every course of the caller, newest first, paged; revoked ones only on request', async () => {
    const multi = await addMember(t, instructor.orgId, 'learner');
    await t.http('POST', `/api/v1/courses/${course.id}/enroll`, { as: multi });
    await t.http('POST', `/api/v1/courses/${orgCourse.id}/enroll`, { as: multi, headers: multi.h() });
    const p1 = await t.http('GET', me('/enrollments?limit=1'), { as: multi });
    const p2 = await t.http('GET', me(`/enrollments?limit=1&cursor=${p1.body.nextCursor}`), { as: multi });
    expect([p1.body.items[0].course.id, p2.body.items[0].course.id, p2.body.nextCursor]).toEqual([orgCourse.id, course.id, null]);
    const enrollmentId = p1.body.items[0].enrollment.id;
    await t.http('DELETE', `/api/v1/courses/${orgCourse.id}/enrollments/${enrollmentId}`, { as: instructor, headers: instructor.h() });
    const after = await t.http('GET', me('/enrollments'), { as: multi });
    expect(after.body.items.map((i: { course: { id: string } }) => i.course.id)).toEqual([course.id]);
    const revoked = await t.http('GET', me('/enrollments?status=revoked'), { as: multi });
    expect(revoked.body.items.map((i: { enrollment: { id: string } }) => i.enrollment.id)).toEqual([enrollmentId]);
    expect(revoked.body.items[0].continue).toBeNull();
  });

  it('refuses anonymous callers, the unenrolled and bad input', async () => {
    expect((await t.http('GET', me('/enrollments'))).status).toBe(401);
    expect((await t.http('GET', me(`/courses/${course.id}/continue`))).status).toBe(401);
    expect((await t.http('PUT', me(`/courses/${course.id}/lessons/${course.lessons.read}/position`), { body: { position: 1 } })).status).toBe(401);
    const visitor = await signUp(t, 'idle');
    const cont = await t.http('GET', me(`/courses/${course.id}/continue`), { as: visitor });
    expect(cont.status).toBe(403);
    expect(cont.body.code).toBe('not_enrolled');
    expect((await t.http('PUT', me(`/courses/${course.id}/lessons/${course.lessons.read}/position`), { as: visitor, body: { position: 1 } })).status).toBe(403);
    expect((await t.http('GET', me(`/courses/${orgCourse.id}/continue`), { as: foreignOwner, headers: foreignOwner.h() })).status).toBe(404);
    for (const body of [{}, { position: -1 }, { position: '3' }, { position: 1, extra: 1 }]) {
      const res = await t.http('PUT', me(`/courses/${course.id}/lessons/${course.lessons.intro}/position`), { as: student, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    // A locked lesson has no position to save.
    expect((await t.http('PUT', me(`/courses/${course.id}/lessons/${course.lessons.drip}/position`), { as: student, body: { position: 3 } })).status).toBe(403);
    expect(await count(t, 'SELECT count(*) AS n FROM lesson_progress WHERE enrollment_id = $1', [studentEnrollment])).toBe(0);
    expect((await t.http('GET', me('/enrollments?limit=0'), { as: student })).status).toBe(400);
    expect((await t.http('GET', me('/enrollments?status=lost'), { as: student })).status).toBe(400);
  });
});

describe('expiry', () => {
  it('ends access at expires_at, and the daily job stores the expired status', async () => {
    const s = await signUp(t, 'expiring');
    const res = await t.http('POST', `/api/v1/courses/${course.id}/enrollments`, {
      as: instructor,
      headers: instructor.h(),
      body: { emails: [s.email], expiresAt: new Date(Date.now() + DAY).toISOString() },
    });
    const id = res.body.items[0].enrollmentId;
    const url = me(`/courses/${course.id}/lessons/${course.lessons.read}`);
    expect((await t.http('GET', url, { as: s })).status).toBe(200);
    await t.query(`UPDATE enrollments SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);

    const locked = await t.http('GET', url, { as: s });
    expect(locked.status).toBe(403);
    expect(locked.body.lock).toEqual({ reason: 'not_enrolled' });
    const done = await t.http('POST', me(`/courses/${course.id}/lessons/${course.lessons.read}/complete`), { as: s });
    expect(done.status).toBe(403);
    expect(done.body.code).toBe('not_enrolled');
    const mine = await t.http('GET', me('/enrollments'), { as: s });
    expect(mine.body.items[0]).toMatchObject({ enrollment: { status: 'expired' }, continue: null });
    const outline = await t.http('GET', me(`/courses/${course.id}/outline`), { as: s });
    expect(outline.body.enrollment.status).toBe('expired');

    // Stored status is still active until the sweep runs.
    const [before] = await t.query<{ status: string }>('SELECT status FROM enrollments WHERE id = $1', [id]);
    expect(before!.status).toBe('active');
    const jobs = t.app.get(JobsService);
    expect(jobs.registry.cronEntries().map((c) => [c.job.name, c.pattern])).toContainEqual([ExpireEnrollmentsJob.name, '* * * * *']);
    await jobs.enqueue(t.app.get<symbol, Database>(DB), ExpireEnrollmentsJob, {});
    await t.drain();
    expect(await jobsLeftAfterDrain(t, ExpireEnrollmentsJob.name)).toEqual([]);
    const [after] = await t.query<{ status: string }>('SELECT status FROM enrollments WHERE id = $1', [id]);
    expect(after!.status).toBe('expired');

    // Enrolling again restores access.
    const again = await t.http('POST', `/api/v1/courses/${course.id}/enrollments`, { as: instructor, headers: instructor.h(), body: { emails: [s.email] } });
    expect(again.body.items[0]).toMatchObject({ result: 'enrolled', enrollmentId: id });
    expect((await t.http('GET', url, { as: s })).status).toBe(200);
  });
});
