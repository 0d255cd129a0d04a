import { z } from 'zod';
import { defineEvent } from '../../kernel/events/index.js';

/** Events of the learning modules; shared here so courses, enrollment and progress agree. */
export const CoursePublished = defineEvent(
  'course.published',
  z.object({ organizationId: z.uuid(), courseId: z.uuid(), version: z.number().int(), publishedBy: z.uuid() }),
);
export const EnrollmentCreated = defineEvent(
  'enrollment.created',
  z.object({ organizationId: z.uuid(), courseId: z.uuid(), enrollmentId: z.uuid(), userId: z.uuid(), source: z.string() }),
);
export const EnrollmentRevoked = defineEvent(
  'enrollment.revoked',
  z.object({ organizationId: z.uuid(), courseId: z.uuid(), enrollmentId: z.uuid(), userId: z.uuid() }),
);
export const LessonCompleted = defineEvent(
  'lesson.completed',
  z.object({ organizationId: z.uuid(), courseId: z.uuid(), lessonId: z.uuid(), userId: z.uuid(), enrollmentId: z.uuid() }),
);
export const CourseCompleted = defineEvent(
  'course.completed',
  z.object({ organizationId: z.uuid(), courseId: z.uuid(), userId: z.uuid(), enrollmentId: z.uuid(), completedAt: z.iso.datetime({ offset: true }) }),
);
