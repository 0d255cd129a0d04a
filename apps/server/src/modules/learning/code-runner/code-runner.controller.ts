import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import {
  CodeExerciseDto,
  CodeLessonParamsDto,
  CodeRunnerStatusDto,
  CodeSubmissionDto,
  CodeSubmissionPageDto,
  CodeSubmissionParamsDto,
  CreateCodeSubmissionDto,
  ListCodeSubmissionsQueryDto,
  PutCodeExerciseDto,
} from './code-runner.dto.js';
import { CodeRunnerService } from './code-runner.service.js';

@ApiTags('code exercises')
@Controller()
export class CodeRunnerController {
  constructor(private readonly runner: CodeRunnerService) {}

  @Get('code-runner')
  @ApiOperation({ summary: 'Whether code can run on this server (the sandbox self-test) and the languages offered' })
  @ZodResponse({ status: 200, type: CodeRunnerStatusDto })
  status(@Ctx() ctx: RequestContext) {
    return this.runner.status(ctx);
  }

  @Put('courses/:courseId/lessons/:lessonId/code-exercise')
  @ApiOperation({
    summary: "Set a code lesson's exercise: language, starter code, limits, and its visible and hidden tests (replaces them)",
    description: 'Needs edit rights on the course. The lesson is one of the draft curriculum, of type `code`.',
  })
  @ZodResponse({ status: 200, type: CodeExerciseDto })
  put(@Ctx() ctx: RequestContext, @Param() p: CodeLessonParamsDto, @Body() body: PutCodeExerciseDto) {
    return this.runner.putExercise(ctx, p.courseId, p.lessonId, body);
  }

  @Get('courses/:courseId/lessons/:lessonId/code-exercise')
  @ApiOperation({ summary: "A code lesson's exercise: staff see every test; learners the visible ones and how many are hidden" })
  @ZodResponse({ status: 200, type: CodeExerciseDto })
  get(@Ctx() ctx: RequestContext, @Param() p: CodeLessonParamsDto) {
    return this.runner.getExercise(ctx, p.courseId, p.lessonId);
  }

  @Post('courses/:courseId/lessons/:lessonId/code-submissions')
  @ApiOperation({
    summary: 'Run the visible tests (`run`) or submit against all of them (`submit`)',
    description:
      'Answers 202 with the queued submission; the verdict arrives on the websocket (`code.submission`) and at GET /code-submissions/{id}. ' +
      'An accepted submission completes the lesson. 429 past the per-user limit per minute; 503 when the sandbox cannot start (code never runs outside it).',
  })
  @ZodResponse({ status: 202, type: CodeSubmissionDto })
  create(@Ctx() ctx: RequestContext, @Param() p: CodeLessonParamsDto, @Body() body: CreateCodeSubmissionDto) {
    return this.runner.createSubmission(ctx, p.courseId, p.lessonId, body.mode, body.code);
  }

  @Get('courses/:courseId/lessons/:lessonId/code-submissions')
  @ApiOperation({ summary: "Submissions to a code lesson, newest first: your own, or (staff) everyone's" })
  @ZodResponse({ status: 200, type: CodeSubmissionPageDto })
  list(@Ctx() ctx: RequestContext, @Param() p: CodeLessonParamsDto, @Query() q: ListCodeSubmissionsQueryDto) {
    return this.runner.listSubmissions(ctx, p.courseId, p.lessonId, q);
  }

  @Get('code-submissions/:submissionId')
  @ApiOperation({ summary: 'One submission with its per-test results (hidden tests show only their verdict)' })
  @ZodResponse({ status: 200, type: CodeSubmissionDto })
  one(@Ctx() ctx: RequestContext, @Param() p: CodeSubmissionParamsDto) {
    return this.runner.getSubmission(ctx, p.submissionId);
  }
}
