import { Body, Controller, Get, Param, Put, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import { CourseShareDto, CourseShareParamsDto, PutCourseShareDto, PutRevenueSettingsDto, RevenueQueryDto, RevenueReportDto, RevenueSettingsDto } from './revenue.dto.js';
import { RevenueService } from './revenue.service.js';

@ApiTags('revenue')
@Controller('revenue')
export class RevenueController {
  constructor(private readonly revenue: RevenueService) {}

  @Get()
  @ApiOperation({ summary: 'Revenue per day by organization, course or instructor (admins: revenue.read_all); instructors: their own share (groupBy=instructor)' })
  @ZodResponse({ status: 200, type: RevenueReportDto })
  report(@Ctx() ctx: RequestContext, @Query() q: RevenueQueryDto) {
    return this.revenue.report(ctx, q);
  }

  @Get('report.csv')
  @ApiOperation({ summary: 'The same report as CSV' })
  @ApiProduces('text/csv')
  async csv(@Ctx() ctx: RequestContext, @Query() q: RevenueQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const csv = await this.revenue.reportCsv(ctx, q);
    await reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="revenue-${q.from}-${q.to}.csv"`).send(csv);
  }

  @Get('settings')
  @ApiOperation({ summary: "The organization's instructor revenue share" })
  @ZodResponse({ status: 200, type: RevenueSettingsDto })
  settings(@Ctx() ctx: RequestContext) {
    return this.revenue.getSettings(ctx);
  }

  @Put('settings')
  @ApiOperation({ summary: 'Set the instructor revenue share (basis points); applies to sales from now on' })
  @ZodResponse({ status: 200, type: RevenueSettingsDto })
  putSettings(@Ctx() ctx: RequestContext, @Body() body: PutRevenueSettingsDto) {
    return this.revenue.putSettings(ctx, body.instructorShareBp);
  }

  @Put('courses/:courseId/share')
  @ApiOperation({ summary: "Override one course's instructor share (null: back to the organization's)" })
  @ZodResponse({ status: 200, type: CourseShareDto })
  putCourseShare(@Ctx() ctx: RequestContext, @Param() p: CourseShareParamsDto, @Body() body: PutCourseShareDto) {
    return this.revenue.putCourseShare(ctx, p.courseId, body.instructorShareBp);
  }
}
