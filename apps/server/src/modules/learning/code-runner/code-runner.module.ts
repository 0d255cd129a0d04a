import { Module, type OnModuleInit } from '@nestjs/common';
import { JobsService } from '../../../kernel/jobs/index.js';
import { CoursesModule } from '../courses/index.js';
import { EnrollmentModule } from '../enrollment/index.js';
import { CodeRunnerController } from './code-runner.controller.js';
import { JudgeSubmissionJob } from './code-runner.jobs.js';
import { CodeRunnerService } from './code-runner.service.js';

/** Code exercises autograded in a bubblewrap sandbox. */
@Module({
  imports: [CoursesModule, EnrollmentModule],
  controllers: [CodeRunnerController],
  providers: [CodeRunnerService],
  exports: [CodeRunnerService],
})
export class CodeRunnerModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly runner: CodeRunnerService,
  ) {}

  onModuleInit(): void {
    this.jobs.registry.handle(JudgeSubmissionJob, (p) => this.runner.judgeSubmission(p.submissionId));
    this.runner.selfTest();
  }
}
