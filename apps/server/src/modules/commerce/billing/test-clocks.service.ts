import { Inject, Injectable } from '@nestjs/common';
import { and, count, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { RequestContext } from '../../../kernel/auth/index.js';
import { DB, type Database } from '../../../kernel/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../kernel/errors/index.js';
import { BillingClock } from './billing-clock.js';
import type { TestClock } from './billing.dto.js';
import { requireBillingAdmin } from './billing.policy.js';
import { billingTestClocks, subscriptions, type TestClockRow } from './billing.schema.js';
import { Renewals } from './renewals.js';

type TestClockView = z.infer<typeof TestClock>;

/**
 * Test clocks: an organization's simulated time (never in production unless enabled), so renewals
 * and dunning can be shown and tested. While an organization has a clock, its new subscriptions
 * run on it; advancing it runs every renewal, retry and ending that fell due, in time order.
 */
@Injectable()
export class TestClocksService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly clock: BillingClock,
    private readonly renewals: Renewals,
  ) {}

  private requireEnabled(ctx: RequestContext) {
    const o = requireBillingAdmin(ctx);
    if (!this.clock.testClocksEnabled) throw new Forbidden('Billing test clocks are disabled on this server.', 'test_clocks_disabled');
    return o;
  }

  async current(ctx: RequestContext): Promise<{ enabled: boolean; clock: TestClockView | null }> {
    const o = requireBillingAdmin(ctx);
    if (!this.clock.testClocksEnabled) return { enabled: false, clock: null };
    const [c] = await this.db.select().from(billingTestClocks).where(eq(billingTestClocks.organizationId, o.membership.orgId));
    return { enabled: true, clock: c ? await this.present(c) : null };
  }

  async create(ctx: RequestContext, input: { name: string; frozenTime?: string }): Promise<TestClockView> {
    const o = this.requireEnabled(ctx);
    const [row] = await this.db
      .insert(billingTestClocks)
      .values({ organizationId: o.membership.orgId, name: input.name, frozenTime: input.frozenTime ? new Date(input.frozenTime) : new Date(), createdBy: o.actor.userId })
      .onConflictDoNothing({ target: billingTestClocks.organizationId })
      .returning();
    if (!row) throw new Conflict('This organization already has a test clock.', 'test_clock_exists');
    return this.present(row);
  }

  /** Moves the clock forward and runs what fell due (each subscription in its own transaction). */
  async advance(ctx: RequestContext, id: string, input: { to?: string; days?: number }): Promise<TestClockView> {
    const o = this.requireEnabled(ctx);
    const c = await this.find(o.membership.orgId, id);
    const to = input.to ? new Date(input.to) : new Date(c.frozenTime.getTime() + input.days! * 86_400_000);
    if (to.getTime() <= c.frozenTime.getTime()) {
      throw new Invalid('A test clock only moves forward.', [{ field: input.to ? 'body.to' : 'body.days', message: 'not after the current time' }], 'clock_backwards');
    }
    const [moved] = await this.db.update(billingTestClocks).set({ frozenTime: to }).where(eq(billingTestClocks.id, c.id)).returning();
    const n = await this.renewals.runClock(c.id);
    return { ...(await this.present(moved!)), moved: n };
  }

  private async find(organizationId: string, id: string): Promise<TestClockRow> {
    const [c] = await this.db
      .select()
      .from(billingTestClocks)
      .where(and(eq(billingTestClocks.id, id), eq(billingTestClocks.organizationId, organizationId)));
    if (!c) throw new NotFound('Test clock');
    return c;
  }

  private async present(c: TestClockRow): Promise<TestClockView> {
    const [n] = await this.db.select({ n: count() }).from(subscriptions).where(eq(subscriptions.testClockId, c.id));
    return { id: c.id, organizationId: c.organizationId, name: c.name, frozenTime: c.frozenTime.toISOString(), subscriptionCount: n?.n ?? 0 };
  }
}
