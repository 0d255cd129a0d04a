import { sql } from 'drizzle-orm';
import { boolean, check, customType, index, integer, jsonb, pgTable, real, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps, uuidv7Pk } from '../../../kernel/db/index.js';
import { mediaAssets } from '../library/library.schema.js';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/*
 * The video submodule owns these tables (modules/media/video: processing; video/playback:
 * streaming). A video is the processed form of one `media_assets` row of kind `video`.
 */

export const VIDEO_STATUSES = ['uploaded', 'probing', 'transcoding', 'packaging', 'ready', 'failed', 'canceled'] as const;
export type VideoStatus = (typeof VIDEO_STATUSES)[number];

/** What ffprobe said about the source. */
export interface VideoProbe {
  durationSeconds: number;
  width: number;
  height: number;
  /** frames per second, e.g. 29.97 */
  frameRate: number;
  videoCodec: string;
  audioCodec: string | null;
  /** degrees clockwise from the display matrix / rotate tag: 0, 90, 180 or 270 */
  rotation: number;
  hasAudio: boolean;
  bitRate: number | null;
}

/** One rung of the ladder as packaged. */
export interface VideoRendition {
  /** e.g. "720p" or "audio" */
  name: string;
  kind: 'video' | 'audio';
  width: number | null;
  height: number | null;
  bandwidth: number;
  codecs: string;
}

/**
 * The published output of a ready video. Every key is relative to `prefix` (a storage key prefix
 * ending in `/`, `videos/<videoId>/<outputId>/`). A new output is written under a new outputId and
 * becomes visible only when this row's `output` is switched in the same transaction that sets
 * `ready`; a half-written output is never pointed at.
 */
export interface VideoOutput {
  prefix: string;
  /** HLS master playlist, e.g. "master.m3u8" */
  hlsMaster: string;
  /** DASH MPD over the same CMAF segments, e.g. "manifest.mpd" */
  dashManifest: string;
  poster: string;
  /** storyboard sprite + its WebVTT thumbnail track (cues point at the sprite with #xywh=) */
  storyboardImage: string;
  storyboardVtt: string;
  renditions: VideoRendition[];
  /** segment duration target in seconds */
  segmentSeconds: number;
  /**
   * true when the media segments are HLS AES-128 encrypted under `videos.encryption_key` (then
   * `dashManifest` is ''); absent means clear. The published output says so itself, because the
   * `encrypted` setting may already be changed while the previous output is still served.
   */
  encrypted?: boolean;
  /** bytes stored under `prefix` for this output (counted in the library's quota); absent: not counted */
  bytes?: number;
  /** of which the current caption revision's files (replaced when captions change) */
  revisionBytes?: number;
}

export const videos = pgTable(
  'videos',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    assetId: uuid('asset_id')
      .notNull()
      .references(() => mediaAssets.id, { onDelete: 'cascade' }),
    status: text('status', { enum: VIDEO_STATUSES }).notNull().default('uploaded'),
    /** 0..100 while transcoding (read from `ffmpeg -progress`) */
    progress: real('progress').notNull().default(0),
    /** a sentence a person understands, when `failed` */
    failureReason: text('failure_reason'),
    probe: jsonb('probe').$type<VideoProbe>(),
    output: jsonb('output').$type<VideoOutput>(),
    durationSeconds: real('duration_seconds'),
    /** the setting: processing encrypts this video's HLS segments (AES-128); `output.encrypted` says what is published */
    encrypted: boolean('encrypted').notNull().default(false),
    /** the published encrypted output's AES-128 key, sealed by HlsKeyVault (never the bare key) */
    encryptionKey: bytea('encryption_key'),
    /** higher runs first (an instructor's first upload > a bulk re-encode) */
    priority: integer('priority').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    readyAt: timestamp('ready_at', { withTimezone: true }),
    /** every storage key of the published output (to delete it when a re-encode replaces it) */
    outputKeys: jsonb('output_keys').$type<string[]>().notNull().default([]),
    /** keys an unfinished job is uploading: never pointed at; deleted when the next attempt starts */
    pendingOutput: jsonb('pending_output').$type<{ prefix: string; keys: string[] }>(),
    createdBy: uuid('created_by').notNull(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('videos_asset_uq').on(t.assetId),
    index('videos_org_idx').on(t.organizationId, t.id),
    check('videos_progress_ck', sql`${t.progress} >= 0 and ${t.progress} <= 100`),
  ],
);

/** A caption track of a video, stored as WebVTT (SRT is converted on upload). */
export const videoCaptions = pgTable(
  'video_captions',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    videoId: uuid('video_id')
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    /** BCP 47, e.g. "en", "pt-BR" */
    language: text('language').notNull(),
    label: text('label').notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    /** the WebVTT text; small enough to keep in the row and edit in place */
    vtt: text('vtt').notNull(),
    updatedBy: uuid('updated_by').notNull(),
    ...timestamps(),
  },
  (t) => [uniqueIndex('video_captions_lang_uq').on(t.videoId, t.language)],
);
