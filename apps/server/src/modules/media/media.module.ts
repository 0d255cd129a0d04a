import { Module } from '@nestjs/common';
import { PlaybackModule } from './video/playback/index.js';
import { MediaLibraryModule } from './library/index.js';

/**
 * The media context: the library (uploads, images, documents, quotas), video processing and
 * video playback. Each submodule adds its Nest module to `imports`.
 */
@Module({ imports: [MediaLibraryModule, PlaybackModule] })
export class MediaModule {}
