import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import { Idempotency, type IdempotencyFingerprint, IdempotentAfterBody } from '../../../kernel/http/idempotency.interceptor.js';
import { LessonAttachmentsService } from './attachments.service.js';
import {
  AssetParamsDto,
  AssetUsageDto,
  LessonAttachmentDto,
  LessonAttachmentParamsDto,
  ListAssetsQueryDto,
  MediaAssetDto,
  MediaAssetPageDto,
  MediaQuotaDto,
  PutLessonAttachmentDto,
  RenameAssetDto,
} from './library.dto.js';
import { MediaLibraryService } from './library.service.js';

@ApiTags('media')
@Controller()
export class MediaLibraryController {
  constructor(
    private readonly library: MediaLibraryService,
    private readonly attachments: LessonAttachmentsService,
  ) {}

  @Get('media')
  @ApiOperation({
    summary: "The organization's media library, newest first; search (`q`) and filter by kind",
    description: 'Needs `media.manage`. Large files are uploaded over tus at `/api/v1/media/uploads` (POST to create, HEAD for the offset, PATCH to send bytes).',
  })
  @ZodResponse({ status: 200, type: MediaAssetPageDto })
  list(@Ctx() ctx: RequestContext, @Query() q: ListAssetsQueryDto) {
    return this.library.list(ctx, q);
  }

  @Post('media')
  @ApiOperation({ summary: 'Upload a small file (image, PDF, short clip) as multipart field `file` (optional field `title`); its type is read from its bytes' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'retrying with the same key and the same file and fields answers the same asset instead of storing a second copy; the same key with another file is a 422, and a retry while the first upload still runs a 409',
  })
  @IdempotentAfterBody()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { title: { type: 'string' }, file: { type: 'string', format: 'binary' } }, required: ['file'] } })
  @ZodResponse({ status: 201, type: MediaAssetDto })
  upload(@Ctx() ctx: RequestContext, @Req() req: FastifyRequest, @Idempotency() idem: IdempotencyFingerprint | null) {
    return this.library.uploadDirect(ctx, req, idem);
  }

  @Get('media/quota')
  @ApiOperation({ summary: "The organization's media storage: used, reserved by uploads in flight, and the limit" })
  @ZodResponse({ status: 200, type: MediaQuotaDto })
  quota(@Ctx() ctx: RequestContext) {
    return this.library.quota(ctx);
  }

  @Get('media/:assetId')
  @ApiOperation({ summary: 'One library file, with signed links to it and its image sizes' })
  @ZodResponse({ status: 200, type: MediaAssetDto })
  get(@Ctx() ctx: RequestContext, @Param() p: AssetParamsDto) {
    return this.library.get(ctx, p.assetId);
  }

  @Patch('media/:assetId')
  @ApiOperation({ summary: 'Rename a library file (its title; the file name stays)' })
  @ZodResponse({ status: 200, type: MediaAssetDto })
  rename(@Ctx() ctx: RequestContext, @Param() p: AssetParamsDto, @Body() body: RenameAssetDto) {
    return this.library.rename(ctx, p.assetId, body.title);
  }

  @Delete('media/:assetId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a library file and free its storage; 409 with `usedBy` while a lesson uses it' })
  async delete(@Ctx() ctx: RequestContext, @Param() p: AssetParamsDto): Promise<void> {
    await this.library.delete(ctx, p.assetId);
  }

  @Get('media/:assetId/used-by')
  @ApiOperation({ summary: 'The lessons that use a library file' })
  @ZodResponse({ status: 200, type: AssetUsageDto })
  usedBy(@Ctx() ctx: RequestContext, @Param() p: AssetParamsDto) {
    return this.library.usedBy(ctx, p.assetId);
  }

  @Get('courses/:courseId/lessons/:lessonId/video')
  @ApiOperation({ summary: "The library video attached to a video lesson (null when none); course editors" })
  @ZodResponse({ status: 200, type: LessonAttachmentDto })
  getVideo(@Ctx() ctx: RequestContext, @Param() p: LessonAttachmentParamsDto) {
    return this.attachments.get(ctx, p.courseId, p.lessonId, 'video');
  }

  @Put('courses/:courseId/lessons/:lessonId/video')
  @ApiOperation({ summary: 'Attach a library video to a video lesson (replaces the one attached)' })
  @ZodResponse({ status: 200, type: LessonAttachmentDto })
  putVideo(@Ctx() ctx: RequestContext, @Param() p: LessonAttachmentParamsDto, @Body() body: PutLessonAttachmentDto) {
    return this.attachments.put(ctx, p.courseId, p.lessonId, 'video', body.assetId);
  }

  @Delete('courses/:courseId/lessons/:lessonId/video')
  @HttpCode(204)
  @ApiOperation({ summary: 'Detach the video from a video lesson (the file stays in the library)' })
  async deleteVideo(@Ctx() ctx: RequestContext, @Param() p: LessonAttachmentParamsDto): Promise<void> {
    await this.attachments.remove(ctx, p.courseId, p.lessonId, 'video');
  }

  @Get('courses/:courseId/lessons/:lessonId/document')
  @ApiOperation({ summary: 'The library PDF attached to a document lesson (null when none); course editors' })
  @ZodResponse({ status: 200, type: LessonAttachmentDto })
  getDocument(@Ctx() ctx: RequestContext, @Param() p: LessonAttachmentParamsDto) {
    return this.attachments.get(ctx, p.courseId, p.lessonId, 'document');
  }

  @Put('courses/:courseId/lessons/:lessonId/document')
  @ApiOperation({ summary: 'Attach a library PDF to a document lesson (replaces the one attached)' })
  @ZodResponse({ status: 200, type: LessonAttachmentDto })
  putDocument(@Ctx() ctx: RequestContext, @Param() p: LessonAttachmentParamsDto, @Body() body: PutLessonAttachmentDto) {
    return this.attachments.put(ctx, p.courseId, p.lessonId, 'document', body.assetId);
  }

  @Delete('courses/:courseId/lessons/:lessonId/document')
  @HttpCode(204)
  @ApiOperation({ summary: 'Detach the PDF from a document lesson (the file stays in the library)' })
  async deleteDocument(@Ctx() ctx: RequestContext, @Param() p: LessonAttachmentParamsDto): Promise<void> {
    await this.attachments.remove(ctx, p.courseId, p.lessonId, 'document');
  }
}
