/**
 * Enrollment's public surface (the only file other modules import):
 * - EnrollmentService.grantAccess(tx, { course, userId, source, enrolledBy, expiresAt?, cohortId?, reactivateRevoked, learner? })
 *   gives a user access inside the caller's transaction (commerce: source 'purchase').
 * - ProgressService.recordLessonCompletion(tx, { userId, courseId, lessonId, source }) records that a
 *   lesson of the live version is done (video, quiz, assignment and code modules report theirs here);
 *   emits LessonCompleted once per lesson and CourseCompleted once per enrollment.
 * - LearnerService.lessonAccess(userId, courseId, lessonId): may this user open this lesson now, and why not.
 * - SeatGuards.register(guard): a capacity check run inside grantAccess before a seat is taken
 *   (the waitlist refuses with 409 course_full); EnrollmentService.seatsTaken/hasSeat count seats.
 *   SeatGuards.registerCohort / onCohortSeatsFreed do the same for cohort capacity (409 cohort_full);
 *   EnrollmentService.lockCohort/cohortSeatsTaken/moveToCohort are the cohort side. SeatGuards.onSeatsFreed
 *   is told when access ends by itself (expiry sweep, a lapsed grant), so the freed seat is offered on.
 * - EnrollmentService.courseLearners(db, courseId, { limit, afterId }): a course's learners (not revoked)
 *   a page at a time, for other modules' read models to backfill from (the gradebook does).
 * Events (EnrollmentCreated, EnrollmentRevoked, LessonCompleted, CourseCompleted) live in ../learning.events.ts.
 */
export { EnrollmentModule } from './enrollment.module.js';
export { EnrollmentService } from './enrollment.service.js';
export type { CourseLearner, GrantAccessInput, GrantOutcome } from './enrollment.service.js';
export type { LearnerIdentity } from './learner-directory.js';
export { LearnerService } from './learner.service.js';
export type { LessonAccess } from './learner.service.js';
export type { LessonLock } from './progress.rules.js';
export { ProgressService } from './progress.service.js';
export type { LessonCompletionInput, LessonCompletionResult, ProgressSummary } from './progress.service.js';
export { ENROLLMENT_SOURCES, ENROLLMENT_STATUSES } from './enrollment.schema.js';
export type { EnrollmentSource, EnrollmentStatus } from './enrollment.schema.js';
export { SeatGuards } from './seat-guard.js';
export type { CohortSeatGuard, CohortSeatRequest, CohortSeatsFreed, SeatGuard, SeatRequest, SeatsFreed } from './seat-guard.js';
