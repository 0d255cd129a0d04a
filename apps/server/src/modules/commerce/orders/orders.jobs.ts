import { z } from 'zod';
import { defineJob } from '../../../kernel/jobs/index.js';

/** Cancels pending orders older than ORDER_PENDING_MINUTES that never reached the payment provider. */
export const ExpirePendingOrdersJob = defineJob('orders.expire-pending', z.object({}), { maxAttempts: 5 });
export const EXPIRE_PENDING_ORDERS_CRON = '*/5 * * * *';
