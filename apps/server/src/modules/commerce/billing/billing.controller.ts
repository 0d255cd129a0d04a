import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodResponse, ZodSerializerDto } from 'nestjs-zod';
import { readReferralCookie } from '../cart/index.js';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import {
  AdvanceTestClockDto,
  AssignSeatDto,
  BillingIdParamsDto,
  BillingListQueryDto,
  BuySeatsDto,
  CancelPreviewDto,
  CancelSubscriptionDto,
  ChargeDto,
  ChargeParamsDto,
  ChangePlanDto,
  ChangePreviewQueryDto,
  ChargePageDto,
  CreatePlanDto,
  CreateTestClockDto,
  ListPlansQueryDto,
  ListSubscriptionsQueryDto,
  PlanDto,
  PlanPageDto,
  ProrationPreviewDto,
  QuoteSubscriptionDto,
  RefundChargeDto,
  SeatLicenceDto,
  SeatLicencePageDto,
  SeatPageDto,
  SeatParamsDto,
  SubscribeDto,
  SubscriptionCheckoutDto,
  SubscriptionDto,
  SubscriptionPageDto,
  SubscriptionQuoteDto,
  TestClockDto,
  TestClockEnvelopeDto,
  UpdatePaymentMethodDto,
  UpdatePlanDto,
  SubscribeResult,
  PaymentMethodRedirectDto,
  UpdatePaymentMethodResult,
} from './billing.dto.js';
import { PlansService } from './plans.service.js';
import { SeatsService } from './seats.service.js';
import { SubscriptionChangesService } from './subscription-changes.service.js';
import { SubscriptionsService } from './subscriptions.service.js';
import { TestClocksService } from './test-clocks.service.js';

const IDEMPOTENCY = { name: 'Idempotency-Key', required: false, description: 'A retried request with the same key and body gets the first answer; nothing is charged twice.' };

@ApiTags('billing')
@Controller()
export class BillingController {
  constructor(
    private readonly plans: PlansService,
    private readonly subs: SubscriptionsService,
    private readonly changes: SubscriptionChangesService,
    private readonly clocks: TestClocksService,
    private readonly seats: SeatsService,
  ) {}

  // ---- plans ----

  @Get('billing/plans')
  @ApiOperation({ summary: "The organization's subscription plans (members: live ones; billing admins may ask for archived)" })
  @ZodResponse({ status: 200, type: PlanPageDto })
  listPlans(@Ctx() ctx: RequestContext, @Query() q: ListPlansQueryDto) {
    return this.plans.list(ctx, q);
  }

  @Post('billing/plans')
  @ApiOperation({ summary: 'Create a plan: monthly or yearly, a price per currency, optional trial, some courses or the whole catalog (billing.manage)' })
  @ZodResponse({ status: 201, type: PlanDto })
  createPlan(@Ctx() ctx: RequestContext, @Body() body: CreatePlanDto) {
    return this.plans.create(ctx, body);
  }

  @Get('billing/plans/:id')
  @ApiOperation({ summary: 'One plan of the organization' })
  @ZodResponse({ status: 200, type: PlanDto })
  getPlan(@Ctx() ctx: RequestContext, @Param() p: BillingIdParamsDto) {
    return this.plans.get(ctx, p.id);
  }

  @Patch('billing/plans/:id')
  @ApiOperation({ summary: 'Edit a plan; new prices apply to new subscribers, existing subscriptions keep theirs (billing.manage)' })
  @ZodResponse({ status: 200, type: PlanDto })
  updatePlan(@Ctx() ctx: RequestContext, @Param() p: BillingIdParamsDto, @Body() body: UpdatePlanDto) {
    return this.plans.update(ctx, p.id, body);
  }

