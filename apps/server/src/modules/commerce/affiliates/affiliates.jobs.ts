import { z } from 'zod';
import { defineJob } from '../../../kernel/jobs/index.js';

/** Approves pending commissions whose refund window has passed. */
export const ApproveCommissionsJob = defineJob('affiliates.approve-due', z.object({}), { maxAttempts: 5 });
export const APPROVE_COMMISSIONS_CRON = '17 * * * *';
