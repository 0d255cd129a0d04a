import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, createOrg, type Member } from '../../learning/enrollment/enrollment.fixtures.js';
import { CARD_OK, createPlan, idem, ok } from '../billing/billing.fixtures.js';
import { percentOf } from '../money.js';

/*
 * Referral attribution on subscriptions, through the HTTP API end to end: a buyer follows an
 * affiliate's link (the lyceum_ref cookie), subscribes, and every paid charge of that subscription
 * (the first one and each renewal under the test clock) earns the plan's commission; a refund of a
 * charge claws its commission back. Seats bought through a link are attributed the same way.
 */

let t: TestApp;
let owner: Member;
let aff: Member;
let code: string;
let planId: string;
let clockId: string;
const START = '2026-03-10T09:00:00.000Z';

type Entry = { kind: string; amount_minor: number; base_minor: number; commission_bp: number; rate_source: string; status: string; reason: string | null; clawed_back_minor: number; buyer_user_id: string; source_id: string };
const entriesOfSub = (subId: string) =>
  t.query<Entry>(
    `SELECT e.kind, e.amount_minor, e.base_minor, e.commission_bp, e.rate_source, e.status, e.reason, e.clawed_back_minor, e.buyer_user_id, e.source_id
       FROM commission_entries e JOIN subscription_charges c ON c.id = e.source_id
      WHERE c.subscription_id = $1 ORDER BY e.occurred_at, e.id`,
    [subId],
  );

/** POST with the member's session and, when given, a referral cookie. */
function withRef(who: Member, ref: string | null): Record<string, string> {
  const h = who.h();
  return ref === null ? h : { ...h, cookie: `${h.cookie}; lyceum_ref=${ref}` };
}
const subscribeVia = (who: Member, ref: string | null, body: Record<string, unknown> = {}) =>
  t.http('POST', '/api/v1/subscriptions', { headers: { ...withRef(who, ref), 'idempotency-key': idem() }, body: { planId, paymentMethod: { type: 'manual_card', cardNumber: CARD_OK }, ...body } });

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOrg(t, 'Referred subscriptions');
  aff = await addMember(t, owner.orgId, 'learner', { name: 'Affie' });
  clockId = ok(await t.http('POST', '/api/v1/billing/test-clocks', { as: owner, headers: owner.h(), body: { name: 'Referrals', frozenTime: START } }), 201).body.id;
  planId = (await createPlan(t, owner, { name: 'Pro monthly', prices: [{ currency: 'USD', amountMinor: 2000 }] })).id;
  code = ok(await t.http('POST', '/api/v1/affiliate/me', { as: aff, headers: aff.h() }), 201).body.affiliate.code;
  ok(await t.http('PUT', '/api/v1/affiliates/rules', { as: owner, headers: owner.h(), body: { targetKind: 'plan', targetId: planId, commissionBp: 2500 } }));
});
afterAll(() => t?.close());

