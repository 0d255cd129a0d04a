import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, ilike, lt, or, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import { type OrgContext, type RequestContext, requirePermission } from '../../../kernel/auth/index.js';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database, inTransaction } from '../../../kernel/db/index.js';
import { AppError, Conflict, NotFound, PayloadTooLarge } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import type { IdempotencyFingerprint } from '../../../kernel/http/idempotency.interceptor.js';
import { EventBus } from '../../../kernel/events/index.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { UploadService, UrlSigner } from '../../../kernel/storage/index.js';
import { CoursesService } from '../../learning/courses/index.js';
import { MediaAssetDeleted } from '../media.events.js';
import { AssetIntake, type AssetRow } from './asset-intake.service.js';
import { findLessonAsset } from './attachments.query.js';
import type { AssetUsage, ListAssetsQuery, MediaAsset, MediaQuota } from './library.dto.js';
import { DeleteAssetFilesJob } from './library.jobs.js';
import { mediaAssets, mediaAttachments } from './library.schema.js';
import { ALL_ACCEPTED_TYPES } from './media-types.js';
import { addUsage, formatBytes, readQuota } from './quota.js';

export const MEDIA_MANAGE = 'media.manage';

/**
 * The organization's media library: list and search, one asset, rename, delete (refused while a
 * lesson uses it), "used by", quota, and small files over multipart. Also the public door other
 * modules use (`lessonAsset`). Large files arrive through TusUploads.
 */
interface VideoState {
  id: string;
  status: string;
  progress: number;
  failureReason: string | null;
}

