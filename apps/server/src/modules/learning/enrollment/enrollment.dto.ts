import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { ENROLLMENT_SOURCES, ENROLLMENT_STATUSES } from './enrollment.schema.js';

/* Shapes of the instructor/admin enrollment endpoints and of self-enrollment. */

export const CourseParams = z.strictObject({ courseId: z.uuid() });
export class CourseParamsDto extends createZodDto(CourseParams) {}

export const EnrollmentParams = z.strictObject({ courseId: z.uuid(), enrollmentId: z.uuid() });
export class EnrollmentParamsDto extends createZodDto(EnrollmentParams) {}

const isoDate = z.iso.datetime({ offset: true });

export const ProgressSummary = z.object({
  percent: z.number().int().min(0).max(100),
  completedLessons: z.number().int(),
  totalLessons: z.number().int(),
});

export const Enrollment = z.object({
  id: z.uuid(),
  organizationId: z.uuid(),
  courseId: z.uuid(),
  userId: z.uuid(),
  learner: z.object({ email: z.string(), name: z.string() }).nullable(),
  /** the status as it stands now: an active enrollment past `expiresAt` reads `expired` */
  status: z.enum(ENROLLMENT_STATUSES),
  source: z.enum(ENROLLMENT_SOURCES),
  enrolledAt: isoDate,
  expiresAt: isoDate.nullable(),
  completedAt: isoDate.nullable(),
  revokedAt: isoDate.nullable(),
  cohortId: z.uuid().nullable(),
  lastActivityAt: isoDate.nullable(),
  progress: ProgressSummary,
});
export class EnrollmentDto extends createZodDto(Enrollment) {}
export class EnrollmentPageDto extends createZodDto(pageOf(Enrollment)) {}

export const SelfEnrollment = z.object({
  enrollment: Enrollment,
  /** false when the caller was already enrolled (nothing changed) */
  created: z.boolean(),
});
export class SelfEnrollmentDto extends createZodDto(SelfEnrollment) {}

export const ListEnrollmentsQuery = z.strictObject({
  ...pageQuery,
  /** matches the learner's email or name, case-insensitively */
  search: z.string().trim().min(1).max(200).optional(),
  status: z.enum(ENROLLMENT_STATUSES).optional(),
  cohortId: z.uuid().optional(),
});
export class ListEnrollmentsQueryDto extends createZodDto(ListEnrollmentsQuery) {}

const grantOptions = {
  /** access ends at this instant (null or absent: no end) */
  expiresAt: isoDate.nullable().optional(),
  cohortId: z.uuid().nullable().optional(),
};

export const EnrollByEmail = z.strictObject({
  emails: z.array(z.string().max(320)).min(1).max(500),
  ...grantOptions,
});
export class EnrollByEmailDto extends createZodDto(EnrollByEmail) {}

export const BulkEnrollJson = z.strictObject({
  /** CSV text: one email per row, first column or the column headed `email`; header optional */
  csv: z.string().min(1).max(1_000_000),
  ...grantOptions,
});

export const BulkEnrollQuery = z.strictObject({
  expiresAt: isoDate.optional(),
  cohortId: z.uuid().optional(),
});
export class BulkEnrollQueryDto extends createZodDto(BulkEnrollQuery) {}

export const ENROLL_RESULTS = ['enrolled', 'already_enrolled', 'no_account', 'invalid_email', 'duplicate_in_file'] as const;
export type EnrollResult = (typeof ENROLL_RESULTS)[number];

export const EnrollReportRow = z.object({
  /** 1-based: the line of the CSV file (header included), or the position in `emails` */
  row: z.number().int(),
  email: z.string(),
  result: z.enum(ENROLL_RESULTS),
  enrollmentId: z.uuid().nullable(),
  userId: z.uuid().nullable(),
  message: z.string(),
});
export const EnrollReport = z.object({
  items: z.array(EnrollReportRow),
  summary: z.object({
    enrolled: z.number().int(),
    already_enrolled: z.number().int(),
    no_account: z.number().int(),
    invalid_email: z.number().int(),
    duplicate_in_file: z.number().int(),
  }),
});
export class EnrollReportDto extends createZodDto(EnrollReport) {}

export const UpdateEnrollment = z
  .strictObject({
    expiresAt: isoDate.nullable().optional(),
    /** `active` restores access (to `completed` when the course was completed); `revoked` revokes */
    status: z.enum(['active', 'expired', 'revoked']).optional(),
    cohortId: z.uuid().nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'Give at least one of expiresAt, status, cohortId.' });
export class UpdateEnrollmentDto extends createZodDto(UpdateEnrollment) {}
