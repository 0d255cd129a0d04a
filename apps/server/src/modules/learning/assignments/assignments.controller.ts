import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import {
  AssignmentCommentParamsDto,
  AssignmentCourseParamsDto,
  AssignmentDto,
  AssignmentFileDto,
  AssignmentFileParamsDto,
  AssignmentGroupParamsDto,
  AssignmentLessonParamsDto,
  AssignmentSubmissionParamsDto,
  AssignmentPeersResultDto,
  AssignmentCommentDto,
  CreateAssignmentCommentDto,
  CreateAssignmentVersionDto,
  AssignmentGroupDto,
  AssignmentGroupListDto,
  ListAssignmentSubmissionsQueryDto,
  MyAssignmentSubmissionDto,
  AssignmentPeerReviewParamsDto,
  AssignmentPeerReviewTaskDto,
  AssignmentPeerReviewTaskListDto,
  PutAssignmentDto,
  PutAssignmentGradeDto,
  PutAssignmentGroupDto,
  PutAssignmentPeerReviewDto,
  AssignmentReleaseResultDto,
  AssignmentSubmissionDto,
  AssignmentSubmissionSummaryPageDto,
} from './assignments.dto.js';
import { AssignmentsService } from './assignments.service.js';
import { GradingService } from './grading.service.js';
import { GroupsService } from './groups.service.js';
import { PeerReviewService } from './peer-review.service.js';

const LESSON = 'courses/:courseId/lessons/:lessonId/assignment';

@ApiTags('assignments')
@Controller()
export class AssignmentsController {
  constructor(
    private readonly assignments: AssignmentsService,
    private readonly grading: GradingService,
    private readonly peers: PeerReviewService,
    private readonly groups: GroupsService,
  ) {}

  @Put(LESSON)
  @ApiOperation({
    summary: "Set an assignment lesson's setup: instructions, due date, late policy, files, group mode, points, rubric, anonymous grading, peer review",
    description: "Needs edit or teaching rights on the course. The rubric's best levels must add up to the points possible.",
  })
  @ZodResponse({ status: 200, type: AssignmentDto })
  put(@Ctx() ctx: RequestContext, @Param() p: AssignmentLessonParamsDto, @Body() body: PutAssignmentDto) {
    return this.assignments.put(ctx, p.courseId, p.lessonId, body);
  }

  @Get(LESSON)
  @ApiOperation({ summary: "An assignment lesson's setup, for its staff and for learners allowed into the lesson" })
  @ZodResponse({ status: 200, type: AssignmentDto })
  get(@Ctx() ctx: RequestContext, @Param() p: AssignmentLessonParamsDto) {
    return this.assignments.get(ctx, p.courseId, p.lessonId);
  }

