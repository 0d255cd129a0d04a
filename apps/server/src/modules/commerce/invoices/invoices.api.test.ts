import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB, type Database } from '../../../kernel/db/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { createOrg, type Member, signUp } from '../../learning/enrollment/enrollment.fixtures.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { SubscriptionPaymentSucceeded } from '../commerce.events.js';

let t: TestApp;
let admin: Member;
let stranger: Member;

beforeAll(async () => {
  t = await createTestApp();
  admin = await createOrg(t, 'Subs');
  stranger = await createOrg(t, 'Other');
});
afterAll(async () => t?.close());

describe('invoices for subscription charges', () => {
  it('a SubscriptionPaymentSucceeded issues the next numbered invoice and a receipt, once per charge', async () => {
    const buyer = await signUp(t, 'subscriber');
    const chargeId = uuidv7();
    const now = new Date().toISOString();
    const event = {
      organizationId: admin.orgId,
      subscriptionId: uuidv7(),
      chargeId,
      userId: buyer.userId,
      planId: uuidv7(),
      currency: 'EUR',
      reason: 'initial' as const,
      periodStart: now,
      periodEnd: now,
      lines: [{ description: 'Pro plan, monthly', amountMinor: 1000, taxMinor: 190 }],
      netMinor: 1000,
      taxMinor: 190,
      totalMinor: 1190,
      referralCode: null,
      paidAt: now,
    };
    const bus = t.app.get(EventBus);
    const db = t.app.get<symbol, Database>(DB);
    await db.transaction((tx) => bus.emit(tx, SubscriptionPaymentSucceeded, event));
    await db.transaction((tx) => bus.emit(tx, SubscriptionPaymentSucceeded, event)); // a duplicate delivery
    await t.drain();
    const mine = (await t.http('GET', '/api/v1/me/invoices', { headers: buyer.headers() })).body;
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]).toMatchObject({ number: 'INV-000001', source: 'subscription', sourceId: chargeId, totalMinor: 1190, currency: 'EUR' });
    expect(t.mails(buyer.email).some((m) => m.subject.startsWith('Receipt INV-000001'))).toBe(true);
    const pdf = await t.http('GET', mine.items[0].pdfPath, { headers: buyer.headers() });
    expect(pdf.text.startsWith('%PDF-')).toBe(true);
    const org = (await t.http('GET', '/api/v1/invoices', { as: admin, headers: admin.h() })).body;
    expect(org.items.map((i: { number: string }) => i.number)).toEqual(['INV-000001']);
    // strangers: another organization's admin and anonymous callers see nothing of it
    expect((await t.http('GET', '/api/v1/invoices', { as: stranger, headers: stranger.h() })).body.items).toEqual([]);
    expect((await t.http('GET', mine.items[0].pdfPath, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('GET', '/api/v1/invoices')).status).toBe(401);
    expect((await t.http('GET', '/api/v1/me/invoices')).status).toBe(401);
    expect((await t.http('GET', '/api/v1/invoices', { headers: buyer.headers() })).status).toBe(403);
    const badCsv = await t.http('GET', '/api/v1/invoices/export.csv?from=2026-02-01&to=2026-01-01', { as: admin, headers: admin.h() });
    expect(badCsv.status).toBe(400);
  });
});
