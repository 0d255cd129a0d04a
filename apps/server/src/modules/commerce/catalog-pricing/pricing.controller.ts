import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, Public, type RequestContext } from '../../../kernel/auth/index.js';
import { BundleDto, BundleListDto, BundlePageDto, BundleParamsDto, CoursePricingDto, CreateBundleDto, ListBundlesQueryDto, PricingCourseParamsDto, PutCoursePricingDto, UpdateBundleDto } from './pricing.dto.js';
import { PricingService } from './pricing.service.js';

@ApiTags('pricing')
@Controller()
export class PricingController {
  constructor(private readonly pricing: PricingService) {}

  @Public()
  @Get('courses/:id/pricing')
  @ApiOperation({ summary: "Public for published courses: the course's prices per currency, its sale window and whether it is free" })
  @ZodResponse({ status: 200, type: CoursePricingDto })
  get(@Ctx() ctx: RequestContext, @Param() p: PricingCourseParamsDto) {
    return this.pricing.getPricing(ctx, p.id);
  }

  @Put('courses/:id/pricing')
  @ApiOperation({ summary: "Replace the course's prices (one per currency, optional sale price and window); course editors" })
  @ZodResponse({ status: 200, type: CoursePricingDto })
  put(@Ctx() ctx: RequestContext, @Param() p: PricingCourseParamsDto, @Body() body: PutCoursePricingDto) {
    return this.pricing.putPricing(ctx, p.id, body);
  }

  @Public()
  @Get('courses/:id/bundles')
  @ApiOperation({ summary: 'Public for courses the caller can see: the active bundles holding this course, with their prices and savings' })
  @ZodResponse({ status: 200, type: BundleListDto })
  courseBundles(@Ctx() ctx: RequestContext, @Param() p: PricingCourseParamsDto) {
    return this.pricing.bundlesOfCourse(ctx, p.id);
  }

  @Post('bundles')
  @ApiOperation({ summary: 'Create a bundle: several courses of the organization at one price per currency (commerce.manage)' })
  @ZodResponse({ status: 201, type: BundleDto })
  createBundle(@Ctx() ctx: RequestContext, @Body() body: CreateBundleDto) {
    return this.pricing.createBundle(ctx, body);
  }

  @Get('bundles')
  @ApiOperation({ summary: "The organization's bundles, newest first (commerce.manage)" })
  @ZodResponse({ status: 200, type: BundlePageDto })
  listBundles(@Ctx() ctx: RequestContext, @Query() q: ListBundlesQueryDto) {
    return this.pricing.listBundles(ctx, q);
  }

  @Put('bundles/:bundleId')
  @ApiOperation({ summary: "Replace a bundle's title, courses, prices (one per currency) and whether it is on sale (commerce.manage)" })
  @ZodResponse({ status: 200, type: BundleDto })
  updateBundle(@Ctx() ctx: RequestContext, @Param() p: BundleParamsDto, @Body() body: UpdateBundleDto) {
    return this.pricing.updateBundle(ctx, p.bundleId, body);
  }

  @Public()
  @Get('bundles/:bundleId')
  @ApiOperation({ summary: 'Public: an active bundle whose courses the caller can see' })
  @ZodResponse({ status: 200, type: BundleDto })
  getBundle(@Ctx() ctx: RequestContext, @Param() p: BundleParamsDto) {
    return this.pricing.getBundle(ctx, p.bundleId);
  }
}
