import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { ProgressSummary } from './enrollment.dto.js';
import { ENROLLMENT_STATUSES } from './enrollment.schema.js';

/* Shapes of the learner side: "My learning", outlines with lock state, lesson content, progress. */

const isoDate = z.iso.datetime({ offset: true });

export const LessonParams = z.strictObject({ courseId: z.uuid(), lessonId: z.uuid() });
export class LessonParamsDto extends createZodDto(LessonParams) {}

export const LessonLock = z.object({
  reason: z.enum(['not_enrolled', 'drip', 'prerequisites']),
  /** drip: when the lesson opens */
  availableAt: isoDate.optional(),
  /** prerequisites: the lessons still to complete first */
  missingLessonIds: z.array(z.uuid()).optional(),
});

export const OutlineLesson = z.object({
  id: z.uuid(),
  title: z.string(),
  type: z.string(),
  position: z.number().int(),
  isPreview: z.boolean(),
  required: z.boolean(),
  durationSeconds: z.number().nullable(),
  completed: z.boolean(),
  completedAt: isoDate.nullable(),
  /** last saved position (seconds of media, or scroll percent) */
  lastPosition: z.number().nullable(),
  locked: z.boolean(),
  lock: LessonLock.nullable(),
});

export const LearnerEnrollmentInfo = z.object({
  id: z.uuid(),
  status: z.enum(ENROLLMENT_STATUSES),
  enrolledAt: isoDate,
  expiresAt: isoDate.nullable(),
  completedAt: isoDate.nullable(),
  cohortId: z.uuid().nullable(),
});

export const CourseRef = z.object({
  id: z.uuid(),
  organizationId: z.uuid(),
  title: z.string(),
  slug: z.string(),
});

export const Outline = z.object({
  course: CourseRef,
  /** null when the caller is not enrolled (preview lessons stay open) */
  enrollment: LearnerEnrollmentInfo.nullable(),
  progress: ProgressSummary,
  sections: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      position: z.number().int(),
      lessons: z.array(OutlineLesson),
    }),
  ),
});
export class LearnerOutlineDto extends createZodDto(Outline) {}

export const LessonRef = z.object({
  id: z.uuid(),
  title: z.string(),
  type: z.string(),
  sectionId: z.uuid(),
  sectionTitle: z.string(),
});

export const ContinueTarget = z.object({
  courseId: z.uuid(),
  /** resume: unfinished last lesson; start / next: the next open unfinished lesson;
   * locked: the next unfinished lesson is not open yet; completed: all done; empty: no lessons */
  reason: z.enum(['resume', 'next', 'start', 'locked', 'completed', 'empty']),
  lesson: LessonRef.nullable(),
  lock: LessonLock.nullable(),
  lastPosition: z.number().nullable(),
});
export class ContinueTargetDto extends createZodDto(ContinueTarget) {}

export const MyEnrollment = z.object({
  enrollment: LearnerEnrollmentInfo,
  course: CourseRef,
  progress: ProgressSummary,
  lastLesson: LessonRef.nullable(),
  lastActivityAt: isoDate.nullable(),
  /** where to pick up; null when the enrollment no longer grants access */
  continue: ContinueTarget.nullable(),
});
export class MyEnrollmentPageDto extends createZodDto(pageOf(MyEnrollment)) {}

export const MyEnrollmentsQuery = z.strictObject({
  ...pageQuery,
  status: z.enum(ENROLLMENT_STATUSES).optional(),
});
export class MyEnrollmentsQueryDto extends createZodDto(MyEnrollmentsQuery) {}

export const LessonContent = z.object({
  courseId: z.uuid(),
  lesson: OutlineLesson.extend({ sectionId: z.uuid(), sectionTitle: z.string() }),
  body: z.object({
    markdown: z.string().optional(),
    html: z.string().optional(),
    url: z.string().optional(),
    embedUrl: z.string().optional(),
  }),
});
export class LessonContentDto extends createZodDto(LessonContent) {}

export const LessonCompletion = z.object({
  lessonId: z.uuid(),
  completedAt: isoDate,
  /** false when the lesson was already complete */
  newlyCompleted: z.boolean(),
  /** true only for the request that completed the course */
  courseCompleted: z.boolean(),
  enrollmentStatus: z.enum(ENROLLMENT_STATUSES),
  progress: ProgressSummary,
});
export class LessonCompletionDto extends createZodDto(LessonCompletion) {}

export const SavePosition = z.strictObject({
  /** seconds into the media, or a scroll percentage */
  position: z.number().finite().min(0).max(10_000_000),
});
export class SavePositionDto extends createZodDto(SavePosition) {}

export const SavedPosition = z.object({ lessonId: z.uuid(), position: z.number(), updatedAt: isoDate });
export class SavedPositionDto extends createZodDto(SavedPosition) {}
