import { z } from 'zod';
import { defineJob } from '../../../kernel/jobs/index.js';

/** Renews, retries and ends the wall-clock subscriptions that fell due (each one locked, charged once per period and attempt). */
export const RenewDueSubscriptionsJob = defineJob('billing.renew_due', z.object({}), { maxAttempts: 5 });

/** Every five minutes, UTC. */
export const RENEW_DUE_CRON = '*/5 * * * *';
