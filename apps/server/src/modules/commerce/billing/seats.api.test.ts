import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type Member } from '../../learning/enrollment/enrollment.fixtures.js';
import { CARD_OK, canLearn, createPlan, idem, ok } from './billing.fixtures.js';

let t: TestApp;
let admin: Member;
let stranger: Member;
let course: BuiltCourse;
let plan: { id: string };

beforeAll(async () => {
  t = await createTestApp({ BILLING_TEST_CLOCKS: 'false' });
  admin = await createOrg(t, 'Seats Inc');
  stranger = await createOrg(t, 'Elsewhere');
  course = await buildCourse(t, admin, { title: 'Team course', isFree: false });
  plan = await createPlan(t, admin, { name: 'Team', scope: 'courses', courseIds: [course.id], prices: [{ currency: 'EUR', amountMinor: 2500 }] });
});
afterAll(() => t?.close());

const buy = (quantity: number, as: Member = admin) =>
  t.http('POST', '/api/v1/billing/seats', { as, headers: { ...as.h(), 'idempotency-key': idem() }, body: { planId: plan.id, quantity, paymentMethod: { type: 'manual_card', cardNumber: CARD_OK } } });
const assign = (id: string, email: string, as: Member = admin) => t.http('POST', `/api/v1/billing/seats/${id}/assignments`, { as, headers: as.h(), body: { email } });

describe('seat licences', () => {
  it('buys N seats charged N × price; assigning grants the course, unassigning takes it back; never more than N', async () => {
    const licence = ok(await buy(2), 201).body;
    expect(licence).toMatchObject({ kind: 'seats', quantity: 2, amountMinor: 5000, currency: 'EUR', assigned: 0, status: 'active' });
    const [charge] = await t.query<{ amount_minor: number }>('SELECT amount_minor FROM subscription_charges WHERE subscription_id = $1', [licence.id]);
    expect(charge!.amount_minor).toBe(5000);

    const [a, b, c] = [await addMember(t, admin.orgId, 'learner'), await addMember(t, admin.orgId, 'learner'), await addMember(t, admin.orgId, 'learner')];
    expect(ok(await assign(licence.id, a.email), 201).body.assigned).toBe(1);
    expect(await canLearn(t, a, course)).toBe(true);
    expect((await assign(licence.id, a.email)).body.code).toBe('seat_already_assigned');
    ok(await assign(licence.id, b.email), 201);
    const full = await assign(licence.id, c.email);
    expect(full.status).toBe(409);
    expect(full.body.code).toBe('no_seats_left');
    expect(await canLearn(t, c, course)).toBe(false);

    const holders = ok(await t.http('GET', `/api/v1/billing/seats/${licence.id}/assignments`, { as: admin, headers: admin.h() })).body;
    expect(holders.items.map((h: { email: string }) => h.email).sort()).toEqual([a.email, b.email].map((e) => e.toLowerCase()).sort());

    ok(await t.http('DELETE', `/api/v1/billing/seats/${licence.id}/assignments/${a.userId}`, { as: admin, headers: admin.h() }));
    expect(await canLearn(t, a, course)).toBe(false);
    ok(await assign(licence.id, c.email), 201);
    expect(await canLearn(t, c, course)).toBe(true);

    // ending the licence takes every seat holder's access
    ok(await t.http('POST', `/api/v1/subscriptions/${licence.id}/cancel`, { as: admin, headers: admin.h(), body: { atPeriodEnd: false } }));
    expect(await canLearn(t, b, course)).toBe(false);
    expect(await canLearn(t, c, course)).toBe(false);
    const list = ok(await t.http('GET', '/api/v1/billing/seats', { as: admin, headers: admin.h() })).body;
    expect(list.items.find((l: { id: string }) => l.id === licence.id)).toMatchObject({ status: 'canceled', assigned: 2 });
  });

  it('concurrent assignments never exceed the seats bought', async () => {
    const licence = ok(await buy(3), 201).body;
    const people = await Promise.all(Array.from({ length: 8 }, () => addMember(t, admin.orgId, 'learner')));
    const results = await Promise.all(people.map((p) => assign(licence.id, p.email)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'no_seats_left')).toBe(true);
    expect(await count(t, 'SELECT count(*) AS n FROM seat_assignments WHERE subscription_id = $1', [licence.id])).toBe(3);
    expect(await count(t, "SELECT count(*) AS n FROM subscription_grants WHERE subscription_id = $1 AND ended_at IS NULL", [licence.id])).toBe(3);
  });

  it('seats go to members only; learners, strangers and anonymous callers are refused', async () => {
    const licence = ok(await buy(1), 201).body;
    const outsider = await createOrg(t, 'Outsider');
    const notMember = await assign(licence.id, outsider.email);
    expect(notMember.status).toBe(422);
    expect(notMember.body.code).toBe('not_a_member');
    const learner = await addMember(t, admin.orgId, 'learner');
    expect((await buy(1, learner)).status).toBe(403);
    expect((await assign(licence.id, learner.email, learner)).status).toBe(403);
    expect((await assign(licence.id, stranger.email, stranger)).status).toBe(404);
    expect((await t.http('GET', `/api/v1/billing/seats/${licence.id}/assignments`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('GET', '/api/v1/billing/seats')).status).toBe(401);
    expect((await t.http('POST', `/api/v1/billing/seats/${licence.id}/assignments`, { body: { email: learner.email } })).status).toBe(401);
    expect(await count(t, 'SELECT count(*) AS n FROM seat_assignments WHERE subscription_id = $1', [licence.id])).toBe(0);
  });
});
