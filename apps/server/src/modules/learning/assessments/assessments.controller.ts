import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import { Invalid, UnsupportedMediaType } from '../../../kernel/errors/index.js';
import {
  QuizAttemptDto,
  QuizAttemptItemParamsDto,
  QuizAttemptPageDto,
  QuizAttemptParamsDto,
  QuestionBankParamsDto,
  BankQuestionDto,
  BankQuestionPageDto,
  QuizCourseParamsDto,
  CreateQuestionBankDto,
  QuizGradeItemDto,
  QuizGradingQueueDto,
  QuizGradingQueueQueryDto,
  QuestionKeyChangePageDto,
  ListQuizAttemptsQueryDto,
  ListQuestionKeyChangesQueryDto,
  ListBankQuestionsQueryDto,
  PutQuestionDto,
  PutQuizDto,
  QuestionBankDto,
  QuestionBankListDto,
  BankQuestionParamsDto,
  QuizDto,
  QuizLessonParamsDto,
  SaveQuizAnswerDto,
  SavedQuizAnswerDto,
  UpdateQuestionBankDto,
  QtiExportQueryDto,
  QtiImportResultDto,
} from './assessments.dto.js';
import { BankTransferService } from './bank-transfer.service.js';
import { AttemptGrader } from './attempt-grader.service.js';
import { BanksService } from './banks.service.js';
import { QuizzesService } from './quizzes.service.js';

@ApiTags('question banks')
@Controller()
export class QuestionBanksController {
  constructor(
    private readonly banks: BanksService,
    private readonly transfer: BankTransferService,
  ) {}

