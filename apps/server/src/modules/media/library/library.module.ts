import { Module, type OnModuleInit } from '@nestjs/common';
import { JobsService } from '../../../kernel/jobs/index.js';
import { CoursesModule } from '../../learning/courses/index.js';
import { AssetFiles } from './asset-files.js';
import { AssetIntake } from './asset-intake.service.js';
import { LessonAttachmentsService } from './attachments.service.js';
import { MediaLibraryController } from './library.controller.js';
import { DeleteAssetFilesJob, EXPIRE_UPLOADS_CRON, ExpireUploadsJob, ImageVariantsJob } from './library.jobs.js';
import { MediaLibraryService } from './library.service.js';
import { TusUploads } from './tus-uploads.js';

/** The media library: tus and multipart uploads, quotas, image sizes, search, lesson attachments. */
@Module({
  imports: [CoursesModule],
  controllers: [MediaLibraryController],
  providers: [MediaLibraryService, AssetIntake, TusUploads, AssetFiles, LessonAttachmentsService],
  exports: [MediaLibraryService],
})
export class MediaLibraryModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly files: AssetFiles,
  ) {}

  onModuleInit(): void {
    this.jobs.registry.handle(ImageVariantsJob, (p) => this.files.makeImageVariants(p.assetId));
    this.jobs.registry.handle(DeleteAssetFilesJob, (p) => this.files.deleteFiles(p.keys, p.tusUploadId));
    this.jobs.registry.handle(ExpireUploadsJob, async () => {
      await this.files.expireIdleUploads();
    });
    this.jobs.registry.cron(ExpireUploadsJob, EXPIRE_UPLOADS_CRON);
  }
}
