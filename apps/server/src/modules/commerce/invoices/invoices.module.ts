import { Module, type OnModuleInit } from '@nestjs/common';
import { EventBus } from '../../../kernel/events/index.js';
import { IdentityModule, UsersService } from '../../identity/index.js';
import { OrderRefunded, SubscriptionChargeRefunded, SubscriptionPaymentSucceeded } from '../commerce.events.js';
import { InvoicesController } from './invoices.controller.js';
import { InvoicesService } from './invoices.service.js';

/** Numbered invoices (gap-free per organization), PDFs, receipt emails and the CSV export. */
@Module({ imports: [IdentityModule], controllers: [InvoicesController], providers: [InvoicesService], exports: [InvoicesService] })
export class InvoicesModule implements OnModuleInit {
  constructor(
    private readonly events: EventBus,
    private readonly invoices: InvoicesService,
    private readonly users: UsersService,
  ) {}

  onModuleInit(): void {
    this.events.subscribe(OrderRefunded, 'invoices.order-refunded', (e, { tx }) => this.invoices.onOrderRefunded(tx, e));
    this.events.subscribe(SubscriptionChargeRefunded, 'invoices.subscription-refunded', (e, { tx }) => this.invoices.onSubscriptionChargeRefunded(tx, e));
    this.events.subscribe(SubscriptionPaymentSucceeded, 'invoices.subscription', async (e, { tx }) => {
      const buyer = await this.users.me(e.userId, tx).catch(() => null);
      if (!buyer) return; // the account is gone: nobody to invoice or email
      await this.invoices.onSubscriptionPayment(tx, e, { email: buyer.email, name: buyer.name });
    });
  }
}
