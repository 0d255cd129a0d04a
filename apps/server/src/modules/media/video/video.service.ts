import { Inject, Injectable, Logger } from '@nestjs/common';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { RequestContext } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx, inTransaction, type Tx } from '../../../kernel/db/index.js';
import { Conflict, NotFound } from '../../../kernel/errors/index.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { STORAGE, type Storage } from '../../../kernel/storage/index.js';
import type { MediaAssetStored } from '../media.events.js';
import type { EventDef } from '../../../kernel/events/index.js';
import { FfmpegToolchain } from './processing/toolchain.js';
import { VideoPipeline } from './video-pipeline.js';
import { VideoStatusNotifier } from './video-status.js';
import type { Video } from './video.dto.js';
import { BULK_REENCODE_PRIORITY, graphilePriority, ProcessVideoJob, processJobKey } from './video.jobs.js';
import { requireVideoAdmin, requireVideoStaff } from './video.policy.js';
import { type VideoStatus, videoCaptions, videos } from './video.schema.js';

type VideoRow = typeof videos.$inferSelect;
type AssetStored = typeof MediaAssetStored extends EventDef<infer P> ? P : never;

const ACTIVE: VideoStatus[] = ['uploaded', 'probing', 'transcoding', 'packaging'];
/** priority the library gives an instructor's first upload (videos.priority: higher first) */
export const FIRST_UPLOAD_PRIORITY = 10;

