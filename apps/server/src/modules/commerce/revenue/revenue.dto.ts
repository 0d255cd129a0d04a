import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

const bp = z.number().int().min(0).max(10_000);
const day = z.iso.date();

export const RevenueQuery = z
  .strictObject({
    from: day,
    to: day,
    groupBy: z.enum(['organization', 'course', 'instructor']).default('organization'),
    /** only this course's revenue (and, by instructor, only their share of it) */
    courseId: z.uuid().optional(),
  })
  .refine((q) => q.from <= q.to, { message: '"from" must not be after "to".', path: ['from'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000, { message: 'Ask for at most 366 days at a time.', path: ['to'] });
export type RevenueQueryInput = z.infer<typeof RevenueQuery>;
export class RevenueQueryDto extends createZodDto(RevenueQuery) {}

export const RevenueRow = z.object({
  day,
  currency: z.string(),
  courseId: z.uuid().nullable(),
  courseTitle: z.string().nullable(),
  instructorId: z.uuid().nullable(),
  instructorName: z.string().nullable(),
  /** net of discounts and refunds, excluding tax; null on instructor rows */
  grossMinor: z.number().int().nullable(),
  /** what was sold that day (net of discounts, excluding tax), before refunds; null on instructor rows */
  salesMinor: z.number().int().nullable(),
  /** what was refunded that day (a positive amount): grossMinor = salesMinor - refundsMinor; null on instructor rows */
  refundsMinor: z.number().int().nullable(),
  instructorShareMinor: z.number().int(),
});
export type RevenueRowView = z.infer<typeof RevenueRow>;
export class RevenueReportDto extends createZodDto(z.object({ groupBy: z.enum(['organization', 'course', 'instructor']), items: z.array(RevenueRow) })) {}

export const RevenueSettings = z.object({ instructorShareBp: bp });
export class RevenueSettingsDto extends createZodDto(RevenueSettings) {}
export class PutRevenueSettingsDto extends createZodDto(RevenueSettings.strict()) {}

export const CourseShareParams = z.strictObject({ courseId: z.uuid() });
export class CourseShareParamsDto extends createZodDto(CourseShareParams) {}
export const PutCourseShare = z.strictObject({ instructorShareBp: bp.nullable() });
export class PutCourseShareDto extends createZodDto(PutCourseShare) {}
export class CourseShareDto extends createZodDto(z.object({ courseId: z.uuid(), instructorShareBp: bp, overridden: z.boolean() })) {}
