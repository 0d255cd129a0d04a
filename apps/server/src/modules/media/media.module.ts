import { Module } from '@nestjs/common';
import { VideoModule } from './video/video.module.js';

/**
 * The media context: the library (uploads, images, documents, quotas), video processing and
 * video playback. Each submodule adds its Nest module to `imports`.
 */
@Module({ imports: [VideoModule] })
export class MediaModule {}
