import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { isCurrency } from '../money.js';
import { PLAN_INTERVALS, PLAN_SCOPES, SUBSCRIPTION_KINDS, SUBSCRIPTION_STATUSES } from './billing.schema.js';

const isoDate = z.iso.datetime({ offset: true });
const currency = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().refine(isCurrency, 'an ISO 4217 currency code this build knows, e.g. USD'));

export const IdParams = z.strictObject({ id: z.uuid() });
export class BillingIdParamsDto extends createZodDto(IdParams) {}

export const PlanPrice = z.object({ currency, amountMinor: z.number().int().min(1).max(100_000_000) });

const planFields = {
  name: z.string().trim().min(1, 'Give the plan a name.').max(120),
  description: z.string().trim().max(1000).default(''),
  prices: z
    .array(PlanPrice)
    .min(1, 'Give at least one price.')
    .max(20)
    .refine((ps) => new Set(ps.map((p) => p.currency)).size === ps.length, 'one price per currency'),
  trialDays: z.number().int().min(0).max(365).default(0),
  scope: z.enum(PLAN_SCOPES),
  courseIds: z.array(z.uuid()).max(200).default([]),
};

export const CreatePlan = z
  .strictObject({ ...planFields, interval: z.enum(PLAN_INTERVALS) })
  .refine((p) => p.scope === 'catalog' || p.courseIds.length > 0, { message: 'A plan of courses needs at least one course.', path: ['courseIds'] });
export class CreatePlanDto extends createZodDto(CreatePlan) {}

/** Interval and prices of existing subscriptions never change; a new price applies to new subscribers. */
export const UpdatePlan = z.strictObject({
  name: planFields.name.optional(),
  description: z.string().trim().max(1000).optional(),
  prices: planFields.prices.optional(),
  trialDays: z.number().int().min(0).max(365).optional(),
  scope: z.enum(PLAN_SCOPES).optional(),
  courseIds: z.array(z.uuid()).max(200).optional(),
});
export class UpdatePlanDto extends createZodDto(UpdatePlan) {}

export const Plan = z.object({
  id: z.uuid(),
  organizationId: z.uuid(),
  name: z.string(),
  description: z.string(),
  interval: z.enum(PLAN_INTERVALS),
  prices: z.array(z.object({ currency: z.string(), amountMinor: z.number().int() })),
  trialDays: z.number().int(),
  scope: z.enum(PLAN_SCOPES),
  courseIds: z.array(z.uuid()),
  archived: z.boolean(),
  createdAt: isoDate,
});
export class PlanDto extends createZodDto(Plan) {}
export class PlanPageDto extends createZodDto(pageOf(Plan)) {}

export const ListPlansQuery = z.strictObject({ ...pageQuery, archived: z.enum(['true', 'false']).optional() });
export class ListPlansQueryDto extends createZodDto(ListPlansQuery) {}

export const ListQuery = z.strictObject({ ...pageQuery });
export class BillingListQueryDto extends createZodDto(ListQuery) {}

const cardNumber = z
  .string()
  .trim()
  .transform((s) => s.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^\d{12,19}$/, 'a card number of 12 to 19 digits'));

export const PaymentMethod = z.strictObject({
  /** the built-in manual provider's test cards (4242…: succeeds; 4000 0000 0000 0341: declined off-session) */
  type: z.literal('manual_card'),
  cardNumber,
});

export const BillingAddress = z.strictObject({
  name: z.string().trim().max(200).optional(),
  line1: z.string().trim().max(200).optional(),
  city: z.string().trim().max(100).optional(),
  postalCode: z.string().trim().max(20).optional(),
  country: z.string().trim().length(2).toUpperCase().optional(),
  /** the region (ISO 3166-2 subdivision without the country, e.g. CA in US): its own tax rate applies when set */
  region: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{0,8}$/, 'Use the region code, e.g. CA.').optional(),
});

/**
 * How a member pays for a subscription: a manual-provider test card (charged here), or Stripe
 * Checkout (`stripe_checkout`: the answer is 202 with the Stripe page to send the member to; Stripe
 * then bills every period and its webhooks create and keep the subscription).
 */
export const SubscribePaymentMethod = z.discriminatedUnion('type', [PaymentMethod, z.strictObject({ type: z.literal('stripe_checkout') })]);

export const Subscribe = z.strictObject({
  planId: z.uuid(),
  /** default: the plan's first price */
  currency: currency.optional(),
  paymentMethod: SubscribePaymentMethod,
  billingAddress: BillingAddress.optional(),
  /** a coupon for this plan; automatic promotions for the plan apply without one */
  couponCode: z.string().trim().min(1).max(40).optional(),
});
export class SubscribeDto extends createZodDto(Subscribe) {}

/** A subscription being paid through Stripe Checkout (POST /subscriptions with `stripe_checkout`: 202). */
export const SubscriptionCheckout = z.object({
  checkoutId: z.uuid(),
  planId: z.uuid(),
  status: z.enum(['pending', 'completed', 'expired']),
  /** Stripe's page where the member pays; the subscription appears once Stripe confirms the payment */
  redirectUrl: z.url(),
});
export class SubscriptionCheckoutDto extends createZodDto(SubscriptionCheckout) {}

