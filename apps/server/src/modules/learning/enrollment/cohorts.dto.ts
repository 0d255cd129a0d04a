import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { ENROLLMENT_STATUSES } from './enrollment.schema.js';

const isoDate = z.iso.datetime({ offset: true });

export const CohortParams = z.strictObject({ courseId: z.uuid(), cohortId: z.uuid() });
export class CohortParamsDto extends createZodDto(CohortParams) {}

export const CohortLearnerParams = z.strictObject({ courseId: z.uuid(), cohortId: z.uuid(), enrollmentId: z.uuid() });
export class CohortLearnerParamsDto extends createZodDto(CohortLearnerParams) {}

const endsAfterStart = (v: { startsAt?: string; endsAt?: string | null }) =>
  !v.startsAt || !v.endsAt || new Date(v.endsAt).getTime() > new Date(v.startsAt).getTime();

export const CreateCohort = z
  .strictObject({
    name: z.string().trim().min(1).max(120),
    /** drip schedules of the cohort's learners count from this instant */
    startsAt: isoDate,
    endsAt: isoDate.nullable().optional(),
    /** seat limit (null or absent: none); a full cohort has a waitlist */
    capacity: z.number().int().min(0).max(1_000_000).nullable().optional(),
  })
  .refine(endsAfterStart, { message: 'endsAt must be after startsAt.', path: ['endsAt'] });
export class CreateCohortDto extends createZodDto(CreateCohort) {}

export const UpdateCohort = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    startsAt: isoDate.optional(),
    endsAt: isoDate.nullable().optional(),
    /** null removes the limit; a raised limit offers the new seats to the cohort's waitlist */
    capacity: z.number().int().min(0).max(1_000_000).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'Give at least one of name, startsAt, endsAt, capacity.' })
  .refine(endsAfterStart, { message: 'endsAt must be after startsAt.', path: ['endsAt'] });
export class UpdateCohortDto extends createZodDto(UpdateCohort) {}

export const Cohort = z.object({
  id: z.uuid(),
  organizationId: z.uuid(),
  courseId: z.uuid(),
  name: z.string(),
  startsAt: isoDate,
  endsAt: isoDate.nullable(),
  /** enrollments in the cohort that are not revoked */
  learnerCount: z.number().int(),
  /** seat limit; null: none */
  capacity: z.number().int().nullable(),
  /** enrollments in the cohort that give access now (what the capacity counts) */
  seatsTaken: z.number().int(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export class CohortDto extends createZodDto(Cohort) {}
export class CohortPageDto extends createZodDto(pageOf(Cohort)) {}

export const ListCohortsQuery = z.strictObject({ ...pageQuery });
export class ListCohortsQueryDto extends createZodDto(ListCohortsQuery) {}

export const CohortLearnersQuery = z.strictObject({
  ...pageQuery,
  search: z.string().trim().min(1).max(200).optional(),
  status: z.enum(ENROLLMENT_STATUSES).optional(),
});
export class CohortLearnersQueryDto extends createZodDto(CohortLearnersQuery) {}

export const AssignToCohort = z.strictObject({
  enrollmentIds: z.array(z.uuid()).min(1).max(500),
});
export class AssignToCohortDto extends createZodDto(AssignToCohort) {}

export const CohortAssignment = z.object({
  cohortId: z.uuid(),
  enrollmentIds: z.array(z.uuid()),
});
export class CohortAssignmentDto extends createZodDto(CohortAssignment) {}
