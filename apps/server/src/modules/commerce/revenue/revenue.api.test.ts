import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, type Database, inTransaction } from '../../../kernel/db/index.js';
import { EventBus, type EventDef } from '../../../kernel/events/index.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, createOrg, type Member } from '../../learning/enrollment/enrollment.fixtures.js';
import { type OrderLineEvent, OrderPaid, OrderRefunded, SubscriptionChargeRefunded, SubscriptionPaymentSucceeded } from '../commerce.events.js';

let t: TestApp;
let owner: Member;
let ann: Member; // instructor 1
let ben: Member; // instructor 2
let cat: Member; // instructor of the second course only
let learner: Member;
let stranger: Member;
let duo: BuiltCourse; // taught by Ann, Ben and Cat: an uneven three-way split
let solo: BuiltCourse; // taught by Cat
const DAY1 = '2026-03-01T10:00:00.000Z';
const DAY2 = '2026-03-02T23:59:00.000Z';
const DAY3 = '2026-03-03T08:00:00.000Z';
let paid: { orderId: string; lines: OrderLineEvent[] };

async function publish<P>(event: EventDef<P>, data: P): Promise<void> {
  await inTransaction(t.app.get<symbol, Database>(DB), (tx) => t.app.get(EventBus).emit(tx, event, data));
  await t.drain();
}
const line = (kind: OrderLineEvent['kind'], refId: string, courseIds: string[], subtotal: number, discount = 0, tax = 0): OrderLineEvent => ({
  lineId: uuidv7(), kind, refId, courseIds, quantity: 1, subtotalMinor: subtotal, discountMinor: discount, taxMinor: tax, totalMinor: subtotal - discount + tax,
});
async function order(lines: OrderLineEvent[], paidAt: string, currency = 'USD') {
  const orderId = uuidv7();
  const net = lines.reduce((s, l) => s + l.subtotalMinor - l.discountMinor, 0);
  const tax = lines.reduce((s, l) => s + l.taxMinor, 0);
  await publish(OrderPaid, { organizationId: owner.orgId, orderId, orderNumber: 'R-1', userId: learner.userId, currency, netMinor: net, taxMinor: tax, totalMinor: net + tax, lines, referralCode: null, paidAt });
  return { orderId, lines };
}
const report = (as: Member | null, qs: string) => t.http('GET', `/api/v1/revenue?${qs}`, as ? { as, headers: as.h() } : {});

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOrg(t, 'Revenue');
  ann = await addMember(t, owner.orgId, 'instructor', { name: 'Ann' });
  ben = await addMember(t, owner.orgId, 'instructor', { name: 'Ben' });
  cat = await addMember(t, owner.orgId, 'instructor', { name: 'Cat' });
  learner = await addMember(t, owner.orgId, 'learner');
  stranger = await createOrg(t, 'Elsewhere');
  duo = await buildCourse(t, ann, { title: 'Three Teachers' });
  const patch = await t.http('PATCH', `/api/v1/courses/${duo.id}`, { as: owner, headers: owner.h(), body: { instructorIds: [ann.userId, ben.userId, cat.userId] } });
  expect(patch.status, patch.text).toBe(200);
  solo = await buildCourse(t, cat, { title: 'Solo' });
});
afterAll(() => t?.close());

describe('revenue settings', () => {
  it('admins set the share and per-course overrides; others are refused and bad input changes nothing', async () => {
    expect((await t.http('GET', '/api/v1/revenue/settings', { as: owner, headers: owner.h() })).body).toEqual({ instructorShareBp: 5000 });
    expect((await t.http('PUT', '/api/v1/revenue/settings', { as: ann, headers: ann.h(), body: { instructorShareBp: 9000 } })).status).toBe(403);
    expect((await t.http('PUT', '/api/v1/revenue/settings', { body: { instructorShareBp: 9000 } })).status).toBe(401);
    expect((await t.http('PUT', '/api/v1/revenue/settings', { as: owner, headers: owner.h(), body: { instructorShareBp: 10_001 } })).status).toBe(400);
    expect((await t.http('PUT', '/api/v1/revenue/settings', { as: owner, headers: owner.h(), body: { instructorShareBp: 7000 } })).body).toEqual({ instructorShareBp: 7000 });
    expect((await t.http('PUT', `/api/v1/revenue/courses/${solo.id}/share`, { as: stranger, headers: stranger.h(), body: { instructorShareBp: 8000 } })).status).toBe(404);
    expect((await t.http('PUT', `/api/v1/revenue/courses/${solo.id}/share`, { as: ann, headers: ann.h(), body: { instructorShareBp: 8000 } })).status).toBe(403);
    const ok = await t.http('PUT', `/api/v1/revenue/courses/${solo.id}/share`, { as: owner, headers: owner.h(), body: { instructorShareBp: 8000 } });
    expect(ok.body).toEqual({ courseId: solo.id, instructorShareBp: 8000, overridden: true });
  });
});

