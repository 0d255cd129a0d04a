import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, Public, type RequestContext } from '../../../kernel/auth/index.js';
import {
  CatalogCourseDto,
  CatalogCourseParamsDto,
  CatalogCourseQueryDto,
  CatalogLessonParamsDto,
  CatalogPageDto,
  CatalogQueryDto,
  PreviewLessonDto,
} from './catalog.dto.js';
import { CatalogService } from './catalog.service.js';

@ApiTags('catalog')
@Public()
@Controller('catalog/courses')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  @ApiOperation({ summary: 'Search and browse published courses (public, plus your organization-only ones)' })
  @ZodResponse({ status: 200, type: CatalogPageDto })
  list(@Ctx() ctx: RequestContext, @Query() q: CatalogQueryDto) {
    return this.catalog.list(ctx, q);
  }

  @Get(':idOrSlug')
  @ApiOperation({ summary: 'Course page: details, instructors and the outline (non-preview lessons locked)' })
  @ZodResponse({ status: 200, type: CatalogCourseDto })
  get(@Ctx() ctx: RequestContext, @Param() p: CatalogCourseParamsDto, @Query() q: CatalogCourseQueryDto) {
    return this.catalog.get(ctx, p.idOrSlug, q.organizationId);
  }

  @Get(':id/lessons/:lessonId/preview')
  @ApiOperation({ summary: 'Content of a free-preview lesson' })
  @ZodResponse({ status: 200, type: PreviewLessonDto })
  preview(@Ctx() ctx: RequestContext, @Param() p: CatalogLessonParamsDto) {
    return this.catalog.preview(ctx, p.id, p.lessonId);
  }
}
