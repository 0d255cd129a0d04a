import { Module } from '@nestjs/common';
import { PlaybackModule } from './video/playback/index.js';
import { MediaLibraryModule } from './library/index.js';
import { VideoModule } from './video/video.module.js';

/**
 * The media context: the library (uploads, images, documents, quotas), video processing and
 * video playback. Each submodule adds its Nest module to `imports`.
 */
@Module({ imports: [MediaLibraryModule, VideoModule, PlaybackModule] })
export class MediaModule {}
