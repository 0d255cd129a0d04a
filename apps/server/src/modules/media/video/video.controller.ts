import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext } from '../../../kernel/auth/index.js';
import { CaptionsService } from './captions.service.js';
import {
  CaptionDto,
  CaptionPageDto,
  CaptionParamsDto,
  CreateCaptionDto,
  ListCaptionsQueryDto,
  ReencodeAllResultDto,
  SetVideoEncryptionDto,
  UpdateCaptionDto,
  VideoAssetParamsDto,
  VideoDto,
  VideoParamsDto,
} from './video.dto.js';
import { VideoService } from './video.service.js';

const JPEG = { description: 'the JPEG image', content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } } };

@ApiTags('videos')
@Controller()
export class VideoController {
  constructor(
    private readonly videos: VideoService,
    private readonly captions: CaptionsService,
  ) {}

  @Get('videos/by-asset/:assetId')
  @ApiOperation({ summary: 'The video made from a library asset: status, progress, probe, renditions, failure reason, captions; staff with video.manage' })
  @ZodResponse({ status: 200, type: VideoDto })
  byAsset(@Ctx() ctx: RequestContext, @Param() p: VideoAssetParamsDto) {
    return this.videos.getByAsset(ctx, p.assetId);
  }

  @Get('videos/:videoId')
  @ApiOperation({ summary: 'A video: status, progress, probe, renditions, failure reason, captions; staff with video.manage' })
  @ZodResponse({ status: 200, type: VideoDto })
  get(@Ctx() ctx: RequestContext, @Param() p: VideoParamsDto) {
    return this.videos.get(ctx, p.videoId);
  }

  @Post('videos/:videoId/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Process a failed or canceled video again from the start (409 otherwise)' })
  @ZodResponse({ status: 200, type: VideoDto })
  retry(@Ctx() ctx: RequestContext, @Param() p: VideoParamsDto) {
    return this.videos.retry(ctx, p.videoId);
  }

  @Post('videos/:videoId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop processing a video (kills its running ffmpeg); 409 when it is not being processed' })
  @ZodResponse({ status: 200, type: VideoDto })
  cancel(@Ctx() ctx: RequestContext, @Param() p: VideoParamsDto) {
    return this.videos.cancel(ctx, p.videoId);
  }

  @Put('videos/:videoId/encryption')
  @ApiOperation({
    summary: 'Turn HLS AES-128 encryption of a video on or off; staff with video.manage',
    description: 'A ready video is re-encoded (its current output plays until the new one is published); 409 while it is being processed. Encrypted videos are offered as HLS only (no DASH).',
  })
  @ZodResponse({ status: 200, type: VideoDto })
  setEncryption(@Ctx() ctx: RequestContext, @Param() p: VideoParamsDto, @Body() body: SetVideoEncryptionDto) {
    return this.videos.setEncryption(ctx, p.videoId, body.encrypted);
  }

  @Post('videos/reencode-all')
  @HttpCode(202)
  @ApiOperation({
    summary: "Re-encode every ready or failed video of the organization, behind new uploads; administrators",
    description: 'Accepts Idempotency-Key. A ready video keeps its published output until the new one replaces it.',
  })
  @ZodResponse({ status: 202, type: ReencodeAllResultDto })
  reencodeAll(@Ctx() ctx: RequestContext) {
    return this.videos.reencodeAll(ctx);
  }

  @Get('videos/:videoId/poster')
  @ApiOperation({ summary: 'The poster frame of a ready video (staff preview)' })
  @ApiProduces('image/jpeg')
  @ApiOkResponse(JPEG)
  async poster(@Ctx() ctx: RequestContext, @Param() p: VideoParamsDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const img = await this.videos.image(ctx, p.videoId, 'poster');
    reply.header('content-type', 'image/jpeg').header('cache-control', 'private, max-age=60');
    return img;
  }

  @Get('videos/:videoId/storyboard')
  @ApiOperation({ summary: 'The storyboard sprite (scrub preview tiles) of a ready video (staff preview)' })
  @ApiProduces('image/jpeg')
  @ApiOkResponse(JPEG)
  async storyboard(@Ctx() ctx: RequestContext, @Param() p: VideoParamsDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const img = await this.videos.image(ctx, p.videoId, 'storyboard');
    reply.header('content-type', 'image/jpeg').header('cache-control', 'private, max-age=60');
    return img;
  }

  @Get('videos/:videoId/captions')
  @ApiOperation({ summary: 'Caption tracks of a video, by language' })
  @ZodResponse({ status: 200, type: CaptionPageDto })
  listCaptions(@Ctx() ctx: RequestContext, @Param() p: VideoParamsDto, @Query() q: ListCaptionsQueryDto) {
    return this.captions.list(ctx, p.videoId, q);
  }

  @Post('videos/:videoId/captions')
  @ApiOperation({ summary: 'Add a caption track from WebVTT or SRT text (SRT is converted); 400 for anything else, 409 when the language exists' })
  @ZodResponse({ status: 201, type: CaptionDto })
  createCaption(@Ctx() ctx: RequestContext, @Param() p: VideoParamsDto, @Body() body: CreateCaptionDto) {
    return this.captions.create(ctx, p.videoId, body);
  }

  @Get('videos/:videoId/captions/:language')
  @ApiOperation({ summary: 'One caption track with its WebVTT text' })
  @ZodResponse({ status: 200, type: CaptionDto })
  getCaption(@Ctx() ctx: RequestContext, @Param() p: CaptionParamsDto) {
    return this.captions.get(ctx, p.videoId, p.language);
  }

  @Put('videos/:videoId/captions/:language')
  @ApiOperation({ summary: 'Edit a caption track in place: label, default flag, and/or the WebVTT text (validated)' })
  @ZodResponse({ status: 200, type: CaptionDto })
  updateCaption(@Ctx() ctx: RequestContext, @Param() p: CaptionParamsDto, @Body() body: UpdateCaptionDto) {
    return this.captions.update(ctx, p.videoId, p.language, body);
  }

  @Delete('videos/:videoId/captions/:language')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a caption track' })
  async deleteCaption(@Ctx() ctx: RequestContext, @Param() p: CaptionParamsDto): Promise<void> {
    await this.captions.remove(ctx, p.videoId, p.language);
  }
}