/** What subscribing to the plan would cost (POST /billing/plans/:id/quote), priced like subscribing. */
export const QuoteSubscription = z.strictObject({
  /** default: the plan's first price */
  currency: currency.optional(),
  /** the billing address's country/region decides the tax */
  billingAddress: BillingAddress.optional(),
  couponCode: z.string().trim().min(1).max(40).optional(),
});
export class QuoteSubscriptionDto extends createZodDto(QuoteSubscription) {}

export const SubscriptionQuote = z.object({
  planId: z.uuid(),
  currency: z.string(),
  /** the first charge's lines: the plan's period and the coupon's discount (negative) */
  lines: z.array(z.object({ description: z.string(), amountMinor: z.number().int() })),
  /** the plan's price for one period */
  subtotalMinor: z.number().int(),
  discountMinor: z.number().int(),
  /** the plan coupon that would apply (entered, or an automatic promotion); chargesLeft null: every charge */
  discount: z.object({ name: z.string(), chargesLeft: z.number().int().nullable() }).nullable(),
  /** the tax of the first charge: exclusive rates are added to the total, inclusive ones are inside it */
  taxMinor: z.number().int(),
  taxLines: z.array(z.object({ label: z.string(), rateBasisPoints: z.number().int(), inclusive: z.boolean(), amountMinor: z.number().int() })),
  /** the first charge (after discount, tax included) */
  totalMinor: z.number().int(),
  /** set when the plan starts with a trial: the first charge is then */
  trialEnd: isoDate.nullable(),
  dueNowMinor: z.number().int(),
  firstChargeAt: isoDate,
});
export class SubscriptionQuoteDto extends createZodDto(SubscriptionQuote) {}

export const Subscription = z.object({
  id: z.uuid(),
  organizationId: z.uuid(),
  userId: z.uuid(),
  /** the subscriber (or the seat licence's buyer) at subscribing */
  customerName: z.string(),
  customerEmail: z.string(),
  /** who bills it: `manual` (charged here with the saved test card) or `stripe` (Stripe bills and keeps the payment method; no card update here) */
  provider: z.enum(['manual', 'stripe']),
  kind: z.enum(SUBSCRIPTION_KINDS),
  quantity: z.number().int(),
  plan: z.object({ id: z.uuid(), name: z.string(), interval: z.enum(PLAN_INTERVALS) }),
  status: z.enum(SUBSCRIPTION_STATUSES),
  currency: z.string(),
  /** what one period costs (price × quantity) */
  amountMinor: z.number().int(),
  creditMinor: z.number().int(),
  cardLast4: z.string().nullable(),
  currentPeriodStart: isoDate,
  currentPeriodEnd: isoDate,
  trialEnd: isoDate.nullable(),
  cancelAtPeriodEnd: z.boolean(),
  canceledAt: isoDate.nullable(),
  endedAt: isoDate.nullable(),
  /** the next automatic charge (renewal or dunning retry), null when none is due */
  nextChargeAt: isoDate.nullable(),
  failedAttempts: z.number().int(),
  hasAccess: z.boolean(),
  testClockId: z.uuid().nullable(),
  /** the plan coupon still discounting charges (chargesLeft null: every charge) */
  discount: z.object({ name: z.string(), chargesLeft: z.number().int().nullable() }).nullable(),
  createdAt: isoDate,
});
export class SubscriptionDto extends createZodDto(Subscription) {}

/** What POST /subscriptions answers: the subscription (201, card) or the Stripe checkout to complete (202). */
export const SubscribeResult = z.union([Subscription, SubscriptionCheckout]);

/** Stripe's page where the member saves a new payment method (mode setup); the subscription shows the card once Stripe confirms it. */
export const PaymentMethodRedirect = z.object({ redirectUrl: z.url() });
export class PaymentMethodRedirectDto extends createZodDto(PaymentMethodRedirect) {}
export const UpdatePaymentMethodResult = z.union([Subscription, PaymentMethodRedirect]);
export class SubscriptionPageDto extends createZodDto(pageOf(Subscription)) {}

export const Charge = z.object({
  id: z.uuid(),
  reason: z.enum(['initial', 'renewal', 'retry', 'proration']),
  status: z.enum(['succeeded', 'failed']),
  currency: z.string(),
  amountMinor: z.number().int(),
  lines: z.array(z.object({ description: z.string(), amountMinor: z.number().int(), taxMinor: z.number().int() })),
  /** the tax inside amountMinor, by the subscriber's billing country/region, and its rate */
  taxMinor: z.number().int(),
  taxLines: z.array(z.object({ label: z.string(), rateBasisPoints: z.number().int(), inclusive: z.boolean(), amountMinor: z.number().int() })),
  /** refunded so far (tax included) */
  refundedMinor: z.number().int(),
  periodStart: isoDate,
  periodEnd: isoDate,
  declineCode: z.string().nullable(),
  failureReason: z.string().nullable(),
  chargedAt: isoDate,
});
export class ChargePageDto extends createZodDto(pageOf(Charge)) {}
export class ChargeDto extends createZodDto(Charge) {}

