import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import { CourseIdParamsDto, DraftOutlineDto } from './courses.dto.js';
import {
  CourseLessonParamsDto,
  CourseSectionParamsDto,
  CreateLessonDto,
  CreateSectionDto,
  DraftLessonDto,
  ReorderLessonsDto,
  ReorderSectionsDto,
  SectionDto,
  UpdateLessonDto,
  UpdateSectionDto,
} from './curriculum.dto.js';
import { CurriculumService } from './curriculum.service.js';

/** The draft curriculum: every change here shows as unpublished changes until the next publish. */
@ApiTags('courses')
@Controller('courses/:id')
export class CurriculumController {
  constructor(private readonly curriculum: CurriculumService) {}

  @Post('sections')
  @ApiOperation({ summary: 'Add a section to the draft' })
  @ZodResponse({ status: 201, type: SectionDto })
  addSection(@Ctx() ctx: RequestContext, @Param() p: CourseIdParamsDto, @Body() body: CreateSectionDto) {
    return this.curriculum.addSection(ctx, p.id, body);
  }

  @Post('sections/reorder')
  @ApiOperation({ summary: "Reorder sections: sectionIds must be exactly the course's sections" })
  @ZodResponse({ status: 200, type: DraftOutlineDto })
  reorderSections(@Ctx() ctx: RequestContext, @Param() p: CourseIdParamsDto, @Body() body: ReorderSectionsDto) {
    return this.curriculum.reorderSections(ctx, p.id, body.sectionIds);
  }

  @Patch('sections/:sectionId')
  @ApiOperation({ summary: 'Rename a section' })
  @ZodResponse({ status: 200, type: SectionDto })
  updateSection(@Ctx() ctx: RequestContext, @Param() p: CourseSectionParamsDto, @Body() body: UpdateSectionDto) {
    return this.curriculum.updateSection(ctx, p.id, p.sectionId, body);
  }

  @Delete('sections/:sectionId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a section and its lessons' })
  async deleteSection(@Ctx() ctx: RequestContext, @Param() p: CourseSectionParamsDto): Promise<void> {
    await this.curriculum.deleteSection(ctx, p.id, p.sectionId);
  }

  @Post('sections/:sectionId/lessons')
  @ApiOperation({ summary: 'Add a lesson to a section' })
  @ZodResponse({ status: 201, type: DraftLessonDto })
  addLesson(@Ctx() ctx: RequestContext, @Param() p: CourseSectionParamsDto, @Body() body: CreateLessonDto) {
    return this.curriculum.addLesson(ctx, p.id, p.sectionId, body);
  }

  @Post('lessons/reorder')
  @ApiOperation({ summary: 'Reorder lessons, moving them between sections: every section and lesson exactly once' })
  @ZodResponse({ status: 200, type: DraftOutlineDto })
  reorderLessons(@Ctx() ctx: RequestContext, @Param() p: CourseIdParamsDto, @Body() body: ReorderLessonsDto) {
    return this.curriculum.reorderLessons(ctx, p.id, body.sections);
  }

  @Get('lessons/:lessonId')
  @ApiOperation({ summary: 'A draft lesson with its body (and rendered HTML for text lessons)' })
  @ZodResponse({ status: 200, type: DraftLessonDto })
  getLesson(@Ctx() ctx: RequestContext, @Param() p: CourseLessonParamsDto) {
    return this.curriculum.getLesson(ctx, p.id, p.lessonId);
  }

  @Patch('lessons/:lessonId')
  @ApiOperation({ summary: 'Edit a draft lesson' })
  @ZodResponse({ status: 200, type: DraftLessonDto })
  updateLesson(@Ctx() ctx: RequestContext, @Param() p: CourseLessonParamsDto, @Body() body: UpdateLessonDto) {
    return this.curriculum.updateLesson(ctx, p.id, p.lessonId, body);
  }

  @Delete('lessons/:lessonId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a draft lesson' })
  async deleteLesson(@Ctx() ctx: RequestContext, @Param() p: CourseLessonParamsDto): Promise<void> {
    await this.curriculum.deleteLesson(ctx, p.id, p.lessonId);
  }
}
