import { Module, type OnModuleInit } from '@nestjs/common';
import { EventBus } from '../../../kernel/events/index.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { MediaAssetStored } from '../media.events.js';
import { CaptionsPublisher } from './captions.publisher.js';
import { CaptionsService } from './captions.service.js';
import { HlsKeyVault } from './hls-keys.js';
import { FfmpegToolchain } from './processing/toolchain.js';
import { VideoPipeline } from './video-pipeline.js';
import { VideoStatusNotifier } from './video-status.js';
import { VideoController } from './video.controller.js';
import { ProcessVideoJob, PublishCaptionsJob, RequeueWaitingJob } from './video.jobs.js';
import { VideoService } from './video.service.js';

/** Video processing: probe, CMAF ladder (HLS + DASH over one set of segments), thumbnails, captions, jobs. */
@Module({
  controllers: [VideoController],
  providers: [FfmpegToolchain, VideoPipeline, VideoStatusNotifier, VideoService, CaptionsService, CaptionsPublisher, HlsKeyVault],
  exports: [VideoService, FfmpegToolchain, HlsKeyVault],
})
export class VideoModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly events: EventBus,
    private readonly pipeline: VideoPipeline,
    private readonly videos: VideoService,
    private readonly captions: CaptionsPublisher,
  ) {}

  onModuleInit(): void {
    this.jobs.registry.handle(ProcessVideoJob, (p, ctx) => this.pipeline.process(p.videoId, ctx));
    this.jobs.registry.handle(PublishCaptionsJob, (p) => this.captions.publish(p.videoId));
    this.events.subscribe(MediaAssetStored, 'video.enqueue', (e, { tx }) => this.videos.onAssetStored(tx, e));
    this.jobs.registry.handle(RequeueWaitingJob, async () => void (await this.videos.enqueueWaiting()));
    this.jobs.registry.cron(RequeueWaitingJob, '*/5 * * * *');
  }
}
