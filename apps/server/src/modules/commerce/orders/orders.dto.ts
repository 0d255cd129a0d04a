import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { ORDER_LINE_KINDS } from '../commerce.events.js';
import { isCurrency } from '../money.js';
import { ORDER_STATUSES } from './orders.schema.js';

const isoDate = z.iso.datetime({ offset: true });
const upper = (re: RegExp, message: string) =>
  z
    .string()
    .trim()
    .transform((s) => s.toUpperCase())
    .pipe(z.string().regex(re, message));

export const BillingAddressInput = z.strictObject({
  name: z.string().trim().min(1, 'Enter the name to bill.').max(200),
  country: upper(/^[A-Z]{2}$/, 'Choose a country (two-letter ISO code).'),
  region: upper(/^[A-Z0-9]{0,8}$/, 'Use the region code, e.g. CA.').default(''),
  line1: z.string().trim().max(200).default(''),
  city: z.string().trim().max(120).default(''),
  postalCode: z.string().trim().max(20).default(''),
});

const couponCodes = z.array(z.string().trim().min(1).max(40)).max(5).default([]);
const currency = upper(/^[A-Z]{3}$/, 'Use an ISO 4217 currency code.').refine(isCurrency, 'Unsupported currency.').optional();

export const QuoteRequest = z.strictObject({
  currency,
  couponCodes,
  country: upper(/^[A-Z]{2}$/, 'Choose a country (two-letter ISO code).').optional(),
  region: upper(/^[A-Z0-9]{0,8}$/, 'Use the region code, e.g. CA.').default(''),
});
export class QuoteRequestDto extends createZodDto(QuoteRequest) {}

export const PaymentMethod = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('manual_card'), cardNumber: z.string().trim().min(4, 'Enter the card number.').max(30) }),
  z.strictObject({ type: z.literal('stripe_checkout') }),
]);

export const CheckoutRequest = z.strictObject({
  currency,
  couponCodes,
  billingAddress: BillingAddressInput,
  paymentMethod: PaymentMethod,
});
export class CheckoutRequestDto extends createZodDto(CheckoutRequest) {}

const TaxLine = z.object({ label: z.string(), rateBasisPoints: z.number().int(), inclusive: z.boolean(), amountMinor: z.number().int() });
const CouponLine = z.object({ code: z.string().nullable(), name: z.string(), discountMinor: z.number().int() });

export const Quote = z.object({
  organizationId: z.uuid().nullable(),
  currency: z.string().nullable(),
  currencies: z.array(z.string()),
  lines: z.array(
    z.object({
      itemId: z.uuid(),
      kind: z.enum(ORDER_LINE_KINDS),
      refId: z.uuid(),
      title: z.string(),
      subtotalMinor: z.number().int(),
      discountMinor: z.number().int(),
      taxMinor: z.number().int(),
      totalMinor: z.number().int(),
    }),
  ),
  coupons: z.array(CouponLine),
  rejectedCoupons: z.array(z.object({ code: z.string(), reason: z.string() })),
  taxLines: z.array(TaxLine),
  /** false until a country is given: tax is then unknown */
  taxKnown: z.boolean(),
  subtotalMinor: z.number().int(),
  discountMinor: z.number().int(),
  taxMinor: z.number().int(),
  totalMinor: z.number().int(),
});
export class QuoteDto extends createZodDto(Quote) {}

export const Order = z.object({
  id: z.uuid(),
  organizationId: z.uuid(),
  number: z.string(),
  userId: z.uuid(),
  buyerName: z.string(),
  buyerEmail: z.string(),
  status: z.enum(ORDER_STATUSES),
  currency: z.string(),
  lines: z.array(
    z.object({
      id: z.uuid(),
      kind: z.enum(ORDER_LINE_KINDS),
      refId: z.uuid(),
      title: z.string(),
      courseIds: z.array(z.uuid()),
      subtotalMinor: z.number().int(),
      discountMinor: z.number().int(),
      taxMinor: z.number().int(),
      totalMinor: z.number().int(),
      refundedMinor: z.number().int(),
      revoked: z.boolean(),
    }),
  ),
  coupons: z.array(CouponLine),
  taxLines: z.array(TaxLine),
  subtotalMinor: z.number().int(),
  discountMinor: z.number().int(),
  taxMinor: z.number().int(),
  totalMinor: z.number().int(),
  refundedMinor: z.number().int(),
  billingAddress: z.object({ name: z.string(), country: z.string(), region: z.string(), line1: z.string(), city: z.string(), postalCode: z.string() }),
  provider: z.enum(['manual', 'stripe']),
  /** Stripe: send the buyer here to pay; the webhook completes the order */
  redirectUrl: z.string().nullable(),
  failureCode: z.string().nullable(),
  failureReason: z.string().nullable(),
  invoice: z.object({ id: z.uuid(), number: z.string(), pdfPath: z.string() }).nullable(),
  refunds: z.array(z.object({ id: z.uuid(), amountMinor: z.number().int(), full: z.boolean(), reason: z.string(), createdAt: isoDate })),
  createdAt: isoDate,
  paidAt: isoDate.nullable(),
  fulfilledAt: isoDate.nullable(),
});
export class OrderDto extends createZodDto(Order) {}
export class OrderPageDto extends createZodDto(pageOf(Order)) {}
export class ListOrdersQueryDto extends createZodDto(z.strictObject({ ...pageQuery, status: z.enum(ORDER_STATUSES).optional() })) {}
export class OrderParamsDto extends createZodDto(z.strictObject({ orderId: z.uuid() })) {}

export const RefundRequest = z
  .strictObject({
    /** refund these lines in full (what is left of them) */
    lineIds: z.array(z.uuid()).min(1).max(100).optional(),
    /** or refund this amount, spread over the lines; access is kept */
    amountMinor: z.number().int().min(1).optional(),
    reason: z.string().trim().max(500).default(''),
    /** line refunds take back the access those lines granted unless false */
    revokeAccess: z.boolean().default(true),
  })
  .refine((r) => !(r.lineIds && r.amountMinor !== undefined), { message: 'Refund either lines or an amount, not both.', path: ['amountMinor'] });
export class RefundRequestDto extends createZodDto(RefundRequest) {}
