import { Inject, Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import type { Tx } from '../../../kernel/db/index.js';
import { Mailer } from '../../../kernel/email/index.js';
import { CoursesService } from '../courses/index.js';
import { enrollmentLearners } from './enrollment.schema.js';

/**
 * `course.completed` subscriber (runs in a job): congratulates the learner by email. The event
 * bus's receipt makes it once per completion, even when the job is retried.
 */
@Injectable()
export class CompletionNotice {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly mailer: Mailer,
    private readonly courses: CoursesService,
  ) {}

  async onCourseCompleted(tx: Tx, e: { courseId: string; userId: string }): Promise<void> {
    const [learner] = await tx.select().from(enrollmentLearners).where(eq(enrollmentLearners.userId, e.userId));
    const course = await this.courses.getCourseInfo(e.courseId, tx);
    if (!learner || !course) return; // account or course gone since: nobody to congratulate
    await this.mailer.enqueue(tx, {
      to: learner.email,
      subject: `You completed "${course.title}"`,
      text:
        `Congratulations ${learner.name}!\n\nYou have completed every required lesson of "${course.title}".\n\n` +
        `Review it any time: ${this.config.publicUrl}/courses/${course.slug}\n`,
    });
  }
}
