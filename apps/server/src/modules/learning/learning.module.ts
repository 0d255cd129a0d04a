import { Module } from '@nestjs/common';
import { CodeRunnerModule } from './code-runner/index.js';
import { CoursesModule } from './courses/index.js';
import { EnrollmentModule } from './enrollment/index.js';
import { GradebookModule } from './gradebook/index.js';

@Module({ imports: [CoursesModule, EnrollmentModule, CodeRunnerModule, GradebookModule] })
export class LearningModule {}
