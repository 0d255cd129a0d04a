import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, createOrg, type Member } from '../../learning/enrollment/enrollment.fixtures.js';
import { createCoupon } from '../commerce.fixtures.js';
import { CARD_OK, createPlan, idem, ok } from './billing.fixtures.js';

/*
 * The subscription quote (POST /billing/plans/:id/quote): the first charge priced by the same code
 * as subscribing (coupon, tax by billing country/region), and the charge that subscribing makes
 * matches it to the minor unit.
 */

let t: TestApp;
let admin: Member;
let stranger: Member;
let planId: string;
let trialPlanId: string;

const quote = (who: Member | null, id: string, body: Record<string, unknown>) =>
  t.http('POST', `/api/v1/billing/plans/${id}/quote`, { ...(who ? { as: who, headers: who.h() } : {}), body });

beforeAll(async () => {
  t = await createTestApp();
  admin = await createOrg(t, 'Quotes');
  stranger = await createOrg(t, 'Elsewhere');
  ok(await t.http('POST', '/api/v1/tax-rates', { as: admin, headers: admin.h(), body: { country: 'ES', label: 'VAT', rateBasisPoints: 2100 } }), 201);
  ok(await t.http('POST', '/api/v1/tax-rates', { as: admin, headers: admin.h(), body: { country: 'DE', label: 'MwSt', rateBasisPoints: 1900, inclusive: true } }), 201);
  planId = (await createPlan(t, admin, { name: 'Quoted', prices: [{ currency: 'USD', amountMinor: 2000 }] })).id;
  trialPlanId = (await createPlan(t, admin, { name: 'Quoted trial', trialDays: 14, prices: [{ currency: 'USD', amountMinor: 2000 }] })).id;
  await createCoupon(t, admin, { code: 'QUARTER', kind: 'percent', percentBasisPoints: 2500, scope: 'plans', scopeIds: [planId, trialPlanId], duration: 'repeating', durationMonths: 3 });
});
afterAll(() => t?.close());

describe('subscription quote', () => {
  it('prices the coupon and an exclusive tax, and subscribing charges exactly the quoted total', async () => {
    const member = await addMember(t, admin.orgId, 'learner');
    const q = ok(await quote(member, planId, { couponCode: 'quarter', billingAddress: { country: 'es' } })).body;
    expect(q).toMatchObject({
      planId,
      currency: 'USD',
      subtotalMinor: 2000,
      discountMinor: 500,
      discount: { name: expect.any(String), chargesLeft: 3 },
      taxMinor: 315, // 21% of 1500
      taxLines: [{ label: 'VAT', rateBasisPoints: 2100, inclusive: false, amountMinor: 315 }],
      totalMinor: 1815,
      dueNowMinor: 1815,
      trialEnd: null,
    });
    expect(q.lines.map((l: { amountMinor: number }) => l.amountMinor)).toEqual([2000, -500]);

    const sub = ok(
      await t.http('POST', '/api/v1/subscriptions', {
        as: member,
        headers: { ...member.h(), 'idempotency-key': idem() },
        body: { planId, couponCode: 'QUARTER', billingAddress: { country: 'ES' }, paymentMethod: { type: 'manual_card', cardNumber: CARD_OK } },
      }),
      201,
    ).body;
    const [charge] = ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}/charges`, { as: member, headers: member.h() })).body.items;
    expect(charge).toMatchObject({ amountMinor: q.totalMinor, taxMinor: q.taxMinor });
  });

  it('an inclusive rate stays inside the total; a trial is due at its end; no coupon, no discount', async () => {
    const member = await addMember(t, admin.orgId, 'learner');
    const q = ok(await quote(member, trialPlanId, { billingAddress: { country: 'DE' } })).body;
    // 2000 − round(2000 / 1.19) = 2000 − 1681
    expect(q).toMatchObject({ subtotalMinor: 2000, discountMinor: 0, discount: null, taxMinor: 319, totalMinor: 2000, dueNowMinor: 0, taxLines: [{ inclusive: true }] });
    expect(q.trialEnd).toBe(q.firstChargeAt);
    const untaxed = ok(await quote(member, planId, {})).body;
    expect(untaxed).toMatchObject({ taxMinor: 0, taxLines: [], totalMinor: 2000 });
  });

  it('refuses a code that does not apply and a bad address with field errors (problem+json)', async () => {
    const member = await addMember(t, admin.orgId, 'learner');
    const bad = await quote(member, planId, { couponCode: 'NOPE' });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body).toMatchObject({ code: 'coupon_not_applicable' });
    expect(JSON.stringify(bad.body)).toContain('couponCode');
    const region = await quote(member, planId, { billingAddress: { country: 'US', region: 'C-A' } });
    expect(region.status).toBe(400);
    expect(JSON.stringify(region.body)).toContain('billingAddress.region');
    const rows = await t.query<{ n: string }>('SELECT count(*) AS n FROM coupon_redemptions WHERE user_id = $1', [member.userId]);
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('is for members of the plan’s organization only', async () => {
    expect((await quote(null, planId, {})).status).toBe(401);
    expect((await quote(stranger, planId, {})).status).toBe(404);
  });
});
