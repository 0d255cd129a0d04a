import { Logger, Module, type OnModuleInit } from '@nestjs/common';
import { and, eq, inArray } from 'drizzle-orm';
import { EventBus } from '../../../kernel/events/index.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { IdentityModule } from '../../identity/index.js';
import { CoursesModule } from '../../learning/courses/index.js';
import { EnrollmentModule } from '../../learning/enrollment/index.js';
import { CoursePublished } from '../../learning/index.js';
import { CouponsModule } from '../coupons/index.js';
import { PaymentsModule, PaymentWebhookRouter } from '../payments/index.js';
import { TaxModule } from '../tax/index.js';
import { BillingAccess } from './billing-access.js';
import { BillingClock } from './billing-clock.js';
import { BillingController } from './billing.controller.js';
import { RENEW_DUE_CRON, RenewDueSubscriptionsJob } from './billing.jobs.js';
import { billingPlans, subscriptions } from './billing.schema.js';
import { BillingWebhooks } from './billing.webhooks.js';
import { Charger } from './charger.js';
import { PlansService } from './plans.service.js';
import { Renewals } from './renewals.js';
import { SeatsService } from './seats.service.js';
import { StripeBilling } from './stripe-billing.service.js';
import { StripeChargeRefunds } from './stripe-refunds.js';
import { SubscriptionChangesService } from './subscription-changes.service.js';
import { SubscriptionsService } from './subscriptions.service.js';
import { TestClocksService } from './test-clocks.service.js';

/** Billing: subscription plans, subscriptions, renewals and dunning, proration, seat licences, test clocks. */
@Module({
  imports: [IdentityModule, CoursesModule, EnrollmentModule, PaymentsModule, CouponsModule, TaxModule],
  controllers: [BillingController],
  providers: [BillingClock, BillingAccess, Charger, Renewals, PlansService, SubscriptionsService, SubscriptionChangesService, TestClocksService, SeatsService, BillingWebhooks, StripeBilling, StripeChargeRefunds],
  exports: [SubscriptionsService, PlansService],
})
export class BillingModule implements OnModuleInit {
  private readonly log = new Logger('billing');

  constructor(
    private readonly jobs: JobsService,
    private readonly events: EventBus,
    private readonly renewals: Renewals,
    private readonly access: BillingAccess,
    private readonly clock: BillingClock,
    private readonly router: PaymentWebhookRouter,
    private readonly webhooks: BillingWebhooks,
    private readonly stripeBilling: StripeBilling,
    private readonly stripeRefunds: StripeChargeRefunds,
  ) {}

  onModuleInit(): void {
    this.jobs.registry.handle(RenewDueSubscriptionsJob, async () => {
      const n = await this.renewals.runDue();
      if (n) this.log.log(`${n} subscription(s) renewed, retried or ended`);
    });
    this.jobs.registry.cron(RenewDueSubscriptionsJob, RENEW_DUE_CRON);
    // A newly published course joins every live subscription whose plan includes it (whole-catalog plans: every course).
    this.events.subscribe(CoursePublished, 'billing.grant-published-course', async (e, { tx }) => {
      const rows = await tx
        .select({ s: subscriptions, p: billingPlans })
        .from(subscriptions)
        .innerJoin(billingPlans, eq(billingPlans.id, subscriptions.planId))
        .where(and(eq(subscriptions.organizationId, e.organizationId), eq(subscriptions.accessGranted, true), inArray(subscriptions.status, ['trialing', 'active', 'past_due'])))
        .for('update', { of: subscriptions });
      for (const { s, p } of rows) {
        if (p.scope === 'catalog' || p.courseIds.includes(e.courseId)) await this.access.sync(tx, s, p, await this.clock.now(s.testClockId, tx));
      }
    });
    this.router.on('invoice.paid', (tx, e) => this.webhooks.invoicePaid(tx, e));
    this.router.on('customer.subscription.updated', (tx, e) => this.webhooks.subscriptionUpdated(tx, e));
    this.router.on('customer.subscription.deleted', (tx, e) => this.webhooks.subscriptionDeleted(tx, e));
    // subscribing through Stripe Checkout (mode: subscription); orders take the payment-mode sessions
    this.router.on('checkout.session.completed', (tx, e) => this.stripeBilling.sessionCompleted(tx, e));
    this.router.on('checkout.session.expired', (tx, e) => this.stripeBilling.sessionExpired(tx, e));
    this.router.on('charge.refunded', (tx, e) => this.stripeRefunds.chargeRefunded(tx, e));
  }
}