export const ChargeParams = z.strictObject({ id: z.uuid(), chargeId: z.uuid() });
export class ChargeParamsDto extends createZodDto(ChargeParams) {}

/** An admin's refund of a subscription charge: the amount (tax included), or all that is left of it. */
export const RefundCharge = z.strictObject({ amountMinor: z.number().int().min(1).max(100_000_000).optional() });
export class RefundChargeDto extends createZodDto(RefundCharge) {}

export const ListSubscriptionsQuery = z.strictObject({ ...pageQuery, status: z.enum(SUBSCRIPTION_STATUSES).optional() });
export class ListSubscriptionsQueryDto extends createZodDto(ListSubscriptionsQuery) {}

export const Cancel = z.strictObject({ atPeriodEnd: z.boolean().default(true) });
export class CancelSubscriptionDto extends createZodDto(Cancel) {}

/** What cancelling now would refund: the unused part of the current period's charges, by whole seconds. */
export const CancelPreview = z.object({
  currency: z.string(),
  basis: z.literal('seconds'),
  remainingSeconds: z.number().int(),
  periodSeconds: z.number().int(),
  /** refunded through the payment provider if cancelled now (0 for trials and past-due subscriptions) */
  refundMinor: z.number().int(),
});
export class CancelPreviewDto extends createZodDto(CancelPreview) {}

/** A test card (charged here), or `stripe_checkout` for a Stripe-billed subscription: 202 with Stripe's page where the member saves a new payment method. */
export const UpdatePaymentMethod = z.strictObject({ paymentMethod: SubscribePaymentMethod });
export class UpdatePaymentMethodDto extends createZodDto(UpdatePaymentMethod) {}

export const ChangePlan = z.strictObject({ planId: z.uuid() });
export class ChangePlanDto extends createZodDto(ChangePlan) {}
export const ChangePreviewQuery = z.strictObject({ planId: z.uuid() });
export class ChangePreviewQueryDto extends createZodDto(ChangePreviewQuery) {}

export const ProrationPreview = z.object({
  fromPlanId: z.uuid(),
  toPlanId: z.uuid(),
  currency: z.string(),
  /** proration is by whole seconds of the current period */
  basis: z.literal('seconds'),
  remainingSeconds: z.number().int(),
  periodSeconds: z.number().int(),
  creditMinor: z.number().int(),
  chargeMinor: z.number().int(),
  /** charge − credit: positive is charged at once, negative is kept as account credit */
  netMinor: z.number().int(),
  /** what the card is charged now (after any account credit) */
  dueNowMinor: z.number().int(),
  lines: z.array(z.object({ description: z.string(), amountMinor: z.number().int(), taxMinor: z.number().int() })),
  periodEnd: isoDate,
});
export class ProrationPreviewDto extends createZodDto(ProrationPreview) {}

export const CreateTestClock = z.strictObject({
  name: z.string().trim().min(1).max(120).default('Test clock'),
  /** default: now */
  frozenTime: isoDate.optional(),
});
export class CreateTestClockDto extends createZodDto(CreateTestClock) {}

export const AdvanceTestClock = z
  .strictObject({ to: isoDate.optional(), days: z.number().int().min(1).max(3660).optional() })
  .refine((b) => (b.to === undefined) !== (b.days === undefined), 'Give either `to` or `days`.');
export class AdvanceTestClockDto extends createZodDto(AdvanceTestClock) {}

export const TestClock = z.object({
  id: z.uuid(),
  organizationId: z.uuid(),
  name: z.string(),
  frozenTime: isoDate,
  subscriptionCount: z.number().int(),
  /** subscriptions the last advance moved (renewals, retries, endings) */
  moved: z.number().int().optional(),
});
export class TestClockDto extends createZodDto(TestClock) {}
export const TestClockEnvelope = z.object({ enabled: z.boolean(), clock: TestClock.nullable() });
export class TestClockEnvelopeDto extends createZodDto(TestClockEnvelope) {}

export const BuySeats = z.strictObject({
  planId: z.uuid(),
  quantity: z.number().int().min(1).max(10_000),
  currency: currency.optional(),
  paymentMethod: PaymentMethod,
  /** the buyer's billing address: its country/region's tax rate applies to the charges */
  billingAddress: BillingAddress.optional(),
});
export class BuySeatsDto extends createZodDto(BuySeats) {}

export const AssignSeat = z.strictObject({ email: z.email().trim().toLowerCase() });
export class AssignSeatDto extends createZodDto(AssignSeat) {}

export const SeatParams = z.strictObject({ id: z.uuid(), userId: z.uuid() });
export class SeatParamsDto extends createZodDto(SeatParams) {}

export const Seat = z.object({ userId: z.uuid(), email: z.string(), name: z.string(), assignedAt: isoDate });
export class SeatPageDto extends createZodDto(pageOf(Seat)) {}

export const SeatLicence = Subscription.extend({ assigned: z.number().int() });
export class SeatLicenceDto extends createZodDto(SeatLicence) {}
export class SeatLicencePageDto extends createZodDto(pageOf(SeatLicence)) {}
