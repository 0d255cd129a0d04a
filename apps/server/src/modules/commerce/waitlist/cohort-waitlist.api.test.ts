import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type Member } from '../../learning/enrollment/enrollment.fixtures.js';
import { CohortWaitlistService } from './cohort-waitlist.service.js';

let t: TestApp;
let owner: Member;
let instructor: Member;
let ada: Member;
let bob: Member;
let cy: Member;
let dan: Member;
let eve: Member; // a member who is not enrolled in the course
let stranger: Member; // owner of another organization
let course: BuiltCourse;
let cohortId: string;

const cohorts = () => `/api/v1/courses/${course.id}/cohorts`;
const wl = () => `${cohorts()}/${cohortId}/waitlist`;
const me = async (as: Member) => (await t.http('GET', `${wl()}/me`, { as, headers: as.h() })).body;
const enrollmentIdOf = async (userId: string) =>
  (await t.query<{ id: string }>('SELECT id FROM enrollments WHERE user_id = $1 AND course_id = $2', [userId, course.id]))[0]!.id;
const cohortOf = async (userId: string) =>
  (await t.query<{ cohort_id: string | null }>('SELECT cohort_id FROM enrollments WHERE user_id = $1 AND course_id = $2', [userId, course.id]))[0]!.cohort_id;
const assign = async (as: Member, ...people: Member[]) =>
  t.http('POST', `${cohorts()}/${cohortId}/learners`, { as, headers: as.h(), body: { enrollmentIds: await Promise.all(people.map((p) => enrollmentIdOf(p.userId))) } });

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOrg(t, 'Cohort Seats');
  instructor = await addMember(t, owner.orgId, 'instructor');
  ada = await addMember(t, owner.orgId, 'learner', { name: 'Ada' });
  bob = await addMember(t, owner.orgId, 'learner', { name: 'Bob' });
  cy = await addMember(t, owner.orgId, 'learner', { name: 'Cy' });
  dan = await addMember(t, owner.orgId, 'learner', { name: 'Dan' });
  eve = await addMember(t, owner.orgId, 'learner', { name: 'Eve' });
  stranger = await createOrg(t, 'Elsewhere');
  course = await buildCourse(t, instructor, { title: 'Cohort Course', visibility: 'organization' });
  for (const m of [ada, bob, cy, dan]) {
    const res = await t.http('POST', `/api/v1/courses/${course.id}/enroll`, { as: m, headers: m.h() });
    expect(res.status, res.text).toBe(201);
  }
});
afterAll(() => t?.close());

describe('cohort capacity', () => {
  it('is set with the cohort; bad input is refused and writes nothing', async () => {
    for (const capacity of [-1, 1.5, 'two']) {
      const res = await t.http('POST', cohorts(), { as: instructor, headers: instructor.h(), body: { name: 'Bad', startsAt: '2030-01-01T00:00:00Z', capacity } });
      expect(res.status, String(capacity)).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect(await count(t, 'SELECT count(*) AS n FROM cohorts WHERE course_id = $1', [course.id])).toBe(0);
    const res = await t.http('POST', cohorts(), { as: instructor, headers: instructor.h(), body: { name: 'Spring', startsAt: '2030-01-01T00:00:00Z', capacity: 1 } });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ capacity: 1, seatsTaken: 0 });
    cohortId = res.body.id;
    expect((await t.http('POST', cohorts(), { as: stranger, headers: stranger.h(), body: { name: 'X', startsAt: '2030-01-01T00:00:00Z', capacity: 1 } })).status).toBe(404);
  });

  it('is enforced when staff put learners in the cohort, by every path', async () => {
    expect((await assign(instructor, ada)).status).toBe(200);
    const full = await assign(instructor, bob);
    expect(full.status).toBe(409);
    expect(full.body.code).toBe('cohort_full');
    expect(full.headers['content-type']).toMatch(/application\/problem\+json/);
    const patch = await t.http('PATCH', `/api/v1/courses/${course.id}/enrollments/${await enrollmentIdOf(bob.userId)}`, {
      as: instructor,
      headers: instructor.h(),
      body: { cohortId },
    });
    expect(patch.status).toBe(409);
    expect(patch.body.code).toBe('cohort_full');
    expect(await cohortOf(bob.userId)).toBeNull();
    const list = await t.http('GET', cohorts(), { as: instructor, headers: instructor.h() });
    expect(list.body.items[0]).toMatchObject({ id: cohortId, capacity: 1, seatsTaken: 1, learnerCount: 1 });
  });

  it('is race-safe: of two concurrent moves into the last seat exactly one wins', async () => {
    const raise = await t.http('PATCH', `${cohorts()}/${cohortId}`, { as: instructor, headers: instructor.h(), body: { capacity: 2 } });
    expect(raise.status, raise.text).toBe(200);
    const results = await Promise.all([assign(instructor, bob), assign(instructor, cy)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await count(t, 'SELECT count(*) AS n FROM enrollments WHERE cohort_id = $1', [cohortId])).toBe(2);
    // back to one seat, held by Ada
    const winner = results[0]!.status === 200 ? bob : cy;
    expect((await t.http('DELETE', `${cohorts()}/${cohortId}/learners/${await enrollmentIdOf(winner.userId)}`, { as: instructor, headers: instructor.h() })).status).toBe(204);
    expect((await t.http('PATCH', `${cohorts()}/${cohortId}`, { as: instructor, headers: instructor.h(), body: { capacity: 1 } })).status).toBe(200);
    expect(await count(t, 'SELECT count(*) AS n FROM enrollments WHERE cohort_id = $1', [cohortId])).toBe(1);
  });
});

