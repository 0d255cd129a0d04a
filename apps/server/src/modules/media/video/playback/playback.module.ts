import { Module } from '@nestjs/common';
import { CoursesModule } from '../../../learning/courses/index.js';
import { EnrollmentModule } from '../../../learning/enrollment/index.js';
import { VideoModule } from '../video.module.js';
import { PlaybackAnalyticsService } from './analytics.service.js';
import { GeoRulesService } from './geo-rules.service.js';
import { PlaybackAccess } from './playback.access.js';
import { PlaybackController } from './playback.controller.js';
import { PlaybackService } from './playback.service.js';
import { StreamRoute } from './stream.route.js';
import { StreamTokens } from './stream-token.js';

/** Protected video playback: sessions, signed stream URLs, stream limit, geo rules, progress, analytics. */
@Module({
  imports: [CoursesModule, EnrollmentModule, VideoModule],
  controllers: [PlaybackController],
  providers: [PlaybackService, PlaybackAccess, GeoRulesService, StreamTokens, StreamRoute, PlaybackAnalyticsService],
  exports: [PlaybackService],
})
export class PlaybackModule {}