describe('the revenue read model', () => {
  it('records revenue per day, course and organization, net of discounts and without tax, with the share split exactly', async () => {
    // 1000 net on the three-teacher course at 70%: 700 split 234/233/233; the solo course 1999 at 80%: 1599
    paid = await order([line('course', duo.id, [duo.id], 1200, 200, 100), line('course', solo.id, [solo.id], 1999)], DAY1);
    // a bundle of both: 1001 split 501/500 over the courses
    await order([line('bundle', uuidv7(), [duo.id, solo.id], 1001)], DAY2);
    await publish(SubscriptionPaymentSucceeded, {
      organizationId: owner.orgId, subscriptionId: uuidv7(), chargeId: uuidv7(), userId: learner.userId, planId: uuidv7(), currency: 'USD', reason: 'initial',
      periodStart: DAY2, periodEnd: DAY3, lines: [{ description: 'Plan', amountMinor: 500, taxMinor: 0 }], netMinor: 500, taxMinor: 0, totalMinor: 500, referralCode: null, paidAt: DAY2,
    });
    const org = await report(owner, 'from=2026-03-01&to=2026-03-03');
    expect(org.status, org.text).toBe(200);
    expect(org.body.items.map((r: { day: string; grossMinor: number; instructorShareMinor: number }) => [r.day, r.grossMinor, r.instructorShareMinor])).toEqual([
      ['2026-03-01', 2999, 700 + 1599],
      ['2026-03-02', 1001 + 500, 351 + 400],
    ]);
    const byCourse = await report(owner, 'from=2026-03-01&to=2026-03-03&groupBy=course');
    expect(byCourse.body.items.map((r: { day: string; courseTitle: string; grossMinor: number; instructorShareMinor: number }) => [r.day, r.courseTitle, r.grossMinor, r.instructorShareMinor]).sort()).toEqual(
      [
        ['2026-03-01', 'Three Teachers', 1000, 700],
        ['2026-03-01', 'Solo', 1999, 1599],
        ['2026-03-02', 'Three Teachers', 501, 351],
        ['2026-03-02', 'Solo', 500, 400],
      ].sort(),
    );
    const byInstructor = await report(owner, 'from=2026-03-01&to=2026-03-01&groupBy=instructor');
    const shares = Object.fromEntries(byInstructor.body.items.map((r: { instructorName: string; instructorShareMinor: number }) => [r.instructorName, r.instructorShareMinor]));
    expect(shares).toEqual({ Ann: 234, Ben: 233, Cat: 233 + 1599 });
  });

  it('refunds subtract on their day, proportionally and exactly, from the course and each instructor', async () => {
    const duoLine = paid.lines[0]!; // paid 1100 (1000 net + 100 tax)
    const refund = (amount: number, at: string) =>
      publish(OrderRefunded, { organizationId: owner.orgId, orderId: paid.orderId, refundId: uuidv7(), userId: learner.userId, currency: 'USD', amountMinor: amount, full: false, lines: [{ lineId: duoLine.lineId, amountMinor: amount, revokeAccess: false }], refundedAt: at });
    await refund(550, DAY3); // half: 500 net, 350 share
    await refund(550, DAY3); // the rest
    const day3 = await report(owner, 'from=2026-03-03&to=2026-03-03&groupBy=course');
    expect(day3.body.items).toEqual([expect.objectContaining({ courseId: duo.id, grossMinor: -1000, instructorShareMinor: -700 })]);
    const all = await report(owner, 'from=2026-03-01&to=2026-03-03&groupBy=instructor');
    const sum = (name: string) => all.body.items.filter((r: { instructorName: string }) => r.instructorName === name).reduce((s: number, r: { instructorShareMinor: number }) => s + r.instructorShareMinor, 0);
    // each refund of half takes back 117/117/116 then 117/116/117: together exactly 234/233/233
    expect([sum('Ann'), sum('Ben'), sum('Cat')]).toEqual([117, 117, 1599 + 117 + 400]);
    const org = await report(owner, 'from=2026-03-01&to=2026-03-03');
    expect(org.body.items.reduce((s: number, r: { grossMinor: number }) => s + r.grossMinor, 0)).toBe(1999 + 1001 + 500);
    // the chart's series: sales and refunds of each day apart, net = sales - refunds
    expect(org.body.items.map((r: { day: string; salesMinor: number; refundsMinor: number; grossMinor: number }) => [r.day, r.salesMinor, r.refundsMinor, r.grossMinor])).toEqual([
      ['2026-03-01', 2999, 0, 2999],
      ['2026-03-02', 1501, 0, 1501],
      ['2026-03-03', 0, 1000, -1000],
    ]);
    // one course only: its sales (the bundle's part included), refunds and share
    const duoOnly = await report(owner, `from=2026-03-01&to=2026-03-03&courseId=${duo.id}`);
    expect(duoOnly.body.items.map((r: { day: string; salesMinor: number; refundsMinor: number; instructorShareMinor: number }) => [r.day, r.salesMinor, r.refundsMinor, r.instructorShareMinor])).toEqual([
      ['2026-03-01', 1000, 0, 700],
      ['2026-03-02', 501, 0, 351],
      ['2026-03-03', 0, 1000, -700],
    ]);
    const annOnSolo = await report(ann, `from=2026-03-01&to=2026-03-03&groupBy=instructor&courseId=${solo.id}`);
    expect(annOnSolo.body.items).toEqual([]);
    const catOnSolo = await report(cat, `from=2026-03-01&to=2026-03-03&groupBy=instructor&courseId=${solo.id}`);
    expect(catOnSolo.body.items.map((r: { instructorShareMinor: number }) => r.instructorShareMinor)).toEqual([1599, 400]);
    expect((await report(owner, 'from=2026-03-01&to=2026-03-03&courseId=not-a-uuid')).status).toBe(400);
  });

  it('a subscription charge refund subtracts on its day, proportionally and exactly, once per refund', async () => {
    const chargeId = uuidv7();
    const subscriptionId = uuidv7();
    const planId = uuidv7();
    // 1000 net + 210 tax = 1210 paid
    await publish(SubscriptionPaymentSucceeded, {
      organizationId: owner.orgId, subscriptionId, chargeId, userId: learner.userId, planId, currency: 'EUR', reason: 'initial',
      periodStart: '2026-04-01T00:00:00.000Z', periodEnd: '2026-05-01T00:00:00.000Z', lines: [{ description: 'Plan', amountMinor: 1000, taxMinor: 210 }], netMinor: 1000, taxMinor: 210, totalMinor: 1210, referralCode: null, paidAt: '2026-04-01T09:00:00.000Z',
    });
    const refund = (amountMinor: number, full: boolean, refundedAt: string, refundId = uuidv7()) => ({
      organizationId: owner.orgId, subscriptionId, chargeId, refundId, userId: learner.userId, planId, currency: 'EUR', amountMinor, full, reason: 'admin' as const, refundedAt,
    });
    const first = refund(400, false, '2026-04-10T12:00:00.000Z'); // 1000 × 400/1210 = 330.6
    await publish(SubscriptionChargeRefunded, first);
    await publish(SubscriptionChargeRefunded, first); // redelivered: applied once
    await publish(SubscriptionChargeRefunded, refund(1, false, '2026-04-11T12:00:00.000Z')); // 1000 × 401/1210 = 331.4: nothing more
    await publish(SubscriptionChargeRefunded, refund(809, true, '2026-04-12T12:00:00.000Z')); // the rest
    const april = await report(owner, 'from=2026-04-01&to=2026-04-30');
    expect(april.body.items.map((r: { day: string; currency: string; salesMinor: number; refundsMinor: number; grossMinor: number; instructorShareMinor: number }) => [r.day, r.currency, r.salesMinor, r.refundsMinor, r.grossMinor, r.instructorShareMinor])).toEqual([
      ['2026-04-01', 'EUR', 1000, 0, 1000, 0],
      ['2026-04-10', 'EUR', 0, 331, -331, 0],
      ['2026-04-11', 'EUR', 0, 0, 0, 0],
      ['2026-04-12', 'EUR', 0, 669, -669, 0],
    ]);
    // another organization's refund of this charge id changes nothing here
    await publish(SubscriptionChargeRefunded, { ...refund(100, false, '2026-04-13T12:00:00.000Z'), organizationId: stranger.orgId });
    expect((await report(owner, 'from=2026-04-13&to=2026-04-13')).body.items).toEqual([]);
  });

  it('instructors see only their own share; other reports, strangers and anonymous callers are refused', async () => {
    const mine = await report(ann, 'from=2026-03-01&to=2026-03-03&groupBy=instructor');
    expect(mine.status).toBe(200);
    expect(new Set(mine.body.items.map((r: { instructorId: string }) => r.instructorId))).toEqual(new Set([ann.userId]));
    expect((await report(ann, 'from=2026-03-01&to=2026-03-03')).status).toBe(403);
    expect((await report(learner, 'from=2026-03-01&to=2026-03-03&groupBy=instructor')).body.items).toEqual([]);
    expect((await report(stranger, 'from=2026-03-01&to=2026-03-03')).body.items).toEqual([]);
    expect((await report(null, 'from=2026-03-01&to=2026-03-03')).status).toBe(401);
    expect((await report(owner, 'from=2026-03-05&to=2026-03-01')).status).toBe(400);
    expect((await report(owner, 'from=2026-03-01')).status).toBe(400);
    const csv = await t.http('GET', '/api/v1/revenue/report.csv?from=2026-03-01&to=2026-03-01', { as: owner, headers: owner.h() });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text).toBe('day,currency,course_id,course_title,instructor_id,instructor_name,revenue,instructor_share\r\n2026-03-01,USD,,,,,29.99,22.99\r\n');
  });
});
