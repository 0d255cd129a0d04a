import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import {
  CohortSeatsListDto,
  CohortWaitlistParamsDto,
  CohortWaitlistStatusDto,
  CohortWaitlistStatusListDto,
  PutCapacityDto, SeatOfferPageDto, WaitlistCourseParamsDto, WaitlistEntryPageDto, WaitlistListQueryDto, WaitlistStatusDto } from './waitlist.dto.js';
import { CohortWaitlistService } from './cohort-waitlist.service.js';
import { WaitlistService } from './waitlist.service.js';

@ApiTags('waitlist')
@Controller()
export class WaitlistController {
  constructor(
    private readonly waitlist: WaitlistService,
    private readonly cohorts: CohortWaitlistService,
  ) {}

  @Put('courses/:courseId/capacity')
  @ApiOperation({ summary: "Set the course's seat limit (null removes it) and the claim window; a raised limit offers the new seats to the waitlist", description: 'Needs edit rights on the course.' })
  @ZodResponse({ status: 200, type: WaitlistStatusDto })
  setCapacity(@Ctx() ctx: RequestContext, @Param() p: WaitlistCourseParamsDto, @Body() body: PutCapacityDto) {
    return this.waitlist.setCapacity(ctx, p.courseId, body);
  }

  @Get('courses/:courseId/capacity')
  @ApiOperation({ summary: "The course's seat limit, claim window and seats taken; course staff" })
  @ZodResponse({ status: 200, type: WaitlistStatusDto })
  capacity(@Ctx() ctx: RequestContext, @Param() p: WaitlistCourseParamsDto) {
    return this.waitlist.capacityOf(ctx, p.courseId);
  }

  @Get('courses/:courseId/waitlist')
  @ApiOperation({ summary: "The course's waitlist in order (waiting and offered); course staff" })
  @ZodResponse({ status: 200, type: WaitlistEntryPageDto })
  list(@Ctx() ctx: RequestContext, @Param() p: WaitlistCourseParamsDto, @Query() q: WaitlistListQueryDto) {
    return this.waitlist.list(ctx, p.courseId, q);
  }

  @Get('courses/:courseId/waitlist/me')
  @ApiOperation({ summary: 'Seats of the course and my place on its waitlist, and my pending seat offer' })
  @ZodResponse({ status: 200, type: WaitlistStatusDto })
  status(@Ctx() ctx: RequestContext, @Param() p: WaitlistCourseParamsDto) {
    return this.waitlist.status(ctx, p.courseId);
  }

  @Post('courses/:courseId/waitlist')
  @ApiOperation({ summary: 'Join the waitlist of a full course (201; 200 when already on it)' })
  @ZodResponse({ status: 201, type: WaitlistStatusDto })
  async join(@Ctx() ctx: RequestContext, @Param() p: WaitlistCourseParamsDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.waitlist.join(ctx, p.courseId);
    if (!r.created) void reply.status(200);
    return r.status;
  }

  @Delete('courses/:courseId/waitlist')
  @HttpCode(204)
  @ApiOperation({ summary: 'Leave the waitlist (a pending offer passes to the next person)' })
  async leave(@Ctx() ctx: RequestContext, @Param() p: WaitlistCourseParamsDto): Promise<void> {
    await this.waitlist.leave(ctx, p.courseId);
  }

  @Post('courses/:courseId/waitlist/claim')
  @HttpCode(200)
  @ApiOperation({ summary: 'Claim the seat offered to me: enrolls me in a free course; puts a paid course in my cart (paymentRequired), to pay at checkout while the offer holds the seat' })
  @ZodResponse({ status: 200, type: WaitlistStatusDto })
  claim(@Ctx() ctx: RequestContext, @Param() p: WaitlistCourseParamsDto) {
    return this.waitlist.claim(ctx, p.courseId);
  }

  @Get('me/seat-offers')
  @ApiOperation({ summary: 'My pending seat offers (shown as notifications)' })
  @ZodResponse({ status: 200, type: SeatOfferPageDto })
  myOffers(@Ctx() ctx: RequestContext, @Query() q: WaitlistListQueryDto) {
    return this.waitlist.myOffers(ctx, q);
  }

  // ---- cohorts (capacity is set with the cohort: POST/PATCH courses/:courseId/cohorts) ----

  @Get('courses/:courseId/cohort-seats')
  @ApiOperation({ summary: "Seats taken, seats held and waitlist size of each of the course's cohorts; course staff" })
  @ZodResponse({ status: 200, type: CohortSeatsListDto })
  cohortSeats(@Ctx() ctx: RequestContext, @Param() p: WaitlistCourseParamsDto) {
    return this.cohorts.seats(ctx, p.courseId);
  }

  @Get('courses/:courseId/cohort-waitlists/me')
  @ApiOperation({ summary: "The course's open cohorts with their seats, my place on each one's waitlist and my pending seat offers" })
  @ZodResponse({ status: 200, type: CohortWaitlistStatusListDto })
  myCohorts(@Ctx() ctx: RequestContext, @Param() p: WaitlistCourseParamsDto) {
    return this.cohorts.mine(ctx, p.courseId);
  }

  @Get('courses/:courseId/cohorts/:cohortId/waitlist')
  @ApiOperation({ summary: "The cohort's waitlist in order (waiting and offered); course staff" })
  @ZodResponse({ status: 200, type: WaitlistEntryPageDto })
  cohortList(@Ctx() ctx: RequestContext, @Param() p: CohortWaitlistParamsDto, @Query() q: WaitlistListQueryDto) {
    return this.cohorts.list(ctx, p.courseId, p.cohortId, q);
  }

  @Get('courses/:courseId/cohorts/:cohortId/waitlist/me')
  @ApiOperation({ summary: 'Seats of the cohort, my place on its waitlist and my pending seat offer in it' })
  @ZodResponse({ status: 200, type: CohortWaitlistStatusDto })
  cohortStatus(@Ctx() ctx: RequestContext, @Param() p: CohortWaitlistParamsDto) {
    return this.cohorts.status(ctx, p.courseId, p.cohortId);
  }

  @Post('courses/:courseId/cohorts/:cohortId/waitlist')
  @ApiOperation({ summary: 'Join the waitlist of a full cohort of a course I am enrolled in (201; 200 when already on it)' })
  @ZodResponse({ status: 201, type: CohortWaitlistStatusDto })
  async cohortJoin(@Ctx() ctx: RequestContext, @Param() p: CohortWaitlistParamsDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.cohorts.join(ctx, p.courseId, p.cohortId);
    if (!r.created) void reply.status(200);
    return r.status;
  }

  @Delete('courses/:courseId/cohorts/:cohortId/waitlist')
  @HttpCode(204)
  @ApiOperation({ summary: "Leave the cohort's waitlist (a pending offer passes to the next person)" })
  async cohortLeave(@Ctx() ctx: RequestContext, @Param() p: CohortWaitlistParamsDto): Promise<void> {
    await this.cohorts.leave(ctx, p.courseId, p.cohortId);
  }

  @Post('courses/:courseId/cohorts/:cohortId/waitlist/claim')
  @HttpCode(200)
  @ApiOperation({ summary: 'Claim the cohort seat offered to me: my enrollment moves into the cohort' })
  @ZodResponse({ status: 200, type: CohortWaitlistStatusDto })
  cohortClaim(@Ctx() ctx: RequestContext, @Param() p: CohortWaitlistParamsDto) {
    return this.cohorts.claim(ctx, p.courseId, p.cohortId);
  }
}
