import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, Public, type RequestContext } from '../../../kernel/auth/index.js';
import {
  AffiliateDashboardDto,
  AffiliateDto,
  AffiliatePageDto,
  AffiliateSettingsDto,
  ApproveAffiliateDto,
  CodeIdParamsDto,
  CommissionRuleDto,
  CommissionRuleListDto,
  LedgerPageDto,
  LedgerQueryDto,
  ListAffiliatesQueryDto,
  MarkPaidDto,
  PayoutDto,
  PayoutReportDto,
  PutAffiliateSettingsDto,
  PutCommissionRuleDto,
  RefParamsDto,
  RefQueryDto,
  RuleIdParamsDto,
} from './affiliates.dto.js';
import { LedgerService } from './ledger.service.js';
import { presentAffiliate, ReferralService } from './referral.service.js';

@ApiTags('affiliates')
@Controller()
export class AffiliatesController {
  constructor(
    private readonly referrals: ReferralService,
    private readonly ledger: LedgerService,
  ) {}

  // ---- attribution (public) ----

  @Public()
  @Get('ref/:code')
  @ApiOperation({
    summary: 'A referral link: records the click, sets the `lyceum_ref` cookie for the cookie window (last click wins) and redirects to `to` (a path on this site, default /)',
  })
  async follow(@Param() p: RefParamsDto, @Query() q: RefQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const cookie = await this.referrals.visit(p.code, q.to);
    if (cookie) void reply.header('set-cookie', cookie);
    await reply.header('cache-control', 'no-store').redirect(q.to, 302);
  }

  @Public()
  @Post('ref/:code/visit')
  @HttpCode(204)
  @ApiOperation({ summary: 'The web app saw `?ref=CODE`: same as following the link, without the redirect' })
  async visit(@Param() p: RefParamsDto, @Query() q: RefQueryDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const cookie = await this.referrals.visit(p.code, q.to);
    if (cookie) void reply.header('set-cookie', cookie);
  }

  // ---- my referral code and dashboard ----

  @Get('affiliate/me')
  @ApiOperation({ summary: 'My referral code, link, clicks, conversions and commission totals (404 no_referral_code until created)' })
  @ZodResponse({ status: 200, type: AffiliateDashboardDto })
  async dashboard(@Ctx() ctx: RequestContext) {
    return this.referrals.dashboard(await this.referrals.requireMine(ctx));
  }

  @Post('affiliate/me')
  @ApiOperation({ summary: 'Get my referral code in this organization, creating it on first use (201 when created)' })
  @ZodResponse({ status: 201, type: AffiliateDashboardDto })
  async createMine(@Ctx() ctx: RequestContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const { row, created } = await this.referrals.ensureMine(ctx);
    if (!created) void reply.status(200);
    return this.referrals.dashboard(row);
  }

  @Post('affiliate/me/apply')
  @HttpCode(200)
  @ApiOperation({ summary: 'Apply to become an affiliate of this organization (an admin approves)' })
  @ZodResponse({ status: 200, type: AffiliateDto })
  async apply(@Ctx() ctx: RequestContext) {
    return presentAffiliate(await this.referrals.apply(ctx));
  }

  @Get('affiliate/me/ledger')
  @ApiOperation({ summary: 'My commission ledger, newest first' })
  @ZodResponse({ status: 200, type: LedgerPageDto })
  async myLedger(@Ctx() ctx: RequestContext, @Query() q: LedgerQueryDto) {
    return this.ledger.ledgerOf(await this.referrals.requireMine(ctx), q);
  }

  // ---- administration (affiliate.manage) ----

  @Get('affiliates')
  @ApiOperation({ summary: "The organization's referrers and affiliates" })
  @ZodResponse({ status: 200, type: AffiliatePageDto })
  list(@Ctx() ctx: RequestContext, @Query() q: ListAffiliatesQueryDto) {
    return this.referrals.listAffiliates(ctx, q);
  }

  @Get('affiliates/settings')
  @ApiOperation({ summary: 'Cookie window, refund window and default commission' })
  @ZodResponse({ status: 200, type: AffiliateSettingsDto })
  settings(@Ctx() ctx: RequestContext) {
    return this.referrals.getSettings(ctx);
  }

  @Put('affiliates/settings')
  @ApiOperation({ summary: 'Change the cookie window, refund window and default commission' })
  @ZodResponse({ status: 200, type: AffiliateSettingsDto })
  putSettings(@Ctx() ctx: RequestContext, @Body() body: PutAffiliateSettingsDto) {
    return this.referrals.putSettings(ctx, body);
  }

  @Get('affiliates/rules')
  @ApiOperation({ summary: 'Commission rules per course or plan' })
  @ZodResponse({ status: 200, type: CommissionRuleListDto })
  rules(@Ctx() ctx: RequestContext) {
    return this.referrals.listRules(ctx);
  }

  @Put('affiliates/rules')
  @ApiOperation({ summary: 'Set the commission of a course or plan (basis points)' })
  @ZodResponse({ status: 200, type: CommissionRuleDto })
  putRule(@Ctx() ctx: RequestContext, @Body() body: PutCommissionRuleDto) {
    return this.referrals.putRule(ctx, body);
  }

  @Delete('affiliates/rules/:ruleId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a commission rule (the default applies again)' })
  async deleteRule(@Ctx() ctx: RequestContext, @Param() p: RuleIdParamsDto): Promise<void> {
    await this.referrals.deleteRule(ctx, p.ruleId);
  }

  @Get('affiliates/payouts/report')
  @ApiOperation({ summary: 'Payout report: per affiliate and currency, approved unpaid commission' })
  @ZodResponse({ status: 200, type: PayoutReportDto })
  report(@Ctx() ctx: RequestContext) {
    return this.ledger.payoutReport(ctx);
  }

  @Get('affiliates/payouts/report.csv')
  @ApiOperation({ summary: 'The payout report as CSV' })
  @ApiProduces('text/csv')
  async reportCsv(@Ctx() ctx: RequestContext, @Res() reply: FastifyReply): Promise<void> {
    const csv = await this.ledger.payoutCsv(ctx);
    await reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="affiliate-payouts.csv"').send(csv);
  }

  @Post('affiliates/:codeId/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve an affiliate, optionally with a commission rate of their own' })
  @ZodResponse({ status: 200, type: AffiliateDto })
  approve(@Ctx() ctx: RequestContext, @Param() p: CodeIdParamsDto, @Body() body: ApproveAffiliateDto) {
    return this.referrals.approve(ctx, p.codeId, body.commissionBp);
  }

  @Post('affiliates/:codeId/suspend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Suspend a referral code: its links stop attributing sales' })
  @ZodResponse({ status: 200, type: AffiliateDto })
  suspend(@Ctx() ctx: RequestContext, @Param() p: CodeIdParamsDto) {
    return this.referrals.suspend(ctx, p.codeId);
  }

  @Post('affiliates/:codeId/payouts')
  @ApiOperation({ summary: "Mark an affiliate's approved commission in one currency as paid (accepts Idempotency-Key)" })
  @ZodResponse({ status: 201, type: PayoutDto })
  pay(@Ctx() ctx: RequestContext, @Param() p: CodeIdParamsDto, @Body() body: MarkPaidDto) {
    return this.ledger.markPaid(ctx, p.codeId, body);
  }
}
