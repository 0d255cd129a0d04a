import { Module } from '@nestjs/common';

/**
 * The media context: the library (uploads, images, documents, quotas), video processing and
 * video playback. Each submodule adds its Nest module to `imports`.
 */
@Module({ imports: [] })
export class MediaModule {}
