import { sql } from 'drizzle-orm';
import { check, customType, index, integer, pgTable, real, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps, uuidv7Pk } from '../../../../kernel/db/index.js';
import { videos } from '../video.schema.js';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/*
 * Playback owns these tables (modules/media/video/playback). User, course and lesson ids point into
 * other modules and carry no foreign key.
 */

/**
 * One viewing of a video by one viewer: what the stream limit counts while live (not ended, a
 * heartbeat within the session TTL), and what analytics counts as a view.
 */
export const playbackSessions = pgTable(
  'playback_sessions',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    userId: uuid('user_id').notNull(),
    videoId: uuid('video_id')
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    courseId: uuid('course_id').notNull(),
    lessonId: uuid('lesson_id').notNull(),
    /** how the viewer may watch: an enrollment counts toward completion, a preview or staff view does not */
    access: text('access', { enum: ['enrolled', 'preview', 'staff'] }).notNull(),
    /** ISO 3166-1 alpha-2 from the CDN/proxy header, when it sent one */
    country: text('country'),
    lastHeartbeatAt: timestamp('last_heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** seconds of media played in this session (repeats count: watch time, not distinct seconds) */
    watchedSeconds: real('watched_seconds').notNull().default(0),
    position: real('position').notNull().default(0),
    ...timestamps(),
  },
  (t) => [
    index('playback_sessions_user_live_idx').on(t.userId, t.lastHeartbeatAt).where(sql`${t.endedAt} is null`),
    index('playback_sessions_video_idx').on(t.videoId),
    check('playback_sessions_watched_ck', sql`${t.watchedSeconds} >= 0`),
  ],
);

/**
 * What one viewer has seen of one video: a bitmap of the distinct whole seconds watched (bit s of
 * the bytea, as PostgreSQL's get_bit numbers them, is second s), the resume position, and when the
 * lesson was completed through it.
 */
export const videoWatchProgress = pgTable(
  'video_watch_progress',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    userId: uuid('user_id').notNull(),
    videoId: uuid('video_id')
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    /** ceil(duration): the number of seconds the bitmap covers */
    totalSeconds: integer('total_seconds').notNull(),
    watched: bytea('watched').notNull(),
    distinctSeconds: integer('distinct_seconds').notNull().default(0),
    position: real('position').notNull().default(0),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('video_watch_progress_user_video_uq').on(t.userId, t.videoId),
    index('video_watch_progress_video_idx').on(t.videoId),
    check('video_watch_progress_seconds_ck', sql`${t.distinctSeconds} >= 0 and ${t.distinctSeconds} <= ${t.totalSeconds}`),
  ],
);

/** Countries a course may (allow) or may not (deny) be watched from; both empty: everywhere. */
export const courseGeoRules = pgTable('course_geo_rules', {
  courseId: uuid('course_id').primaryKey(),
  organizationId: uuid('organization_id').notNull(),
  allow: text('allow').array().notNull().default(sql`'{}'::text[]`),
  deny: text('deny').array().notNull().default(sql`'{}'::text[]`),
  updatedBy: uuid('updated_by').notNull(),
  ...timestamps(),
});
