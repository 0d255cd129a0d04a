import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, createOrg, type Member, observe } from '../../learning/enrollment/enrollment.fixtures.js';
import { SubscriptionPaymentSucceeded } from '../commerce.events.js';
import { createPlan, ok, subscribe } from './billing.fixtures.js';

/*
 * A paid Stripe invoice of a subscription Stripe bills is recorded with Stripe's own figures: its
 * tax (new API versions: total_taxes / line taxes; older ones: total_tax_amounts / tax_amounts or
 * tax) and discounts (total_discount_amounts / line discount_amounts). Payloads go through the
 * real webhook endpoint, signed with the SDK's test helper.
 */

const SECRET = 'whsec_test_billing';
const sdk = new Stripe('sk_test_billing');
let t: TestApp;
let owner: Member;
let planId: string;
let paid: { subscriptionId: string; chargeId: string; lines: { amountMinor: number; taxMinor: number }[]; netMinor: number; taxMinor: number; totalMinor: number; taxLines?: unknown[] }[];
let n = 0;

const unix = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);
function post(type: string, object: Record<string, unknown>) {
  const payload = JSON.stringify({ id: `evt_bill_${++n}`, object: 'event', type, api_version: '2025-03-31.basil', created: unix('2026-06-01T12:00:00Z'), livemode: false, data: { object } });
  const signature = sdk.webhooks.generateTestHeaderString({ payload, secret: SECRET });
  return t.http('POST', '/api/v1/payments/stripe/webhook', { headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
}

/** A member's subscription, marked as billed by Stripe under `stripeId`. */
async function stripeBilled(stripeId: string, address?: Record<string, string>): Promise<{ member: Member; id: string }> {
  const member = await addMember(t, owner.orgId, 'learner');
  const sub = ok(await subscribe(t, member, planId), 201).body;
  await t.query("UPDATE subscriptions SET provider = 'stripe', provider_subscription_id = $2, billing_address = $3 WHERE id = $1", [sub.id, stripeId, address ? JSON.stringify(address) : null]);
  return { member, id: sub.id };
}
const period = { start: unix('2026-06-01T12:00:00Z'), end: unix('2026-07-01T12:00:00Z') };
const chargeOf = async (member: Member, subId: string, invoiceId: string) => {
  const [row] = await t.query<{ id: string }>('SELECT id FROM subscription_charges WHERE idempotency_key = $1', [`stripe:invoice:${invoiceId}`]);
  const items = ok(await t.http('GET', `/api/v1/subscriptions/${subId}/charges`, { as: member, headers: member.h() })).body.items as { id: string }[];
  return items.find((c) => c.id === row!.id) as unknown as Record<string, unknown> & { id: string; lines: { amountMinor: number }[] };
};
const invoiceOf = async (chargeId: string) =>
  (await t.query<{ net_minor: number; tax_minor: number; total_minor: number }>("SELECT net_minor, tax_minor, total_minor FROM invoices WHERE source = 'subscription' AND source_id = $1", [chargeId]))[0];

beforeAll(async () => {
  t = await createTestApp({ STRIPE_SECRET_KEY: 'sk_test_billing', STRIPE_WEBHOOK_SECRET: SECRET });
  paid = observe(t, SubscriptionPaymentSucceeded, 'stripe-invoices-paid');
  owner = await createOrg(t, 'Stripe billed');
  planId = (await createPlan(t, owner, { name: 'Stripe plan', prices: [{ currency: 'USD', amountMinor: 2000 }] })).id;
});
afterAll(() => t?.close());

describe('invoice.paid with Stripe’s tax and discounts', () => {
  it('new API shape: an exclusive tax and a coupon; the charge, the event and the invoice add up to amount_paid', async () => {
    const { member, id } = await stripeBilled('sub_new_1', { country: 'ES' });
    // 2000 − 25% = 1500, + 21% VAT = 315 → 1815
    const invoice = {
      id: 'in_new_1',
      object: 'invoice',
      parent: { subscription_details: { subscription: 'sub_new_1' } },
      currency: 'usd',
      amount_paid: 1815,
      billing_reason: 'subscription_cycle',
      status_transitions: { paid_at: period.start },
      total_taxes: [{ amount: 315, tax_behavior: 'exclusive', taxability_reason: 'standard_rated', tax_rate_details: { tax_rate: 'txr_1' } }],
      total_discount_amounts: [{ amount: 500, discount: 'di_1' }],
      lines: { data: [{ description: 'Stripe plan', amount: 2000, period, taxes: [{ amount: 315, tax_behavior: 'exclusive' }], discount_amounts: [{ amount: 500, discount: 'di_1' }] }] },
    };
    expect(ok(await post('invoice.paid', invoice)).status).toBe(200);
    const charge = await chargeOf(member, id, 'in_new_1');
    expect(charge).toMatchObject({ reason: 'renewal', amountMinor: 1815, taxMinor: 315, taxLines: [{ label: 'Tax', inclusive: false, amountMinor: 315 }] });
    expect(charge.lines).toEqual([
      { description: 'Stripe plan', amountMinor: 2000, taxMinor: 315 },
      { description: 'Discount', amountMinor: -500, taxMinor: 0 },
    ]);
    await t.drain();
    const e = paid.find((p) => p.chargeId === charge.id)!;
    expect(e).toMatchObject({ netMinor: 1500, taxMinor: 315, totalMinor: 1815 });
    expect(e.netMinor + e.taxMinor).toBe(e.totalMinor);
    expect(e.lines.reduce((s, l) => s + l.amountMinor, 0) + 315).toBe(1815);
    expect(await invoiceOf(charge.id)).toMatchObject({ net_minor: 1500, tax_minor: 315, total_minor: 1815 });
  });

  it('older API shape: an inclusive tax rate (expanded) and line discounts; the tax stays inside the total', async () => {
    const { member, id } = await stripeBilled('sub_old_1', { country: 'DE' });
    // 2000 − 200 = 1800, 19% included: 287
    const invoice = {
      id: 'in_old_1',
      object: 'invoice',
      subscription: 'sub_old_1',
      currency: 'usd',
      amount_paid: 1800,
      billing_reason: 'subscription_cycle',
      tax: 287,
      total_tax_amounts: [{ amount: 287, inclusive: true, tax_rate: { id: 'txr_de', display_name: 'MwSt', percentage: 19 } }],
      lines: { data: [{ description: 'Stripe plan', amount: 2000, period, tax_amounts: [{ amount: 287, inclusive: true, tax_rate: 'txr_de' }], discount_amounts: [{ amount: 200, discount: 'di_2' }] }] },
    };
    ok(await post('invoice.paid', invoice));
    const charge = await chargeOf(member, id, 'in_old_1');
    expect(charge).toMatchObject({ amountMinor: 1800, taxMinor: 287, taxLines: [{ label: 'MwSt', rateBasisPoints: 1900, inclusive: true, amountMinor: 287 }] });
    expect(charge.lines.reduce((s, l) => s + l.amountMinor, 0)).toBe(1800);
    await t.drain();
    expect(paid.find((p) => p.chargeId === charge.id)).toMatchObject({ netMinor: 1513, taxMinor: 287, totalMinor: 1800 });
  });

  it('only `tax` and a customer balance applied: the balance is its own line and the sums still hold', async () => {
    const { member, id } = await stripeBilled('sub_old_2');
    // 2000 + 100 tax = 2100, 600 paid from the customer balance
    const invoice = { id: 'in_old_2', object: 'invoice', subscription: 'sub_old_2', currency: 'usd', amount_paid: 1500, tax: 100, lines: { data: [{ description: 'Stripe plan', amount: 2000, period }] } };
    ok(await post('invoice.paid', invoice));
    const charge = await chargeOf(member, id, 'in_old_2');
    expect(charge).toMatchObject({ amountMinor: 1500, taxMinor: 100 });
    expect(charge.lines).toEqual([
      { description: 'Stripe plan', amountMinor: 2000, taxMinor: 0 },
      { description: 'Account credit applied', amountMinor: -600, taxMinor: 0 },
    ]);
    await t.drain();
    expect(paid.find((p) => p.chargeId === charge.id)).toMatchObject({ netMinor: 1400, taxMinor: 100, totalMinor: 1500 });
  });

  it('a payload with a bad signature is refused and records nothing', async () => {
    const payload = JSON.stringify({ id: 'evt_forged', object: 'event', type: 'invoice.paid', data: { object: { id: 'in_forged' } } });
    const res = await t.http('POST', '/api/v1/payments/stripe/webhook', { headers: { 'content-type': 'application/json', 'stripe-signature': sdk.webhooks.generateTestHeaderString({ payload, secret: 'whsec_other' }) }, body: payload });
    expect(res.status).toBe(400);
    expect(await t.query("SELECT id FROM subscription_charges WHERE idempotency_key = 'stripe:invoice:in_forged'")).toHaveLength(0);
  });
});
