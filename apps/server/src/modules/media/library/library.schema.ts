import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps, uuidv7Pk } from '../../../kernel/db/index.js';

/*
 * The media library owns these tables (modules/media/library). Organization, user, course and
 * lesson ids point into other modules and carry no foreign key. The video submodule reads
 * `media_assets` and `media_attachments` through the library's public service only.
 */

export const MEDIA_KINDS = ['video', 'image', 'document', 'audio'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/**
 * `uploading` while a tus upload is in flight; `stored` once the whole file is in storage;
 * `refused` when its content was not the media it claimed to be (the bytes are deleted, the
 * reason is kept in `refusal_reason`).
 */
export const MEDIA_ASSET_STATUSES = ['uploading', 'stored', 'refused'] as const;
export type MediaAssetStatus = (typeof MEDIA_ASSET_STATUSES)[number];

/** One file in an organization's library. Its bytes live in storage under `storage_key`. */
export const mediaAssets = pgTable(
  'media_assets',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    kind: text('kind', { enum: MEDIA_KINDS }).notNull(),
    status: text('status', { enum: MEDIA_ASSET_STATUSES }).notNull().default('stored'),
    /** the name the uploader gave, sanitized; shown and searched, never used as a path */
    filename: text('filename').notNull(),
    title: text('title').notNull(),
    /** the sniffed content type (not the one the client claimed) */
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    /** the original file in storage; UUID-named, e.g. `media/<orgId>/<assetId>/original` */
    storageKey: text('storage_key').notNull(),
    sha256: text('sha256'),
    /** derived files (image sizes etc.) keyed by name, e.g. { "thumb": "media/…/thumb.webp" } */
    variants: jsonb('variants').$type<Record<string, { key: string; width?: number; height?: number; contentType: string; sizeBytes: number }>>().notNull().default({}),
    /** the tus upload id while `uploading` */
    uploadId: text('upload_id'),
    /** why the file was refused, a sentence a person understands (status `refused`) */
    refusalReason: text('refusal_reason'),
    createdBy: uuid('created_by').notNull(),
    /** the Idempotency-Key (IdempotencyFingerprint.key) of the multipart upload that stored it */
    idempotencyKey: text('idempotency_key'),
    ...timestamps(),
  },
  (t) => [
    index('media_assets_org_idx').on(t.organizationId, t.id),
    uniqueIndex('media_assets_idempotency_uq').on(t.organizationId, t.idempotencyKey),
    uniqueIndex('media_assets_upload_uq').on(t.uploadId),
    index('media_assets_search_idx').using('gin', sql`to_tsvector('simple', ${t.title} || ' ' || ${t.filename})`),
    /** substring / typo-tolerant matches on the title and file name (ILIKE and similarity) */
    index('media_assets_name_trgm_idx').using('gin', sql`lower(${t.title} || ' ' || ${t.filename}) gin_trgm_ops`),
    check('media_assets_size_ck', sql`${t.sizeBytes} >= 0`),
  ],
);

/** Storage use per organization, kept in step with `media_assets` in the same transaction. */
export const mediaQuotas = pgTable('media_quotas', {
  organizationId: uuid('organization_id').primaryKey(),
  /** null: the platform default (config) applies */
  limitBytes: bigint('limit_bytes', { mode: 'number' }),
  usedBytes: bigint('used_bytes', { mode: 'number' }).notNull().default(0),
  ...timestamps(),
});

/**
 * Which lesson uses which asset ("used by", and delete refused while used). A lesson has at most
 * one attachment per role; a video lesson's video is role `video`.
 */
export const mediaAttachments = pgTable(
  'media_attachments',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    assetId: uuid('asset_id')
      .notNull()
      .references(() => mediaAssets.id, { onDelete: 'restrict' }),
    courseId: uuid('course_id').notNull(),
    lessonId: uuid('lesson_id').notNull(),
    role: text('role', { enum: ['video', 'document'] }).notNull(),
    position: integer('position').notNull().default(0),
    createdBy: uuid('created_by').notNull(),
    ...timestamps(),
  },
  (t) => [uniqueIndex('media_attachments_lesson_role_uq').on(t.lessonId, t.role), index('media_attachments_asset_idx').on(t.assetId)],
);