describe('a subscription bought through a referral link', () => {
  let buyer: Member;
  let subId: string;

  it('the link sets the cookie; subscribing with it earns the plan rule on the first charge', async () => {
    buyer = await addMember(t, owner.orgId, 'learner', { name: 'Buyer' });
    const visit = await t.http('POST', `/api/v1/ref/${code}/visit?to=/plans`, {});
    const cookie = String(visit.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^lyceum_ref=${code};`));
    const res = ok(await subscribeVia(buyer, cookie.split(';')[0]!.split('=')[1]!), 201);
    subId = res.body.id;
    expect(res.body.status).toBe('active');
    await t.drain();
    const [row] = await t.query<{ referral_code: string | null }>('SELECT referral_code FROM subscriptions WHERE id = $1', [subId]);
    expect(row!.referral_code).toBe(code);
    expect(await entriesOfSub(subId)).toEqual([
      expect.objectContaining({ kind: 'subscription', base_minor: 2000, commission_bp: 2500, rate_source: 'plan', amount_minor: percentOf(2000, 2500), status: 'pending', buyer_user_id: buyer.userId }),
    ]);
    const dash = ok(await t.http('GET', '/api/v1/affiliate/me', { as: aff, headers: aff.h() })).body;
    expect(dash.conversions).toBe(1);
    expect(dash.totals).toEqual([expect.objectContaining({ currency: 'USD', pendingMinor: 500 })]);
  });

  it('each renewal earns again, without the cookie on the renewal', async () => {
    const [sub] = await t.query<{ current_period_end: Date }>('SELECT current_period_end FROM subscriptions WHERE id = $1', [subId]);
    ok(await t.http('POST', `/api/v1/billing/test-clocks/${clockId}/advance`, { as: owner, headers: owner.h(), body: { to: new Date(sub!.current_period_end.getTime() + 1000).toISOString() } }));
    await t.drain();
    const entries = await entriesOfSub(subId);
    expect(entries.map((e) => [e.amount_minor, e.status])).toEqual([
      [500, 'pending'],
      [500, 'pending'],
    ]);
  });

  it('an admin refund of the renewal claws back exactly its share of the commission', async () => {
    const charges = ok(await t.http('GET', `/api/v1/subscriptions/${subId}/charges`, { as: owner, headers: owner.h() })).body.items as { id: string; reason: string }[];
    const renewal = charges.find((c) => c.reason === 'renewal')!;
    ok(await t.http('POST', `/api/v1/subscriptions/${subId}/charges/${renewal.id}/refund`, { as: owner, headers: { ...owner.h(), 'idempotency-key': idem() }, body: { amountMinor: 1000 } }));
    await t.drain();
    const entry = (await entriesOfSub(subId)).find((e) => e.source_id === renewal.id)!;
    expect(entry.clawed_back_minor).toBe(250);
    ok(await t.http('POST', `/api/v1/subscriptions/${subId}/charges/${renewal.id}/refund`, { as: owner, headers: { ...owner.h(), 'idempotency-key': idem() }, body: {} }));
    await t.drain();
    const after = (await entriesOfSub(subId)).find((e) => e.source_id === renewal.id)!;
    expect(after).toMatchObject({ clawed_back_minor: 500, status: 'reversed' });
  });
});

describe('attribution rules', () => {
  it('no cookie, or a malformed one, attributes nothing', async () => {
    for (const ref of [null, 'bad code!']) {
      const buyer = await addMember(t, owner.orgId, 'learner');
      const sub = ok(await subscribeVia(buyer, ref === null ? null : encodeURIComponent(ref)), 201).body;
      await t.drain();
      const [row] = await t.query<{ referral_code: string | null }>('SELECT referral_code FROM subscriptions WHERE id = $1', [sub.id]);
      expect(row!.referral_code).toBeNull();
      expect(await entriesOfSub(sub.id)).toEqual([]);
    }
  });

  it('the affiliate subscribing through their own link is refused as self-referral, with no amount', async () => {
    const sub = ok(await subscribeVia(aff, code), 201).body;
    await t.drain();
    expect(await entriesOfSub(sub.id)).toEqual([expect.objectContaining({ amount_minor: 0, status: 'refused', reason: 'self_referral' })]);
  });

  it('a code of another organization earns nothing here', async () => {
    const other = await createOrg(t, 'Other academy');
    const foreign = ok(await t.http('POST', '/api/v1/affiliate/me', { as: other, headers: other.h() }), 201).body.affiliate.code as string;
    const buyer = await addMember(t, owner.orgId, 'learner');
    const sub = ok(await subscribeVia(buyer, foreign), 201).body;
    await t.drain();
    expect(await entriesOfSub(sub.id)).toEqual([]);
  });

  it('seats bought through a link earn the plan rule on N × price', async () => {
    const res = ok(
      await t.http('POST', '/api/v1/billing/seats', {
        headers: { ...withRef(owner, code), 'idempotency-key': idem() },
        body: { planId, quantity: 3, paymentMethod: { type: 'manual_card', cardNumber: CARD_OK } },
      }),
      201,
    );
    await t.drain();
    expect(await entriesOfSub(res.body.id)).toEqual([expect.objectContaining({ base_minor: 6000, amount_minor: 1500, status: 'pending' })]);
  });

  it('anonymous callers cannot subscribe, cookie or not', async () => {
    const res = await t.http('POST', '/api/v1/subscriptions', { headers: { cookie: `lyceum_ref=${code}`, 'idempotency-key': idem() }, body: { planId, paymentMethod: { type: 'manual_card', cardNumber: CARD_OK } } });
    expect(res.status).toBe(401);
  });
});

