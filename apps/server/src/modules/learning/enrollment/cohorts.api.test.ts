import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type Member, signUp } from './enrollment.fixtures.js';

let t: TestApp;
let owner: Member;
let instructor: Member;
let otherInstructor: Member;
let learner: Member;
let foreignOwner: Member;
let course: BuiltCourse;
let otherCourse: BuiltCourse;
let people: Session[];
let enrollmentIds: string[];

const cohortsOf = (courseId: string) => count(t, 'SELECT count(*) AS n FROM cohorts WHERE course_id = $1', [courseId]);

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOrg(t, 'Cohorts');
  instructor = await addMember(t, owner.orgId, 'instructor');
  otherInstructor = await addMember(t, owner.orgId, 'instructor');
  learner = await addMember(t, owner.orgId, 'learner');
  foreignOwner = await createOrg(t, 'Elsewhere');
  course = await buildCourse(t, instructor, { visibility: 'organization' });
  otherCourse = await buildCourse(t, instructor, { visibility: 'organization' });
  people = [await signUp(t, 'ann', 'Ann Cohort'), await signUp(t, 'bob', 'Bob Cohort'), await signUp(t, 'cid', 'Cid Cohort')];
  const res = await t.http('POST', `/api/v1/courses/${course.id}/enrollments`, {
    as: instructor,
    headers: instructor.h(),
    body: { emails: people.map((p) => p.email) },
  });
  enrollmentIds = res.body.items.map((i: { enrollmentId: string }) => i.enrollmentId);
});
afterAll(() => t?.close());

