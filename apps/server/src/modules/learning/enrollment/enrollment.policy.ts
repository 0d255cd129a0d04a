import { can, type RequestContext } from '../../../kernel/auth/index.js';
import type { CourseInfo } from '../courses/index.js';

/**
 * Who may see and change a course's enrollments and cohorts. Every rule also requires the course
 * to belong to the caller's active organization (`canTeachCourse` checks it; `manage_all` is
 * checked against the organization explicitly).
 */

type TeachCheck = (ctx: RequestContext, course: CourseInfo) => boolean;

function inCourseOrg(ctx: RequestContext, course: CourseInfo): boolean {
  return !!ctx.actor && ctx.membership?.orgId === course.organizationId;
}

/** Enroll, revoke, change enrollments; manage cohorts. */
export function canManageEnrollments(ctx: RequestContext, course: CourseInfo, canTeach: TeachCheck): boolean {
  if (!inCourseOrg(ctx, course)) return false;
  return can(ctx, 'enrollment.manage_all') || (can(ctx, 'enrollment.manage') && canTeach(ctx, course));
}

/** See the learner list, progress and cohorts. */
export function canReadEnrollments(ctx: RequestContext, course: CourseInfo, canTeach: TeachCheck): boolean {
  if (canManageEnrollments(ctx, course, canTeach)) return true;
  return inCourseOrg(ctx, course) && can(ctx, 'enrollment.read') && canTeach(ctx, course);
}
