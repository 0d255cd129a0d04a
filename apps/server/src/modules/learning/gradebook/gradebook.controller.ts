import { Body, Controller, Get, Param, Patch, Post, Put, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import {
  GradebookCourseParamsDto,
  GradebookItemParamsDto,
  GradebookQueryDto,
  GradebookSetupDto,
  GradebookTableDto,
  LearnerGradesDto,
  MyGradesDto,
  OverrideHistoryPageDto,
  OverrideHistoryQueryDto,
  PatchGradebookItemDto,
  PutGradebookCategoriesDto,
  PutGradebookSettingsDto,
  SetGradeOverrideDto,
} from './gradebook.dto.js';
import { GradebookService } from './gradebook.service.js';

const RULES =
  'Final grade: points mode sums earned over possible points; weighted mode averages categories by weight (renormalised over graded categories). ' +
  'Pending grades are left out; a missing grade is left out until the item is due, then counts as 0; excluded items never count. ' +
  'Pass: final % (rounded half up to 2 decimals) at or above the passing percent, and every required item passed.';

@ApiTags('gradebook')
@Controller()
export class GradebookController {
  constructor(private readonly gradebook: GradebookService) {}

  @Get('courses/:courseId/gradebook')
  @ApiOperation({
    summary: "The course's gradebook: items and settings, and a page of learners (by name) with every item's grade, category subtotals, final % and pass/fail",
    description: `Staff of the course (teach or edit rights). \`q\` searches names and emails. ${RULES}`,
  })
  @ZodResponse({ status: 200, type: GradebookTableDto })
  table(@Ctx() ctx: RequestContext, @Param() p: GradebookCourseParamsDto, @Query() q: GradebookQueryDto) {
    return this.gradebook.table(ctx, p.courseId, q);
  }

  @Get('courses/:courseId/gradebook/setup')
  @ApiOperation({ summary: "The gradebook's settings, categories and graded items (quiz, assignment and code lessons of the live version)" })
  @ZodResponse({ status: 200, type: GradebookSetupDto })
  setup(@Ctx() ctx: RequestContext, @Param() p: GradebookCourseParamsDto) {
    return this.gradebook.setup(ctx, p.courseId);
  }

  @Put('courses/:courseId/gradebook/settings')
  @ApiOperation({ summary: 'Choose weighted categories or total points, and the passing percent', description: 'Needs edit rights. Weighted mode needs categories adding up to 100% (409 otherwise).' })
  @ZodResponse({ status: 200, type: GradebookSetupDto })
  settings(@Ctx() ctx: RequestContext, @Param() p: GradebookCourseParamsDto, @Body() body: PutGradebookSettingsDto) {
    return this.gradebook.putSettings(ctx, p.courseId, body);
  }

  @Put('courses/:courseId/gradebook/categories')
  @ApiOperation({
    summary: "Replace the course's grade categories (weights add up to 100%)",
    description: 'Listed ids are kept (renamed, reweighted, reordered); unlisted ones are removed and their items become uncategorized.',
  })
  @ZodResponse({ status: 200, type: GradebookSetupDto })
  categories(@Ctx() ctx: RequestContext, @Param() p: GradebookCourseParamsDto, @Body() body: PutGradebookCategoriesDto) {
    return this.gradebook.putCategories(ctx, p.courseId, body);
  }

  @Patch('courses/:courseId/gradebook/items/:lessonId')
  @ApiOperation({ summary: "A graded item's settings: category, weight, points, required to pass, excluded, pass mark, due date" })
  @ZodResponse({ status: 200, type: GradebookSetupDto })
  item(@Ctx() ctx: RequestContext, @Param() p: GradebookItemParamsDto, @Body() body: PatchGradebookItemDto) {
    return this.gradebook.patchItem(ctx, p.courseId, p.lessonId, body);
  }

  @Post('courses/:courseId/gradebook/overrides')
  @ApiOperation({
    summary: "Override (or, with `percent: null`, un-override) a learner's item grade or final grade, with a reason",
    description: 'Needs teaching rights. Every change is kept in the history with who, when, the old and new value and why. Answers the learner\'s updated row.',
  })
  @ZodResponse({ status: 200, type: LearnerGradesDto })
  override(@Ctx() ctx: RequestContext, @Param() p: GradebookCourseParamsDto, @Body() body: SetGradeOverrideDto) {
    return this.gradebook.setOverride(ctx, p.courseId, body);
  }

  @Get('courses/:courseId/gradebook/overrides')
  @ApiOperation({ summary: 'The override history, newest first (optionally of one learner)' })
  @ZodResponse({ status: 200, type: OverrideHistoryPageDto })
  history(@Ctx() ctx: RequestContext, @Param() p: GradebookCourseParamsDto, @Query() q: OverrideHistoryQueryDto) {
    return this.gradebook.history(ctx, p.courseId, q);
  }

  @Get('courses/:courseId/gradebook/csv')
  @ApiOperation({ summary: 'The gradebook as CSV (streamed): name, email, each item %, category subtotals, final %, pass/fail' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'one row per learner', content: { 'text/csv': { schema: { type: 'string' } } } })
  async csv(@Ctx() ctx: RequestContext, @Param() p: GradebookCourseParamsDto) {
    const { filename, stream } = await this.gradebook.exportCsv(ctx, p.courseId);
    return new StreamableFile(stream, { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${filename}"` });
  }

  @Get('me/courses/:courseId/grades')
  @ApiOperation({ summary: 'Your own grades in a course: each item with score, status and its source (for feedback), category subtotals and the final grade', description: RULES })
  @ZodResponse({ status: 200, type: MyGradesDto })
  mine(@Ctx() ctx: RequestContext, @Param() p: GradebookCourseParamsDto) {
    return this.gradebook.myGrades(ctx, p.courseId);
  }
}
