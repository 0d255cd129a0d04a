import { z } from 'zod';
import { defineJob } from '../../../kernel/jobs/index.js';

/** Daily sweep that stores `expired` on enrollments past their `expires_at` (access already ends at that instant). */
export const ExpireEnrollmentsJob = defineJob('enrollment.expire_due', z.object({}), { maxAttempts: 5 });

/** 03:17 UTC every day. */
export const EXPIRE_ENROLLMENTS_CRON = '17 3 * * *';

/** Runs a CSV enrollment import in batches; resumable, so a retry after a crash finishes the job. */
export const RunEnrollmentImportJob = defineJob('enrollment.import', z.object({ importId: z.uuid() }), { maxAttempts: 5 });
