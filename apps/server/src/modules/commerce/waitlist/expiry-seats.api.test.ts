import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobsService } from '../../../kernel/jobs/index.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { EnrollmentService } from '../../learning/enrollment/index.js';
import { EXPIRE_ENROLLMENTS_CRON } from '../../learning/enrollment/enrollment.jobs.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type Member } from '../../learning/enrollment/enrollment.fixtures.js';

/*
 * A seat freed because an enrollment's access ended by itself (its expiry passed) is offered to
 * the next person in line, for the course's line and a cohort's line. The clock is advanced by
 * handing the sweep a later `now`, as the waitlist's own expiry tests do.
 */

let t: TestApp;
let instructor: Member;
let ada: Member;
let bob: Member;
let cy: Member;
let dan: Member;
let stranger: Member;
let course: BuiltCourse;

const HOUR = 3_600_000;
const enrollmentIdOf = async (userId: string, c: BuiltCourse) =>
  (await t.query<{ id: string }>('SELECT id FROM enrollments WHERE user_id = $1 AND course_id = $2', [userId, c.id]))[0]!.id;
const setExpiry = async (as: Member, c: BuiltCourse, who: Member, expiresAt: Date) => {
  const res = await t.http('PATCH', `/api/v1/courses/${c.id}/enrollments/${await enrollmentIdOf(who.userId, c)}`, { as, headers: as.h(), body: { expiresAt: expiresAt.toISOString() } });
  expect(res.status, res.text).toBe(200);
};
const offersOf = (userId: string) => t.query<{ status: string; cohort_id: string | null; offered_at: Date }>('SELECT status, cohort_id, offered_at FROM seat_offers WHERE user_id = $1 ORDER BY id', [userId]);

beforeAll(async () => {
  t = await createTestApp();
  const owner = await createOrg(t, 'Expiring Seats');
  instructor = await addMember(t, owner.orgId, 'instructor');
  ada = await addMember(t, owner.orgId, 'learner', { name: 'Ada' });
  bob = await addMember(t, owner.orgId, 'learner', { name: 'Bob' });
  cy = await addMember(t, owner.orgId, 'learner', { name: 'Cy' });
  dan = await addMember(t, owner.orgId, 'learner', { name: 'Dan' });
  stranger = await createOrg(t, 'Elsewhere');
  course = await buildCourse(t, instructor, { title: 'Expiring Course', visibility: 'organization' });
});
afterAll(() => t?.close());

describe('seats freed by an expiring enrollment', () => {
  it('the sweep runs every minute', () => {
    expect(t.app.get(JobsService).registry.cronEntries().some((c) => c.job.name === 'enrollment.expire_due' && c.pattern === EXPIRE_ENROLLMENTS_CRON)).toBe(true);
    expect(EXPIRE_ENROLLMENTS_CRON).toBe('* * * * *');
  });

  it("are offered to the next person in the course's line, once", async () => {
    const res = await t.http('PUT', `/api/v1/courses/${course.id}/capacity`, { as: instructor, headers: instructor.h(), body: { capacity: 1 } });
    expect(res.status, res.text).toBe(200);
    expect((await t.http('POST', `/api/v1/courses/${course.id}/enroll`, { as: ada, headers: ada.h() })).status).toBe(201);
    await setExpiry(instructor, course, ada, new Date(Date.now() + 2 * HOUR));
    const joined = await t.http('POST', `/api/v1/courses/${course.id}/waitlist`, { as: bob, headers: bob.h() });
    expect(joined.status, joined.text).toBe(201);
    expect(joined.body.entry).toMatchObject({ status: 'waiting', position: 1 });

    const sweep = t.app.get(EnrollmentService);
    // before the expiry nothing changes
    expect(await sweep.expireDue(new Date(Date.now() + HOUR))).toBe(0);
    expect(await offersOf(bob.userId)).toEqual([]);

    const later = new Date(Date.now() + 3 * HOUR);
    expect(await sweep.expireDue(later)).toBe(1);
    const offers = await offersOf(bob.userId);
    expect(offers).toEqual([{ status: 'pending', cohort_id: null, offered_at: later }]);
    // a second sweep (or a retried job) finds nothing and offers nothing again
    expect(await sweep.expireDue(new Date(later.getTime() + 60_000))).toBe(0);
    expect(await offersOf(bob.userId)).toHaveLength(1);
    const bobs = (await t.http('GET', `/api/v1/courses/${course.id}/waitlist/me`, { as: bob, headers: bob.h() })).body;
    expect(bobs).toMatchObject({ entry: { status: 'offered' }, offer: { status: 'pending' } });
    await t.drain();
    expect(t.mails(bob.email).some((m) => m.subject.includes('Expiring Course'))).toBe(true);
    // the freed seat is Bob's: he claims it
    const claim = await t.http('POST', `/api/v1/courses/${course.id}/waitlist/claim`, { as: bob, headers: bob.h() });
    expect(claim.status, claim.text).toBe(200);
    expect(claim.body).toMatchObject({ enrolled: true, seatsTaken: 1 });
  });

  it("are offered to the next person in the cohort's line", async () => {
    // no course limit from here on: the cohort's seat is what is waited for
    expect((await t.http('PUT', `/api/v1/courses/${course.id}/capacity`, { as: instructor, headers: instructor.h(), body: { capacity: null } })).status).toBe(200);
    for (const m of [cy, dan]) expect((await t.http('POST', `/api/v1/courses/${course.id}/enroll`, { as: m, headers: m.h() })).status).toBe(201);
    const cohort = await t.http('POST', `/api/v1/courses/${course.id}/cohorts`, { as: instructor, headers: instructor.h(), body: { name: 'Autumn', startsAt: '2030-01-01T00:00:00Z', capacity: 1 } });
    expect(cohort.status, cohort.text).toBe(201);
    const cohortId = cohort.body.id as string;
    const moved = await t.http('POST', `/api/v1/courses/${course.id}/cohorts/${cohortId}/learners`, {
      as: instructor,
      headers: instructor.h(),
      body: { enrollmentIds: [await enrollmentIdOf(cy.userId, course)] },
    });
    expect(moved.status, moved.text).toBe(200);
    await setExpiry(instructor, course, cy, new Date(Date.now() + 2 * HOUR));
    const joined = await t.http('POST', `/api/v1/courses/${course.id}/cohorts/${cohortId}/waitlist`, { as: dan, headers: dan.h() });
    expect(joined.status, joined.text).toBe(201);

    const later = new Date(Date.now() + 3 * HOUR);
    expect(await t.app.get(EnrollmentService).expireDue(later)).toBe(1);
    expect(await offersOf(dan.userId)).toEqual([{ status: 'pending', cohort_id: cohortId, offered_at: later }]);
    expect(await t.app.get(EnrollmentService).expireDue(new Date(later.getTime() + 60_000))).toBe(0);
    expect(await count(t, 'SELECT count(*) AS n FROM seat_offers WHERE cohort_id = $1', [cohortId])).toBe(1);
    const claim = await t.http('POST', `/api/v1/courses/${course.id}/cohorts/${cohortId}/waitlist/claim`, { as: dan, headers: dan.h() });
    expect(claim.status, claim.text).toBe(200);
    expect(claim.body).toMatchObject({ inCohort: true, seatsTaken: 1 });
    // someone of another organization cannot see the cohort's seats
    expect((await t.http('GET', `/api/v1/courses/${course.id}/cohort-waitlists/me`, { as: stranger, headers: stranger.h() })).status).toBe(404);
  });
});
