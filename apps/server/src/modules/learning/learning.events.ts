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

/**
 * A graded item's current grade for a learner (a quiz, an assignment or a code exercise; each is a
 * lesson). The reporting module applies its own rules first (best/latest/average attempt, late
 * penalties, release to learners) and reports the grade that now counts; the gradebook keeps the
 * newest report per lesson and learner (by `gradedAt`, then arrival).
 */
export const GradeReported = defineEvent(
  'grade.reported',
  z.object({
    organizationId: z.uuid(),
    courseId: z.uuid(),
    lessonId: z.uuid(),
    userId: z.uuid(),
    source: z.enum(['quiz', 'assignment', 'code']),
    /** the attempt or submission the grade comes from */
    sourceId: z.uuid(),
    /** points earned; null while waiting for manual grading */
    score: z.number().min(0).nullable(),
    maxScore: z.number().min(0),
    /** the item's own pass rule (a quiz's passing score, all tests passed); null when it has none */
    passed: z.boolean().nullable(),
    gradedAt: z.iso.datetime({ offset: true }),
  }),
);

/**
 * The gradebook's completion signal: the learner has passed every required graded item of the
 * course (once per learner and course). Course completion itself stays with enrollment.
 */
export const GradebookRequirementsPassed = defineEvent(
  'gradebook.requirements_passed',
  z.object({ organizationId: z.uuid(), courseId: z.uuid(), userId: z.uuid(), requiredItems: z.number().int().min(1), passedAt: z.iso.datetime({ offset: true }) }),
);
