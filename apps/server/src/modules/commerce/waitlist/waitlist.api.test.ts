import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobsService } from '../../../kernel/jobs/index.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type Member } from '../../learning/enrollment/enrollment.fixtures.js';
import { addToCart, checkout, ok, setPrices } from '../commerce.fixtures.js';
import { EXPIRE_SEAT_OFFERS_CRON } from './waitlist.jobs.js';
import { WaitlistService } from './waitlist.service.js';

let t: TestApp;
let owner: Member;
let instructor: Member;
let ada: Member;
let bob: Member;
let cy: Member;
let stranger: Member; // owner of another organization
let course: BuiltCourse;
let holder: Member; // whoever won the race for the one seat

const cap = (c: BuiltCourse) => `/api/v1/courses/${c.id}/capacity`;
const wl = (c: BuiltCourse) => `/api/v1/courses/${c.id}/waitlist`;
const enroll = (as: Member, c: BuiltCourse) => t.http('POST', `/api/v1/courses/${c.id}/enroll`, { as, headers: as.h() });
const me = async (as: Member, c: BuiltCourse = course) => (await t.http('GET', `${wl(c)}/me`, { as, headers: as.h() })).body;
const enrollmentIdOf = async (userId: string, c: BuiltCourse) =>
  (await t.query<{ id: string }>('SELECT id FROM enrollments WHERE user_id = $1 AND course_id = $2', [userId, c.id]))[0]!.id;

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOrg(t, 'Seats');
  instructor = await addMember(t, owner.orgId, 'instructor');
  ada = await addMember(t, owner.orgId, 'learner', { name: 'Ada' });
  bob = await addMember(t, owner.orgId, 'learner', { name: 'Bob' });
  cy = await addMember(t, owner.orgId, 'learner', { name: 'Cy' });
  stranger = await createOrg(t, 'Elsewhere');
  course = await buildCourse(t, instructor, { title: 'Small Seminar', visibility: 'organization' });
});
afterAll(() => t?.close());

