import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';

export const countryCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{2}$/, 'Use a two-letter ISO 3166 country code, e.g. US, DE.'));
export const regionCode = z
  .string()
  .trim()
  .max(8)
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9]{0,8}$/, 'Use the ISO 3166-2 region code without the country, e.g. CA for California.'));

export const TaxRateInput = z.strictObject({
  country: countryCode,
  region: regionCode.default(''),
  label: z.string().trim().min(1, 'Name the tax, e.g. VAT.').max(60),
  rateBasisPoints: z.number().int().min(0).max(10000),
  inclusive: z.boolean().default(false),
});
export class TaxRateInputDto extends createZodDto(TaxRateInput) {}

export const TaxRate = z.object({
  id: z.uuid(),
  country: z.string(),
  region: z.string(),
  label: z.string(),
  rateBasisPoints: z.number().int(),
  inclusive: z.boolean(),
  updatedAt: z.iso.datetime({ offset: true }),
});
export class TaxRateDto extends createZodDto(TaxRate) {}
export class TaxRatePageDto extends createZodDto(pageOf(TaxRate)) {}
export class ListTaxRatesQueryDto extends createZodDto(z.strictObject({ ...pageQuery })) {}
export class TaxRateParamsDto extends createZodDto(z.strictObject({ taxRateId: z.uuid() })) {}
