import { z } from 'zod';
import { defineJob } from '../../../kernel/jobs/index.js';

/**
 * Probe -> ladder -> thumbnails -> upload -> publish one video. Enqueued with job key
 * `video:<id>` (one pending job per video) and graphile-worker priority `-videos.priority`
 * (graphile-worker runs LOWER numbers first; our column says higher first).
 */
export const ProcessVideoJob = defineJob('video.process', z.object({ videoId: z.uuid() }), { maxAttempts: 3 });

/** Rewrites the published manifests after captions changed (job key `video-captions:<id>`). */
export const PublishCaptionsJob = defineJob('video.captions', z.object({ videoId: z.uuid() }), { maxAttempts: 10 });

/** Every few minutes where workers run: videos left `uploaded` without a job (e.g. queued while ffmpeg was missing) get one. */
export const RequeueWaitingJob = defineJob('video.requeue-waiting', z.object({}), { maxAttempts: 1 });

export const processJobKey = (videoId: string) => `video:${videoId}`;
export const captionsJobKey = (videoId: string) => `video-captions:${videoId}`;

/** videos.priority (higher first) -> graphile-worker priority (lower first). */
export const graphilePriority = (videoPriority: number) => -videoPriority;

/** videos.priority of a bulk re-encode: behind every upload. */
export const BULK_REENCODE_PRIORITY = -100;