describe('capacity', () => {
  it('staff set it; learners, strangers, anonymous callers and bad input are refused, writing nothing', async () => {
    expect((await t.http('PUT', cap(course), { as: ada, headers: ada.h(), body: { capacity: 1 } })).status).toBe(403);
    expect((await t.http('PUT', cap(course), { as: stranger, headers: stranger.h(), body: { capacity: 1 } })).status).toBe(404);
    expect((await t.http('PUT', cap(course), { body: { capacity: 1 } })).status).toBe(401);
    for (const body of [{}, { capacity: -1 }, { capacity: 1.5 }, { capacity: 1, claimWindowHours: 0 }, { capacity: 1, extra: true }]) {
      const res = await t.http('PUT', cap(course), { as: instructor, headers: instructor.h(), body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect(await count(t, 'SELECT count(*) AS n FROM course_capacities')).toBe(0);
    const res = await t.http('PUT', cap(course), { as: instructor, headers: instructor.h(), body: { capacity: 1, claimWindowHours: 24 } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ capacity: 1, claimWindowHours: 24, seatsTaken: 0, full: false });
    expect((await t.http('GET', cap(course), { as: instructor, headers: instructor.h() })).body).toMatchObject({ capacity: 1, claimWindowHours: 24 });
    expect((await t.http('GET', cap(course), { as: ada, headers: ada.h() })).status).toBe(403);
    expect((await t.http('GET', cap(course), { as: stranger, headers: stranger.h() })).status).toBe(404);
  });

  it('is race-safe: of five concurrent self-enrollments into one seat exactly one wins', async () => {
    const racers = [ada, ...(await Promise.all([1, 2, 3, 4].map(() => addMember(t, owner.orgId, 'learner'))))];
    const results = await Promise.all(racers.map((r) => enroll(r, course)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    const refused = results.find((r) => r.status === 409)!;
    expect(refused.body.code).toBe('course_full');
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(await count(t, "SELECT count(*) AS n FROM enrollments WHERE course_id = $1 AND status = 'active'", [course.id])).toBe(1);
    holder = racers[results.findIndex((r) => r.status === 201)]!;
    expect(await me(holder)).toMatchObject({ enrolled: true, full: true, seatsTaken: 1 });
  });

  it('holds for staff grants too (no way around the limit)', async () => {
    const res = await t.http('POST', `/api/v1/courses/${course.id}/enrollments`, { as: instructor, headers: instructor.h(), body: { emails: [cy.email] } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('course_full');
  });
});

describe('waitlist', () => {
  it('learners join a full course and see their position; strangers and anonymous callers may not', async () => {
    expect((await t.http('POST', wl(course), { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('POST', wl(course))).status).toBe(401);
    expect((await t.http('GET', `${wl(course)}/me`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('POST', wl(course), { as: holder, headers: holder.h() })).body.code).toBe('already_enrolled');
    const b = await t.http('POST', wl(course), { as: bob, headers: bob.h() });
    expect(b.status, b.text).toBe(201);
    expect(b.body.entry).toMatchObject({ status: 'waiting', position: 1 });
    expect((await t.http('POST', wl(course), { as: bob, headers: bob.h() })).status).toBe(200);
    const c = await t.http('POST', wl(course), { as: cy, headers: cy.h() });
    expect(c.body.entry).toMatchObject({ status: 'waiting', position: 2 });
    expect(await count(t, 'SELECT count(*) AS n FROM waitlist_entries')).toBe(2);
  });

  it('staff see the line in order; learners and strangers may not', async () => {
    const list = await t.http('GET', wl(course), { as: instructor, headers: instructor.h() });
    expect(list.status).toBe(200);
    expect(list.body.items.map((e: { userId: string; position: number }) => [e.userId, e.position])).toEqual([
      [bob.userId, 1],
      [cy.userId, 2],
    ]);
    const paged = await t.http('GET', `${wl(course)}?limit=1`, { as: instructor, headers: instructor.h() });
    const next = await t.http('GET', `${wl(course)}?limit=1&cursor=${paged.body.nextCursor}`, { as: instructor, headers: instructor.h() });
    expect(next.body.items[0]).toMatchObject({ userId: cy.userId, position: 2 });
    expect((await t.http('GET', wl(course), { as: bob, headers: bob.h() })).status).toBe(403);
    expect((await t.http('GET', wl(course), { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('GET', wl(course))).status).toBe(401);
  });

  it('a freed seat is offered to the first in line (email + notification); others cannot take it', async () => {
    const revoke = await t.http('DELETE', `/api/v1/courses/${course.id}/enrollments/${await enrollmentIdOf(holder.userId, course)}`, { as: instructor, headers: instructor.h() });
    expect(revoke.status, revoke.text).toBe(200);
    await t.drain();
    await t.drain();
    const bs = await me(bob);
    expect(bs.entry).toMatchObject({ status: 'offered', position: null });
    expect(bs.offer).toMatchObject({ courseTitle: 'Small Seminar', status: 'pending' });
    expect(new Date(bs.offer.expiresAt).getTime() - new Date(bs.offer.offeredAt).getTime()).toBe(24 * 3_600_000);
    expect((await me(cy)).entry).toMatchObject({ status: 'waiting', position: 1 });
    expect(t.mails(bob.email).some((m) => m.subject.includes('Small Seminar') && m.text.includes(`/courses/${course.id}`))).toBe(true);
    const offers = await t.http('GET', '/api/v1/me/seat-offers', { as: bob, headers: bob.h() });
    expect(offers.body.items).toHaveLength(1);
    expect((await t.http('GET', '/api/v1/me/seat-offers')).status).toBe(401);
    // the seat is held: a newcomer cannot enroll, Cy cannot claim
    const newcomer = await addMember(t, owner.orgId, 'learner');
    expect((await enroll(newcomer, course)).body.code).toBe('course_full');
    expect((await t.http('POST', `${wl(course)}/claim`, { as: cy, headers: cy.h() })).status).toBe(404);
    expect((await t.http('POST', `${wl(course)}/claim`, { as: stranger, headers: stranger.h() })).status).toBe(404);
  });

  it('claiming enrolls and closes the offer', async () => {
    const res = await t.http('POST', `${wl(course)}/claim`, { as: bob, headers: bob.h() });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ enrolled: true, entry: null, offer: null, seatsTaken: 1, seatsHeld: 0 });
    expect(await count(t, "SELECT count(*) AS n FROM seat_offers WHERE status = 'claimed'")).toBe(1);
    expect((await t.http('POST', `${wl(course)}/claim`, { as: bob, headers: bob.h() })).status).toBe(404);
  });

  it('a raised capacity offers the new seat; an unclaimed offer expires and passes to the next', async () => {
    const dan = await addMember(t, owner.orgId, 'learner', { name: 'Dan' });
    expect((await t.http('POST', wl(course), { as: dan, headers: dan.h() })).body.entry.position).toBe(2);
    const raised = await t.http('PUT', cap(course), { as: instructor, headers: instructor.h(), body: { capacity: 2, claimWindowHours: 1 } });
    expect(raised.status).toBe(200);
    expect((await me(cy)).offer).toMatchObject({ status: 'pending' });
    expect((await me(dan)).entry).toMatchObject({ status: 'waiting', position: 1 });
    // the cron job is registered; run its work an hour and a minute later
    expect(t.app.get(JobsService).registry.cronEntries().some((c) => c.job.name === 'waitlist.expire-offers' && c.pattern === EXPIRE_SEAT_OFFERS_CRON)).toBe(true);
    const later = new Date(Date.now() + 61 * 60_000);
    expect(await t.app.get(WaitlistService).expireDue(later)).toBe(1);
    const [offer] = await t.query<{ status: string; user_id: string }>("SELECT status, user_id FROM seat_offers WHERE user_id = $1", [dan.userId]);
    expect(offer).toMatchObject({ status: 'pending' });
    const [cyEntry] = await t.query<{ status: string }>('SELECT status FROM waitlist_entries WHERE user_id = $1', [cy.userId]);
    expect(cyEntry!.status).toBe('expired');
    expect((await t.http('POST', `${wl(course)}/claim`, { as: cy, headers: cy.h() })).status).toBe(404);
  });

  it('leaving the line passes a pending offer on', async () => {
    const eve = await addMember(t, owner.orgId, 'learner', { name: 'Eve' });
    const dan = (await t.query<{ user_id: string }>("SELECT user_id FROM seat_offers WHERE status = 'pending'"))[0]!.user_id;
    expect((await t.http('POST', wl(course), { as: eve, headers: eve.h() })).body.entry.position).toBe(1);
    const [row] = await t.query<{ email: string }>('SELECT email FROM waitlist_entries WHERE user_id = $1', [dan]);
    const danSession = await t.signIn(row!.email);
    const left = await t.http('DELETE', wl(course), { headers: danSession.headers(owner.orgId) });
    expect(left.status, left.text).toBe(204);
    expect((await me(eve)).offer).toMatchObject({ status: 'pending' });
    expect((await t.http('DELETE', wl(course), { headers: danSession.headers(owner.orgId) })).status).toBe(404);
    expect((await t.http('DELETE', wl(course))).status).toBe(401);
  });

  it('an open course refuses joining the waitlist: enroll instead', async () => {
    const open = await buildCourse(t, instructor, { title: 'Open', visibility: 'organization' });
    const res = await t.http('POST', wl(open), { as: ada, headers: ada.h() });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('seats_available');
    expect(await me(ada, open)).toMatchObject({ capacity: null, full: false });
  });
});

describe('an offer on a paid course', () => {
  it('claiming leads to checkout: the seat stays held while the holder pays, paying enrolls; nobody else can buy the full course', async () => {
    const paid = await buildCourse(t, instructor, { title: 'Paid Seminar', isFree: false });
    await setPrices(t, instructor, paid, { USD: 5000 });
    ok(await t.http('PUT', cap(paid), { as: instructor, headers: instructor.h(), body: { capacity: 1, claimWindowHours: 2 } }), 200);
    const first = await addMember(t, owner.orgId, 'learner', { name: 'First' });
    const second = await addMember(t, owner.orgId, 'learner', { name: 'Second' });
    const third = await addMember(t, owner.orgId, 'learner', { name: 'Third' });
    ok(await addToCart(t, first, paid.id), 201);
    ok(await checkout(t, first), 201);
    await t.drain();
    expect(await me(first, paid)).toMatchObject({ enrolled: true, full: true, paymentRequired: true });

    // full: a buyer without an offer is refused before anything is charged
    ok(await addToCart(t, third, paid.id), 201);
    const refused = await checkout(t, third);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('course_full');
    expect(await count(t, 'SELECT count(*) AS n FROM orders WHERE user_id = $1', [third.userId])).toBe(0);

    ok(await t.http('POST', wl(paid), { as: second, headers: second.h() }), 201);
    ok(await t.http('POST', wl(paid), { as: third, headers: third.h() }), 201);
    ok(await t.http('DELETE', `/api/v1/courses/${paid.id}/enrollments/${await enrollmentIdOf(first.userId, paid)}`, { as: instructor, headers: instructor.h() }), 200);
    await t.drain();
    await t.drain();
    const offered = await me(second, paid);
    expect(offered.offer).toMatchObject({ status: 'pending' });

    const claim = ok(await t.http('POST', `${wl(paid)}/claim`, { as: second, headers: second.h() }), 200);
    expect(claim.body).toMatchObject({ enrolled: false, paymentRequired: true, offer: { status: 'pending' } });
    const cart = ok(await t.http('GET', '/api/v1/cart', { as: second, headers: second.h() }), 200).body;
    expect(cart.items.map((i: { refId: string }) => i.refId)).toEqual([paid.id]);
    // a second claim is harmless (already in the cart)
    ok(await t.http('POST', `${wl(paid)}/claim`, { as: second, headers: second.h() }), 200);
    // the held seat is not for the person behind in line
    expect((await checkout(t, third)).body.code).toBe('course_full');

    // the offer is about to run out as they start paying: checkout keeps it alive while they pay
    await t.query("UPDATE seat_offers SET expires_at = now() + interval '1 minute' WHERE user_id = $1 AND status = 'pending'", [second.userId]);
    const order = ok(await checkout(t, second), 201).body;
    expect(order.status).toBe('paid');
    const [held] = await t.query<{ expires_at: Date }>('SELECT expires_at FROM seat_offers WHERE user_id = $1', [second.userId]);
    expect(new Date(held!.expires_at).getTime() - Date.now()).toBeGreaterThan(20 * 60_000);
    await t.drain();
    expect(await me(second, paid)).toMatchObject({ enrolled: true, entry: null, offer: null, seatsTaken: 1, seatsHeld: 0 });
    expect(await count(t, "SELECT count(*) AS n FROM seat_offers WHERE user_id = $1 AND status = 'claimed'", [second.userId])).toBe(1);
    expect((await me(third, paid)).entry).toMatchObject({ status: 'waiting', position: 1 });
  });

  it('an expired offer passes on: its holder can neither claim nor buy, the next person can', async () => {
    const paid = await buildCourse(t, instructor, { title: 'Paid Lab', isFree: false });
    await setPrices(t, instructor, paid, { USD: 3000 });
    ok(await t.http('PUT', cap(paid), { as: instructor, headers: instructor.h(), body: { capacity: 0, claimWindowHours: 1 } }), 200);
    const late = await addMember(t, owner.orgId, 'learner', { name: 'Late' });
    const next = await addMember(t, owner.orgId, 'learner', { name: 'Next' });
    ok(await t.http('POST', wl(paid), { as: late, headers: late.h() }), 201);
    ok(await t.http('POST', wl(paid), { as: next, headers: next.h() }), 201);
    ok(await t.http('PUT', cap(paid), { as: instructor, headers: instructor.h(), body: { capacity: 1, claimWindowHours: 1 } }), 200);
    ok(await t.http('POST', `${wl(paid)}/claim`, { as: late, headers: late.h() }), 200);
    await t.app.get(WaitlistService).expireDue(new Date(Date.now() + 61 * 60_000));
    expect((await t.query<{ status: string }>('SELECT status FROM seat_offers WHERE user_id = $1', [late.userId])).map((r) => r.status)).toEqual(['expired']);
    expect((await t.http('POST', `${wl(paid)}/claim`, { as: late, headers: late.h() })).status).toBe(404);
    expect((await checkout(t, late)).body.code).toBe('course_full');
    expect((await me(next, paid)).offer).toMatchObject({ status: 'pending' });
    ok(await t.http('POST', `${wl(paid)}/claim`, { as: next, headers: next.h() }), 200);
    expect(ok(await checkout(t, next), 201).body.status).toBe('paid');
    await t.drain();
    expect(await me(next, paid)).toMatchObject({ enrolled: true });
  });

  it('a stranger cannot claim an offer of another organization', async () => {
    const paid = (await t.query<{ id: string }>("SELECT course_id AS id FROM course_capacities LIMIT 1"))[0]!;
    expect((await t.http('POST', `/api/v1/courses/${paid.id}/waitlist/claim`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('POST', `/api/v1/courses/${paid.id}/waitlist/claim`)).status).toBe(401);
  });
});