  @Post('billing/plans/:id/archive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Archive a plan: no new subscribers; existing subscriptions keep renewing (billing.manage)' })
  @ZodResponse({ status: 200, type: PlanDto })
  archivePlan(@Ctx() ctx: RequestContext, @Param() p: BillingIdParamsDto) {
    return this.plans.setArchived(ctx, p.id, true);
  }

  @Post('billing/plans/:id/unarchive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Offer an archived plan again (billing.manage)' })
  @ZodResponse({ status: 200, type: PlanDto })
  unarchivePlan(@Ctx() ctx: RequestContext, @Param() p: BillingIdParamsDto) {
    return this.plans.setArchived(ctx, p.id, false);
  }

  @Post('billing/plans/:id/quote')
  @HttpCode(200)
  @ApiOperation({ summary: 'What subscribing to the plan would cost now: the first charge with its coupon discount and tax by billing country/region (400 on body.couponCode when the code does not apply)' })
  @ZodResponse({ status: 200, type: SubscriptionQuoteDto })
  quote(@Ctx() ctx: RequestContext, @Param() p: BillingIdParamsDto, @Body() body: QuoteSubscriptionDto) {
    return this.subs.quote(ctx, p.id, body);
  }

  // ---- subscriptions ----

  @Post('subscriptions')
  @ApiHeader(IDEMPOTENCY)
  @ApiOperation({
    summary:
      'Subscribe to a plan. With a test card (`manual_card`): starts the trial, or charges the first period now (201; 422 payment_declined creates nothing). ' +
      'With `stripe_checkout` (when Stripe is configured, else 409 provider_unavailable): 202 with the Stripe Checkout page to send the member to; Stripe bills every period and the subscription appears once Stripe confirms it. ' +
      'A plan coupon (the code, or an automatic promotion) is passed to Stripe as a Stripe coupon with the same terms. 409 already_subscribed when the member has a live subscription to the plan. ' +
      "A referral link's `lyceum_ref` cookie attributes the subscription to its affiliate: every paid charge of it earns the plan's commission.",
  })
  @ZodSerializerDto(SubscribeResult)
  @ApiResponse({ status: 201, description: 'Subscribed (card)', type: SubscriptionDto.Output })
  @ApiResponse({ status: 202, description: 'Pay on Stripe: send the member to redirectUrl', type: SubscriptionCheckoutDto.Output })
  async subscribe(@Ctx() ctx: RequestContext, @Body() body: SubscribeDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.subs.subscribe(ctx, body, readReferralCookie(req));
    if ('checkout' in r) {
      void reply.status(202);
      return r.checkout;
    }
    return r.subscription;
  }

  @Get('me/subscriptions')
  @ApiOperation({ summary: 'My subscriptions in the active organization, newest first' })
  @ZodResponse({ status: 200, type: SubscriptionPageDto })
  mine(@Ctx() ctx: RequestContext, @Query() q: BillingListQueryDto) {
    return this.subs.listMine(ctx, q);
  }

  @Get('subscriptions/:id')
  @ApiOperation({ summary: 'One subscription: its subscriber or a billing admin' })
  @ZodResponse({ status: 200, type: SubscriptionDto })
  getSubscription(@Ctx() ctx: RequestContext, @Param() p: BillingIdParamsDto) {
    return this.subs.get(ctx, p.id);
  }

  @Get('subscriptions/:id/charges')
  @ApiOperation({ summary: 'Charge attempts of a subscription (succeeded and failed), newest first' })
  @ZodResponse({ status: 200, type: ChargePageDto })
  charges(@Ctx() ctx: RequestContext, @Param() p: BillingIdParamsDto, @Query() q: BillingListQueryDto) {
    return this.subs.charges(ctx, p.id, q);
  }

  @Post('subscriptions/:id/charges/:chargeId/refund')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY)
  @ApiOperation({
    summary:
      'Refund a succeeded charge through the payment provider: all that is left of it (empty body) or amountMinor (tax included, never more than is left); the subscription and its access stay; billing.manage or commerce.manage',
  })
  @ZodResponse({ status: 200, type: ChargeDto })
  refundCharge(@Ctx() ctx: RequestContext, @Param() p: ChargeParamsDto, @Body() body: RefundChargeDto) {
    return this.subs.refundCharge(ctx, p.id, p.chargeId, body.amountMinor);
  }

  @Get('subscriptions/:id/cancel-preview')
  @ApiOperation({ summary: 'What cancelling now would refund: the unused part of the current period, prorated by whole seconds (0 for trials and past-due subscriptions)' })
  @ZodResponse({ status: 200, type: CancelPreviewDto })
  previewCancel(@Ctx() ctx: RequestContext, @Param() p: BillingIdParamsDto) {
    return this.changes.previewCancel(ctx, p.id);
  }

  @Post('subscriptions/:id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel at period end (access until then, no further charge) or now (access ends at once; an active subscription is refunded the unused time, prorated by seconds)' })
  @ZodResponse({ status: 200, type: SubscriptionDto })
  cancel(@Ctx() ctx: RequestContext, @Param() p: BillingIdParamsDto, @Body() body: CancelSubscriptionDto) {
    return this.changes.cancel(ctx, p.id, body.atPeriodEnd);
  }

  @Post('subscriptions/:id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Undo a cancellation at period end' })
  @ZodResponse({ status: 200, type: SubscriptionDto })
  resume(@Ctx() ctx: RequestContext, @Param() p: BillingIdParamsDto) {
    return this.changes.resume(ctx, p.id);
  }

  @Post('subscriptions/:id/payment-method')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY)
  @ApiOperation({
    summary:
      'Replace the card; a past-due subscription is charged with it at once and becomes active again (200). A Stripe-billed subscription takes `stripe_checkout` instead (a test card is 409 managed_by_stripe): 202 with the Stripe page where its subscriber saves a new payment method, which becomes the subscription\'s default once Stripe confirms it',
  })
  @ZodSerializerDto(UpdatePaymentMethodResult)
  @ApiResponse({ status: 200, description: 'Card saved', type: SubscriptionDto.Output })
  @ApiResponse({ status: 202, description: 'Save it on Stripe: send the subscriber to redirectUrl', type: PaymentMethodRedirectDto.Output })
  async updatePaymentMethod(@Ctx() ctx: RequestContext, @Param() p: BillingIdParamsDto, @Body() body: UpdatePaymentMethodDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.changes.updatePaymentMethod(ctx, p.id, body.paymentMethod);
    if ('redirect' in r) {
      void reply.status(202);
      return r.redirect;
    }
    return r.subscription;
  }

  @Get('subscriptions/:id/change-preview')
  @ApiOperation({ summary: 'What changing to another plan would cost now: credit for the unused time, charge for the new plan, prorated by seconds' })
  @ZodResponse({ status: 200, type: ProrationPreviewDto })
  previewChange(@Ctx() ctx: RequestContext, @Param() p: BillingIdParamsDto, @Query() q: ChangePreviewQueryDto) {
    return this.changes.previewChange(ctx, p.id, q.planId);
  }

  @Post('subscriptions/:id/change-plan')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY)
  @ApiOperation({
    summary:
      'Change plan: an upgrade is charged the prorated difference at once; a downgrade leaves account credit for later charges. A Stripe-billed subscription changes through Stripe, which prorates and invoices the difference itself',
  })
  @ZodResponse({ status: 200, type: SubscriptionDto })
  changePlan(@Ctx() ctx: RequestContext, @Param() p: BillingIdParamsDto, @Body() body: ChangePlanDto) {
    return this.changes.changePlan(ctx, p.id, body.planId);
  }

  @Get('billing/subscriptions')
  @ApiOperation({ summary: 'The organization\'s subscriptions and seat licences, newest first, optionally by status; billing.manage' })
  @ZodResponse({ status: 200, type: SubscriptionPageDto })
  listSubscriptions(@Ctx() ctx: RequestContext, @Query() q: ListSubscriptionsQueryDto) {
    return this.subs.listForOrg(ctx, q);
  }

  // ---- test clocks ----

  @Get('billing/test-clock')
  @ApiOperation({ summary: "Whether test clocks are enabled, and the organization's clock (billing.manage)" })
  @ZodResponse({ status: 200, type: TestClockEnvelopeDto })
  currentClock(@Ctx() ctx: RequestContext) {
    return this.clocks.current(ctx);
  }

  @Post('billing/test-clocks')
  @ApiOperation({ summary: "Create the organization's test clock; its new subscriptions then run on simulated time (not in production)" })
  @ZodResponse({ status: 201, type: TestClockDto })
  createClock(@Ctx() ctx: RequestContext, @Body() body: CreateTestClockDto) {
    return this.clocks.create(ctx, body);
  }

  @Post('billing/test-clocks/:id/advance')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move the test clock forward and run every renewal, dunning retry and ending that fell due' })
  @ZodResponse({ status: 200, type: TestClockDto })
  advanceClock(@Ctx() ctx: RequestContext, @Param() p: BillingIdParamsDto, @Body() body: AdvanceTestClockDto) {
    return this.clocks.advance(ctx, p.id, body);
  }

  // ---- seat licences ----

  @Get('billing/seats')
  @ApiOperation({ summary: "The organization's seat licences with how many seats are assigned (billing.manage)" })
  @ZodResponse({ status: 200, type: SeatLicencePageDto })
  listSeats(@Ctx() ctx: RequestContext, @Query() q: BillingListQueryDto) {
    return this.seats.list(ctx, q);
  }

  @Post('billing/seats')
  @ApiHeader(IDEMPOTENCY)
  @ApiOperation({ summary: 'Buy N seats of a plan: charged N × price now and every period (billing.manage)' })
  @ZodResponse({ status: 201, type: SeatLicenceDto })
  buySeats(@Ctx() ctx: RequestContext, @Body() body: BuySeatsDto, @Req() req: FastifyRequest) {
    return this.seats.buy(ctx, body, readReferralCookie(req));
  }

  @Get('billing/seats/:id/assignments')
  @ApiOperation({ summary: 'Who holds a seat of this licence' })
  @ZodResponse({ status: 200, type: SeatPageDto })
  seatHolders(@Ctx() ctx: RequestContext, @Param() p: BillingIdParamsDto, @Query() q: BillingListQueryDto) {
    return this.seats.holders(ctx, p.id, q);
  }

  @Post('billing/seats/:id/assignments')
  @ApiOperation({ summary: "Give a member (by email) a seat: they get the plan's courses; 409 no_seats_left when all are taken" })
  @ZodResponse({ status: 201, type: SeatLicenceDto })
  assignSeat(@Ctx() ctx: RequestContext, @Param() p: BillingIdParamsDto, @Body() body: AssignSeatDto) {
    return this.seats.assign(ctx, p.id, body.email);
  }

  @Delete('billing/seats/:id/assignments/:userId')
  @ApiOperation({ summary: 'Take a seat back: the member loses the access the seat gave' })
  @ZodResponse({ status: 200, type: SeatLicenceDto })
  unassignSeat(@Ctx() ctx: RequestContext, @Param() p: SeatParamsDto) {
    return this.seats.unassign(ctx, p.id, p.userId);
  }
}
