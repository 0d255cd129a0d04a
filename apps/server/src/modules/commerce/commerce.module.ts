import { Module } from '@nestjs/common';

/**
 * The commerce context: pricing, cart, coupons, orders and checkout, payments, billing,
 * affiliates, waitlists and revenue. Each submodule adds its Nest module to `imports`.
 */
@Module({ imports: [] })
export class CommerceModule {}
