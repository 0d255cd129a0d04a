import { Inject, Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import type { UserContext } from '../../../../kernel/auth/index.js';
import { DB, type Database } from '../../../../kernel/db/index.js';
import { Conflict, Forbidden, NotFound } from '../../../../kernel/errors/index.js';
import { type CourseInfo, CoursesService } from '../../../learning/courses/index.js';
import { LearnerService } from '../../../learning/enrollment/index.js';
import { findLessonAsset } from '../../library/index.js';
import { videos } from '../video.schema.js';

export type VideoRow = typeof videos.$inferSelect;
export type ReadyVideo = VideoRow & { output: NonNullable<VideoRow['output']>; durationSeconds: number };

export interface LessonVideo {
  course: CourseInfo;
  lessonId: string;
  video: ReadyVideo;
  /** enrolled: counts toward completion; preview: a free preview lesson; staff: editing or teaching rights */
  access: 'enrolled' | 'preview' | 'staff';
  staff: boolean;
}

const LOCK_MESSAGES: Record<string, string> = {
  not_enrolled: 'Enroll in this course to watch this video.',
  drip: 'This lesson is not open yet.',
  prerequisites: 'Finish the earlier lessons first.',
};

/** Who may watch which lesson's video: enrollment, free preview, or course staff. */
@Injectable()
export class PlaybackAccess {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly courses: CoursesService,
    private readonly learners: LearnerService,
  ) {}

  isStaff(ctx: UserContext, course: CourseInfo): boolean {
    return this.courses.canEditCourse(ctx, course) || this.courses.canTeachCourse(ctx, course);
  }

  async lessonVideo(ctx: UserContext, lessonId: string): Promise<LessonVideo> {
    const asset = await findLessonAsset(this.db, lessonId, 'video');
    if (!asset) throw new NotFound('Video lesson');
    const course = await this.courses.getCourseInfo(asset.courseId);
    if (!course) throw new NotFound('Video lesson');
    const staff = this.isStaff(ctx, course);
    const granted = await this.learners.lessonAccess(ctx.actor.userId, course.id, lessonId);
    let access: LessonVideo['access'];
    let type: string | null;
    if (granted.allowed && granted.lesson) {
      access = granted.enrollmentId ? 'enrolled' : 'preview';
      type = granted.lesson.type;
    } else if (staff) {
      access = 'staff';
      type = (await this.courses.getDraftLessonRef(course.id, lessonId))?.type ?? granted.lesson?.type ?? null;
    } else if (granted.reason === 'locked' && granted.lock) {
      throw new Forbidden(LOCK_MESSAGES[granted.lock.reason] ?? 'This lesson is locked.', 'lesson_locked');
    } else {
      throw new NotFound('Video lesson');
    }
    if (type === null) throw new NotFound('Video lesson');
    if (type !== 'video') throw new Conflict('This lesson is not a video lesson.', 'not_a_video_lesson');
    const [video] = await this.db.select().from(videos).where(eq(videos.assetId, asset.assetId));
    if (!video || video.status !== 'ready' || !video.output || video.durationSeconds === null) {
      const status = video?.status ?? 'uploaded';
      throw new Conflict(`This video is still processing (${status}); try again when it is ready.`, 'video_not_ready', { videoStatus: status });
    }
    return { course, lessonId, video: video as ReadyVideo, access, staff };
  }
}
