import { Logger, Module, type OnModuleInit } from '@nestjs/common';
import { EventBus } from '../../../kernel/events/index.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { CoursesModule } from '../../learning/courses/index.js';
import { EnrollmentModule, SeatGuards } from '../../learning/enrollment/index.js';
import { EnrollmentRevoked } from '../../learning/index.js';
import { CartModule } from '../cart/index.js';
import { WaitlistController } from './waitlist.controller.js';
import { EXPIRE_SEAT_OFFERS_CRON, ExpireSeatOffersJob, NotifySeatOfferJob } from './waitlist.jobs.js';
import { CohortWaitlistService } from './cohort-waitlist.service.js';
import { WaitlistService } from './waitlist.service.js';

/** Course and cohort capacity, waitlists and seat offers. */
@Module({
  imports: [CoursesModule, EnrollmentModule, CartModule],
  controllers: [WaitlistController],
  providers: [WaitlistService, CohortWaitlistService],
  exports: [WaitlistService],
})
export class WaitlistModule implements OnModuleInit {
  private readonly log = new Logger('waitlist');

  constructor(
    private readonly jobs: JobsService,
    private readonly events: EventBus,
    private readonly seats: SeatGuards,
    private readonly waitlist: WaitlistService,
    private readonly cohortWaitlist: CohortWaitlistService,
  ) {}

  onModuleInit(): void {
    this.seats.register((tx, req) => this.waitlist.guardSeat(tx, req));
    this.seats.registerCohort((tx, req) => this.cohortWaitlist.guardCohort(tx, req));
    this.seats.onCohortSeatsFreed(async (tx, e) => {
      await this.cohortWaitlist.fillSeats(tx, e.cohortId);
    });
    // an enrollment whose access ended by itself (expiry) frees its seat like a withdrawal does
    this.seats.onSeatsFreed(async (tx, e) => {
      await this.waitlist.fillSeats(tx, e.courseId, e.at);
      if (e.cohortId) await this.cohortWaitlist.fillSeats(tx, e.cohortId, e.at);
    });
    this.events.subscribe(EnrollmentRevoked, 'waitlist.seat-freed', async (e, { tx }) => {
      await this.waitlist.fillSeats(tx, e.courseId);
    });
    this.jobs.registry.handle(NotifySeatOfferJob, (p) => this.waitlist.notifyOffer(p.offerId));
    this.jobs.registry.handle(ExpireSeatOffersJob, async () => {
      const n = (await this.waitlist.expireDue()) + (await this.cohortWaitlist.expireDue());
      if (n) this.log.log(`${n} seat offer(s) expired`);
    });
    this.jobs.registry.cron(ExpireSeatOffersJob, EXPIRE_SEAT_OFFERS_CRON);
  }
}
