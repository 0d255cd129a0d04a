import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { isCurrency } from '../money.js';
import { COUPON_DURATIONS, COUPON_KINDS, COUPON_SCOPES } from './coupons.schema.js';

const isoDate = z.iso.datetime({ offset: true });
const currency = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().refine(isCurrency, 'Use an ISO 4217 currency code, e.g. USD.'));
export const couponCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9_-]{3,40}$/, 'A code is 3-40 letters, digits, - or _.'));

const CouponFields = z.strictObject({
  /** omit (or null) with `automatic: true` for a promotion without a code */
  code: couponCode.nullable().default(null),
  name: z.string().trim().min(1, 'Name the coupon.').max(120),
  kind: z.enum(COUPON_KINDS),
  percentBasisPoints: z.number().int().min(1).max(10000).nullable().default(null),
  amountMinor: z.number().int().min(1).max(1_000_000_000).nullable().default(null),
  currency: currency.nullable().default(null),
  scope: z.enum(COUPON_SCOPES).default('all'),
  /** course ids (scope courses) or plan ids (scope plans) */
  scopeIds: z.array(z.uuid()).max(200).default([]),
  /** course categories (scope categories), matched exactly as the catalog has them */
  scopeCategories: z.array(z.string().trim().min(1).max(60)).max(50).default([]),
  /** plan coupons: discount the first charge only, the first durationMonths months, or every charge */
  duration: z.enum(COUPON_DURATIONS).default('once'),
  durationMonths: z.number().int().min(1).max(120).nullable().default(null),
  minOrderMinor: z.number().int().min(1).nullable().default(null),
  usageLimit: z.number().int().min(1).nullable().default(null),
  perUserLimit: z.number().int().min(1).nullable().default(null),
  startsAt: isoDate.nullable().default(null),
  endsAt: isoDate.nullable().default(null),
  firstPurchaseOnly: z.boolean().default(false),
  stackable: z.boolean().default(false),
  automatic: z.boolean().default(false),
  active: z.boolean().default(true),
});

type Fields = z.output<typeof CouponFields>;
const rules: [(c: Fields) => boolean, string, string][] = [
  [(c) => c.kind !== 'percent' || c.percentBasisPoints !== null, 'A percent coupon needs percentBasisPoints (10% = 1000).', 'percentBasisPoints'],
  [(c) => c.kind !== 'fixed' || (c.amountMinor !== null && c.currency !== null), 'A fixed-amount coupon needs amountMinor and currency.', 'amountMinor'],
  [(c) => c.minOrderMinor === null || c.currency !== null, 'A minimum order needs the currency it is counted in.', 'currency'],
  [(c) => c.automatic === (c.code === null), 'A coupon has a code; an automatic promotion has none.', 'code'],
  [(c) => c.scope === 'all' || c.scope === 'categories' || c.scopeIds.length > 0, 'Choose the courses or plans the coupon applies to.', 'scopeIds'],
  [(c) => c.scope !== 'categories' || c.scopeCategories.length > 0, 'Choose the categories the coupon applies to.', 'scopeCategories'],
  [(c) => c.scope === 'categories' || c.scopeCategories.length === 0, 'Categories are only for a coupon scoped to categories.', 'scopeCategories'],
  [(c) => c.scope !== 'all' || c.scopeIds.length === 0, 'A coupon for everything takes no course or plan list.', 'scopeIds'],
  [(c) => (c.duration === 'repeating') === (c.durationMonths !== null), 'A repeating discount needs its number of months (and only a repeating one has it).', 'durationMonths'],
  [(c) => c.duration === 'once' || c.scope === 'plans', 'Only a coupon for plans can discount more than one charge.', 'duration'],
  [(c) => !c.startsAt || !c.endsAt || new Date(c.startsAt) < new Date(c.endsAt), 'The coupon must end after it starts.', 'endsAt'],
  [(c) => c.usageLimit === null || c.perUserLimit === null || c.perUserLimit <= c.usageLimit, 'The per-buyer limit cannot exceed the total limit.', 'perUserLimit'],
];
export const CouponInput = CouponFields.superRefine((c, rc) => {
  for (const [ok, message, field] of rules) if (!ok(c)) rc.addIssue({ code: 'custom', message, path: [field] });
});
export class CouponInputDto extends createZodDto(CouponInput) {}

export const Coupon = z.object({
  id: z.uuid(),
  code: z.string().nullable(),
  name: z.string(),
  kind: z.enum(COUPON_KINDS),
  percentBasisPoints: z.number().int().nullable(),
  amountMinor: z.number().int().nullable(),
  currency: z.string().nullable(),
  scope: z.enum(COUPON_SCOPES),
  scopeIds: z.array(z.uuid()),
  scopeCategories: z.array(z.string()),
  duration: z.enum(COUPON_DURATIONS),
  durationMonths: z.number().int().nullable(),
  minOrderMinor: z.number().int().nullable(),
  usageLimit: z.number().int().nullable(),
  perUserLimit: z.number().int().nullable(),
  usedCount: z.number().int(),
  startsAt: isoDate.nullable(),
  endsAt: isoDate.nullable(),
  firstPurchaseOnly: z.boolean(),
  stackable: z.boolean(),
  automatic: z.boolean(),
  active: z.boolean(),
  createdAt: isoDate,
});
export class CouponDto extends createZodDto(Coupon) {}
export class CouponPageDto extends createZodDto(pageOf(Coupon)) {}
export class ListCouponsQueryDto extends createZodDto(z.strictObject({ ...pageQuery, automatic: z.enum(['true', 'false']).optional() })) {}
export class CouponParamsDto extends createZodDto(z.strictObject({ couponId: z.uuid() })) {}

export const Redemption = z.object({ id: z.uuid(), orderId: z.uuid().nullable(), subscriptionId: z.uuid().nullable(), userId: z.uuid(), discountMinor: z.number().int(), currency: z.string(), createdAt: isoDate });
export class RedemptionPageDto extends createZodDto(pageOf(Redemption)) {}
export class ListRedemptionsQueryDto extends createZodDto(z.strictObject({ ...pageQuery })) {}