  @Get('question-banks/:bankId/qti')
  @ApiOperation({ summary: "Export a bank's questions as a QTI 3.0 (default) or 2.1 content package (zip with imsmanifest.xml)" })
  @ApiProduces('application/zip')
  @ApiOkResponse({ description: 'the package', content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } } })
  async exportQti(@Ctx() ctx: RequestContext, @Param() p: QuestionBankParamsDto, @Query() q: QtiExportQueryDto) {
    const { fileName, bytes } = await this.transfer.exportBank(ctx, p.bankId, q.version);
    return new StreamableFile(Buffer.from(bytes), { type: 'application/zip', disposition: `attachment; filename="${fileName}"` });
  }

  @Post('question-banks/:bankId/qti')
  @ApiOperation({
    summary: 'Import a QTI 2.1 or 3.0 content package into the bank (send the zip as application/zip)',
    description: 'All of it or nothing: a bad or unsafe package is refused before anything is written. Items that cannot be mapped are listed in `warnings`.',
  })
  @ApiConsumes('application/zip')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ZodResponse({ status: 201, type: QtiImportResultDto })
  importQti(@Ctx() ctx: RequestContext, @Param() p: QuestionBankParamsDto, @Req() req: FastifyRequest) {
    if (req.headers['content-type']?.split(';')[0]?.trim() !== 'application/zip') {
      throw new UnsupportedMediaType('Send the package as application/zip.');
    }
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new Invalid('The request has no package.', [], 'qti_empty');
    return this.transfer.importIntoBank(ctx, p.bankId, new Uint8Array(req.body));
  }

  @Post('courses/:courseId/question-banks')
  @ApiOperation({ summary: "Create a course's question bank (needs edit rights on the course)" })
  @ZodResponse({ status: 201, type: QuestionBankDto })
  createCourseBank(@Ctx() ctx: RequestContext, @Param() p: QuizCourseParamsDto, @Body() body: CreateQuestionBankDto) {
    return this.banks.createCourseBank(ctx, p.courseId, body);
  }

  @Get('courses/:courseId/question-banks')
  @ApiOperation({ summary: "A course's banks, and the organization's when the caller has course.update" })
  @ZodResponse({ status: 200, type: QuestionBankListDto })
  listCourseBanks(@Ctx() ctx: RequestContext, @Param() p: QuizCourseParamsDto) {
    return this.banks.listCourseBanks(ctx, p.courseId);
  }

  @Post('question-banks')
  @ApiOperation({ summary: "Create an organization-wide question bank (needs course.update)" })
  @ZodResponse({ status: 201, type: QuestionBankDto })
  createOrgBank(@Ctx() ctx: RequestContext, @Body() body: CreateQuestionBankDto) {
    return this.banks.createOrgBank(ctx, body);
  }

  @Get('question-banks')
  @ApiOperation({ summary: "The organization's banks (needs course.update)" })
  @ZodResponse({ status: 200, type: QuestionBankListDto })
  listOrgBanks(@Ctx() ctx: RequestContext) {
    return this.banks.listOrgBanks(ctx);
  }

  @Get('question-banks/:bankId')
  @ApiOperation({ summary: 'One bank with its question count and tags' })
  @ZodResponse({ status: 200, type: QuestionBankDto })
  getBank(@Ctx() ctx: RequestContext, @Param() p: QuestionBankParamsDto) {
    return this.banks.getBank(ctx, p.bankId);
  }

  @Patch('question-banks/:bankId')
  @ApiOperation({ summary: 'Rename a bank or change its description' })
  @ZodResponse({ status: 200, type: QuestionBankDto })
  updateBank(@Ctx() ctx: RequestContext, @Param() p: QuestionBankParamsDto, @Body() body: UpdateQuestionBankDto) {
    return this.banks.updateBank(ctx, p.bankId, body);
  }

  @Delete('question-banks/:bankId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a bank and its questions (409 while a quiz uses it)' })
  async deleteBank(@Ctx() ctx: RequestContext, @Param() p: QuestionBankParamsDto): Promise<void> {
    await this.banks.deleteBank(ctx, p.bankId);
  }

  @Get('question-banks/:bankId/questions')
  @ApiOperation({ summary: "A bank's questions, newest first, filtered by tag, type or prompt text" })
  @ZodResponse({ status: 200, type: BankQuestionPageDto })
  listQuestions(@Ctx() ctx: RequestContext, @Param() p: QuestionBankParamsDto, @Query() q: ListBankQuestionsQueryDto) {
    return this.banks.listQuestions(ctx, p.bankId, q);
  }

  @Post('question-banks/:bankId/questions')
  @ApiOperation({ summary: 'Add a question of any type, with tags' })
  @ZodResponse({ status: 201, type: BankQuestionDto })
  createQuestion(@Ctx() ctx: RequestContext, @Param() p: QuestionBankParamsDto, @Body() body: PutQuestionDto) {
    return this.banks.createQuestion(ctx, p.bankId, body);
  }

  @Get('question-banks/:bankId/questions/:questionId')
  @ApiOperation({ summary: 'One question with its answer key' })
  @ZodResponse({ status: 200, type: BankQuestionDto })
  getQuestion(@Ctx() ctx: RequestContext, @Param() p: BankQuestionParamsDto) {
    return this.banks.getQuestion(ctx, p.bankId, p.questionId);
  }

  @Put('question-banks/:bankId/questions/:questionId')
  @ApiOperation({
    summary: 'Replace a question (same type)',
    description: 'When the answer key changes, the change is audited and a job regrades every attempt holding the question.',
  })
  @ZodResponse({ status: 200, type: BankQuestionDto })
  updateQuestion(@Ctx() ctx: RequestContext, @Param() p: BankQuestionParamsDto, @Body() body: PutQuestionDto) {
    return this.banks.updateQuestion(ctx, p.bankId, p.questionId, body);
  }

  @Delete('question-banks/:bankId/questions/:questionId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a question (409 while a quiz lists it; attempts keep their copy)' })
  async deleteQuestion(@Ctx() ctx: RequestContext, @Param() p: BankQuestionParamsDto): Promise<void> {
    await this.banks.deleteQuestion(ctx, p.bankId, p.questionId);
  }

  @Get('question-banks/:bankId/key-changes')
  @ApiOperation({ summary: "The audit of answer-key changes in a bank: who, when, old and new key, attempts regraded" })
  @ZodResponse({ status: 200, type: QuestionKeyChangePageDto })
  keyChanges(@Ctx() ctx: RequestContext, @Param() p: QuestionBankParamsDto, @Query() q: ListQuestionKeyChangesQueryDto) {
    return this.banks.listKeyChanges(ctx, p.bankId, q);
  }
}

@ApiTags('quizzes')
@Controller()
export class QuizzesController {
  constructor(
    private readonly quizzes: QuizzesService,
    private readonly grader: AttemptGrader,
  ) {}

  @Put('courses/:courseId/lessons/:lessonId/quiz')
  @ApiOperation({ summary: "Set a quiz lesson's quiz: settings and its pool (questions, or N drawn from a bank with a tag)" })
  @ZodResponse({ status: 200, type: QuizDto })
  put(@Ctx() ctx: RequestContext, @Param() p: QuizLessonParamsDto, @Body() body: PutQuizDto) {
    return this.quizzes.putQuiz(ctx, p.courseId, p.lessonId, body);
  }

