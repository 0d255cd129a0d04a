import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { DB, type Database } from '../../../../kernel/db/index.js';
import { STORAGE, type Storage } from '../../../../kernel/storage/index.js';
import { createReadyVideo } from './demo-video.js';

type Must = (method: string, url: string, body: unknown, headers: Record<string, string>) => Promise<unknown>;
const idOf = (created: unknown) => (created as { id: string }).id;

export const DEMO_VIDEO_COURSE_SLUG = 'video-playback-demo';
export const DEMO_VIDEO_SECONDS = 24;

/**
 * Demo data for playback: a published course with two video lessons (the first a free preview)
 * whose videos are encoded by ffmpeg here and stored ready to play, and the demo learner enrolled.
 * Left out, with a log line, when ffmpeg is not installed.
 */
export async function seedVideoCourse(
  app: NestFastifyApplication,
  must: Must,
  staff: { headers: Record<string, string>; userId: string; orgId: string },
  learnerHeaders: Record<string, string>,
  log?: Logger,
): Promise<void> {
  const h = staff.headers;
  const course = idOf(
    await must('POST', '/api/v1/courses', {
      title: 'Watching video well',
      slug: DEMO_VIDEO_COURSE_SLUG,
      subtitle: 'Two short clips to try the player: quality, captions, speed, resume',
      description: 'A demo of video lessons: adaptive quality, captions, playback speed, keyboard shortcuts and resume.',
      language: 'en',
      level: 'beginner',
      category: 'Demo',
      tags: ['video'],
      visibility: 'public',
      isFree: true,
    }, h),
  );
  const section = idOf(await must('POST', `/api/v1/courses/${course}/sections`, { title: 'Clips' }, h));
  const lessons: string[] = [];
  for (const [title, isPreview] of [['The test pattern', true], ['The test pattern, again', false]] as const) {
    lessons.push(idOf(await must('POST', `/api/v1/courses/${course}/sections/${section}/lessons`, { title, type: 'video', isPreview }, h)));
  }
  const db = app.get<symbol, Database>(DB);
  const storage = app.get<symbol, Storage>(STORAGE);
  try {
    for (const lessonId of lessons) {
      await createReadyVideo(db, storage, { organizationId: staff.orgId, courseId: course, lessonId, createdBy: staff.userId, seconds: DEMO_VIDEO_SECONDS, title: 'Test pattern (demo)' });
    }
  } catch (err) {
    log?.warn({ err }, 'demo video course: could not encode its videos (is ffmpeg installed?); the lessons stay without video');
  }
  await must('POST', `/api/v1/courses/${course}/publish`, {}, h);
  await must('POST', `/api/v1/courses/${course}/enroll`, {}, learnerHeaders);
}
