import { Module, type OnModuleInit } from '@nestjs/common';
import { EventBus } from '../../../kernel/events/index.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { IdentityModule, UserProfileUpdated } from '../../identity/index.js';
import { CoursesModule } from '../courses/index.js';
import { EnrollmentModule } from '../enrollment/index.js';
import { CoursePublished, EnrollmentCreated, EnrollmentRevoked, GradeReported } from '../learning.events.js';
import { GradeRecorder } from './grade-recorder.js';
import { GradebookController } from './gradebook.controller.js';
import { GradebookService } from './gradebook.service.js';
import { BackfillGradebookLearnersJob } from './gradebook.jobs.js';
import { GradebookStore } from './gradebook.store.js';

/** The gradebook: graded items, categories, grades from GradeReported, overrides, final grades. */
@Module({
  imports: [IdentityModule, CoursesModule, EnrollmentModule],
  controllers: [GradebookController],
  providers: [GradebookService, GradebookStore, GradeRecorder],
  exports: [GradebookService],
})
export class GradebookModule implements OnModuleInit {
  constructor(
    private readonly events: EventBus,
    private readonly recorder: GradeRecorder,
    private readonly store: GradebookStore,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.registry.handle(BackfillGradebookLearnersJob, async (p) => {
      await this.recorder.backfillLearners(p);
    });
    // a published version's graded lessons become items (reads also add any that are missing)
    this.events.subscribe(CoursePublished, 'gradebook.items', async (e, { tx }) => {
      await this.store.load(tx, { id: e.courseId, organizationId: e.organizationId });
    });
    this.events.subscribe(GradeReported, 'gradebook.grades', (e, { tx, eventId }) => this.recorder.onGradeReported(tx, e, eventId));
    this.events.subscribe(EnrollmentCreated, 'gradebook.learners', (e, { tx }) => this.recorder.onEnrolled(tx, e));
    this.events.subscribe(EnrollmentRevoked, 'gradebook.learners-revoked', (e, { tx }) => this.recorder.onRevoked(tx, e));
    this.events.subscribe(UserProfileUpdated, 'gradebook.learner-names', (e, { tx }) => this.recorder.onRenamed(tx, e.userId, e.name));
  }
}
