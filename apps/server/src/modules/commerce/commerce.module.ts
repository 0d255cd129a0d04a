import { Module } from '@nestjs/common';
import { AffiliatesModule } from './affiliates/index.js';
import { PaymentsModule } from './payments/index.js';
import { RevenueModule } from './revenue/index.js';
import { WaitlistModule } from './waitlist/index.js';
import { BillingModule } from './billing/index.js';
import { PricingModule } from './catalog-pricing/index.js';
import { TaxModule } from './tax/index.js';
import { CartModule } from './cart/index.js';
import { CouponsModule } from './coupons/index.js';
import { InvoicesModule } from './invoices/index.js';
import { OrdersModule } from './orders/index.js';

/**
 * The commerce context: pricing, cart, coupons, orders and checkout, payments, billing,
 * affiliates, waitlists and revenue. Each submodule adds its Nest module to `imports`.
 */
@Module({ imports: [PaymentsModule, PricingModule, TaxModule, CartModule, CouponsModule, InvoicesModule, OrdersModule, WaitlistModule, AffiliatesModule, RevenueModule, BillingModule] })
export class CommerceModule {}
