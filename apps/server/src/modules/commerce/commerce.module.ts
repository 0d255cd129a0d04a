import { Module } from '@nestjs/common';
import { PaymentsModule } from './payments/index.js';
import { BillingModule } from './billing/index.js';

/**
 * The commerce context: pricing, cart, coupons, orders and checkout, payments, billing,
 * affiliates, waitlists and revenue. Each submodule adds its Nest module to `imports`.
 */
@Module({ imports: [PaymentsModule, BillingModule] })
export class CommerceModule {}
