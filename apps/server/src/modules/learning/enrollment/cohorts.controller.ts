import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import {
  AssignToCohortDto,
  CohortAssignmentDto,
  CohortDto,
  CohortLearnerParamsDto,
  CohortLearnersQueryDto,
  CohortPageDto,
  CohortParamsDto,
  CreateCohortDto,
  ListCohortsQueryDto,
  UpdateCohortDto,
} from './cohorts.dto.js';
import { CohortsService } from './cohorts.service.js';
import { CourseParamsDto, EnrollmentPageDto } from './enrollment.dto.js';

@ApiTags('cohorts')
@Controller('courses/:courseId/cohorts')
export class CohortsController {
  constructor(private readonly cohorts: CohortsService) {}

  @Get()
  @ApiOperation({ summary: "List a course's cohorts, by start date" })
  @ZodResponse({ status: 200, type: CohortPageDto })
  list(@Ctx() ctx: RequestContext, @Param() p: CourseParamsDto, @Query() q: ListCohortsQueryDto) {
    return this.cohorts.list(ctx, p.courseId, q);
  }

  @Post()
  @ApiOperation({ summary: 'Create a cohort (drip schedules of its learners start at startsAt)' })
  @ZodResponse({ status: 201, type: CohortDto })
  create(@Ctx() ctx: RequestContext, @Param() p: CourseParamsDto, @Body() body: CreateCohortDto) {
    return this.cohorts.create(ctx, p.courseId, body);
  }

  @Get(':cohortId')
  @ZodResponse({ status: 200, type: CohortDto })
  get(@Ctx() ctx: RequestContext, @Param() p: CohortParamsDto) {
    return this.cohorts.get(ctx, p.courseId, p.cohortId);
  }

  @Patch(':cohortId')
  @ZodResponse({ status: 200, type: CohortDto })
  update(@Ctx() ctx: RequestContext, @Param() p: CohortParamsDto, @Body() body: UpdateCohortDto) {
    return this.cohorts.update(ctx, p.courseId, p.cohortId, body);
  }

  @Delete(':cohortId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a cohort; its learners stay enrolled without a cohort' })
  @ApiNoContentResponse()
  async remove(@Ctx() ctx: RequestContext, @Param() p: CohortParamsDto): Promise<void> {
    await this.cohorts.remove(ctx, p.courseId, p.cohortId);
  }

  @Get(':cohortId/learners')
  @ApiOperation({ summary: "A cohort's learners with progress" })
  @ZodResponse({ status: 200, type: EnrollmentPageDto })
  learners(@Ctx() ctx: RequestContext, @Param() p: CohortParamsDto, @Query() q: CohortLearnersQueryDto) {
    return this.cohorts.learners(ctx, p.courseId, p.cohortId, q);
  }

  @Post(':cohortId/learners')
  @ApiOperation({ summary: 'Move enrollments of this course into the cohort (all or nothing)' })
  @ZodResponse({ status: 200, type: CohortAssignmentDto })
  assign(@Ctx() ctx: RequestContext, @Param() p: CohortParamsDto, @Body() body: AssignToCohortDto) {
    return this.cohorts.assign(ctx, p.courseId, p.cohortId, body.enrollmentIds);
  }

  @Delete(':cohortId/learners/:enrollmentId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Take an enrollment out of the cohort' })
  @ApiNoContentResponse()
  async unassign(@Ctx() ctx: RequestContext, @Param() p: CohortLearnerParamsDto): Promise<void> {
    await this.cohorts.unassign(ctx, p.courseId, p.cohortId, p.enrollmentId);
  }
}
