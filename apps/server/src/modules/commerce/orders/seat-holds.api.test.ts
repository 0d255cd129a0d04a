import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type Member } from '../../learning/enrollment/enrollment.fixtures.js';
import { addToCart, checkout, enrollmentStatus, ok, setPrices } from '../commerce.fixtures.js';
import { pendingCheckout } from './orders.fixtures.js';
import { OrdersService } from './orders.service.js';

/*
 * The last seat of a paid course with a capacity, bought by people without a seat offer: the
 * checkout holds the seat for its order under the capacity lock, so a second buyer is refused
 * (409 course_full) before paying; an order that ends unpaid gives its seat back.
 */

let t: TestApp;
let admin: Member;
let stranger: Member;

beforeAll(async () => {
  t = await createTestApp({ DATABASE_POOL_MAX: '12' });
  admin = await createOrg(t, 'Seat Shop');
  stranger = await createOrg(t, 'Elsewhere');
});
afterAll(async () => t?.close());

async function limitedCourse(title: string, capacity: number): Promise<BuiltCourse> {
  const c = await buildCourse(t, admin, { title, isFree: false, visibility: 'organization' });
  await setPrices(t, admin, c, { USD: 2500 });
  ok(await t.http('PUT', `/api/v1/courses/${c.id}/capacity`, { as: admin, headers: admin.h(), body: { capacity } }), 200);
  return c;
}

const buyer = async (name: string, c: BuiltCourse) => {
  const m = await addMember(t, admin.orgId, 'learner', { name });
  ok(await addToCart(t, m, c.id), 201);
  return m;
};
const holds = (courseId: string) => t.query<{ status: string; user_id: string }>('SELECT status, user_id FROM seat_holds WHERE course_id = $1 ORDER BY id', [courseId]);
const seats = async (as: Member, c: BuiltCourse) => ok(await t.http('GET', `/api/v1/courses/${c.id}/waitlist/me`, { as, headers: as.h() }), 200).body;

describe('the last seat, two buyers at once', () => {
  it('exactly one order proceeds; the other buyer gets 409 course_full, is not charged and can join the waitlist', async () => {
    const course = await limitedCourse('Last Seat', 1);
    const a = await buyer('Ann', course);
    const b = await buyer('Ben', course);
    const results = await Promise.all([checkout(t, a), checkout(t, b)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const won = results.find((r) => r.status === 201)!;
    const lost = results.find((r) => r.status === 409)!;
    expect(won.body.status).toBe('paid');
    expect(lost.headers['content-type']).toContain('application/problem+json');
    expect(lost.body).toMatchObject({ code: 'course_full' });
    const [winner, loser] = results[0]!.status === 201 ? [a, b] : [b, a];
    // nothing was created or charged for the loser
    expect(await count(t, 'SELECT count(*) AS n FROM orders WHERE user_id = $1', [loser.userId])).toBe(0);
    expect(await count(t, 'SELECT count(*) AS n FROM orders WHERE user_id = $1', [winner.userId])).toBe(1);
    // paid but not fulfilled yet: the seat stays held for the winner
    expect(await seats(loser, course)).toMatchObject({ full: true, seatsTaken: 0, seatsHeld: 1 });
    expect(ok(await t.http('POST', `/api/v1/courses/${course.id}/waitlist`, { as: loser, headers: loser.h() }), 201).body.entry).toMatchObject({ position: 1 });
    await t.drain();
    expect(await enrollmentStatus(t, winner.userId, course.id)).toBe('active');
    expect(await enrollmentStatus(t, loser.userId, course.id)).toBeNull();
    expect(await holds(course.id)).toEqual([{ status: 'used', user_id: winner.userId }]);
    expect(await seats(loser, course)).toMatchObject({ full: true, seatsTaken: 1, seatsHeld: 0 });
  });
});

describe('a pending order holds the seat until it ends', () => {
  it('canceled: the seat goes back and is offered to the next in line', async () => {
    const course = await limitedCourse('Held Seat', 1);
    const a = await buyer('Cat', course);
    const b = await buyer('Dov', course);
    const order = await pendingCheckout(t, a);
    expect(order.status).toBe('pending');
    expect(await holds(course.id)).toEqual([{ status: 'held', user_id: a.userId }]);
    const refused = await checkout(t, b);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('course_full');
    ok(await t.http('POST', `/api/v1/courses/${course.id}/waitlist`, { as: b, headers: b.h() }), 201);
    // another organization cannot see or cancel the order holding the seat
    expect((await t.http('POST', `/api/v1/orders/${order.id}/cancel`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect(await holds(course.id)).toEqual([{ status: 'held', user_id: a.userId }]);

    ok(await t.http('POST', `/api/v1/orders/${order.id}/cancel`, { as: a, headers: a.h() }), 200);
    expect(await holds(course.id)).toEqual([{ status: 'released', user_id: a.userId }]);
    expect(await seats(b, course)).toMatchObject({ entry: { status: 'offered' }, offer: { status: 'pending' } });
  });

  it('expired unpaid: the cron sweep releases the seat', async () => {
    const course = await limitedCourse('Expiring Hold', 1);
    const a = await buyer('Eli', course);
    const b = await buyer('Fay', course);
    await pendingCheckout(t, a);
    expect((await checkout(t, b)).body.code).toBe('course_full');
    expect(await t.app.get(OrdersService).expirePending(new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(1);
    expect(await holds(course.id)).toEqual([{ status: 'released', user_id: a.userId }]);
    expect(ok(await checkout(t, b), 201).body.status).toBe('paid');
    await t.drain();
    expect(await enrollmentStatus(t, b.userId, course.id)).toBe('active');
  });

  it('payment failed: the declined buyer does not keep the seat', async () => {
    const course = await limitedCourse('Declined Hold', 1);
    const a = await buyer('Gil', course);
    const b = await buyer('Hal', course);
    const declined = ok(await checkout(t, a, { paymentMethod: { type: 'manual_card', cardNumber: '4000000000000002' } }), 201).body;
    expect(declined.status).toBe('failed');
    expect(await holds(course.id)).toEqual([{ status: 'released', user_id: a.userId }]);
    expect(ok(await checkout(t, b), 201).body.status).toBe('paid');
  });
});
