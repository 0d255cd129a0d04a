import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { OFFER_STATUSES, WAITLIST_STATUSES } from './waitlist.schema.js';

const isoDate = z.iso.datetime({ offset: true });

export const WaitlistCourseParams = z.strictObject({ courseId: z.uuid() });
export class WaitlistCourseParamsDto extends createZodDto(WaitlistCourseParams) {}

export const PutCapacity = z.strictObject({
  /** null removes the limit */
  capacity: z.number().int().min(0).max(1_000_000).nullable(),
  claimWindowHours: z.number().int().min(1).max(720).default(48),
});
export class PutCapacityDto extends createZodDto(PutCapacity) {}

export const SeatOffer = z.object({
  id: z.uuid(),
  courseId: z.uuid(),
  courseTitle: z.string(),
  /** set: the seat is in this cohort of the course */
  cohortId: z.uuid().nullable(),
  cohortName: z.string().nullable(),
  status: z.enum(OFFER_STATUSES),
  offeredAt: isoDate,
  expiresAt: isoDate,
});
export type SeatOfferView = z.input<typeof SeatOffer>;
export class SeatOfferDto extends createZodDto(SeatOffer) {}

export const WaitlistStatus = z.object({
  courseId: z.uuid(),
  /** null: the course has no seat limit */
  capacity: z.number().int().nullable(),
  claimWindowHours: z.number().int().nullable(),
  seatsTaken: z.number().int(),
  /** seats held for pending offers and for buyers' pending orders */
  seatsHeld: z.number().int(),
  full: z.boolean(),
  enrolled: z.boolean(),
  /** a paid course: claiming an offer puts the course in the cart, and paying at checkout takes the seat */
  paymentRequired: z.boolean(),
  entry: z
    .object({
      id: z.uuid(),
      status: z.enum(WAITLIST_STATUSES),
      /** 1 = next in line; null once offered or closed */
      position: z.number().int().nullable(),
      joinedAt: isoDate,
    })
    .nullable(),
  offer: SeatOffer.nullable(),
});
export type WaitlistStatusView = z.input<typeof WaitlistStatus>;
export class WaitlistStatusDto extends createZodDto(WaitlistStatus) {}

export const WaitlistEntry = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  name: z.string(),
  email: z.string(),
  status: z.enum(WAITLIST_STATUSES),
  position: z.number().int().nullable(),
  joinedAt: isoDate,
  offerExpiresAt: isoDate.nullable(),
});
export type WaitlistEntryView = z.input<typeof WaitlistEntry>;
export class WaitlistEntryPageDto extends createZodDto(pageOf(WaitlistEntry)) {}
export class SeatOfferPageDto extends createZodDto(pageOf(SeatOffer)) {}

export const ListQuery = z.strictObject({ ...pageQuery });
export class WaitlistListQueryDto extends createZodDto(ListQuery) {}

export const CohortWaitlistParams = z.strictObject({ courseId: z.uuid(), cohortId: z.uuid() });
export class CohortWaitlistParamsDto extends createZodDto(CohortWaitlistParams) {}

export const CohortWaitlistStatus = z.object({
  courseId: z.uuid(),
  cohortId: z.uuid(),
  cohortName: z.string(),
  startsAt: isoDate,
  /** null: the cohort has no seat limit */
  capacity: z.number().int().nullable(),
  /** hours an offered seat is held (the course's claim window, 48 when the course has no limit) */
  claimWindowHours: z.number().int(),
  seatsTaken: z.number().int(),
  seatsHeld: z.number().int(),
  full: z.boolean(),
  /** I hold a seat in the course (joining a cohort's waitlist needs one) */
  enrolled: z.boolean(),
  /** my enrollment is in this cohort */
  inCohort: z.boolean(),
  entry: WaitlistStatus.shape.entry,
  offer: SeatOffer.nullable(),
});
export type CohortWaitlistStatusView = z.input<typeof CohortWaitlistStatus>;
export class CohortWaitlistStatusDto extends createZodDto(CohortWaitlistStatus) {}
export class CohortWaitlistStatusListDto extends createZodDto(z.object({ items: z.array(CohortWaitlistStatus) })) {}

export const CohortSeats = z.object({
  cohortId: z.uuid(),
  capacity: z.number().int().nullable(),
  seatsTaken: z.number().int(),
  seatsHeld: z.number().int(),
  /** people waiting or holding an offer */
  waitlistSize: z.number().int(),
});
export type CohortSeatsView = z.input<typeof CohortSeats>;
export class CohortSeatsListDto extends createZodDto(z.object({ items: z.array(CohortSeats) })) {}
