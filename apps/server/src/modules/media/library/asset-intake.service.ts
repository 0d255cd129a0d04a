import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Inject, Injectable } from '@nestjs/common';
import { and, count, eq, ne, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { OrgContext } from '../../../kernel/auth/index.js';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database, inTransaction, type Tx } from '../../../kernel/db/index.js';
import { AppError, Conflict, NotFound, PayloadTooLarge, UnsupportedMediaType } from '../../../kernel/errors/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { sanitizeFilename, sniffContentType, STORAGE, type Storage, type UploadedFile } from '../../../kernel/storage/index.js';
import { MediaAssetStored } from '../media.events.js';
import { ImageVariantsJob } from './library.jobs.js';
import { type MediaKind, mediaAssets } from './library.schema.js';
import { ACCEPTED_TYPES, kindOfType } from './media-types.js';
import { addUsage, formatBytes, lockQuota } from './quota.js';

export type AssetRow = typeof mediaAssets.$inferSelect;

const SNIFF_BYTES = 4100;

/** Guesses the kind from the file name when the browser sent no type (some send none for .mkv). */
const BY_EXTENSION: Record<string, string> = {
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  avi: 'video/x-msvideo',
  mpg: 'video/mpeg',
  mpeg: 'video/mpeg',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  m4a: 'audio/x-m4a',
  flac: 'audio/flac',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  pdf: 'application/pdf',
};

function declaredType(filetype: string | null | undefined, filename: string): string {
  const t = (filetype ?? '').split(';')[0]!.trim().toLowerCase();
  if (t && t !== 'application/octet-stream') return t;
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase() ?? '';
  return BY_EXTENSION[ext] ?? '';
}

function titleFrom(filename: string): string {
  return filename.replace(/\.[a-z0-9]{1,5}$/i, '').trim().slice(0, 200) || filename.slice(0, 200);
}

function quotaExceeded(free: number, size: number): PayloadTooLarge {
  return new PayloadTooLarge(
    `This file (${formatBytes(size)}) does not fit in your organization's media storage: ${formatBytes(Math.max(0, free))} left. Delete files from the library or ask for a larger quota.`,
    'quota_exceeded',
  );
}

/**
 * Everything that turns received bytes into a library asset: the quota (reserved when a tus upload
 * starts, charged when it is stored), the content sniff, the move into storage under a UUID key,
 * and the one transaction that marks the asset stored, charges the quota, creates the `videos`
 * row and emits `MediaAssetStored`.
 */
