import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import { CourseParamsDto } from './enrollment.dto.js';
import {
  ContinueTargetDto,
  LessonCompletionDto,
  LessonContentDto,
  LessonParamsDto,
  MyEnrollmentPageDto,
  MyEnrollmentsQueryDto,
  LearnerOutlineDto,
  SavedPositionDto,
  SavePositionDto,
} from './learner.dto.js';
import { LearnerService } from './learner.service.js';

@ApiTags('my learning')
@Controller('me')
export class LearnerController {
  constructor(private readonly learner: LearnerService) {}

  @Get('enrollments')
  @ApiOperation({ summary: 'My learning: my courses with progress and where to continue (revoked ones only with ?status=revoked)' })
  @ZodResponse({ status: 200, type: MyEnrollmentPageDto })
  myEnrollments(@Ctx() ctx: RequestContext, @Query() q: MyEnrollmentsQueryDto) {
    return this.learner.myEnrollments(ctx, q);
  }

  @Get('courses/:courseId/outline')
  @ApiOperation({ summary: 'The live outline with my state per lesson: completed, locked and why (not_enrolled, drip, prerequisites)' })
  @ZodResponse({ status: 200, type: LearnerOutlineDto })
  outline(@Ctx() ctx: RequestContext, @Param() p: CourseParamsDto) {
    return this.learner.outline(ctx, p.courseId);
  }

  @Get('courses/:courseId/continue')
  @ApiOperation({ summary: 'Where to resume the course' })
  @ZodResponse({ status: 200, type: ContinueTargetDto })
  continue(@Ctx() ctx: RequestContext, @Param() p: CourseParamsDto) {
    return this.learner.continueTarget(ctx, p.courseId);
  }

  @Get('courses/:courseId/lessons/:lessonId')
  @ApiOperation({ summary: 'Lesson content: when enrolled and unlocked, or a preview lesson (403 lesson_locked with the lock otherwise)' })
  @ZodResponse({ status: 200, type: LessonContentDto })
  lesson(@Ctx() ctx: RequestContext, @Param() p: LessonParamsDto) {
    return this.learner.lessonContent(ctx, p.courseId, p.lessonId);
  }

  @Post('courses/:courseId/lessons/:lessonId/complete')
  @ApiOperation({ summary: 'Mark a text or link lesson complete (idempotent)' })
  @ZodResponse({ status: 200, type: LessonCompletionDto })
  complete(@Ctx() ctx: RequestContext, @Param() p: LessonParamsDto) {
    return this.learner.complete(ctx, p.courseId, p.lessonId);
  }

  @Put('courses/:courseId/lessons/:lessonId/position')
  @ApiOperation({ summary: 'Save my position in a lesson (seconds of media, or scroll percent)' })
  @ZodResponse({ status: 200, type: SavedPositionDto })
  position(@Ctx() ctx: RequestContext, @Param() p: LessonParamsDto, @Body() body: SavePositionDto) {
    return this.learner.savePosition(ctx, p.courseId, p.lessonId, body.position);
  }
}