describe('cohorts', () => {
  const base = () => `/api/v1/courses/${course.id}/cohorts`;
  let spring: string;
  let autumn: string;

  it('creates cohorts, refusing duplicate names and bad dates', async () => {
    const a = await t.http('POST', base(), { as: instructor, headers: instructor.h(), body: { name: 'Autumn', startsAt: '2030-09-01T00:00:00Z' } });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ name: 'Autumn', startsAt: '2030-09-01T00:00:00.000Z', endsAt: null, learnerCount: 0, courseId: course.id });
    autumn = a.body.id;
    const s = await t.http('POST', base(), {
      as: owner,
      headers: owner.h(),
      body: { name: 'Spring', startsAt: '2030-03-01T00:00:00Z', endsAt: '2030-06-01T00:00:00Z' },
    });
    expect(s.status).toBe(201);
    spring = s.body.id;
    const dup = await t.http('POST', base(), { as: instructor, headers: instructor.h(), body: { name: 'Spring', startsAt: '2031-03-01T00:00:00Z' } });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('cohort_name_taken');
    for (const body of [
      {},
      { name: '', startsAt: '2030-01-01T00:00:00Z' },
      { name: 'X', startsAt: 'soon' },
      { name: 'X', startsAt: '2030-01-02T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' },
      { name: 'X', startsAt: '2030-01-01T00:00:00Z', color: 'red' },
    ]) {
      const res = await t.http('POST', base(), { as: instructor, headers: instructor.h(), body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(await cohortsOf(course.id)).toBe(2);
  });

  it('lists by start date, pages, and reads one', async () => {
    const list = await t.http('GET', base(), { as: instructor, headers: instructor.h() });
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(['Spring', 'Autumn']);
    const p1 = await t.http('GET', `${base()}?limit=1`, { as: instructor, headers: instructor.h() });
    const p2 = await t.http('GET', `${base()}?limit=1&cursor=${p1.body.nextCursor}`, { as: instructor, headers: instructor.h() });
    expect([p1.body.items[0].name, p2.body.items[0].name, p2.body.nextCursor]).toEqual(['Spring', 'Autumn', null]);
    const one = await t.http('GET', `${base()}/${spring}`, { as: instructor, headers: instructor.h() });
    expect(one.body).toMatchObject({ id: spring, endsAt: '2030-06-01T00:00:00.000Z' });
    // Another course's cohorts are not reachable through this one.
    expect((await t.http('GET', `/api/v1/courses/${otherCourse.id}/cohorts/${spring}`, { as: instructor, headers: instructor.h() })).status).toBe(404);
  });

  it('renames and re-dates, checking the dates against the stored ones', async () => {
    const res = await t.http('PATCH', `${base()}/${autumn}`, { as: instructor, headers: instructor.h(), body: { name: 'Fall', endsAt: '2030-12-01T00:00:00Z' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Fall', endsAt: '2030-12-01T00:00:00.000Z' });
    const bad = await t.http('PATCH', `${base()}/${autumn}`, { as: instructor, headers: instructor.h(), body: { endsAt: '2030-01-01T00:00:00Z' } });
    expect(bad.status).toBe(400);
    const clash = await t.http('PATCH', `${base()}/${autumn}`, { as: instructor, headers: instructor.h(), body: { name: 'Spring' } });
    expect(clash.status).toBe(409);
    expect((await t.http('PATCH', `${base()}/${autumn}`, { as: instructor, headers: instructor.h(), body: {} })).status).toBe(400);
    const [row] = await t.query<{ name: string }>('SELECT name FROM cohorts WHERE id = $1', [autumn]);
    expect(row!.name).toBe('Fall');
  });

  it('assigns enrollments (all or nothing) and lists a cohort\'s learners', async () => {
    const stranger = '0190f0f0-0000-7000-8000-000000000000';
    const partial = await t.http('POST', `${base()}/${spring}/learners`, {
      as: instructor,
      headers: instructor.h(),
      body: { enrollmentIds: [enrollmentIds[0], stranger] },
    });
    expect(partial.status).toBe(400);
    expect(partial.body.code).toBe('unknown_enrollment');
    expect(await count(t, 'SELECT count(*) AS n FROM enrollments WHERE cohort_id = $1', [spring])).toBe(0);

    const ok = await t.http('POST', `${base()}/${spring}/learners`, {
      as: instructor,
      headers: instructor.h(),
      body: { enrollmentIds: [enrollmentIds[0], enrollmentIds[1]] },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.enrollmentIds).toHaveLength(2);
    const learners = await t.http('GET', `${base()}/${spring}/learners`, { as: instructor, headers: instructor.h() });
    expect(learners.body.items.map((i: { learner: { name: string } }) => i.learner.name).sort()).toEqual(['Ann Cohort', 'Bob Cohort']);
    expect(learners.body.items[0]).toMatchObject({ cohortId: spring, progress: { percent: 0 } });
    const searched = await t.http('GET', `${base()}/${spring}/learners?search=bob`, { as: instructor, headers: instructor.h() });
    expect(searched.body.items.map((i: { userId: string }) => i.userId)).toEqual([people[1]!.userId]);
    expect((await t.http('GET', `${base()}/${spring}`, { as: instructor, headers: instructor.h() })).body.learnerCount).toBe(2);

    // Moving one to the other cohort, through PATCH on the enrollment.
    const moved = await t.http('PATCH', `/api/v1/courses/${course.id}/enrollments/${enrollmentIds[1]}`, {
      as: instructor,
      headers: instructor.h(),
      body: { cohortId: autumn },
    });
    expect(moved.body.cohortId).toBe(autumn);
    // A cohort of another course is refused.
    const foreignCohort = await t.http('POST', `/api/v1/courses/${otherCourse.id}/cohorts`, { as: instructor, headers: instructor.h(), body: { name: 'Other', startsAt: '2030-01-01T00:00:00Z' } });
    const wrong = await t.http('PATCH', `/api/v1/courses/${course.id}/enrollments/${enrollmentIds[2]}`, {
      as: instructor,
      headers: instructor.h(),
      body: { cohortId: foreignCohort.body.id },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('unknown_cohort');
  });

  it('enrolls straight into a cohort, and unassigns', async () => {
    const dan = await signUp(t, 'dan');
    const res = await t.http('POST', `/api/v1/courses/${course.id}/enrollments`, { as: instructor, headers: instructor.h(), body: { emails: [dan.email], cohortId: spring } });
    const id = res.body.items[0].enrollmentId;
    expect((await t.http('GET', `/api/v1/courses/${course.id}/enrollments/${id}`, { as: instructor, headers: instructor.h() })).body.cohortId).toBe(spring);
    const del = await t.http('DELETE', `${base()}/${spring}/learners/${id}`, { as: instructor, headers: instructor.h() });
    expect(del.status).toBe(204);
    expect((await t.http('DELETE', `${base()}/${spring}/learners/${id}`, { as: instructor, headers: instructor.h() })).status).toBe(404);
    const [row] = await t.query<{ cohort_id: string | null }>('SELECT cohort_id FROM enrollments WHERE id = $1', [id]);
    expect(row!.cohort_id).toBeNull();
  });

  it('deletes a cohort, leaving its learners enrolled', async () => {
    const res = await t.http('DELETE', `${base()}/${spring}`, { as: instructor, headers: instructor.h() });
    expect(res.status).toBe(204);
    const [row] = await t.query<{ status: string; cohort_id: string | null }>('SELECT status, cohort_id FROM enrollments WHERE id = $1', [enrollmentIds[0]]);
    expect(row).toEqual({ status: 'active', cohort_id: null });
    expect((await t.http('DELETE', `${base()}/${spring}`, { as: instructor, headers: instructor.h() })).status).toBe(404);
  });

  it('refuses anonymous callers, other organizations and members without the rights, on every endpoint', async () => {
    const c = autumn;
    const e = enrollmentIds[2]!;
    const calls: [string, string, unknown?][] = [
      ['GET', base()],
      ['POST', base(), { name: 'Nope', startsAt: '2030-01-01T00:00:00Z' }],
      ['GET', `${base()}/${c}`],
      ['PATCH', `${base()}/${c}`, { name: 'Nope' }],
      ['DELETE', `${base()}/${c}`],
      ['GET', `${base()}/${c}/learners`],
      ['POST', `${base()}/${c}/learners`, { enrollmentIds: [e] }],
      ['DELETE', `${base()}/${c}/learners/${e}`],
    ];
    for (const [method, url, body] of calls) {
      expect((await t.http(method, url, { body })).status, `${method} ${url} anonymous`).toBe(401);
      expect((await t.http(method, url, { as: foreignOwner, headers: foreignOwner.h(), body })).status, `${method} ${url} foreign`).toBe(404);
      const l = await t.http(method, url, { as: learner, headers: learner.h(), body });
      expect(l.status, `${method} ${url} learner`).toBe(403);
      expect(l.body.code).toBe('missing_permission');
      expect((await t.http(method, url, { as: otherInstructor, headers: otherInstructor.h(), body })).status, `${method} ${url} other instructor`).toBe(403);
    }
    const [row] = await t.query<{ name: string }>('SELECT name FROM cohorts WHERE id = $1', [c]);
    expect(row!.name).toBe('Fall');
    expect(await cohortsOf(course.id)).toBe(1);
  });
});
