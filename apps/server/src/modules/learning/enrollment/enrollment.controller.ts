import { Body, Controller, Delete, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import { readCsvRequest } from './bulk-csv.js';
import {
  BulkEnrollJson,
  BulkEnrollQueryDto,
  CourseParamsDto,
  EnrollByEmailDto,
  EnrollmentDto,
  EnrollmentPageDto,
  EnrollmentParamsDto,
  EnrollReportDto,
  ListEnrollmentsQueryDto,
  SelfEnrollmentDto,
  UpdateEnrollmentDto,
} from './enrollment.dto.js';
import { EnrollmentService } from './enrollment.service.js';
import { RosterService } from './roster.service.js';

@ApiTags('enrollments')
@Controller('courses/:courseId')
export class EnrollmentController {
  constructor(
    private readonly enrollment: EnrollmentService,
    private readonly roster: RosterService,
  ) {}

  @Post('enroll')
  @ApiOperation({
    summary: 'Enroll yourself in a free published course',
    description: 'Public courses: anyone signed in. Organization courses: members of that organization. 201 when enrolled now, 200 when already enrolled.',
  })
  @ZodResponse({ status: 201, type: SelfEnrollmentDto })
  async selfEnroll(@Ctx() ctx: RequestContext, @Param() p: CourseParamsDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.enrollment.selfEnroll(ctx, p.courseId);
    if (!r.created) void reply.status(200);
    return r;
  }

  @Get('enrollments')
  @ApiOperation({ summary: "List a course's enrollments with progress (search by learner email or name)" })
  @ZodResponse({ status: 200, type: EnrollmentPageDto })
  list(@Ctx() ctx: RequestContext, @Param() p: CourseParamsDto, @Query() q: ListEnrollmentsQueryDto) {
    return this.roster.list(ctx, p.courseId, q);
  }

  @Post('enrollments')
  @ApiOperation({
    summary: 'Enroll existing accounts by email',
    description: 'Answers a report row per email: enrolled, already_enrolled, no_account (no account uses the email: nothing is created), invalid_email, duplicate_in_file. A revoked learner is enrolled again.',
  })
  @ZodResponse({ status: 200, type: EnrollReportDto })
  enroll(@Ctx() ctx: RequestContext, @Param() p: CourseParamsDto, @Body() body: EnrollByEmailDto) {
    return this.enrollment.enrollByEmails(
      ctx,
      p.courseId,
      body.emails.map((email, i) => ({ row: i + 1, email })),
      { expiresAt: body.expiresAt, cohortId: body.cohortId },
      'instructor',
    );
  }

  @Post('enrollments/bulk')
  @ApiOperation({
    summary: 'Enroll learners from a CSV of emails',
    description:
      'Send `text/csv` (options as query parameters) or JSON `{ csv, expiresAt?, cohortId? }`. One email per row: the column headed `email`, else the first cell with an `@`. The header is optional. Answers a report row per CSV row.',
  })
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({
    schema: {
      oneOf: [{ type: 'string', description: 'the CSV itself (text/csv)' }, z.toJSONSchema(BulkEnrollJson) as object],
    },
  })
  @ZodResponse({ status: 200, type: EnrollReportDto })
  bulk(@Ctx() ctx: RequestContext, @Param() p: CourseParamsDto, @Query() q: BulkEnrollQueryDto, @Body() body: unknown) {
    const { rows, opts } = readCsvRequest(q, body);
    return this.enrollment.enrollByEmails(ctx, p.courseId, rows, opts, 'bulk');
  }

  @Get('enrollments/:enrollmentId')
  @ApiOperation({ summary: 'One enrollment with progress' })
  @ZodResponse({ status: 200, type: EnrollmentDto })
  get(@Ctx() ctx: RequestContext, @Param() p: EnrollmentParamsDto) {
    return this.roster.get(ctx, p.courseId, p.enrollmentId);
  }

  @Patch('enrollments/:enrollmentId')
  @ApiOperation({ summary: 'Change expiry, status (active | expired | revoked) or cohort' })
  @ZodResponse({ status: 200, type: EnrollmentDto })
  update(@Ctx() ctx: RequestContext, @Param() p: EnrollmentParamsDto, @Body() body: UpdateEnrollmentDto) {
    return this.enrollment.update(ctx, p.courseId, p.enrollmentId, body);
  }

  @Delete('enrollments/:enrollmentId')
  @ApiOperation({ summary: 'Revoke an enrollment (the learner loses access; enrolling them again restores it)' })
  @ZodResponse({ status: 200, type: EnrollmentDto })
  revoke(@Ctx() ctx: RequestContext, @Param() p: EnrollmentParamsDto) {
    return this.enrollment.revoke(ctx, p.courseId, p.enrollmentId);
  }
}
