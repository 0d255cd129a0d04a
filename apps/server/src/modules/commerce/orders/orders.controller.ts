import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, Public, type RequestContext } from '../../../kernel/auth/index.js';
import { GUEST_CART_COOKIE, readCookie, readReferralCookie } from '../cart/index.js';
import { CheckoutService } from './checkout.service.js';
import { CheckoutRequestDto, ListOrdersQueryDto, OrderDto, OrderPageDto, OrderParamsDto, QuoteDto, QuoteRequestDto, RefundRequestDto } from './orders.dto.js';
import { OrdersService } from './orders.service.js';
import { RefundsService } from './refunds.service.js';


@ApiTags('orders')
@Controller()
export class OrdersController {
  constructor(
    private readonly checkoutService: CheckoutService,
    private readonly orders: OrdersService,
    private readonly refunds: RefundsService,
  ) {}

  @Public()
  @Post('checkout/quote')
  @HttpCode(200)
  @ApiOperation({ summary: "Price the caller's cart now: currency, coupons (with why a code does not apply), automatic promotions, tax for a country/region, totals" })
  @ZodResponse({ status: 200, type: QuoteDto })
  quote(@Ctx() ctx: RequestContext, @Body() body: QuoteRequestDto, @Req() req: FastifyRequest) {
    const guestId = ctx.actor ? null : readCookie(req, GUEST_CART_COOKIE);
    return this.checkoutService.quote(ctx, { userId: ctx.actor?.userId ?? null, guestId }, body);
  }

  @Post('checkout')
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: 'one per checkout attempt; a retry with the same key returns the same order and never charges twice' })
  @ApiOperation({
    summary: 'Check out the cart: re-validates prices and coupons, creates the order, and pays',
    description: 'The manual provider (test cards) completes in the request: the order comes back paid (fulfillment follows at once) or failed with the decline. With Stripe the order is pending with a redirectUrl; the webhook completes it.',
  })
  @ZodResponse({ status: 201, type: OrderDto })
  checkout(@Ctx() ctx: RequestContext, @Body() body: CheckoutRequestDto, @Headers('idempotency-key') key: string | undefined, @Req() req: FastifyRequest) {
    return this.checkoutService.checkout(ctx, key, body, readReferralCookie(req));
  }

  @Get('me/orders')
  @ApiOperation({ summary: 'My orders, in every organization, newest first, with invoice and refunds' })
  @ZodResponse({ status: 200, type: OrderPageDto })
  mine(@Ctx() ctx: RequestContext, @Query() q: ListOrdersQueryDto) {
    return this.orders.listMine(ctx, q);
  }

  @Get('orders')
  @ApiOperation({ summary: "The organization's orders, newest first (commerce.manage)" })
  @ZodResponse({ status: 200, type: OrderPageDto })
  list(@Ctx() ctx: RequestContext, @Query() q: ListOrdersQueryDto) {
    return this.orders.listOrg(ctx, q);
  }

  @Get('orders/:orderId')
  @ApiOperation({ summary: 'One order; its buyer or the organization’s commerce admins' })
  @ZodResponse({ status: 200, type: OrderDto })
  get(@Ctx() ctx: RequestContext, @Param() p: OrderParamsDto) {
    return this.orders.get(ctx, p.orderId);
  }

  @Post('orders/:orderId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel my pending order (nothing was charged; its coupon uses are given back); 409 once it is paid, failed or canceled' })
  @ZodResponse({ status: 200, type: OrderDto })
  cancel(@Ctx() ctx: RequestContext, @Param() p: OrderParamsDto) {
    return this.orders.cancel(ctx, p.orderId);
  }

  @Post('orders/:orderId/refunds')
  @ApiOperation({
    summary: 'Refund an order in full (empty body), by line (lineIds: access those lines granted is revoked) or by amount (access kept); commerce.manage',
    description: 'Accepts Idempotency-Key.',
  })
  @ZodResponse({ status: 201, type: OrderDto })
  refund(@Ctx() ctx: RequestContext, @Param() p: OrderParamsDto, @Body() body: RefundRequestDto) {
    return this.refunds.refund(ctx, p.orderId, body);
  }
}
