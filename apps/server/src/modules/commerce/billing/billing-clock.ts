import { Inject, Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database, type DbOrTx } from '../../../kernel/db/index.js';
import { billingTestClocks } from './billing.schema.js';

/**
 * Every time read in billing goes through here: the wall clock, or the simulated time of the
 * subscription's test clock (test clocks exist only when enabled, never in production by default).
 */
@Injectable()
export class BillingClock {
  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get testClocksEnabled(): boolean {
    return this.config.BILLING_TEST_CLOCKS ?? this.config.NODE_ENV !== 'production';
  }

  get retryDays(): readonly number[] {
    return this.config.BILLING_RETRY_DAYS;
  }

  get graceDays(): number {
    return this.config.BILLING_GRACE_DAYS;
  }

  /** The wall clock (for subscriptions without a test clock). */
  wall(): Date {
    return new Date();
  }

  /** Now, for a subscription on `testClockId` (or on the wall clock when null). */
  async now(testClockId: string | null, db: DbOrTx = this.db): Promise<Date> {
    if (!testClockId) return this.wall();
    const [c] = await db.select({ t: billingTestClocks.frozenTime }).from(billingTestClocks).where(eq(billingTestClocks.id, testClockId));
    if (!c) throw new Error(`test clock ${testClockId} is gone`);
    return c.t;
  }

  /** The organization's test clock that new subscriptions join, when clocks are enabled and it has one. */
  async clockForNewSubscription(organizationId: string, db: DbOrTx = this.db): Promise<{ id: string; now: Date } | null> {
    if (!this.testClocksEnabled) return null;
    const [c] = await db.select().from(billingTestClocks).where(eq(billingTestClocks.organizationId, organizationId));
    return c ? { id: c.id, now: c.frozenTime } : null;
  }
}
