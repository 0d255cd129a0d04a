import { Inject, Injectable } from '@nestjs/common';
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { type OrgContext, type RequestContext, requireOrg } from '../../../kernel/auth/index.js';
import { DB, type Database } from '../../../kernel/db/index.js';
import { Conflict, Forbidden, NotFound } from '../../../kernel/errors/index.js';
import { type CourseInfo, CoursesService } from '../../learning/courses/index.js';
import type { LessonAttachment } from './library.dto.js';
import { mediaAssets, mediaAttachments } from './library.schema.js';
import { MediaLibraryService } from './library.service.js';

export type AttachmentRole = 'video' | 'document';

/** Attaching a library file to a lesson: a video lesson's video, a document lesson's PDF. */
@Injectable()
export class LessonAttachmentsService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly courses: CoursesService,
    private readonly library: MediaLibraryService,
  ) {}

  /** A lesson of the given type in a course the caller may edit; 404 across organizations. */
  private async editableLesson(ctx: RequestContext, courseId: string, lessonId: string, role: AttachmentRole): Promise<{ org: OrgContext; course: CourseInfo }> {
    const org = requireOrg(ctx);
    const course = await this.courses.getCourseInfo(courseId);
    if (!course || course.organizationId !== org.membership.orgId) throw new NotFound('Course');
    if (!this.courses.canEditCourse(ctx, course)) throw new Forbidden('You may not edit this course.', 'missing_permission');
    const lesson = await this.courses.getDraftLessonRef(courseId, lessonId);
    if (!lesson) throw new NotFound('Lesson');
    if (lesson.type !== role) throw new Conflict(`This is a ${lesson.type} lesson; only a ${role} lesson takes a ${role} from the library.`, 'wrong_lesson_type');
    return { org, course };
  }

  async get(ctx: RequestContext, courseId: string, lessonId: string, role: AttachmentRole): Promise<z.input<typeof LessonAttachment>> {
    const { org } = await this.editableLesson(ctx, courseId, lessonId, role);
    const [row] = await this.db
      .select({ a: mediaAttachments, asset: mediaAssets })
      .from(mediaAttachments)
      .innerJoin(mediaAssets, eq(mediaAssets.id, mediaAttachments.assetId))
      .where(and(eq(mediaAttachments.lessonId, lessonId), eq(mediaAttachments.role, role), eq(mediaAttachments.organizationId, org.membership.orgId)));
    if (!row) return { attachment: null };
    return { attachment: { courseId, lessonId, role, asset: this.library.present(row.asset, org.actor.userId) } };
  }

  async put(ctx: RequestContext, courseId: string, lessonId: string, role: AttachmentRole, assetId: string): Promise<z.input<typeof LessonAttachment>> {
    const { org, course } = await this.editableLesson(ctx, courseId, lessonId, role);
    const asset = await this.library.assetInOrg(org, assetId);
    if (asset.kind !== role) throw new Conflict(`"${asset.title}" is a ${asset.kind} file; this lesson needs a ${role}.`, 'wrong_asset_kind');
    if (asset.status !== 'stored') throw new Conflict(`"${asset.title}" is not fully uploaded yet.`, 'asset_not_stored');
    await this.db
      .insert(mediaAttachments)
      .values({ organizationId: course.organizationId, assetId, courseId, lessonId, role, createdBy: org.actor.userId })
      .onConflictDoUpdate({ target: [mediaAttachments.lessonId, mediaAttachments.role], set: { assetId, courseId, createdBy: org.actor.userId, updatedAt: new Date() } });
    return this.get(ctx, courseId, lessonId, role);
  }

  async remove(ctx: RequestContext, courseId: string, lessonId: string, role: AttachmentRole): Promise<void> {
    const { org } = await this.editableLesson(ctx, courseId, lessonId, role);
    const gone = await this.db
      .delete(mediaAttachments)
      .where(and(eq(mediaAttachments.lessonId, lessonId), eq(mediaAttachments.role, role), eq(mediaAttachments.organizationId, org.membership.orgId)))
      .returning({ id: mediaAttachments.id });
    if (gone.length === 0) throw new NotFound('Attachment');
  }
}
