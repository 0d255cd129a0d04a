import { Module } from '@nestjs/common';
import { CoursesModule } from './courses/index.js';
import { EnrollmentModule } from './enrollment/index.js';

@Module({ imports: [CoursesModule, EnrollmentModule] })
export class LearningModule {}
