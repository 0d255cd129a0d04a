import { Module, type OnModuleInit } from '@nestjs/common';
import { EventBus } from '../../../kernel/events/index.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { IdentityModule } from '../../identity/index.js';
import { CoursesModule } from '../courses/index.js';
import { CourseCompleted } from '../learning.events.js';
import { CertificateVerifier } from './certificate-verifier.js';
import { CertificatesController } from './certificates.controller.js';
import { RenderCertificateJob } from './certificates.jobs.js';
import { CertificatesService } from './certificates.service.js';
import { SigningKeys } from './signing-keys.js';

/** Course certificates: templates, issuing on completion, PDF, revocation, Open Badges 3.0, public verification. */
@Module({
  imports: [IdentityModule, CoursesModule],
  controllers: [CertificatesController],
  providers: [CertificatesService, CertificateVerifier, SigningKeys],
  exports: [CertificatesService],
})
export class CertificatesModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly events: EventBus,
    private readonly certs: CertificatesService,
  ) {}

  onModuleInit(): void {
    this.jobs.registry.handle(RenderCertificateJob, (p) => this.certs.renderPdf(p.certificateId));
    this.events.subscribe(CourseCompleted, 'certificates.issue', (e, { tx }) => this.certs.onCourseCompleted(tx, e));
  }
}
