import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

const isoDate = z.iso.datetime({ offset: true });

export const LessonParams = z.strictObject({ id: z.uuid() });
export class PlaybackLessonParamsDto extends createZodDto(LessonParams) {}

export const SessionParams = z.strictObject({ sessionId: z.uuid() });
export class PlaybackSessionParamsDto extends createZodDto(SessionParams) {}

export const CourseParams = z.strictObject({ id: z.uuid() });
export class GeoCourseParamsDto extends createZodDto(CourseParams) {}

export const VideoParams = z.strictObject({ id: z.uuid() });
export class VideoAnalyticsParamsDto extends createZodDto(VideoParams) {}

/** Paths inside the stream token, renewed by each heartbeat. */
export const StreamUrls = z.object({
  /** the token inside every stream URL; the player swaps it into requests it makes later */
  token: z.string(),
  expiresAt: isoDate,
  hls: z.string(),
  /** null for HLS AES-128 videos (DASH would need CENC) */
  dash: z.string().nullable(),
  poster: z.string().nullable(),
  storyboardVtt: z.string().nullable(),
});

export const PlaybackCaption = z.object({
  language: z.string(),
  label: z.string(),
  default: z.boolean(),
  url: z.string(),
});

export const PlaybackStart = z.object({
  sessionId: z.uuid(),
  videoId: z.uuid(),
  lessonId: z.uuid(),
  courseId: z.uuid(),
  durationSeconds: z.number(),
  encrypted: z.boolean(),
  /** where the viewer left off (0 when new or finished) */
  resumePosition: z.number(),
  heartbeatIntervalSeconds: z.number().int(),
  stream: StreamUrls,
  captions: z.array(PlaybackCaption),
  progress: z.object({ distinctSeconds: z.number().int(), totalSeconds: z.number().int(), percent: z.number(), completed: z.boolean() }),
  /** true for course staff: the player links to the analytics page */
  canViewAnalytics: z.boolean(),
});
export class PlaybackStartDto extends createZodDto(PlaybackStart) {}

const seconds = z.number().finite().min(0).max(86400 * 2);

export const Heartbeat = z.strictObject({
  position: seconds,
  /** media ranges played since the previous heartbeat, [start, end] in seconds */
  ranges: z.array(z.tuple([seconds, seconds])).max(200).default([]),
  /** what made the player send it */
  event: z.enum(['interval', 'pause', 'ended', 'pagehide', 'seek']).default('interval'),
});
export class HeartbeatDto extends createZodDto(Heartbeat) {}

export const HeartbeatResult = z.object({
  stream: StreamUrls,
  progress: PlaybackStart.shape.progress,
  /** true only for the heartbeat that completed the lesson */
  lessonCompleted: z.boolean(),
});
export class HeartbeatResultDto extends createZodDto(HeartbeatResult) {}

const country = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{2}$/, 'Use two-letter ISO 3166-1 country codes, e.g. "DE".'));

export const PutGeoRules = z
  .strictObject({
    allow: z.array(country).max(250).default([]),
    deny: z.array(country).max(250).default([]),
  })
  .refine((r) => !r.allow.some((c) => r.deny.includes(c)), { message: 'A country cannot be both allowed and denied.', path: ['deny'] });
export class PutGeoRulesDto extends createZodDto(PutGeoRules) {}

export const GeoRules = z.object({
  courseId: z.uuid(),
  /** when not empty, only these countries may watch */
  allow: z.array(z.string()),
  /** these countries may never watch */
  deny: z.array(z.string()),
  /** the header the country is read from */
  countryHeader: z.string(),
  updatedAt: isoDate.nullable(),
});
export class GeoRulesDto extends createZodDto(GeoRules) {}

export const VideoAnalytics = z.object({
  videoId: z.uuid(),
  durationSeconds: z.number(),
  /** playback sessions started */
  views: z.number().int(),
  uniqueViewers: z.number().int(),
  /** seconds of video played, repeats included */
  totalWatchSeconds: z.number(),
  /** mean over viewers of distinct seconds watched / duration, 0..100 */
  averagePercentWatched: z.number(),
  completions: z.number().int(),
  /** 20 buckets of 5%: the share (0..1) of viewers who watched any second of each */
  dropOff: z.array(z.object({ fromPercent: z.number().int(), toPercent: z.number().int(), viewers: z.number().int(), share: z.number() })),
});
export class VideoAnalyticsDto extends createZodDto(VideoAnalytics) {}