@Injectable()
export class AssetIntake {
  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly events: EventBus,
    private readonly jobs: JobsService,
  ) {}

  get quotaDefault(): number {
    return this.config.MEDIA_QUOTA_BYTES;
  }

  /**
   * A tus upload is being created: checks the declared type and length, reserves the space and
   * creates the `uploading` asset. Throws 413 (too large, quota) and 415 (not a library type).
   */
  async beginUpload(ctx: OrgContext, p: { uploadId: string; sizeBytes: number; filename: string | null; filetype: string | null; title: string | null }): Promise<AssetRow> {
    const filename = sanitizeFilename(p.filename ?? undefined);
    const type = declaredType(p.filetype, filename);
    const kind = kindOfType(type);
    if (!kind) {
      throw new UnsupportedMediaType(`The library takes videos, audio, images and PDF documents; "${filename}" is ${type ? type : 'of an unknown type'}.`, 'unsupported_type');
    }
    const max = this.config.MEDIA_MAX_UPLOAD_BYTES;
    if (p.sizeBytes > max) {
      throw new PayloadTooLarge(`This file (${formatBytes(p.sizeBytes)}) is larger than the limit of ${formatBytes(max)} per upload.`, 'file_too_large');
    }
    const orgId = ctx.membership.orgId;
    return inTransaction(this.db, async (tx) => {
      const q = await lockQuota(tx, orgId, this.quotaDefault);
      const free = q.limitBytes - q.usedBytes - q.reservedBytes;
      if (p.sizeBytes > free) throw quotaExceeded(free, p.sizeBytes);
      const id = uuidv7();
      const [row] = await tx
        .insert(mediaAssets)
        .values({
          id,
          organizationId: orgId,
          kind,
          status: 'uploading',
          filename,
          title: (p.title ?? '').trim().slice(0, 200) || titleFrom(filename),
          contentType: type,
          sizeBytes: p.sizeBytes,
          storageKey: `media/${orgId}/${id}/original`,
          uploadId: p.uploadId,
          createdBy: ctx.actor.userId,
        })
        .returning();
      return row!;
    });
  }

  async byUploadId(uploadId: string): Promise<AssetRow | null> {
    const [row] = await this.db.select().from(mediaAssets).where(eq(mediaAssets.uploadId, uploadId));
    return row ?? null;
  }

  /**
   * A tus upload has all its bytes in `file`: sniffs them, then stores or refuses the asset.
   * A refused asset keeps its row (status `refused`, with the reason); the caller removes the file.
   */
  async completeUpload(uploadId: string, file: string): Promise<AssetRow> {
    const asset = await this.byUploadId(uploadId);
    if (!asset || asset.status !== 'uploading') throw new NotFound('Upload');
    const head = await readHead(file);
    let contentType: string;
    try {
      if (head.length === 0) throw new UnsupportedMediaType('The file is empty.', 'file_empty');
      ({ contentType } = await sniffContentType(head, asset.contentType, ACCEPTED_TYPES[asset.kind]));
    } catch (err) {
      if (err instanceof AppError) {
        await this.refuse(asset, err.message);
        throw new UnsupportedMediaType(err.message, 'content_refused');
      }
      throw err;
    }
    const put = await this.storage.put(asset.storageKey, createReadStream(file), { contentType });
    try {
      return await inTransaction(this.db, async (tx) => {
        const [locked] = await tx.select().from(mediaAssets).where(eq(mediaAssets.id, asset.id)).for('update');
        if (!locked || locked.status !== 'uploading') throw new Conflict('The upload was deleted while it finished.', 'upload_gone');
        await lockQuota(tx, asset.organizationId, this.quotaDefault);
        const [stored] = await tx
          .update(mediaAssets)
          .set({ status: 'stored', contentType, sizeBytes: put.size, sha256: put.sha256, uploadId: null, updatedAt: new Date() })
          .where(eq(mediaAssets.id, asset.id))
          .returning();
        await addUsage(tx, asset.organizationId, put.size);
        await this.afterStored(tx, stored!);
        return stored!;
      });
    } catch (err) {
      await this.storage.delete(asset.storageKey).catch(() => undefined);
      throw err;
    }
  }

  private async refuse(asset: AssetRow, reason: string): Promise<void> {
    await this.db
      .update(mediaAssets)
      .set({ status: 'refused', refusalReason: reason, uploadId: null, updatedAt: new Date() })
      .where(and(eq(mediaAssets.id, asset.id), eq(mediaAssets.status, 'uploading')));
  }

  /**
   * A small file received through multipart (already sniffed and in storage under `file.key`).
   * `beforeStore` runs before anything is recorded (the Idempotency-Key check); when it or the
   * storing transaction throws, the file is removed and nothing is counted. With an
   * `idempotencyKey`, an asset already stored under it (by a request that died before it could
   * answer) is returned instead, and this copy of the file is removed.
   */
  async storeDirect(ctx: OrgContext, assetId: string, file: UploadedFile, beforeStore?: () => Promise<void>, idempotencyKey?: string): Promise<AssetRow> {
    const kind: MediaKind | null = kindOfType(file.contentType);
    const orgId = ctx.membership.orgId;
    try {
      await beforeStore?.();
      if (!kind) throw new UnsupportedMediaType(`Files of type ${file.contentType} are not accepted in the library.`, 'unsupported_type');
      const stored = await inTransaction(this.db, async (tx) => {
        const q = await lockQuota(tx, orgId, this.quotaDefault);
        if (idempotencyKey) {
          const [prior] = await tx.select().from(mediaAssets).where(and(eq(mediaAssets.organizationId, orgId), eq(mediaAssets.idempotencyKey, idempotencyKey)));
          // the fingerprint check already matched this request to the key's first one
          if (prior) return { row: prior, fresh: false };
        }
        const free = q.limitBytes - q.usedBytes - q.reservedBytes;
        if (file.size > free) throw quotaExceeded(free, file.size);
        const title = (file.fields.title ?? '').trim().slice(0, 200) || titleFrom(file.originalName);
        const [row] = await tx
          .insert(mediaAssets)
          .values({
            id: assetId,
            organizationId: orgId,
            kind,
            status: 'stored',
            filename: file.originalName,
            title,
            contentType: file.contentType,
            sizeBytes: file.size,
            storageKey: file.key,
            sha256: file.sha256,
            createdBy: ctx.actor.userId,
            idempotencyKey: idempotencyKey ?? null,
          })
          .returning();
        await addUsage(tx, orgId, file.size);
        await this.afterStored(tx, row!);
        return { row: row!, fresh: true };
      });
      if (!stored.fresh) await this.storage.delete(file.key).catch(() => undefined);
      return stored.row;
    } catch (err) {
      await this.storage.delete(file.key).catch(() => undefined);
      throw err;
    }
  }

  /** Inside the storing transaction: the `videos` row for a video, the event, the image job. */
  private async afterStored(tx: Tx, asset: AssetRow): Promise<void> {
    let firstUpload = false;
    if (asset.kind === 'video') {
      const [prior] = await tx
        .select({ n: count() })
        .from(mediaAssets)
        .where(and(eq(mediaAssets.organizationId, asset.organizationId), eq(mediaAssets.createdBy, asset.createdBy), eq(mediaAssets.kind, 'video'), eq(mediaAssets.status, 'stored'), ne(mediaAssets.id, asset.id)));
      firstUpload = (prior?.n ?? 0) === 0;
      // The processing submodule owns `videos`; the row must exist atomically with the asset, so
      // only the columns it documented for creation are written here (status defaults to uploaded).
      await tx.execute(sql`INSERT INTO videos (id, organization_id, asset_id, created_by, priority)
        VALUES (${uuidv7()}, ${asset.organizationId}, ${asset.id}, ${asset.createdBy}, ${firstUpload ? 10 : 0})
        ON CONFLICT (asset_id) DO NOTHING`);
    }
    await this.events.emit(tx, MediaAssetStored, { organizationId: asset.organizationId, assetId: asset.id, kind: asset.kind, createdBy: asset.createdBy, firstUpload });
    if (asset.kind === 'image') await this.jobs.enqueue(tx, ImageVariantsJob, { assetId: asset.id });
  }
}

async function readHead(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
