import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { Ctx, type RequestContext } from '../../../../kernel/auth/index.js';
import { PlaybackAnalyticsService } from './analytics.service.js';
import { GeoRulesService } from './geo-rules.service.js';
import {
  GeoCourseParamsDto,
  GeoRulesDto,
  HeartbeatDto,
  HeartbeatResultDto,
  PlaybackLessonParamsDto,
  PlaybackSessionParamsDto,
  PlaybackStartDto,
  PutGeoRulesDto,
  VideoAnalyticsDto,
  VideoAnalyticsParamsDto,
} from './playback.dto.js';
import { PlaybackService } from './playback.service.js';

@ApiTags('playback')
@Controller()
export class PlaybackController {
  constructor(
    private readonly playback: PlaybackService,
    private readonly geo: GeoRulesService,
    private readonly analytics: PlaybackAnalyticsService,
  ) {}

  @Post('lessons/:id/playback')
  @HttpCode(201)
  @ApiOperation({
    summary: "Start watching a video lesson: signed HLS/DASH URLs, captions, storyboard, poster and the resume position",
    description:
      'Needs an enrollment, a free preview lesson or staff rights on the course. 409 `video_not_ready` while processing, 409 `stream_limit` past the concurrent stream limit, 403 `geo_blocked` outside the course\'s countries.',
  })
  @ZodResponse({ status: 201, type: PlaybackStartDto })
  start(@Ctx() ctx: RequestContext, @Param() p: PlaybackLessonParamsDto, @Req() req: FastifyRequest) {
    return this.playback.start(ctx, p.id, req.headers);
  }

  @Post('playback/:sessionId/heartbeat')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Keep a playback session alive, record the position and the ranges watched since the last heartbeat; returns fresh stream URLs',
    description: 'Send every 15-30 s and on pause, ended and pagehide (which also ends the session). 409 `session_ended` once ended or stale.',
  })
  @ZodResponse({ status: 200, type: HeartbeatResultDto })
  heartbeat(@Ctx() ctx: RequestContext, @Param() p: PlaybackSessionParamsDto, @Body() body: HeartbeatDto) {
    return this.playback.heartbeat(ctx, p.sessionId, body);
  }

  @Delete('playback/:sessionId')
  @HttpCode(204)
  @ApiOperation({ summary: 'End a playback session: frees its stream slot and stops its stream URLs' })
  async end(@Ctx() ctx: RequestContext, @Param() p: PlaybackSessionParamsDto): Promise<void> {
    await this.playback.end(ctx, p.sessionId);
  }

  @Get('courses/:id/geo-rules')
  @ApiOperation({ summary: "The course's allow and deny lists of countries for video playback; staff who may edit the course" })
  @ZodResponse({ status: 200, type: GeoRulesDto })
  getGeo(@Ctx() ctx: RequestContext, @Param() p: GeoCourseParamsDto) {
    return this.geo.get(ctx, p.id);
  }

  @Put('courses/:id/geo-rules')
  @ApiOperation({ summary: 'Replace the allow and deny lists (ISO 3166-1 alpha-2); both empty: watchable everywhere' })
  @ZodResponse({ status: 200, type: GeoRulesDto })
  putGeo(@Ctx() ctx: RequestContext, @Param() p: GeoCourseParamsDto, @Body() body: PutGeoRulesDto) {
    return this.geo.put(ctx, p.id, body);
  }

  @Get('videos/:id/analytics')
  @ApiOperation({ summary: "A video's views, unique viewers, watch time, average % watched and 5% drop-off curve; course staff" })
  @ZodResponse({ status: 200, type: VideoAnalyticsDto })
  videoAnalytics(@Ctx() ctx: RequestContext, @Param() p: VideoAnalyticsParamsDto) {
    return this.analytics.forVideo(ctx, p.id);
  }
}
