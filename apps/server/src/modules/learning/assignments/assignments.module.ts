import { Module, type OnModuleInit } from '@nestjs/common';
import { JobsService } from '../../../kernel/jobs/index.js';
import { IdentityModule } from '../../identity/index.js';
import { CoursesModule } from '../courses/index.js';
import { EnrollmentModule } from '../enrollment/index.js';
import { AssignmentsAccess } from './assignments.access.js';
import { AssignmentsController } from './assignments.controller.js';
import { AssignPeerReviewsJob } from './assignments.jobs.js';
import { AssignmentsService } from './assignments.service.js';
import { GradingService } from './grading.service.js';
import { GroupsService } from './groups.service.js';
import { PeerReviewService } from './peer-review.service.js';

/** Assignments on `assignment` lessons: submissions with versions, rubric grading, release, peer review, groups. */
@Module({
  imports: [IdentityModule, CoursesModule, EnrollmentModule],
  controllers: [AssignmentsController],
  providers: [AssignmentsAccess, AssignmentsService, GradingService, PeerReviewService, GroupsService],
  exports: [AssignmentsService],
})
export class AssignmentsModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly peers: PeerReviewService,
  ) {}

  onModuleInit(): void {
    this.jobs.registry.handle(AssignPeerReviewsJob, (p) => this.peers.assignWhenDue(p.assignmentId));
  }
}
