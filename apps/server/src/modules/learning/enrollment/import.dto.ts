import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { EnrollReport, EnrollReportRow } from './enrollment.dto.js';
import { IMPORT_STATUSES } from './enrollment.schema.js';

/* Shapes of the background CSV enrollment imports. */

const isoDate = z.iso.datetime({ offset: true });

export const ImportParams = z.strictObject({ courseId: z.uuid(), importId: z.uuid() });
export class ImportParamsDto extends createZodDto(ImportParams) {}

/** An import without its report rows: lists, and the `enrollment.import` socket event. */
export const EnrollmentImportSummary = z.object({
  id: z.uuid(),
  organizationId: z.uuid(),
  courseId: z.uuid(),
  createdBy: z.uuid(),
  /** queued -> running -> completed, or failed after the last retry */
  status: z.enum(IMPORT_STATUSES),
  /** CSV rows in the file */
  total: z.number().int(),
  /** rows done so far (their report rows are stored) */
  processed: z.number().int(),
  /** 0-100, from processed / total */
  percent: z.number().int().min(0).max(100),
  summary: EnrollReport.shape.summary,
  expiresAt: isoDate.nullable(),
  cohortId: z.uuid().nullable(),
  /** why the import failed */
  error: z.string().nullable(),
  createdAt: isoDate,
  startedAt: isoDate.nullable(),
  finishedAt: isoDate.nullable(),
});
export class EnrollmentImportSummaryDto extends createZodDto(EnrollmentImportSummary) {}
export class EnrollmentImportPageDto extends createZodDto(pageOf(EnrollmentImportSummary)) {}

export const EnrollmentImport = EnrollmentImportSummary.extend({
  /** one row per CSV row done so far, in file order */
  items: z.array(EnrollReportRow),
});
export class EnrollmentImportDto extends createZodDto(EnrollmentImport) {}

export const ListImportsQuery = z.strictObject({ ...pageQuery });
export class ListImportsQueryDto extends createZodDto(ListImportsQuery) {}