describe('cohort waitlist', () => {
  it('enrolled learners join a full cohort and see their position; others are refused', async () => {
    expect((await t.http('POST', wl(), { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('GET', `${wl()}/me`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('POST', wl())).status).toBe(401);
    const notEnrolled = await t.http('POST', wl(), { as: eve, headers: eve.h() });
    expect(notEnrolled.status).toBe(409);
    expect(notEnrolled.body.code).toBe('not_enrolled');
    expect((await t.http('POST', wl(), { as: ada, headers: ada.h() })).body.code).toBe('already_in_cohort');

    const joined = await t.http('POST', wl(), { as: bob, headers: bob.h() });
    expect(joined.status, joined.text).toBe(201);
    expect(joined.body).toMatchObject({ cohortId, capacity: 1, seatsTaken: 1, full: true, enrolled: true, inCohort: false, entry: { status: 'waiting', position: 1 } });
    expect((await t.http('POST', wl(), { as: bob, headers: bob.h() })).status).toBe(200);
    expect((await t.http('POST', wl(), { as: cy, headers: cy.h() })).body.entry.position).toBe(2);
    expect((await t.http('POST', wl(), { as: dan, headers: dan.h() })).body.entry.position).toBe(3);
    expect(await count(t, 'SELECT count(*) AS n FROM waitlist_entries WHERE cohort_id = $1', [cohortId])).toBe(3);
  });

  it("learners list the course's open cohorts with seats and their place in each line; strangers may not", async () => {
    const mine = async (as: Member) => t.http('GET', `/api/v1/courses/${course.id}/cohort-waitlists/me`, { as, headers: as.h() });
    const bobs = await mine(bob);
    expect(bobs.status, bobs.text).toBe(200);
    expect(bobs.body.items).toEqual([
      expect.objectContaining({ cohortId, cohortName: 'Spring', startsAt: '2030-01-01T00:00:00.000Z', capacity: 1, seatsTaken: 1, full: true, inCohort: false, entry: expect.objectContaining({ position: 1 }), offer: null }),
    ]);
    expect((await mine(ada)).body.items[0]).toMatchObject({ inCohort: true, entry: null });
    expect((await mine(eve)).body.items[0]).toMatchObject({ enrolled: false, entry: null });
    // a cohort that ended is not listed to people who are neither in it nor waiting for it
    const ended = await t.http('POST', cohorts(), { as: instructor, headers: instructor.h(), body: { name: 'Past', startsAt: '2001-01-01T00:00:00Z', endsAt: '2001-02-01T00:00:00Z' } });
    expect(ended.status, ended.text).toBe(201);
    expect((await mine(bob)).body.items.map((i: { cohortName: string }) => i.cohortName)).toEqual(['Spring']);
    expect((await t.http('DELETE', `${cohorts()}/${ended.body.id}`, { as: instructor, headers: instructor.h() })).status).toBe(204);
    expect((await mine(stranger)).status).toBe(404);
    expect((await t.http('GET', `/api/v1/courses/${course.id}/cohort-waitlists/me`)).status).toBe(401);
  });

  it('staff see the line and the seat overview; learners and strangers may not', async () => {
    const seats = await t.http('GET', `/api/v1/courses/${course.id}/cohort-seats`, { as: instructor, headers: instructor.h() });
    expect(seats.status).toBe(200);
    expect(seats.body.items).toEqual([{ cohortId, capacity: 1, seatsTaken: 1, seatsHeld: 0, waitlistSize: 3 }]);
    const line = await t.http('GET', wl(), { as: instructor, headers: instructor.h() });
    expect(line.body.items.map((e: { userId: string; position: number }) => [e.userId, e.position])).toEqual([
      [bob.userId, 1],
      [cy.userId, 2],
      [dan.userId, 3],
    ]);
    expect((await t.http('GET', `/api/v1/courses/${course.id}/cohort-seats`, { as: ada, headers: ada.h() })).status).toBe(403);
    expect((await t.http('GET', `/api/v1/courses/${course.id}/cohort-seats`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('GET', wl(), { as: ada, headers: ada.h() })).status).toBe(403);
    expect((await t.http('GET', wl(), { as: stranger, headers: stranger.h() })).status).toBe(404);
  });

  it('a seat freed by moving a learner out is offered to the first in line (email); nobody else can take it', async () => {
    expect((await t.http('DELETE', `${cohorts()}/${cohortId}/learners/${await enrollmentIdOf(ada.userId)}`, { as: instructor, headers: instructor.h() })).status).toBe(204);
    await t.drain();
    await t.drain();
    const bobs = await me(bob);
    expect(bobs).toMatchObject({ entry: { status: 'offered', position: null }, offer: { status: 'pending', cohortId, cohortName: 'Spring' } });
    expect(t.mails(bob.email).some((m) => m.subject.includes('Spring') && m.text.includes(`/courses/${course.id}`))).toBe(true);
    expect((await me(cy)).entry.position).toBe(1);
    const offers = await t.http('GET', '/api/v1/me/seat-offers', { as: bob, headers: bob.h() });
    expect(offers.body.items).toEqual([expect.objectContaining({ cohortId, courseId: course.id })]);
    // the held seat is not the staff's to give away
    const taken = await assign(instructor, ada);
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('cohort_full');
  });

  it('claiming puts the learner in the cohort; strangers and people without an offer are refused', async () => {
    expect((await t.http('POST', `${wl()}/claim`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    const none = await t.http('POST', `${wl()}/claim`, { as: cy, headers: cy.h() });
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('no_seat_offer');
    const res = await t.http('POST', `${wl()}/claim`, { as: bob, headers: bob.h() });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ inCohort: true, entry: null, offer: null, seatsTaken: 1 });
    expect(await cohortOf(bob.userId)).toBe(cohortId);
    expect(await count(t, "SELECT count(*) AS n FROM seat_offers WHERE cohort_id = $1 AND status = 'claimed'", [cohortId])).toBe(1);
  });

  it('a raised capacity offers the new seat; an expired offer passes to the next person', async () => {
    expect((await t.http('PATCH', `${cohorts()}/${cohortId}`, { as: instructor, headers: instructor.h(), body: { capacity: 2 } })).status).toBe(200);
    expect(await me(cy)).toMatchObject({ entry: { status: 'offered' }, offer: { status: 'pending' } });
    expect((await me(dan)).entry.position).toBe(1);
    const later = new Date(Date.now() + 49 * 3_600_000);
    expect(await t.app.get(CohortWaitlistService).expireDue(later)).toBe(1);
    expect(await me(cy)).toMatchObject({ entry: null, offer: null, inCohort: false });
    const gone = await t.http('POST', `${wl()}/claim`, { as: cy, headers: cy.h() });
    expect(gone.status).toBe(404);
    // dan's offer was made "later" too; it is pending now
    const [offer] = await t.query<{ status: string }>('SELECT status FROM seat_offers WHERE cohort_id = $1 AND user_id = $2', [cohortId, dan.userId]);
    expect(offer?.status).toBe('pending');
    await t.drain();
    expect(t.mails(dan.email).some((m) => m.subject.includes('Spring'))).toBe(true);
  });

  it('leaving the line passes a pending offer on; a deleted cohort closes its line', async () => {
    expect((await t.http('DELETE', wl(), { as: dan, headers: dan.h() })).status).toBe(204);
    expect(await count(t, "SELECT count(*) AS n FROM seat_offers WHERE cohort_id = $1 AND status = 'declined'", [cohortId])).toBe(1);
    expect((await t.http('DELETE', wl(), { as: dan, headers: dan.h() })).status).toBe(404);
    expect((await t.http('POST', wl(), { as: cy, headers: cy.h() })).body.code).toBe('seats_available');
    expect((await assign(instructor, cy)).status).toBe(200);
    expect((await t.http('POST', wl(), { as: ada, headers: ada.h() })).status).toBe(201);
    expect((await t.http('DELETE', `${cohorts()}/${cohortId}`, { as: instructor, headers: instructor.h() })).status).toBe(204);
    expect(await count(t, "SELECT count(*) AS n FROM waitlist_entries WHERE cohort_id = $1 AND status IN ('waiting', 'offered')", [cohortId])).toBe(0);
  });
});
