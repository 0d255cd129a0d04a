import { Module } from '@nestjs/common';
import { IdentityModule } from '../../identity/index.js';
import { CatalogController } from './catalog.controller.js';
import { CatalogService } from './catalog.service.js';
import { CourseEditorService } from './course-editor.service.js';
import { CourseReadModels } from './course-read-models.js';
import { CoursesController } from './courses.controller.js';
import { CoursesService } from './courses.service.js';
import { CourseStore } from './course-store.js';
import { CurriculumController } from './curriculum.controller.js';
import { CurriculumService } from './curriculum.service.js';
import { InstructorDirectory } from './instructor-directory.js';
import { CourseCovers } from './cover.js';
import { PublishingService } from './publishing.service.js';

/** Courses: drafts, curriculum, published versions and the public catalog. */
@Module({
  imports: [IdentityModule],
  controllers: [CoursesController, CurriculumController, CatalogController],
  providers: [CoursesService, CourseStore, CourseEditorService, CurriculumService, PublishingService, CatalogService, InstructorDirectory, CourseCovers, CourseReadModels],
  exports: [CoursesService],
})
export class CoursesModule {}
