import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import { CouponDto, CouponInputDto, CouponPageDto, CouponParamsDto, ListCouponsQueryDto, ListRedemptionsQueryDto, RedemptionPageDto } from './coupons.dto.js';
import { CouponsService } from './coupons.service.js';

@ApiTags('coupons')
@Controller('coupons')
export class CouponsController {
  constructor(private readonly coupons: CouponsService) {}

  @Get()
  @ApiOperation({ summary: "The organization's coupons and automatic promotions, newest first (commerce.manage)" })
  @ZodResponse({ status: 200, type: CouponPageDto })
  list(@Ctx() ctx: RequestContext, @Query() q: ListCouponsQueryDto) {
    return this.coupons.list(ctx, q);
  }

  @Post()
  @ApiOperation({ summary: 'Create a coupon (with a code) or an automatic promotion (automatic: true, no code)' })
  @ZodResponse({ status: 201, type: CouponDto })
  create(@Ctx() ctx: RequestContext, @Body() body: CouponInputDto) {
    return this.coupons.create(ctx, body);
  }

  @Get(':couponId')
  @ApiOperation({ summary: 'One coupon with its use count' })
  @ZodResponse({ status: 200, type: CouponDto })
  get(@Ctx() ctx: RequestContext, @Param() p: CouponParamsDto) {
    return this.coupons.get(ctx, p.couponId);
  }

  @Put(':couponId')
  @ApiOperation({ summary: 'Replace a coupon’s settings (deactivate with active: false); the limit cannot go below the uses so far' })
  @ZodResponse({ status: 200, type: CouponDto })
  update(@Ctx() ctx: RequestContext, @Param() p: CouponParamsDto, @Body() body: CouponInputDto) {
    return this.coupons.update(ctx, p.couponId, body);
  }

  @Get(':couponId/redemptions')
  @ApiOperation({ summary: 'The orders that used this coupon, newest first' })
  @ZodResponse({ status: 200, type: RedemptionPageDto })
  redemptions(@Ctx() ctx: RequestContext, @Param() p: CouponParamsDto, @Query() q: ListRedemptionsQueryDto) {
    return this.coupons.redemptions(ctx, p.couponId, q);
  }
}
