import { Module, type OnModuleInit } from '@nestjs/common';
import { EventBus } from '../../../kernel/events/index.js';
import { IdentityModule } from '../../identity/index.js';
import { CoursesModule } from '../../learning/courses/index.js';
import { OrderPaid, OrderRefunded, SubscriptionChargeRefunded, SubscriptionPaymentSucceeded } from '../commerce.events.js';
import { RevenueController } from './revenue.controller.js';
import { RevenueService } from './revenue.service.js';

/** The revenue read model and reports. */
@Module({
  imports: [IdentityModule, CoursesModule],
  controllers: [RevenueController],
  providers: [RevenueService],
})
export class RevenueModule implements OnModuleInit {
  constructor(
    private readonly events: EventBus,
    private readonly revenue: RevenueService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe(OrderPaid, 'revenue.record', (e, { tx }) => this.revenue.onOrderPaid(tx, e));
    this.events.subscribe(OrderRefunded, 'revenue.refund', (e, { tx }) => this.revenue.onOrderRefunded(tx, e));
    this.events.subscribe(SubscriptionPaymentSucceeded, 'revenue.record', (e, { tx }) => this.revenue.onSubscriptionPaid(tx, e));
    this.events.subscribe(SubscriptionChargeRefunded, 'revenue.subscription-refund', (e, { tx }) => this.revenue.onSubscriptionChargeRefunded(tx, e));
  }
}
