import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { isCurrency } from '../money.js';

const isoDate = z.iso.datetime({ offset: true });
export const currencyCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().refine(isCurrency, 'Use an ISO 4217 currency code this platform supports, e.g. USD, EUR, JPY.'));
const minor = z.number().int('Amounts are whole minor units (cents).').min(0).max(1_000_000_000);

export const CourseIdParams = z.strictObject({ id: z.uuid() });
export class PricingCourseParamsDto extends createZodDto(CourseIdParams) {}

export const PriceInput = z
  .strictObject({
    currency: currencyCode,
    amountMinor: minor,
    saleAmountMinor: minor.nullable().default(null),
    saleStartsAt: isoDate.nullable().default(null),
    saleEndsAt: isoDate.nullable().default(null),
  })
  .refine((p) => p.saleAmountMinor === null || p.saleAmountMinor < p.amountMinor, { message: 'The sale price must be below the regular price.', path: ['saleAmountMinor'] })
  .refine((p) => !p.saleStartsAt || !p.saleEndsAt || new Date(p.saleStartsAt) < new Date(p.saleEndsAt), { message: 'The sale must end after it starts.', path: ['saleEndsAt'] });

export const PutPricing = z.strictObject({
  prices: z
    .array(PriceInput)
    .max(20)
    .refine((ps) => new Set(ps.map((p) => p.currency)).size === ps.length, 'Give each currency once.'),
});
export class PutCoursePricingDto extends createZodDto(PutPricing) {}

export const Price = z.object({
  currency: z.string(),
  amountMinor: z.number().int(),
  saleAmountMinor: z.number().int().nullable(),
  saleStartsAt: isoDate.nullable(),
  saleEndsAt: isoDate.nullable(),
  /** what a buyer pays now: the sale price inside its window, else the regular price */
  currentMinor: z.number().int(),
  onSale: z.boolean(),
});

export const CoursePricing = z.object({
  courseId: z.uuid(),
  organizationId: z.uuid(),
  /** free courses are joined by self-enrollment, not bought */
  isFree: z.boolean(),
  /** false when the course is not free and has no price yet */
  purchasable: z.boolean(),
  prices: z.array(Price),
});
export class CoursePricingDto extends createZodDto(CoursePricing) {}

const BundlePriceInput = z.strictObject({ currency: currencyCode, amountMinor: minor });
const bundlePrices = z
  .array(BundlePriceInput)
  .min(1, 'Give the bundle a price in at least one currency.')
  .max(20)
  .refine((ps) => new Set(ps.map((p) => p.currency)).size === ps.length, 'Give each currency once.');
const bundleCourseIds = z
  .array(z.uuid())
  .min(2, 'A bundle holds at least two courses.')
  .max(50)
  .refine((ids) => new Set(ids).size === ids.length, 'Each course once.');
const bundleTitle = z.string().trim().min(1, 'Give the bundle a title.').max(200);

/** One price per currency in `prices`; `currency` + `amountMinor` is the shorthand for a single price. */
export const CreateBundle = z
  .strictObject({
    title: bundleTitle,
    courseIds: bundleCourseIds,
    prices: bundlePrices.optional(),
    currency: currencyCode.optional(),
    amountMinor: minor.optional(),
  })
  .refine((b) => (b.prices ? b.currency === undefined && b.amountMinor === undefined : b.currency !== undefined && b.amountMinor !== undefined), {
    message: 'Give the prices (one per currency), or one currency and amount, not both.',
    path: ['prices'],
  })
  .transform(({ title, courseIds, prices, currency, amountMinor }) => ({ title, courseIds, prices: prices ?? [{ currency: currency!, amountMinor: amountMinor! }] }));
export class CreateBundleDto extends createZodDto(CreateBundle) {}

export const UpdateBundle = z.strictObject({ title: bundleTitle, courseIds: bundleCourseIds, prices: bundlePrices, active: z.boolean() });
export class UpdateBundleDto extends createZodDto(UpdateBundle) {}

export const BundleParams = z.strictObject({ bundleId: z.uuid() });
export class BundleParamsDto extends createZodDto(BundleParams) {}

export const Bundle = z.object({
  id: z.uuid(),
  organizationId: z.uuid(),
  title: z.string(),
  courses: z.array(z.object({ id: z.uuid(), title: z.string(), slug: z.string().nullable() })),
  prices: z.array(
    z.object({
      currency: z.string(),
      amountMinor: z.number().int(),
      /** what the courses cost bought one by one now, in this currency; null when one has no price in it */
      separateMinor: z.number().int().nullable(),
      /** separateMinor - amountMinor (null as above; may be 0 or less) */
      savingsMinor: z.number().int().nullable(),
    }),
  ),
  active: z.boolean(),
  createdAt: isoDate,
});
export class BundleDto extends createZodDto(Bundle) {}
export class BundlePageDto extends createZodDto(pageOf(Bundle)) {}
export class ListBundlesQueryDto extends createZodDto(z.strictObject({ ...pageQuery })) {}
export class BundleListDto extends createZodDto(z.object({ items: z.array(Bundle) })) {}
