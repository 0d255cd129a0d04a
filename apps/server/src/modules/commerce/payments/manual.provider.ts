import { createHash } from 'node:crypto';
import type { ChargeInput, PaymentOutcome, PaymentProvider, RefundInput, RefundOutcome } from './provider.js';

/**
 * Test cards of the manual provider (the numbers Stripe uses for the same behaviour):
 * - 4242 4242 4242 4242: succeeds, on and off session
 * - 4000 0000 0000 0002: declined (`card_declined`)
 * - 4000 0000 0000 9995: declined (`insufficient_funds`)
 * - 4000 0000 0000 0341: succeeds while the buyer is present; every off-session charge
 *   (renewals, dunning retries) is declined — for dunning
 * Any other number is declined as `invalid_number`.
 */
export const MANUAL_TEST_CARDS = {
  success: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  failsOffSession: '4000000000000341',
} as const;

const digits = (s: string) => s.replace(/[\s-]/g, '');

/** A stable provider id from the idempotency key, so a retried charge is the same charge. */
const idFor = (prefix: string, key: string) => `${prefix}_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;

/** The built-in provider: instant success or decline, chosen by the test card. No network, no state. */
export class ManualPaymentProvider implements PaymentProvider {
  readonly name = 'manual' as const;

  async charge(input: ChargeInput): Promise<PaymentOutcome> {
    if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor < 0) throw new RangeError('amountMinor must be a non-negative integer');
    if (input.paymentMethod.type !== 'manual_card') {
      return { status: 'failed', providerPaymentId: null, declineCode: 'unsupported_method', reason: 'The manual provider only accepts test cards.' };
    }
    const card = digits(input.paymentMethod.cardNumber);
    const id = idFor('man_pay', input.idempotencyKey);
    const decline = (declineCode: string, reason: string): PaymentOutcome => ({ status: 'failed', providerPaymentId: id, declineCode, reason });
    switch (card) {
      case MANUAL_TEST_CARDS.success:
        return { status: 'succeeded', providerPaymentId: id };
      case MANUAL_TEST_CARDS.failsOffSession:
        return input.offSession ? decline('authentication_required', 'The card was declined for a payment without the cardholder present.') : { status: 'succeeded', providerPaymentId: id };
      case MANUAL_TEST_CARDS.declined:
        return decline('card_declined', 'The card was declined.');
      case MANUAL_TEST_CARDS.insufficientFunds:
        return decline('insufficient_funds', 'The card has insufficient funds.');
      default:
        return decline('invalid_number', 'The card number is not a manual-provider test card.');
    }
  }

  async refund(input: RefundInput): Promise<RefundOutcome> {
    if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) throw new RangeError('amountMinor must be a positive integer');
    if (!input.providerPaymentId.startsWith('man_pay_')) return { status: 'failed', providerRefundId: null, reason: 'Not a manual-provider payment.' };
    return { status: 'succeeded', providerRefundId: idFor('man_re', input.idempotencyKey) };
  }
}