  @Get('courses/:courseId/lessons/:lessonId/quiz')
  @ApiOperation({ summary: "A quiz lesson's quiz: settings, the caller's attempts used and left, and their kept grade" })
  @ZodResponse({ status: 200, type: QuizDto })
  get(@Ctx() ctx: RequestContext, @Param() p: QuizLessonParamsDto) {
    return this.quizzes.getQuiz(ctx, p.courseId, p.lessonId);
  }

  @Post('courses/:courseId/lessons/:lessonId/quiz/attempts')
  @ApiOperation({
    summary: 'Start an attempt (or resume the one running)',
    description: 'Freezes the drawn questions and their order. 409 `no_attempts_left`, `quiz_not_open`, `quiz_closed`. The deadline is set by the server.',
  })
  @ZodResponse({ status: 201, type: QuizAttemptDto })
  start(@Ctx() ctx: RequestContext, @Param() p: QuizLessonParamsDto) {
    return this.quizzes.start(ctx, p.courseId, p.lessonId);
  }

  @Get('courses/:courseId/lessons/:lessonId/quiz/attempts')
  @ApiOperation({ summary: "Attempts at a quiz, newest first: your own, or (staff) everyone's" })
  @ZodResponse({ status: 200, type: QuizAttemptPageDto })
  list(@Ctx() ctx: RequestContext, @Param() p: QuizLessonParamsDto, @Query() q: ListQuizAttemptsQueryDto) {
    return this.quizzes.list(ctx, p.courseId, p.lessonId, q);
  }

  @Get('quiz-attempts/:attemptId')
  @ApiOperation({ summary: 'One attempt: its questions (no answer key for learners until the feedback policy allows), answers and results' })
  @ZodResponse({ status: 200, type: QuizAttemptDto })
  one(@Ctx() ctx: RequestContext, @Param() p: QuizAttemptParamsDto) {
    return this.quizzes.get(ctx, p.attemptId);
  }

  @Put('quiz-attempts/:attemptId/answers/:questionId')
  @ApiOperation({ summary: 'Autosave one answer (409 `attempt_deadline_passed` after the deadline, `attempt_closed` once submitted)' })
  @ZodResponse({ status: 200, type: SavedQuizAnswerDto })
  save(@Ctx() ctx: RequestContext, @Param() p: QuizAttemptItemParamsDto, @Body() body: SaveQuizAnswerDto) {
    return this.quizzes.saveAnswer(ctx, p.attemptId, p.questionId, body.answer);
  }

  @Put('quiz-attempts/:attemptId/answers/:questionId/file')
  @ApiOperation({ summary: "Upload a file response (multipart field `file`) and save it as the answer" })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } })
  @ZodResponse({ status: 200, type: SavedQuizAnswerDto })
  upload(@Ctx() ctx: RequestContext, @Param() p: QuizAttemptItemParamsDto, @Req() req: FastifyRequest) {
    return this.quizzes.uploadAnswer(ctx, p.attemptId, p.questionId, req);
  }

  @Post('quiz-attempts/:attemptId/submit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit: objective questions are graded now, code in a job, essays and files wait for a grader' })
  @ZodResponse({ status: 200, type: QuizAttemptDto })
  submit(@Ctx() ctx: RequestContext, @Param() p: QuizAttemptParamsDto) {
    return this.quizzes.submit(ctx, p.attemptId);
  }

  @Get('courses/:courseId/grading-queue')
  @ApiOperation({ summary: 'Essays and file responses waiting for a grader in a course (optionally one quiz lesson), oldest first' })
  @ZodResponse({ status: 200, type: QuizGradingQueueDto })
  queue(@Ctx() ctx: RequestContext, @Param() p: QuizCourseParamsDto, @Query() q: QuizGradingQueueQueryDto) {
    return this.grader.queue(ctx, p.courseId, q);
  }

  @Post('quiz-attempts/:attemptId/items/:questionId/grade')
  @HttpCode(200)
  @ApiOperation({ summary: 'Grade one essay or file response with points and a comment; the last one makes the score final' })
  @ZodResponse({ status: 200, type: QuizAttemptDto })
  async grade(@Ctx() ctx: RequestContext, @Param() p: QuizAttemptItemParamsDto, @Body() body: QuizGradeItemDto) {
    await this.grader.gradeManual(ctx, p.attemptId, p.questionId, body);
    return this.quizzes.get(ctx, p.attemptId);
  }
}