  @Post(`${LESSON}/files`)
  @ApiOperation({ summary: 'Upload one file for your next submission (multipart field `file`); its type is sniffed from the content, size and type are the assignment\'s' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } })
  @ZodResponse({ status: 201, type: AssignmentFileDto })
  upload(@Ctx() ctx: RequestContext, @Param() p: AssignmentLessonParamsDto, @Req() req: FastifyRequest) {
    return this.assignments.upload(ctx, p.courseId, p.lessonId, req);
  }

  @Delete(`${LESSON}/files/:fileId`)
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove one of your uploaded files that no submission uses yet' })
  async discardFile(@Ctx() ctx: RequestContext, @Param() p: AssignmentFileParamsDto): Promise<void> {
    await this.assignments.discardFile(ctx, p.courseId, p.lessonId, p.fileId);
  }

  @Post(`${LESSON}/submissions`)
  @ApiOperation({
    summary: 'Submit (or resubmit) text and uploaded files: every submission is a new version',
    description: 'Late submissions carry the late penalty; after the cutoff 409 `submissions_closed`. Group assignments write into your group\'s submission.',
  })
  @ZodResponse({ status: 201, type: AssignmentSubmissionDto })
  submit(@Ctx() ctx: RequestContext, @Param() p: AssignmentLessonParamsDto, @Body() body: CreateAssignmentVersionDto) {
    return this.assignments.submit(ctx, p.courseId, p.lessonId, body);
  }

  @Get(`${LESSON}/my-submission`)
  @ApiOperation({ summary: 'Your (or your group\'s) submission with its versions; grade, comments and peer reviews once released' })
  @ZodResponse({ status: 200, type: MyAssignmentSubmissionDto })
  mine(@Ctx() ctx: RequestContext, @Param() p: AssignmentLessonParamsDto) {
    return this.assignments.mine(ctx, p.courseId, p.lessonId);
  }

  @Get(`${LESSON}/submissions`)
  @ApiOperation({ summary: "Staff: the assignment's submissions (status, late, versions, score), \"Learner N\" under anonymous grading" })
  @ZodResponse({ status: 200, type: AssignmentSubmissionSummaryPageDto })
  list(@Ctx() ctx: RequestContext, @Param() p: AssignmentLessonParamsDto, @Query() q: ListAssignmentSubmissionsQueryDto) {
    return this.grading.list(ctx, p.courseId, p.lessonId, q);
  }

  @Post(`${LESSON}/release`)
  @HttpCode(200)
  @ApiOperation({ summary: 'Staff: release every graded submission: learners see grades and feedback, the gradebook hears them' })
  @ZodResponse({ status: 200, type: AssignmentReleaseResultDto })
  releaseAll(@Ctx() ctx: RequestContext, @Param() p: AssignmentLessonParamsDto) {
    return this.grading.releaseAll(ctx, p.courseId, p.lessonId);
  }

  @Post(`${LESSON}/peer-reviews/assign`)
  @HttpCode(200)
  @ApiOperation({ summary: 'Staff: assign peer reviewers now (also done when the due date passes); tops up, never reassigns' })
  @ZodResponse({ status: 200, type: AssignmentPeersResultDto })
  assignPeers(@Ctx() ctx: RequestContext, @Param() p: AssignmentLessonParamsDto) {
    return this.peers.assignNow(ctx, p.courseId, p.lessonId);
  }

  @Get(`${LESSON}/peer-reviews`)
  @ApiOperation({ summary: 'Your peer reviews for this assignment: anonymised submissions with the rubric' })
  @ZodResponse({ status: 200, type: AssignmentPeerReviewTaskListDto })
  myReviews(@Ctx() ctx: RequestContext, @Param() p: AssignmentLessonParamsDto) {
    return this.peers.mine(ctx, p.courseId, p.lessonId);
  }

  @Put('assignment-peer-reviews/:reviewId')
  @ApiOperation({ summary: 'Fill in a peer review you were assigned: a level per criterion and a comment' })
  @ZodResponse({ status: 200, type: AssignmentPeerReviewTaskDto })
  review(@Ctx() ctx: RequestContext, @Param() p: AssignmentPeerReviewParamsDto, @Body() body: PutAssignmentPeerReviewDto) {
    return this.peers.submit(ctx, p.reviewId, body);
  }

  @Get('assignment-submissions/:submissionId')
  @ApiOperation({ summary: 'Staff: one submission with its version history, grade, comments and peer reviews' })
  @ZodResponse({ status: 200, type: AssignmentSubmissionDto })
  one(@Ctx() ctx: RequestContext, @Param() p: AssignmentSubmissionParamsDto) {
    return this.grading.get(ctx, p.submissionId);
  }

  @Put('assignment-submissions/:submissionId/grade')
  @ApiOperation({ summary: 'Staff: grade with the rubric (a level per criterion) or points; the late penalty applies; overrides peer reviews' })
  @ZodResponse({ status: 200, type: AssignmentSubmissionDto })
  grade(@Ctx() ctx: RequestContext, @Param() p: AssignmentSubmissionParamsDto, @Body() body: PutAssignmentGradeDto) {
    return this.grading.grade(ctx, p.submissionId, body);
  }

  @Post('assignment-submissions/:submissionId/comments')
  @ApiOperation({ summary: 'Staff: a feedback comment: general, on a text range of a version, or on one of its files' })
  @ZodResponse({ status: 201, type: AssignmentCommentDto })
  comment(@Ctx() ctx: RequestContext, @Param() p: AssignmentSubmissionParamsDto, @Body() body: CreateAssignmentCommentDto) {
    return this.grading.comment(ctx, p.submissionId, body);
  }

  @Delete('assignment-comments/:commentId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Staff: delete a feedback comment you wrote' })
  async deleteComment(@Ctx() ctx: RequestContext, @Param() p: AssignmentCommentParamsDto): Promise<void> {
    await this.grading.deleteComment(ctx, p.commentId);
  }

  @Post('assignment-submissions/:submissionId/release')
  @HttpCode(200)
  @ApiOperation({ summary: "Staff: release one submission's grade and feedback to its learners" })
  @ZodResponse({ status: 200, type: AssignmentSubmissionDto })
  releaseOne(@Ctx() ctx: RequestContext, @Param() p: AssignmentSubmissionParamsDto) {
    return this.grading.releaseOne(ctx, p.submissionId);
  }

  @Get('courses/:courseId/assignment-groups')
  @ApiOperation({ summary: "Staff: the course's groups of learners, for group assignments" })
  @ZodResponse({ status: 200, type: AssignmentGroupListDto })
  listGroups(@Ctx() ctx: RequestContext, @Param() p: AssignmentCourseParamsDto) {
    return this.groups.list(ctx, p.courseId);
  }

  @Post('courses/:courseId/assignment-groups')
  @ApiOperation({ summary: 'Staff: create a group (a learner is in at most one group per course)' })
  @ZodResponse({ status: 201, type: AssignmentGroupDto })
  createGroup(@Ctx() ctx: RequestContext, @Param() p: AssignmentCourseParamsDto, @Body() body: PutAssignmentGroupDto) {
    return this.groups.create(ctx, p.courseId, body);
  }

  @Put('assignment-groups/:groupId')
  @ApiOperation({ summary: 'Staff: rename a group and set its members' })
  @ZodResponse({ status: 200, type: AssignmentGroupDto })
  updateGroup(@Ctx() ctx: RequestContext, @Param() p: AssignmentGroupParamsDto, @Body() body: PutAssignmentGroupDto) {
    return this.groups.update(ctx, p.groupId, body);
  }

  @Delete('assignment-groups/:groupId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Staff: delete a group that has not submitted anything' })
  async deleteGroup(@Ctx() ctx: RequestContext, @Param() p: AssignmentGroupParamsDto): Promise<void> {
    await this.groups.remove(ctx, p.groupId);
  }
}
