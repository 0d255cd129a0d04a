import { z } from 'zod';
import { defineJob } from '../../../kernel/jobs/index.js';

/**
 * Sweep that stores `expired` on enrollments past their `expires_at` (access already ends at that
 * instant) and passes each freed seat on to the waitlist.
 */
export const ExpireEnrollmentsJob = defineJob('enrollment.expire_due', z.object({}), { maxAttempts: 5 });

/** Every minute: a seat freed by an expiry is offered to the next person in line within a minute. */
export const EXPIRE_ENROLLMENTS_CRON = '* * * * *';

/** Runs a CSV enrollment import in batches; resumable, so a retry after a crash finishes the job. */
export const RunEnrollmentImportJob = defineJob('enrollment.import', z.object({ importId: z.uuid() }), { maxAttempts: 5 });
