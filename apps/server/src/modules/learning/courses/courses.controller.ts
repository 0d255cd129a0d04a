import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import { CourseEditorService } from './course-editor.service.js';
import {
  CourseEditorDto,
  CourseIdParamsDto,
  CourseSummaryPageDto,
  CreateCourseDto,
  ListCoursesQueryDto,
  UpdateCourseDto,
} from './courses.dto.js';
import { PublishingService } from './publishing.service.js';

@ApiTags('courses')
@Controller('courses')
export class CoursesController {
  constructor(
    private readonly editor: CourseEditorService,
    private readonly publishing: PublishingService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a course (needs course.create; the creator becomes its instructor)' })
  @ZodResponse({ status: 201, type: CourseEditorDto })
  create(@Ctx() ctx: RequestContext, @Body() body: CreateCourseDto) {
    return this.editor.create(ctx, body);
  }

  @Get()
  @ApiOperation({ summary: "Instructor dashboard: the active organization's courses you can edit (all with course.read_all)" })
  @ZodResponse({ status: 200, type: CourseSummaryPageDto })
  list(@Ctx() ctx: RequestContext, @Query() q: ListCoursesQueryDto) {
    return this.editor.list(ctx, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Editor view: settings, the draft, its outline and hasUnpublishedChanges' })
  @ZodResponse({ status: 200, type: CourseEditorDto })
  get(@Ctx() ctx: RequestContext, @Param() p: CourseIdParamsDto) {
    return this.editor.get(ctx, p.id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Edit the draft (title, description, ...) and the settings (slug, visibility, isFree, instructors)' })
  @ZodResponse({ status: 200, type: CourseEditorDto })
  update(@Ctx() ctx: RequestContext, @Param() p: CourseIdParamsDto, @Body() body: UpdateCourseDto) {
    return this.editor.update(ctx, p.id, body);
  }

  @Put(':id/cover')
  @ApiOperation({ summary: "Upload the draft's cover image (multipart field `file`; PNG, JPEG, WebP or GIF up to 5 MB)" })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } })
  @ZodResponse({ status: 200, type: CourseEditorDto })
  setCover(@Ctx() ctx: RequestContext, @Param() p: CourseIdParamsDto, @Req() req: FastifyRequest) {
    return this.editor.setCover(ctx, p.id, req);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a course without learners (needs course.delete)' })
  async remove(@Ctx() ctx: RequestContext, @Param() p: CourseIdParamsDto): Promise<void> {
    await this.editor.remove(ctx, p.id);
  }

  @Post(':id/publish')
  @ApiOperation({ summary: 'Snapshot the draft into a new immutable version and make it live (needs course.publish)' })
  @ZodResponse({ status: 200, type: CourseEditorDto })
  publish(@Ctx() ctx: RequestContext, @Param() p: CourseIdParamsDto) {
    return this.publishing.publish(ctx, p.id);
  }

  @Post(':id/unpublish')
  @ApiOperation({ summary: 'Back to draft status: hidden from the catalog (needs course.publish)' })
  @ZodResponse({ status: 200, type: CourseEditorDto })
  unpublish(@Ctx() ctx: RequestContext, @Param() p: CourseIdParamsDto) {
    return this.publishing.unpublish(ctx, p.id);
  }

  @Post(':id/archive')
  @ApiOperation({ summary: 'Archive: hidden from the catalog, closed to new learners (needs course.publish)' })
  @ZodResponse({ status: 200, type: CourseEditorDto })
  archive(@Ctx() ctx: RequestContext, @Param() p: CourseIdParamsDto) {
    return this.publishing.archive(ctx, p.id);
  }
}
