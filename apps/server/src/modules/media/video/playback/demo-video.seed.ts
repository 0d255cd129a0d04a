import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { FfmpegToolchain } from '../processing/toolchain.js';
import { VideoPipeline } from '../video-pipeline.js';
import { FIXTURE_CAPTIONS_VTT } from './demo-video.js';

type Must = (method: string, url: string, body: unknown, headers: Record<string, string>) => Promise<unknown>;
const idOf = (created: unknown) => (created as { id: string }).id;
const run = promisify(execFile);

export const DEMO_VIDEO_COURSE_SLUG = 'video-playback-demo';
export const DEMO_VIDEO_SECONDS = 24;

/** The demo source: testsrc2 + a sine tone, 854x480 so the ladder makes two rungs (480p, 360p). */
async function makeDemoSource(ffmpeg: string): Promise<{ bytes: Buffer; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lyceum-demo-source-'));
  const file = path.join(dir, 'test-pattern.mp4');
  await run(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=854x480:rate=25:duration=${DEMO_VIDEO_SECONDS}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${DEMO_VIDEO_SECONDS}`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', '-shortest', file,
  ]);
  return { bytes: await readFile(file), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A multipart/form-data body with one file field, for the library's upload endpoint. */
function multipart(filename: string, contentType: string, bytes: Buffer, title: string): { body: Buffer; type: string } {
  const boundary = `lyceum-demo-${Date.now().toString(36)}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n${title}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`;
  return { body: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]), type: `multipart/form-data; boundary=${boundary}` };
}

/**
 * The demo video goes the way an instructor's does: uploaded to the library, captions added, attached
 * to the lessons through their APIs, then processed by the real pipeline. The pipeline runs here,
 * inline, because the seed runs before the job workers start and the demo should be playable when
 * the server is up; the queued job finds the video ready and does nothing. When ffmpeg cannot
 * process videos (too old, a capability missing) the video stays `uploaded` with the toolchain's
 * "install ffmpeg" reason; without any ffmpeg there is no source to make, so the lessons stay
 * without video.
 */
async function seedDemoVideo(app: NestFastifyApplication, must: Must, h: Record<string, string>, course: string, lessons: string[], log?: Logger): Promise<void> {
  const toolchain = app.get(FfmpegToolchain);
  let source: Awaited<ReturnType<typeof makeDemoSource>>;
  try {
    source = await makeDemoSource(toolchain.status.ffmpeg);
  } catch (err) {
    log?.warn({ err }, 'demo video course: ffmpeg could not make the demo clip (is ffmpeg installed?); the lessons stay without video');
    return;
  }
  try {
    const form = multipart('test-pattern.mp4', 'video/mp4', source.bytes, 'Test pattern (demo)');
    const res = await app.inject({ method: 'POST', url: '/api/v1/media', headers: { ...h, 'content-type': form.type }, payload: form.body });
    if (res.statusCode !== 201) throw new Error(`seed: POST /api/v1/media -> ${res.statusCode} ${res.body}`);
    const assetId = idOf(JSON.parse(res.body));
    const videoId = idOf(await must('GET', `/api/v1/videos/by-asset/${assetId}`, undefined, h));
    await must('POST', `/api/v1/videos/${videoId}/captions`, { language: 'en', label: 'English', isDefault: true, text: FIXTURE_CAPTIONS_VTT }, h);
    for (const lessonId of lessons) await must('PUT', `/api/v1/courses/${course}/lessons/${lessonId}/video`, { assetId }, h);
    if (!toolchain.status.ready) {
      log?.warn(`demo video course: its video waits to be processed: ${toolchain.status.blockedReason}`);
      return;
    }
    await app.get(VideoPipeline).process(videoId, { jobId: 'seed', attempt: 1, maxAttempts: 1 });
  } finally {
    await source.cleanup();
  }
}

/**
 * Demo data for playback: a published course with two video lessons (the first a free preview)
 * playing the demo clip, processed by the pipeline at seed time, and the demo learner enrolled.
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
  try {
    await seedDemoVideo(app, must, h, course, lessons, log);
  } catch (err) {
    log?.warn({ err }, 'demo video course: its video could not be made; the lessons stay without a ready video');
  }
  await must('POST', `/api/v1/courses/${course}/publish`, {}, h);
  await must('POST', `/api/v1/courses/${course}/enroll`, {}, learnerHeaders);
}
