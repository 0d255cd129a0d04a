import { Module } from '@nestjs/common';
import { AssessmentsModule } from './assessments/index.js';
import { CodeRunnerModule } from './code-runner/index.js';
import { CoursesModule } from './courses/index.js';
import { EnrollmentModule } from './enrollment/index.js';

@Module({ imports: [CoursesModule, EnrollmentModule, CodeRunnerModule, AssessmentsModule] })
export class LearningModule {}
