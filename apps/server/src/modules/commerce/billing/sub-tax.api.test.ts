import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, createOrg, type Member } from '../../learning/enrollment/enrollment.fixtures.js';
import { CARD_OFF_SESSION_FAILS, CARD_OK, createPlan, idem, ok } from './billing.fixtures.js';

/*
 * Tax on subscription charges (the checkout tax rates, by the subscriber's billing country and
 * region) and the refund of the unused time when a subscription is cancelled at once.
 */

let t: TestApp;
const DAY_S = 86_400;

interface ChargeView {
  id: string;
  reason: string;
  amountMinor: number;
  taxMinor: number;
  taxLines: { label: string; rateBasisPoints: number; inclusive: boolean; amountMinor: number }[];
  refundedMinor: number;
}

async function subscribeFrom(who: Member, planId: string, address: Record<string, string> | undefined, cardNumber = CARD_OK) {
  return t.http('POST', '/api/v1/subscriptions', {
    as: who,
    headers: { ...who.h(), 'idempotency-key': idem() },
    body: { planId, paymentMethod: { type: 'manual_card', cardNumber }, ...(address ? { billingAddress: address } : {}) },
  });
}
const chargesOf = async (who: Member, id: string) => ok(await t.http('GET', `/api/v1/subscriptions/${id}/charges`, { as: who, headers: who.h() })).body.items as ChargeView[];
const invoiceOf = async (chargeId: string) => {
  const [row] = await t.query<{ net_minor: number; tax_minor: number; total_minor: number; tax_lines: { label: string; amountMinor: number }[]; billing_address: Record<string, string>; refunded_minor: number; id: string }>(
    'SELECT id, net_minor, tax_minor, total_minor, tax_lines, billing_address, refunded_minor FROM invoices WHERE source = $1 AND source_id = $2',
    ['subscription', chargeId],
  );
  return row;
};
async function newClock(admin: Member, frozenTime: string): Promise<string> {
  return ok(await t.http('POST', '/api/v1/billing/test-clocks', { as: admin, headers: admin.h(), body: { name: 'Tax', frozenTime } }), 201).body.id;
}
const advance = async (admin: Member, clockId: string, days: number) => ok(await t.http('POST', `/api/v1/billing/test-clocks/${clockId}/advance`, { as: admin, headers: admin.h(), body: { days } }));
async function taxRate(admin: Member, body: Record<string, unknown>) {
  ok(await t.http('POST', '/api/v1/tax-rates', { as: admin, headers: admin.h(), body }), 201);
}

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

