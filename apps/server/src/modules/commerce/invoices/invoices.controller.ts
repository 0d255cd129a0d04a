import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import { InvoiceCsvQueryDto, InvoicePageDto, InvoiceParamsDto, ListInvoicesQueryDto } from './invoices.dto.js';
import { InvoicesService } from './invoices.service.js';

@ApiTags('invoices')
@Controller()
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Get('me/invoices')
  @ApiOperation({ summary: 'My invoices, in every organization, newest first' })
  @ZodResponse({ status: 200, type: InvoicePageDto })
  mine(@Ctx() ctx: RequestContext, @Query() q: ListInvoicesQueryDto) {
    return this.invoices.listMine(ctx, q);
  }

  @Get('invoices')
  @ApiOperation({ summary: "The organization's invoices, highest number first (commerce.manage)" })
  @ZodResponse({ status: 200, type: InvoicePageDto })
  list(@Ctx() ctx: RequestContext, @Query() q: ListInvoicesQueryDto) {
    return this.invoices.listOrg(ctx, q);
  }

  @Get('invoices/export.csv')
  @ApiOperation({ summary: "The organization's invoices as CSV, in number order, optionally issued between two dates (commerce.manage)" })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'the CSV', content: { 'text/csv': { schema: { type: 'string' } } } })
  async csv(@Ctx() ctx: RequestContext, @Query() q: InvoiceCsvQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const body = await this.invoices.csv(ctx, q);
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="invoices.csv"').header('cache-control', 'no-store');
    return body;
  }

  @Get('invoices/:invoiceId/pdf')
  @ApiOperation({ summary: 'The invoice as a PDF; its buyer or the organization’s commerce admins' })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'the PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } })
  async pdf(@Ctx() ctx: RequestContext, @Param() p: InvoiceParamsDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const { number, bytes } = await this.invoices.pdf(ctx, p.invoiceId);
    reply.header('content-type', 'application/pdf').header('content-disposition', `attachment; filename="${number}.pdf"`).header('cache-control', 'no-store');
    return Buffer.from(bytes);
  }
}
