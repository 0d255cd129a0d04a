import type { RequestContext } from '../../../kernel/auth/index.js';
import type { CourseInfo } from './courses.types.js';

/** Who may do what to one course. Every rule requires the caller's active organization to own it. */

function inCourseOrg(ctx: RequestContext, course: Pick<CourseInfo, 'organizationId'>): boolean {
  return !!ctx.actor && ctx.membership?.orgId === course.organizationId;
}

function has(ctx: RequestContext, permission: string): boolean {
  return ctx.membership?.permissions.has(permission) ?? false;
}

function teaches(ctx: RequestContext, course: Pick<CourseInfo, 'instructorIds'>): boolean {
  return !!ctx.actor && course.instructorIds.includes(ctx.actor.userId);
}

/** Edit content and settings: org-wide `course.update`, or an instructor of it holding `course.create`. */
export function canEditCourse(ctx: RequestContext, course: Pick<CourseInfo, 'organizationId' | 'instructorIds'>): boolean {
  if (!inCourseOrg(ctx, course)) return false;
  return has(ctx, 'course.update') || (has(ctx, 'course.create') && teaches(ctx, course));
}

/** Teach (see learners, grade): an instructor of the course, or org-wide `course.update`. */
export function canTeachCourse(ctx: RequestContext, course: Pick<CourseInfo, 'organizationId' | 'instructorIds'>): boolean {
  if (!inCourseOrg(ctx, course)) return false;
  return teaches(ctx, course) || has(ctx, 'course.update');
}

/** See the editor view (draft included): whoever teaches or edits it, or `course.read_all`. */
export function canViewCourseDraft(ctx: RequestContext, course: Pick<CourseInfo, 'organizationId' | 'instructorIds'>): boolean {
  if (!inCourseOrg(ctx, course)) return false;
  return has(ctx, 'course.read_all') || canTeachCourse(ctx, course) || canEditCourse(ctx, course);
}

/** Publish, unpublish, archive: `course.publish` plus edit rights. */
export function canPublishCourse(ctx: RequestContext, course: Pick<CourseInfo, 'organizationId' | 'instructorIds'>): boolean {
  return has(ctx, 'course.publish') && canEditCourse(ctx, course);
}

/** Delete: `course.delete` plus edit rights. */
export function canDeleteCourse(ctx: RequestContext, course: Pick<CourseInfo, 'organizationId' | 'instructorIds'>): boolean {
  return has(ctx, 'course.delete') && canEditCourse(ctx, course);
}

/** May this person be named instructor? Teaching rights in the organization. */
export function hasTeachingRights(permissions: ReadonlySet<string>): boolean {
  return permissions.has('course.create') || permissions.has('course.update');
}
