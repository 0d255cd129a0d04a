import { Injectable } from '@nestjs/common';
import { type OrgContext, type RequestContext, requireOrg } from '../../../kernel/auth/index.js';
import type { DbOrTx } from '../../../kernel/db/index.js';
import { Forbidden, NotFound } from '../../../kernel/errors/index.js';
import { type CourseInfo, CoursesService } from '../courses/index.js';
import { canManageEnrollments, canReadEnrollments } from './enrollment.policy.js';

/**
 * Loads a course for the staff endpoints: it must belong to the caller's active organization
 * (another organization's course is "not found", so ids do not leak) and the caller must hold
 * the enrollment rights on it.
 */
@Injectable()
export class CourseGate {
  constructor(private readonly courses: CoursesService) {}

  async forStaff(ctx: RequestContext, courseId: string, need: 'read' | 'manage', db?: DbOrTx): Promise<{ ctx: OrgContext; course: CourseInfo }> {
    const o = requireOrg(ctx);
    const course = await this.courses.getCourseInfo(courseId, db);
    if (!course || course.organizationId !== o.membership.orgId) throw new NotFound('Course');
    const teach = (c: RequestContext, info: CourseInfo) => this.courses.canTeachCourse(c, info);
    if (need === 'manage' && !canManageEnrollments(o, course, teach)) {
      throw new Forbidden(
        'You need the "enrollment.manage" permission and to teach this course, or "enrollment.manage_all".',
        'missing_permission',
      );
    }
    if (need === 'read' && !canReadEnrollments(o, course, teach)) {
      throw new Forbidden(
        'You need the "enrollment.read" or "enrollment.manage" permission and to teach this course, or "enrollment.manage_all".',
        'missing_permission',
      );
    }
    return { ctx: o, course };
  }
}