/** Videos for staff: status, probe, renditions; retry, cancel, re-encode; the processing queue. */
@Injectable()
export class VideoService {
  private readonly log = new Logger('video');

  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly jobs: JobsService,
    private readonly toolchain: FfmpegToolchain,
    private readonly pipeline: VideoPipeline,
    private readonly notifier: VideoStatusNotifier,
  ) {}

  /** Adds the processing job inside `tx` (job key per video: one pending job at a time). */
  async enqueue(tx: DbOrTx, v: Pick<VideoRow, 'id' | 'priority'>): Promise<void> {
    await this.jobs.enqueue(tx, ProcessVideoJob, { videoId: v.id }, { jobKey: processJobKey(v.id), priority: graphilePriority(v.priority) });
  }

  /** `media.asset_stored`: a video file arrived; its videos row (made by the library) gets its job. */
  async onAssetStored(tx: Tx, e: AssetStored): Promise<void> {
    if (e.kind !== 'video') return;
    let [v] = await tx.select().from(videos).where(eq(videos.assetId, e.assetId));
    if (!v) {
      [v] = await tx
        .insert(videos)
        .values({ organizationId: e.organizationId, assetId: e.assetId, createdBy: e.createdBy, priority: e.firstUpload ? FIRST_UPLOAD_PRIORITY : 0 })
        .onConflictDoNothing()
        .returning();
      if (!v) [v] = await tx.select().from(videos).where(eq(videos.assetId, e.assetId));
    }
    if (v && v.status === 'uploaded') await this.enqueue(tx, v);
  }

  /** With a working ffmpeg (cron): videos left `uploaded` (e.g. while ffmpeg was missing) get their job. */
  async enqueueWaiting(): Promise<number> {
    if (!this.toolchain.status.ready) return 0;
    const waiting = await this.db.select({ id: videos.id, priority: videos.priority }).from(videos).where(eq(videos.status, 'uploaded'));
    if (!waiting.length) return 0;
    const keys = sql.join(waiting.map((w) => sql`${processJobKey(w.id)}`), sql`, `);
    const pending = await this.db.execute<{ key: string }>(sql`SELECT key FROM graphile_worker._private_jobs WHERE key IN (${keys})`);
    const has = new Set(pending.rows.map((r) => r.key));
    const unqueued = waiting.filter((w) => !has.has(processJobKey(w.id)));
    for (const w of unqueued) await this.enqueue(this.db, w);
    if (unqueued.length) this.log.log(`queued ${unqueued.length} video(s) that were waiting for ffmpeg`);
    return unqueued.length;
  }

  async rowFor(ctx: RequestContext, videoId: string): Promise<VideoRow> {
    const o = requireVideoStaff(ctx);
    const [v] = await this.db.select().from(videos).where(and(eq(videos.id, videoId), eq(videos.organizationId, o.membership.orgId)));
    if (!v) throw new NotFound('Video');
    return v;
  }

  async present(v: VideoRow): Promise<z.input<typeof Video>> {
    const caps = await this.db.select().from(videoCaptions).where(eq(videoCaptions.videoId, v.id)).orderBy(asc(videoCaptions.language));
    return {
      id: v.id,
      assetId: v.assetId,
      status: v.status,
      progress: v.progress,
      failureReason: v.failureReason,
      processingBlocked: ACTIVE.includes(v.status) && !this.toolchain.status.ready ? this.toolchain.status.blockedReason : null,
      probe: v.probe ?? null,
      renditions: v.output?.renditions ?? [],
      durationSeconds: v.durationSeconds,
      priority: v.priority,
      attempts: v.attempts,
      hasPoster: Boolean(v.output?.poster),
      hlsMaster: v.output?.hlsMaster ?? null,
      dashManifest: v.output ? v.output.dashManifest : null,
      captions: caps.map((c) => ({ id: c.id, language: c.language, label: c.label, isDefault: c.isDefault, updatedAt: c.updatedAt.toISOString() })),
      encrypted: v.encrypted,
      outputEncrypted: v.output?.encrypted ?? false,
      readyAt: v.readyAt?.toISOString() ?? null,
      createdAt: v.createdAt.toISOString(),
      updatedAt: v.updatedAt.toISOString(),
    };
  }

  async get(ctx: RequestContext, videoId: string) {
    return this.present(await this.rowFor(ctx, videoId));
  }

  async getByAsset(ctx: RequestContext, assetId: string) {
    const o = requireVideoStaff(ctx);
    const [v] = await this.db.select().from(videos).where(and(eq(videos.assetId, assetId), eq(videos.organizationId, o.membership.orgId)));
    if (!v) throw new NotFound('Video');
    return this.present(v);
  }

  /** A failed or canceled video starts over from probing. */
  async retry(ctx: RequestContext, videoId: string) {
    const v = await this.rowFor(ctx, videoId);
    const row = await inTransaction(this.db, async (tx) => {
      const [r] = await tx
        .update(videos)
        .set({ status: 'uploaded', progress: 0, failureReason: null, updatedAt: new Date() })
        .where(and(eq(videos.id, v.id), inArray(videos.status, ['failed', 'canceled'])))
        .returning();
      if (!r) throw new Conflict(`Only a failed or canceled video can be retried; this one is ${v.status}.`, 'video_not_retryable');
      await this.enqueue(tx, r);
      return r;
    });
    this.notify(row);
    return this.present(row);
  }

  /** Stops processing: the pending job is dropped and a running ffmpeg is killed (here at once, elsewhere on its next progress tick). */
  async cancel(ctx: RequestContext, videoId: string) {
    const v = await this.rowFor(ctx, videoId);
    const row = await inTransaction(this.db, async (tx) => {
      const [r] = await tx
        .update(videos)
        .set({ status: 'canceled', updatedAt: new Date() })
        .where(and(eq(videos.id, v.id), inArray(videos.status, ACTIVE)))
        .returning();
      if (!r) throw new Conflict(`Only a video that is being processed can be canceled; this one is ${v.status}.`, 'video_not_cancelable');
      await tx.execute(sql`SELECT graphile_worker.remove_job(${processJobKey(v.id)})`);
      return r;
    });
    this.pipeline.abortLocal(v.id);
    this.notify(row);
    return this.present(row);
  }

  /**
   * Turns HLS AES-128 encryption of one video on or off. A ready video is re-encoded (as in
   * reencodeAll: it keeps its published output until the new one replaces it); a waiting, failed or
   * canceled one uses the setting when it is next processed. While it is being processed (probing to packaging) the
   * setting is locked: 409, because the running job has already chosen.
   */
  async setEncryption(ctx: RequestContext, videoId: string, encrypted: boolean) {
    const v = await this.rowFor(ctx, videoId);
    if (v.encrypted === encrypted) return this.present(v);
    const row = await inTransaction(this.db, async (tx) => {
      const settable: VideoStatus[] = ['uploaded', 'ready', 'failed', 'canceled'];
      const [cur] = await tx.select().from(videos).where(eq(videos.id, v.id)).for('update');
      if (!cur || !settable.includes(cur.status)) {
        throw new Conflict(`Encryption can be changed once processing has finished; this video is ${cur?.status ?? v.status}.`, 'video_busy');
      }
      const reencode = cur.status === 'ready';
      const [r] = await tx
        .update(videos)
        .set({ encrypted, updatedAt: new Date(), ...(reencode ? { status: 'uploaded' as const, progress: 0, failureReason: null } : {}) })
        .where(eq(videos.id, v.id))
        .returning();
      if (reencode) await this.enqueue(tx, r!);
      return r!;
    });
    this.notify(row);
    return this.present(row);
  }

  /**
   * Queues a re-encode of every settled (ready or failed) video of the organization, behind any
   * upload (bulk priority). A ready video keeps its published output until the new one replaces it.
   */
  async reencodeAll(ctx: RequestContext): Promise<{ queued: number }> {
    const o = requireVideoAdmin(ctx);
    const rows = await inTransaction(this.db, async (tx) => {
      const rs = await tx
        .update(videos)
        .set({ status: 'uploaded', progress: 0, failureReason: null, priority: BULK_REENCODE_PRIORITY, updatedAt: new Date() })
        .where(and(eq(videos.organizationId, o.membership.orgId), inArray(videos.status, ['ready', 'failed'])))
        .returning();
      for (const r of rs) await this.enqueue(tx, r);
      return rs;
    });
    for (const r of rows) this.notify(r);
    return { queued: rows.length };
  }

  /** The poster or storyboard sprite bytes of a published video, for the staff page. */
  async image(ctx: RequestContext, videoId: string, which: 'poster' | 'storyboard'): Promise<Buffer> {
    const v = await this.rowFor(ctx, videoId);
    const name = which === 'poster' ? v.output?.poster : v.output?.storyboardImage;
    if (!v.output || !name) throw new NotFound('Poster');
    const obj = await this.storage.get(v.output.prefix + name);
    if (!obj) throw new NotFound('Poster');
    const chunks: Buffer[] = [];
    for await (const c of obj.body) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  private notify(v: VideoRow): void {
    this.notifier.send(v.organizationId, { videoId: v.id, assetId: v.assetId, status: v.status, progress: v.progress, failureReason: v.failureReason });
  }
}
