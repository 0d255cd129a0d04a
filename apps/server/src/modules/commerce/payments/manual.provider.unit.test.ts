import { describe, expect, it } from 'vitest';
import { MANUAL_TEST_CARDS, ManualPaymentProvider } from './manual.provider.js';

const p = new ManualPaymentProvider();
const base = { reference: 'o1', amountMinor: 1999, currency: 'USD', idempotencyKey: 'k1', customerEmail: 'a@example.com', description: 'x', offSession: false };

describe('manual payment provider', () => {
  it('decides by test card, and a retried key is the same payment', async () => {
    const ok = await p.charge({ ...base, paymentMethod: { type: 'manual_card', cardNumber: '4242 4242 4242 4242' } });
    expect(ok.status).toBe('succeeded');
    const again = await p.charge({ ...base, paymentMethod: { type: 'manual_card', cardNumber: MANUAL_TEST_CARDS.success } });
    expect(again).toEqual(ok);
    const no = await p.charge({ ...base, idempotencyKey: 'k2', paymentMethod: { type: 'manual_card', cardNumber: MANUAL_TEST_CARDS.declined } });
    expect(no).toMatchObject({ status: 'failed', declineCode: 'card_declined' });
    const funds = await p.charge({ ...base, paymentMethod: { type: 'manual_card', cardNumber: MANUAL_TEST_CARDS.insufficientFunds } });
    expect(funds).toMatchObject({ status: 'failed', declineCode: 'insufficient_funds' });
    expect(await p.charge({ ...base, paymentMethod: { type: 'manual_card', cardNumber: '1234' } })).toMatchObject({ status: 'failed', declineCode: 'invalid_number' });
  });

  it('declines off-session charges of the 0341 card only', async () => {
    const card = { type: 'manual_card' as const, cardNumber: MANUAL_TEST_CARDS.failsOffSession };
    expect((await p.charge({ ...base, paymentMethod: card })).status).toBe('succeeded');
    expect(await p.charge({ ...base, offSession: true, paymentMethod: card })).toMatchObject({ status: 'failed', declineCode: 'authentication_required' });
  });

  it('refunds its own payments only', async () => {
    const ok = await p.charge({ ...base, paymentMethod: { type: 'manual_card', cardNumber: MANUAL_TEST_CARDS.success } });
    if (ok.status !== 'succeeded') throw new Error('expected success');
    expect((await p.refund({ providerPaymentId: ok.providerPaymentId, amountMinor: 500, currency: 'USD', idempotencyKey: 'r1', reference: 'o1' })).status).toBe('succeeded');
    expect((await p.refund({ providerPaymentId: 'pi_123', amountMinor: 500, currency: 'USD', idempotencyKey: 'r2', reference: 'o1' })).status).toBe('failed');
    await expect(p.refund({ providerPaymentId: ok.providerPaymentId, amountMinor: 0, currency: 'USD', idempotencyKey: 'r3', reference: 'o1' })).rejects.toThrow(RangeError);
  });
});
