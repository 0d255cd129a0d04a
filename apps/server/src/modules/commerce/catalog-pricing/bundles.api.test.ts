import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, createOrg, type Member, signUp } from '../../learning/enrollment/enrollment.fixtures.js';
import { addToCart, checkout, enrollmentStatus, ok, setPrices } from '../commerce.fixtures.js';

let t: TestApp;
let admin: Member;
let instructor: Member;
let learner: Member;
let stranger: Member;
let a: BuiltCourse;
let b: BuiltCourse;
let c: BuiltCourse;

beforeAll(async () => {
  t = await createTestApp();
  admin = await createOrg(t, 'Bundles');
  instructor = await addMember(t, admin.orgId, 'instructor');
  learner = await addMember(t, admin.orgId, 'learner');
  stranger = await createOrg(t, 'Elsewhere');
  a = await buildCourse(t, instructor, { title: 'Alpha', isFree: false });
  b = await buildCourse(t, instructor, { title: 'Beta', isFree: false });
  c = await buildCourse(t, instructor, { title: 'Gamma', isFree: false });
  await setPrices(t, instructor, a, { USD: 3000, EUR: 2800 });
  await setPrices(t, instructor, b, { USD: 2000 });
  await setPrices(t, instructor, c, { USD: 1000, EUR: 900 });
});
afterAll(async () => t?.close());

const prices = [
  { currency: 'usd', amountMinor: 4000 },
  { currency: 'EUR', amountMinor: 3500 },
];

