import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { JobsService } from '../../../kernel/jobs/index.js';
import { CodeRunnerModule } from '../code-runner/index.js';
import { CoursesModule } from '../courses/index.js';
import { EnrollmentModule } from '../enrollment/index.js';
import { QuestionBanksController, QuizzesController } from './assessments.controller.js';
import { CloseAttemptJob, GradeCodeAnswersJob, RegradeQuestionJob } from './assessments.jobs.js';
import { AttemptGrader } from './attempt-grader.service.js';
import { BankTransferService } from './bank-transfer.service.js';
import { BanksService } from './banks.service.js';
import { QtiService } from './qti/index.js';
import { QuizzesService } from './quizzes.service.js';

/** Question banks, quizzes on quiz lessons, attempts with a server timer, grading and regrading. */
@Module({
  imports: [CoursesModule, EnrollmentModule, CodeRunnerModule],
  controllers: [QuestionBanksController, QuizzesController],
  providers: [BanksService, QuizzesService, AttemptGrader, QtiService, BankTransferService],
  exports: [BanksService, QuizzesService],
})
export class AssessmentsModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly grader: AttemptGrader,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    this.jobs.registry.handle(CloseAttemptJob, (p) => this.grader.closeAtDeadline(p.attemptId));
    this.jobs.registry.handle(GradeCodeAnswersJob, (p) => this.grader.gradeCode(p.attemptId));
    this.jobs.registry.handle(RegradeQuestionJob, (p) => this.grader.regrade(p.changeId));
    // QTI packages arrive as raw zips; the importer caps what they may unpack to
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (!fastify.hasContentTypeParser('application/zip')) {
      fastify.addContentTypeParser('application/zip', { parseAs: 'buffer', bodyLimit: 20 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    }
  }
}
