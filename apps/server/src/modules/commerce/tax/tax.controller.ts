import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import { ListTaxRatesQueryDto, TaxRateDto, TaxRateInputDto, TaxRatePageDto, TaxRateParamsDto } from './tax.dto.js';
import { TaxService } from './tax.service.js';

@ApiTags('tax')
@Controller('tax-rates')
export class TaxController {
  constructor(private readonly tax: TaxService) {}

  @Get()
  @ApiOperation({ summary: "The organization's tax rates per country and region (commerce.manage)" })
  @ZodResponse({ status: 200, type: TaxRatePageDto })
  list(@Ctx() ctx: RequestContext, @Query() q: ListTaxRatesQueryDto) {
    return this.tax.list(ctx, q);
  }

  @Post()
  @ApiOperation({ summary: 'Add a tax rate for a country, or a region of it; inclusive rates are inside the price' })
  @ZodResponse({ status: 201, type: TaxRateDto })
  create(@Ctx() ctx: RequestContext, @Body() body: TaxRateInputDto) {
    return this.tax.create(ctx, body);
  }

  @Put(':taxRateId')
  @ApiOperation({ summary: 'Change a tax rate' })
  @ZodResponse({ status: 200, type: TaxRateDto })
  update(@Ctx() ctx: RequestContext, @Param() p: TaxRateParamsDto, @Body() body: TaxRateInputDto) {
    return this.tax.update(ctx, p.taxRateId, body);
  }

  @Delete(':taxRateId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a tax rate (orders already placed keep their tax lines)' })
  async remove(@Ctx() ctx: RequestContext, @Param() p: TaxRateParamsDto): Promise<void> {
    await this.tax.remove(ctx, p.taxRateId);
  }
}