describe('bundles', () => {
  let bundleId = '';

  it('are created with one price per currency and show the savings against the courses bought one by one', async () => {
    const created = ok(await t.http('POST', '/api/v1/bundles', { as: admin, headers: admin.h(), body: { title: 'Alpha + Beta', courseIds: [a.id, b.id], prices } }), 201).body;
    bundleId = created.id;
    expect(created.courses.map((x: { title: string }) => x.title)).toEqual(['Alpha', 'Beta']);
    // EUR: Beta has no EUR price, so nothing to compare with
    expect(created.prices).toEqual([
      { currency: 'EUR', amountMinor: 3500, separateMinor: null, savingsMinor: null },
      { currency: 'USD', amountMinor: 4000, separateMinor: 5000, savingsMinor: 1000 },
    ]);
    // the single-price shorthand still works
    const short = ok(await t.http('POST', '/api/v1/bundles', { as: admin, headers: admin.h(), body: { title: 'Short', courseIds: [a.id, c.id], currency: 'USD', amountMinor: 3500 } }), 201).body;
    expect(short.prices).toEqual([{ currency: 'USD', amountMinor: 3500, separateMinor: 4000, savingsMinor: 500 }]);
  });

  it('refuses bad input, other organizations and members without commerce.manage, changing nothing', async () => {
    const before = await t.query<{ n: number }>('SELECT count(*)::int AS n FROM bundle_prices');
    for (const body of [
      { title: 'x', courseIds: [a.id, b.id], prices: [] },
      { title: 'x', courseIds: [a.id, b.id], prices: [{ currency: 'USD', amountMinor: 1 }, { currency: 'usd', amountMinor: 2 }] },
      { title: 'x', courseIds: [a.id, b.id], prices: [{ currency: 'USD', amountMinor: 1 }], currency: 'USD', amountMinor: 1 },
      { title: 'x', courseIds: [a.id], prices },
      { title: 'x', courseIds: [a.id, b.id], prices: [{ currency: 'XYZ', amountMinor: 1 }] },
    ]) {
      const res = await t.http('POST', '/api/v1/bundles', { as: admin, headers: admin.h(), body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await t.http('POST', '/api/v1/bundles', { as: stranger, headers: stranger.h(), body: { title: 'x', courseIds: [a.id, b.id], prices } })).status).toBe(400);
    expect((await t.http('POST', '/api/v1/bundles', { as: learner, headers: learner.h(), body: { title: 'x', courseIds: [a.id, b.id], prices } })).status).toBe(403);
    const edit = { title: 'Taken', courseIds: [a.id, b.id], prices, active: true };
    expect((await t.http('PUT', `/api/v1/bundles/${bundleId}`, { as: stranger, headers: stranger.h(), body: edit })).status).toBe(404);
    expect((await t.http('PUT', `/api/v1/bundles/${bundleId}`, { as: learner, headers: learner.h(), body: edit })).status).toBe(403);
    expect((await t.http('PUT', `/api/v1/bundles/${bundleId}`, { body: edit })).status).toBe(401);
    expect((await t.http('PUT', `/api/v1/bundles/${bundleId}`, { as: admin, headers: admin.h(), body: { ...edit, prices: [] } })).status).toBe(400);
    expect((await t.http('GET', '/api/v1/bundles', { as: stranger, headers: stranger.h() })).body.items).toEqual([]);
    expect(await t.query<{ n: number }>('SELECT count(*)::int AS n FROM bundle_prices')).toEqual(before);
    expect(ok(await t.http('GET', `/api/v1/bundles/${bundleId}`), 200).body.title).toBe('Alpha + Beta');
  });

  it('are edited: title, courses, prices and whether on sale; the course page lists the active bundles holding it', async () => {
    const edited = ok(
      await t.http('PUT', `/api/v1/bundles/${bundleId}`, { as: admin, headers: admin.h(), body: { title: 'All three', courseIds: [a.id, b.id, c.id], prices: [{ currency: 'USD', amountMinor: 4500 }], active: true } }),
      200,
    ).body;
    expect(edited).toMatchObject({ title: 'All three', active: true, prices: [{ currency: 'USD', amountMinor: 4500, separateMinor: 6000, savingsMinor: 1500 }] });
    expect(edited.courses.map((x: { id: string }) => x.id)).toEqual([a.id, b.id, c.id]);
    const ofB = ok(await t.http('GET', `/api/v1/courses/${b.id}/bundles`), 200).body;
    expect(ofB.items.map((x: { title: string }) => x.title)).toEqual(['All three']);
    const ofC = ok(await t.http('GET', `/api/v1/courses/${c.id}/bundles`), 200).body;
    expect(ofC.items.map((x: { title: string }) => x.title).sort()).toEqual(['All three', 'Short']);
    // taken off sale: gone from the course page and the public bundle page, not buyable
    ok(await t.http('PUT', `/api/v1/bundles/${bundleId}`, { as: admin, headers: admin.h(), body: { title: 'All three', courseIds: [a.id, b.id, c.id], prices: [{ currency: 'USD', amountMinor: 4500 }], active: false } }), 200);
    expect(ok(await t.http('GET', `/api/v1/courses/${b.id}/bundles`), 200).body.items).toEqual([]);
    expect((await t.http('GET', `/api/v1/bundles/${bundleId}`)).status).toBe(404);
    const buyer = await signUp(t, 'bundle-buyer');
    expect((await addToCart(t, buyer, bundleId, 'bundle')).status).toBe(404);
    ok(await t.http('PUT', `/api/v1/bundles/${bundleId}`, { as: admin, headers: admin.h(), body: { title: 'All three', courseIds: [a.id, b.id, c.id], prices: [{ currency: 'USD', amountMinor: 4500 }, { currency: 'EUR', amountMinor: 4000 }], active: true } }), 200);
  });

  it('are bought in any of their currencies and grant every course', async () => {
    const buyer = await signUp(t, 'bundle-eur');
    ok(await addToCart(t, buyer, bundleId, 'bundle'), 201);
    const cart = ok(await t.http('GET', '/api/v1/cart', { headers: buyer.headers() }), 200).body;
    expect(cart.items[0].prices).toEqual({ EUR: 4000, USD: 4500 });
    const order = ok(await checkout(t, buyer, { currency: 'EUR', billingAddress: { name: 'B', country: 'FR' } }), 201).body;
    expect(order).toMatchObject({ currency: 'EUR', subtotalMinor: 4000 });
    await t.drain();
    for (const x of [a, b, c]) expect(await enrollmentStatus(t, buyer.userId, x.id)).toBe('active');
  });
});
