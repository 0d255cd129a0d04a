import { Module } from '@nestjs/common';
import { AssessmentsModule } from './assessments/index.js';
import { AssignmentsModule } from './assignments/index.js';
import { CertificatesModule } from './certificates/index.js';
import { CodeRunnerModule } from './code-runner/index.js';
import { CoursesModule } from './courses/index.js';
import { EnrollmentModule } from './enrollment/index.js';
import { GradebookModule } from './gradebook/index.js';

@Module({ imports: [CoursesModule, EnrollmentModule, CodeRunnerModule, AssessmentsModule, AssignmentsModule, GradebookModule, CertificatesModule] })
export class LearningModule {}
