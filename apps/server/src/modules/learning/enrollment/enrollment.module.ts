import { Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { EventBus } from '../../../kernel/events/index.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { IdentityModule, UserProfileUpdated } from '../../identity/index.js';
import { CoursesModule } from '../courses/index.js';
import { CohortsController } from './cohorts.controller.js';
import { CohortsService } from './cohorts.service.js';
import { CompletionNotice } from './completion-notice.js';
import { CourseCompleted } from '../learning.events.js';
import { CourseGate } from './course-gate.js';
import { EnrollmentController } from './enrollment.controller.js';
import { EXPIRE_ENROLLMENTS_CRON, ExpireEnrollmentsJob, RunEnrollmentImportJob } from './enrollment.jobs.js';
import { EnrollmentService } from './enrollment.service.js';
import { EnrollmentImportController } from './import.controller.js';
import { EnrollmentImportService } from './import.service.js';
import { LearnerController } from './learner.controller.js';
import { LearnerDirectory } from './learner-directory.js';
import { LearnerService } from './learner.service.js';
import { ProgressService } from './progress.service.js';
import { RosterService } from './roster.service.js';
import { SeatGuards } from './seat-guard.js';

/** Enrollment, cohorts and progress: who may learn a course, and how far they got. */
@Module({
  imports: [IdentityModule, CoursesModule],
  controllers: [EnrollmentImportController, EnrollmentController, CohortsController, LearnerController],
  providers: [EnrollmentService, EnrollmentImportService, RosterService, CohortsService, LearnerService, ProgressService, CourseGate, LearnerDirectory, CompletionNotice, SeatGuards],
  exports: [EnrollmentService, ProgressService, LearnerService, SeatGuards],
})
export class EnrollmentModule implements OnModuleInit {
  private readonly log = new Logger('enrollment');

  constructor(
    private readonly jobs: JobsService,
    private readonly events: EventBus,
    private readonly enrollment: EnrollmentService,
    private readonly directory: LearnerDirectory,
    private readonly adapterHost: HttpAdapterHost,
    private readonly completionNotice: CompletionNotice,
    private readonly imports: EnrollmentImportService,
  ) {}

  onModuleInit(): void {
    this.jobs.registry.handle(ExpireEnrollmentsJob, async () => {
      const n = await this.enrollment.expireDue();
      if (n) this.log.log(`${n} enrollment(s) expired`);
    });
    this.jobs.registry.cron(ExpireEnrollmentsJob, EXPIRE_ENROLLMENTS_CRON);
    this.jobs.registry.handle(RunEnrollmentImportJob, (p, job) => this.imports.run(p.importId, job));
    this.events.subscribe(UserProfileUpdated, 'enrollment.learner-names', (e, { tx }) => this.directory.renamed(tx, e.userId, e.name));
    this.events.subscribe(CourseCompleted, 'enrollment.completion-notice', (e, { tx }) => this.completionNotice.onCourseCompleted(tx, e));
    // Bulk enrollment and imports accept a raw CSV body.
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (!fastify.hasContentTypeParser('text/csv')) {
      fastify.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    }
  }
}
