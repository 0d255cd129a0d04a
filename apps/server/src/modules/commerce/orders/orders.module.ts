import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { CoursesModule } from '../../learning/courses/index.js';
import { EnrollmentModule } from '../../learning/enrollment/index.js';
import { CartModule } from '../cart/index.js';
import { OrderPaid, OrderRefunded } from '../commerce.events.js';
import { CouponsModule } from '../coupons/index.js';
import { InvoicesModule } from '../invoices/index.js';
import { PaymentsModule, PaymentWebhookRouter } from '../payments/index.js';
import { TaxModule } from '../tax/index.js';
import { WaitlistModule } from '../waitlist/index.js';
import { CheckoutService } from './checkout.service.js';
import { FulfillmentService } from './fulfillment.service.js';
import { EXPIRE_PENDING_ORDERS_CRON, ExpirePendingOrdersJob } from './orders.jobs.js';
import { OrdersController } from './orders.controller.js';
import { OrdersService } from './orders.service.js';
import { QuoteService } from './quote.service.js';
import { RefundsService } from './refunds.service.js';
import { StripeEventsService } from './stripe-events.service.js';

/** Checkout, orders, fulfillment (enrollments from OrderPaid) and refunds. */
@Module({
  imports: [CartModule, CouponsModule, TaxModule, InvoicesModule, PaymentsModule, CoursesModule, EnrollmentModule, WaitlistModule],
  controllers: [OrdersController],
  providers: [OrdersService, QuoteService, CheckoutService, FulfillmentService, RefundsService, StripeEventsService],
  exports: [OrdersService],
})
export class OrdersModule implements OnModuleInit {
  constructor(
    private readonly events: EventBus,
    private readonly fulfillment: FulfillmentService,
    private readonly webhooks: PaymentWebhookRouter,
    private readonly stripeEvents: StripeEventsService,
    private readonly jobs: JobsService,
    private readonly orders: OrdersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.events.subscribe(OrderPaid, 'orders.fulfill', (e, { tx }) => this.fulfillment.fulfill(tx, e));
    this.events.subscribe(OrderRefunded, 'orders.revoke_access', (e, { tx }) => this.fulfillment.revoke(tx, e));
    this.webhooks.on('payment_intent.succeeded', (tx, e) => this.stripeEvents.paymentSucceeded(tx, e));
    this.webhooks.on('payment_intent.payment_failed', (tx, e) => this.stripeEvents.paymentFailed(tx, e));
    this.webhooks.on('checkout.session.expired', (tx, e) => this.stripeEvents.sessionExpired(tx, e));
    this.webhooks.on('charge.refunded', (tx, e) => this.stripeEvents.chargeRefunded(tx, e));
    this.jobs.registry.handle(ExpirePendingOrdersJob, async () => {
      await this.orders.expirePending(new Date(Date.now() - this.config.ORDER_PENDING_MINUTES * 60_000));
    });
    this.jobs.registry.cron(ExpirePendingOrdersJob, EXPIRE_PENDING_ORDERS_CRON);
  }
}