describe('tax on subscription charges', () => {
  let admin: Member;
  let clockId: string;
  let planId: string;

  beforeAll(async () => {
    admin = await createOrg(t, 'Taxed subs');
    clockId = await newClock(admin, '2026-03-01T12:00:00.000Z');
    await taxRate(admin, { country: 'ES', label: 'VAT', rateBasisPoints: 2100 });
    await taxRate(admin, { country: 'DE', label: 'MwSt', rateBasisPoints: 1900, inclusive: true });
    await taxRate(admin, { country: 'US', label: 'Sales tax', rateBasisPoints: 500 });
    await taxRate(admin, { country: 'US', region: 'CA', label: 'CA sales tax', rateBasisPoints: 725 });
    planId = (await createPlan(t, admin, { name: 'Taxed monthly', prices: [{ currency: 'USD', amountMinor: 1000 }] })).id;
  });

  it('an exclusive rate is charged on top and the invoice has the tax line; a renewal under the test clock is taxed too', async () => {
    const member = await addMember(t, admin.orgId, 'learner');
    const sub = ok(await subscribeFrom(member, planId, { country: 'es', city: 'Madrid' }), 201).body;
    let charges = await chargesOf(member, sub.id);
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({ reason: 'initial', amountMinor: 1210, taxMinor: 210, taxLines: [{ label: 'VAT', rateBasisPoints: 2100, inclusive: false, amountMinor: 210 }] });
    await t.drain();
    expect(await invoiceOf(charges[0]!.id)).toMatchObject({ net_minor: 1000, tax_minor: 210, total_minor: 1210, tax_lines: [{ label: 'VAT 21%', amountMinor: 210 }], billing_address: { country: 'ES', city: 'Madrid' } });

    await advance(admin, clockId, 31);
    charges = await chargesOf(member, sub.id);
    const renewal = charges.find((c) => c.reason === 'renewal')!;
    expect(renewal).toMatchObject({ amountMinor: 1210, taxMinor: 210 });
    await t.drain();
    const inv = (await invoiceOf(renewal.id))!;
    expect(inv).toMatchObject({ net_minor: 1000, tax_minor: 210, total_minor: 1210, tax_lines: [{ label: 'VAT 21%', amountMinor: 210 }] });
    const pdf = await t.http('GET', `/api/v1/invoices/${inv.id}/pdf`, { as: member, headers: member.h() });
    expect(pdf.status).toBe(200);
    expect(pdf.text.startsWith('%PDF-')).toBe(true);
  });

  it('an inclusive rate keeps the total and shows the tax inside it', async () => {
    const member = await addMember(t, admin.orgId, 'learner');
    const sub = ok(await subscribeFrom(member, planId, { country: 'DE' }), 201).body;
    const [c] = await chargesOf(member, sub.id);
    // 1000 − round(1000 / 1.19) = 1000 − 840
    expect(c).toMatchObject({ amountMinor: 1000, taxMinor: 160, taxLines: [{ label: 'MwSt', inclusive: true, amountMinor: 160 }] });
    await t.drain();
    expect(await invoiceOf(c!.id)).toMatchObject({ net_minor: 840, tax_minor: 160, total_minor: 1000, tax_lines: [{ label: 'MwSt 19% (included)', amountMinor: 160 }] });
  });

  it('a region’s own rate wins over its country’s', async () => {
    const member = await addMember(t, admin.orgId, 'learner');
    const sub = ok(await subscribeFrom(member, planId, { country: 'US', region: 'ca' }), 201).body;
    const [c] = await chargesOf(member, sub.id);
    expect(c).toMatchObject({ amountMinor: 1073, taxMinor: 73, taxLines: [{ label: 'CA sales tax', rateBasisPoints: 725 }] });
  });

  it('an upgrade’s proration charge is taxed on the prorated difference', async () => {
    const bigger = (await createPlan(t, admin, { name: 'Taxed bigger', prices: [{ currency: 'USD', amountMinor: 2000 }] })).id;
    const member = await addMember(t, admin.orgId, 'learner');
    const sub = ok(await subscribeFrom(member, planId, { country: 'ES' }), 201).body;
    ok(await t.http('POST', `/api/v1/subscriptions/${sub.id}/change-plan`, { as: member, headers: { ...member.h(), 'idempotency-key': idem() }, body: { planId: bigger } }));
    const proration = (await chargesOf(member, sub.id)).find((c) => c.reason === 'proration')!;
    // the whole period is left: 2000 − 1000 = 1000 net, + 21%
    expect(proration).toMatchObject({ amountMinor: 1210, taxMinor: 210, taxLines: [{ label: 'VAT', amountMinor: 210 }] });
  });

  it('seat licences are taxed on the whole quantity', async () => {
    const res = await t.http('POST', '/api/v1/billing/seats', {
      as: admin,
      headers: { ...admin.h(), 'idempotency-key': idem() },
      body: { planId, quantity: 3, paymentMethod: { type: 'manual_card', cardNumber: CARD_OK }, billingAddress: { country: 'ES' } },
    });
    const licence = ok(res, 201).body;
    const [c] = await chargesOf(admin, licence.id);
    expect(c).toMatchObject({ amountMinor: 3630, taxMinor: 630 });
    await t.drain();
    expect(await invoiceOf(c!.id)).toMatchObject({ net_minor: 3000, tax_minor: 630, total_minor: 3630 });
  });

  it('an untaxed country, or no billing address, has no tax line', async () => {
    for (const address of [{ country: 'FR' }, undefined]) {
      const member = await addMember(t, admin.orgId, 'learner');
      const sub = ok(await subscribeFrom(member, planId, address), 201).body;
      const [c] = await chargesOf(member, sub.id);
      expect(c).toMatchObject({ amountMinor: 1000, taxMinor: 0, taxLines: [] });
      await t.drain();
      expect(await invoiceOf(c!.id)).toMatchObject({ net_minor: 1000, tax_minor: 0, total_minor: 1000, tax_lines: [] });
    }
  });

  it('a bad region code is a 400 problem and subscribes nothing', async () => {
    const member = await addMember(t, admin.orgId, 'learner');
    const res = await subscribeFrom(member, planId, { country: 'US', region: 'not a region!' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const mine = ok(await t.http('GET', '/api/v1/me/subscriptions', { as: member, headers: member.h() })).body;
    expect(mine.items).toHaveLength(0);
  });
});

describe('cancelling now refunds the unused time', () => {
  let admin: Member;
  let stranger: Member;
  let clockId: string;
  let planId: string;
  let trialPlanId: string;

  beforeAll(async () => {
    admin = await createOrg(t, 'Refunds');
    stranger = await createOrg(t, 'Elsewhere');
    // April has 30 days: 15 days in is exactly half of the period
    clockId = await newClock(admin, '2026-04-01T00:00:00.000Z');
    await taxRate(admin, { country: 'ES', label: 'VAT', rateBasisPoints: 2100 });
    planId = (await createPlan(t, admin, { name: 'Refundable monthly', prices: [{ currency: 'USD', amountMinor: 1000 }] })).id;
    trialPlanId = (await createPlan(t, admin, { name: 'Trial monthly', trialDays: 30, prices: [{ currency: 'USD', amountMinor: 1000 }] })).id;
  });

  it('halfway through the month refunds half of what was charged (tax included), once, on the invoice; strangers are refused', async () => {
    const member = await addMember(t, admin.orgId, 'learner');
    const sub = ok(await subscribeFrom(member, planId, { country: 'ES' }), 201).body;
    const trial = ok(await subscribeFrom(member, trialPlanId, undefined), 201).body;
    await advance(admin, clockId, 15);

    const preview = ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}/cancel-preview`, { as: member, headers: member.h() })).body;
    // round(1210 × 15 days / 30 days)
    expect(preview).toEqual({ currency: 'USD', basis: 'seconds', remainingSeconds: 15 * DAY_S, periodSeconds: 30 * DAY_S, refundMinor: 605 });

    expect((await t.http('GET', `/api/v1/subscriptions/${sub.id}/cancel-preview`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    const refused = await t.http('POST', `/api/v1/subscriptions/${sub.id}/cancel`, { as: stranger, headers: stranger.h(), body: { atPeriodEnd: false } });
    expect(refused.status).toBe(404);
    expect((await chargesOf(member, sub.id))[0]!.refundedMinor).toBe(0);

    const canceled = ok(await t.http('POST', `/api/v1/subscriptions/${sub.id}/cancel`, { as: member, headers: member.h(), body: { atPeriodEnd: false } })).body;
    expect(canceled).toMatchObject({ status: 'canceled', hasAccess: false });
    const [c] = await chargesOf(member, sub.id);
    expect(c).toMatchObject({ amountMinor: 1210, refundedMinor: 605 });
    await t.drain();
    const invoices = ok(await t.http('GET', '/api/v1/me/invoices', { as: member, headers: member.h() })).body.items as { sourceId: string; status: string; refundedMinor: number }[];
    expect(invoices.find((i) => i.sourceId === c!.id)).toMatchObject({ status: 'partially_refunded', refundedMinor: 605 });

    // a retried cancel is refused and refunds nothing more
    const again = await t.http('POST', `/api/v1/subscriptions/${sub.id}/cancel`, { as: member, headers: member.h(), body: { atPeriodEnd: false } });
    expect(again.status).toBe(409);
    await t.drain();
    expect((await chargesOf(member, sub.id))[0]!.refundedMinor).toBe(605);
    expect((await invoiceOf(c!.id))!.refunded_minor).toBe(605);
    expect(ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}/cancel-preview`, { as: member, headers: member.h() })).body.refundMinor).toBe(0);

    // a trial paid nothing and refunds nothing
    expect(ok(await t.http('GET', `/api/v1/subscriptions/${trial.id}/cancel-preview`, { as: member, headers: member.h() })).body.refundMinor).toBe(0);
    ok(await t.http('POST', `/api/v1/subscriptions/${trial.id}/cancel`, { as: member, headers: member.h(), body: { atPeriodEnd: false } }));
    expect(await chargesOf(member, trial.id)).toEqual([]);
  });

  it('a past-due subscription refunds nothing', async () => {
    const member = await addMember(t, admin.orgId, 'learner');
    const sub = ok(await subscribeFrom(member, planId, { country: 'ES' }, CARD_OFF_SESSION_FAILS), 201).body;
    await advance(admin, clockId, 31); // the renewal fails off-session
    const s = ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}`, { as: member, headers: member.h() })).body;
    expect(s.status).toBe('past_due');
    expect(ok(await t.http('GET', `/api/v1/subscriptions/${sub.id}/cancel-preview`, { as: member, headers: member.h() })).body.refundMinor).toBe(0);
    ok(await t.http('POST', `/api/v1/subscriptions/${sub.id}/cancel`, { as: member, headers: member.h(), body: { atPeriodEnd: false } }));
    const charges = await chargesOf(member, sub.id);
    expect(charges.every((c) => c.refundedMinor === 0)).toBe(true);
  });
});