@Injectable()
export class MediaLibraryService {
  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly intake: AssetIntake,
    private readonly uploads: UploadService,
    private readonly signer: UrlSigner,
    private readonly jobs: JobsService,
    private readonly events: EventBus,
    private readonly courses: CoursesService,
  ) {}

  // ---- public door for other modules ----

  /** The asset attached to a lesson in `role`, or null. Playback calls this. */
  async lessonAsset(lessonId: string, role: 'video' | 'document'): Promise<{ assetId: string; organizationId: string; courseId: string } | null> {
    const a = await findLessonAsset(this.db, lessonId, role);
    return a ? { assetId: a.assetId, organizationId: a.organizationId, courseId: a.courseId } : null;
  }

  // ---- presenting ----

  /** The processing state of the given video assets (the video submodule's rows, read side). */
  private async videoStates(assetIds: string[]): Promise<Map<string, VideoState>> {
    if (assetIds.length === 0) return new Map();
    const res = await this.db.execute<{ asset_id: string; id: string; status: string; progress: number; failure_reason: string | null }>(
      sql`SELECT asset_id, id, status, progress, failure_reason FROM videos WHERE asset_id IN (${sql.join(assetIds.map((id) => sql`${id}::uuid`), sql`, `)})`,
    );
    return new Map(res.rows.map((r) => [r.asset_id, { id: r.id, status: r.status, progress: Number(r.progress), failureReason: r.failure_reason }]));
  }

  private async presentMany(rows: AssetRow[], viewerId: string): Promise<z.input<typeof MediaAsset>[]> {
    const states = await this.videoStates(rows.filter((r) => r.kind === 'video').map((r) => r.id));
    return rows.map((r) => this.present(r, viewerId, states.get(r.id) ?? null));
  }

  private async presentOne(row: AssetRow, viewerId: string): Promise<z.input<typeof MediaAsset>> {
    return (await this.presentMany([row], viewerId))[0]!;
  }

  present(row: AssetRow, viewerId: string, video: VideoState | null = null): z.input<typeof MediaAsset> {
    const stored = row.status === 'stored';
    return {
      video,
      id: row.id,
      kind: row.kind,
      status: row.status,
      title: row.title,
      filename: row.filename,
      contentType: row.contentType,
      sizeBytes: row.sizeBytes,
      refusalReason: row.refusalReason,
      url: stored ? this.signer.sign(row.storageKey, { bindTo: viewerId, filename: row.filename }) : null,
      variants: stored
        ? Object.entries(row.variants).map(([name, v]) => ({
            name,
            width: v.width ?? null,
            height: v.height ?? null,
            contentType: v.contentType,
            sizeBytes: v.sizeBytes,
            url: this.signer.sign(v.key, { bindTo: viewerId }),
          }))
        : [],
      createdBy: row.createdBy,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  private async assetOf(org: OrgContext, assetId: string): Promise<AssetRow> {
    const [row] = await this.db
      .select()
      .from(mediaAssets)
      .where(and(eq(mediaAssets.id, assetId), eq(mediaAssets.organizationId, org.membership.orgId)));
    if (!row) throw new NotFound('Media file');
    return row;
  }

  /** An asset of the caller's organization, for modules acting on the caller's behalf (attachments). */
  async assetInOrg(org: OrgContext, assetId: string): Promise<AssetRow> {
    return this.assetOf(org, assetId);
  }

  // ---- library API ----

  async list(ctx: RequestContext, q: z.output<typeof ListAssetsQuery>): Promise<Page<z.input<typeof MediaAsset>>> {
    const org = requirePermission(ctx, MEDIA_MANAGE);
    const cursor = decodeCursor(q.cursor, 1);
    const where = [eq(mediaAssets.organizationId, org.membership.orgId)];
    if (q.kind) where.push(eq(mediaAssets.kind, q.kind));
    if (cursor) where.push(lt(mediaAssets.id, String(cursor[0])));
    if (q.q) {
      const like = `%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
      where.push(
        or(
          sql`to_tsvector('simple', ${mediaAssets.title} || ' ' || ${mediaAssets.filename}) @@ websearch_to_tsquery('simple', ${q.q})`,
          ilike(sql`lower(${mediaAssets.title} || ' ' || ${mediaAssets.filename})`, like),
        )!,
      );
    }
    const rows = await this.db
      .select()
      .from(mediaAssets)
      .where(and(...where))
      .orderBy(desc(mediaAssets.id))
      .limit(q.limit + 1);
    const page = toPage(rows, q.limit, (r) => [r.id], (r) => r);
    return { ...page, items: await this.presentMany(page.items, org.actor.userId) };
  }

  async get(ctx: RequestContext, assetId: string): Promise<z.input<typeof MediaAsset>> {
    const org = requirePermission(ctx, MEDIA_MANAGE);
    return this.presentOne(await this.assetOf(org, assetId), org.actor.userId);
  }

  async rename(ctx: RequestContext, assetId: string, title: string): Promise<z.input<typeof MediaAsset>> {
    const org = requirePermission(ctx, MEDIA_MANAGE);
    await this.assetOf(org, assetId);
    const [row] = await this.db
      .update(mediaAssets)
      .set({ title, updatedAt: new Date() })
      .where(and(eq(mediaAssets.id, assetId), eq(mediaAssets.organizationId, org.membership.orgId)))
      .returning();
    if (!row) throw new NotFound('Media file');
    return this.presentOne(row, org.actor.userId);
  }

  async usedBy(ctx: RequestContext, assetId: string): Promise<z.input<typeof AssetUsage>> {
    const org = requirePermission(ctx, MEDIA_MANAGE);
    await this.assetOf(org, assetId);
    return { items: await this.usesOf(assetId) };
  }

  private async usesOf(assetId: string): Promise<z.input<typeof AssetUsage>['items']> {
    const rows = await this.db.select().from(mediaAttachments).where(eq(mediaAttachments.assetId, assetId)).orderBy(mediaAttachments.id);
    const out: z.input<typeof AssetUsage>['items'] = [];
    for (const r of rows) {
      const course = await this.courses.getCourseInfo(r.courseId);
      const lesson = course ? await this.courses.getDraftLessonRef(r.courseId, r.lessonId) : null;
      out.push({ courseId: r.courseId, courseTitle: course?.title ?? '(deleted course)', lessonId: r.lessonId, lessonTitle: lesson?.title ?? '(deleted lesson)', role: r.role });
    }
    return out;
  }

  /**
   * Deletes an asset: refused with 409 (and the lessons listed) while one uses it. The rows go first,
   * in one transaction with the quota release and the job that then deletes the files.
   */
  async delete(ctx: RequestContext, assetId: string): Promise<void> {
    const org = requirePermission(ctx, MEDIA_MANAGE);
    await this.assetOf(org, assetId);
    const conflict = await inTransaction(this.db, async (tx) => {
      const [asset] = await tx.select().from(mediaAssets).where(and(eq(mediaAssets.id, assetId), eq(mediaAssets.organizationId, org.membership.orgId))).for('update');
      if (!asset) throw new NotFound('Media file');
      const [used] = await tx.select({ id: mediaAttachments.id }).from(mediaAttachments).where(eq(mediaAttachments.assetId, assetId)).limit(1);
      if (used) return true;
      // the video's row goes with the asset (its foreign key cascades); processing hears of it
      const video =
        asset.kind === 'video'
          ? await tx.execute<{ id: string; output_keys: string[]; pending_keys: string[] | null; output_bytes: string | null }>(
              sql`SELECT id, output_keys, pending_output->'keys' AS pending_keys, output->>'bytes' AS output_bytes FROM videos WHERE asset_id = ${assetId} FOR UPDATE`,
            )
          : null;
      // the published stream and any half-written one go with the original
      const videoKeys = video?.rows[0] ? [...(video.rows[0].output_keys ?? []), ...(video.rows[0].pending_keys ?? [])] : [];
      await tx.delete(mediaAssets).where(eq(mediaAssets.id, assetId));
      await this.events.emit(tx, MediaAssetDeleted, { organizationId: asset.organizationId, assetId, kind: asset.kind, videoId: video?.rows[0]?.id ?? null });
      // the quota gives back the original, its image sizes and the video's published output
      const processedBytes = Object.values(asset.variants).reduce((n, v) => n + v.sizeBytes, 0) + Number(video?.rows[0]?.output_bytes ?? 0);
      if (asset.status === 'stored') await addUsage(tx, asset.organizationId, -(asset.sizeBytes + processedBytes));
      const keys = asset.status === 'stored' ? [asset.storageKey, ...Object.values(asset.variants).map((v) => v.key), ...videoKeys] : [];
      await this.jobs.enqueue(tx, DeleteAssetFilesJob, { keys, tusUploadId: asset.status === 'uploading' ? asset.uploadId : null });
      return false;
    });
    if (conflict) {
      const usedBy = await this.usesOf(assetId);
      const where = usedBy.map((u) => `"${u.lessonTitle}" in "${u.courseTitle}"`).join(', ');
      throw new Conflict(`This file is used by ${usedBy.length === 1 ? 'a lesson' : `${usedBy.length} lessons`} (${where}); detach it there first.`, 'asset_in_use', { usedBy });
    }
  }

  async quota(ctx: RequestContext): Promise<z.input<typeof MediaQuota>> {
    const org = requirePermission(ctx, MEDIA_MANAGE);
    const q = await readQuota(this.db, org.membership.orgId, this.config.MEDIA_QUOTA_BYTES);
    return { ...q, maxUploadBytes: this.config.MEDIA_MAX_UPLOAD_BYTES, maxDirectUploadBytes: this.config.UPLOAD_MAX_BYTES };
  }

  /** A small file (image, PDF, short clip) over plain multipart, sniffed on arrival. */
  /**
   * A multipart upload. With an Idempotency-Key its fingerprint (the file's SHA-256, size and name,
   * and the form fields) is supplied once the file is in storage and before anything is recorded:
   * a retry answers the first upload (or 422 for another file) and its copy is removed.
   */
  async uploadDirect(ctx: RequestContext, req: FastifyRequest, idem: IdempotencyFingerprint | null = null): Promise<z.input<typeof MediaAsset>> {
    const org = requirePermission(ctx, MEDIA_MANAGE);
    const q = await readQuota(this.db, org.membership.orgId, this.config.MEDIA_QUOTA_BYTES);
    const free = q.limitBytes - q.usedBytes - q.reservedBytes;
    // a retry of a finished upload stores nothing: the space its file took is already counted
    const quotaBound = !idem?.replaying && free < this.config.UPLOAD_MAX_BYTES;
    const assetId = uuidv7();
    const file = await this.uploads
      .receive(req, {
        allowed: ALL_ACCEPTED_TYPES,
        // never stream more than the free space; the exact check runs again under the quota lock
        maxBytes: quotaBound ? Math.max(1, free) : this.config.UPLOAD_MAX_BYTES,
        keyPrefix: `media/${org.membership.orgId}/${assetId}`,
      })
      .catch((err: unknown) => {
        if (quotaBound && err instanceof AppError && err.code === 'file_too_large') {
          throw new PayloadTooLarge(`This file does not fit in your organization's media storage: ${formatBytes(Math.max(0, free))} left. Delete files from the library or ask for a larger quota.`, 'quota_exceeded');
        }
        throw err;
      });
    const fingerprint = idem ? () => idem.supply({ sha256: file.sha256, size: file.size, filename: file.originalName, fields: file.fields }) : undefined;
    const row = await this.intake.storeDirect(org, assetId, file, fingerprint, idem?.key);
    return this.presentOne(row, org.actor.userId);
  }
}
