import { Logger, Module, type OnModuleInit } from '@nestjs/common';
import { EventBus } from '../../../kernel/events/index.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { CoursesModule } from '../../learning/courses/index.js';
import { BillingModule } from '../billing/index.js';
import { OrderPaid, OrderRefunded, SubscriptionChargeRefunded, SubscriptionPaymentSucceeded } from '../commerce.events.js';
import { AffiliatesController } from './affiliates.controller.js';
import { APPROVE_COMMISSIONS_CRON, ApproveCommissionsJob } from './affiliates.jobs.js';
import { LedgerService } from './ledger.service.js';
import { ReferralService } from './referral.service.js';

/** Referral codes and links, attribution, commission rules, the commission ledger and payouts. */
@Module({
  imports: [CoursesModule, BillingModule],
  controllers: [AffiliatesController],
  providers: [ReferralService, LedgerService],
  exports: [ReferralService],
})
export class AffiliatesModule implements OnModuleInit {
  private readonly log = new Logger('affiliates');

  constructor(
    private readonly jobs: JobsService,
    private readonly events: EventBus,
    private readonly ledger: LedgerService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe(OrderPaid, 'affiliates.commission', (e, { tx }) => this.ledger.onOrderPaid(tx, e));
    this.events.subscribe(OrderRefunded, 'affiliates.clawback', (e, { tx }) => this.ledger.onOrderRefunded(tx, e));
    this.events.subscribe(SubscriptionPaymentSucceeded, 'affiliates.commission', (e, { tx }) => this.ledger.onSubscriptionPaid(tx, e));
    this.events.subscribe(SubscriptionChargeRefunded, 'affiliates.subscription-clawback', (e, { tx }) => this.ledger.onSubscriptionChargeRefunded(tx, e));
    this.jobs.registry.handle(ApproveCommissionsJob, async () => {
      const n = await this.ledger.approveDue();
      if (n) this.log.log(`${n} commission(s) approved`);
    });
    this.jobs.registry.cron(ApproveCommissionsJob, APPROVE_COMMISSIONS_CRON);
  }
}
