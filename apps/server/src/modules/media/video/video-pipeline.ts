import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database, PG_POOL } from '../../../kernel/db/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import type { JobContext } from '../../../kernel/jobs/index.js';
import { STORAGE, type Storage } from '../../../kernel/storage/index.js';
import { addMediaUsage } from '../library/index.js';
import { VideoFailed, VideoReady } from '../media.events.js';
import { HlsKeyVault } from './hls-keys.js';
import { RunAborted, runProcess } from './processing/ffmpeg-run.js';
import { encryptHlsOutput } from './processing/hls-encryption.js';
import { buildLadderArgs, HLS_MASTER_NAME, MPD_NAME, planLadder, progressFromLine, SEGMENT_SECONDS } from './processing/ladder.js';
import { captionRevision, deleteKeys, uploadFiles } from './processing/output-files.js';
import { PermanentVideoError, probeFile } from './processing/probe.js';
import { buildPosterArgs, buildStoryboardArgs, planStoryboard, POSTER_NAME, STORYBOARD_IMAGE, STORYBOARD_VTT, storyboardVtt } from './processing/thumbnails.js';
import { FfmpegToolchain } from './processing/toolchain.js';
import { findSourceAsset } from './source-asset.query.js';
import { withVideoLock } from './video-lock.js';
import { VideoStatusNotifier } from './video-status.js';
import { type VideoOutput, type VideoProbe, type VideoRendition, type VideoStatus, videoCaptions, videos } from './video.schema.js';

type VideoRow = typeof videos.$inferSelect;
const IN_FLIGHT: VideoStatus[] = ['uploaded', 'probing', 'transcoding', 'packaging'];

class Canceled extends Error {}

/** Points tests can hook into (a crash between upload and publish); unused in production. */
export interface PipelineHooks {
  afterUpload?: (videoId: string, prefix: string) => Promise<void>;
}

/** Reads the `CODECS` / `BANDWIDTH` attributes ffmpeg wrote into the HLS master for each variant. */
function renditionsFrom(master: string, rungs: ReturnType<typeof planLadder>, hasAudio: boolean): VideoRendition[] {
  const inf = [...master.matchAll(/^#EXT-X-STREAM-INF:(.*)$/gm)].map((m) => m[1]!);
  const attr = (line: string, name: string) => new RegExp(`(?:^|,)${name}=("([^"]*)"|[^,]*)`).exec(line)?.[2] ?? new RegExp(`(?:^|,)${name}=([^,]*)`).exec(line)?.[1] ?? '';
  const out: VideoRendition[] = rungs.map((r, i) => {
    const line = inf[i] ?? '';
    const codecs = attr(line, 'CODECS').split(',').find((c) => c.startsWith('avc1')) ?? 'avc1.64001f';
    return { name: r.name, kind: 'video', width: r.width, height: r.height, bandwidth: r.bitrate, codecs };
  });
  if (hasAudio) out.push({ name: 'audio', kind: 'audio', width: null, height: null, bandwidth: 128_000, codecs: 'mp4a.40.2' });
  return out;
}

/**
 * The processing job of one video. Crash safety: everything is built in a temp directory, then
 * uploaded under a fresh `videos/<videoId>/<outputId>/` prefix whose keys are recorded in
 * `pending_output` first; `output` is switched (with `ready` and the VideoReady event) in one
 * transaction only after every upload finished. A later attempt deletes a pending prefix that
 * was never published.
 */
@Injectable()
export class VideoPipeline {
  private readonly log = new Logger('video');
  private readonly running = new Map<string, AbortController>();
  hooks: PipelineHooks = {};

  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly toolchain: FfmpegToolchain,
    private readonly events: EventBus,
    private readonly notifier: VideoStatusNotifier,
    private readonly keys: HlsKeyVault,
  ) {}

  /** Kills this process's ffmpeg for `videoId`, if one runs here (other nodes notice the DB state). */
  abortLocal(videoId: string): void {
    this.running.get(videoId)?.abort();
  }

  private notify(v: Pick<VideoRow, 'id' | 'assetId' | 'organizationId' | 'status' | 'progress' | 'failureReason'>): void {
    this.notifier.send(v.organizationId, { videoId: v.id, assetId: v.assetId, status: v.status, progress: v.progress, failureReason: v.failureReason });
  }

  /** Moves an in-flight video to `status`; throws Canceled when it was canceled meanwhile. */
  private async advance(id: string, status: VideoStatus, extra: PgUpdateSetSource<typeof videos> = {}): Promise<VideoRow> {
    const [row] = await this.db
      .update(videos)
      .set({ status, updatedAt: new Date(), ...extra })
      .where(and(eq(videos.id, id), inArray(videos.status, IN_FLIGHT)))
      .returning();
    if (!row) throw new Canceled();
    this.notify(row);
    return row;
  }

  async process(videoId: string, job: JobContext): Promise<void> {
    if (!this.toolchain.status.ready) {
      this.log.warn(`video ${videoId} waits: ${this.toolchain.status.blockedReason}`);
      return; // stays `uploaded`; re-enqueued at boot once ffmpeg is there
    }
    await withVideoLock(this.pool, videoId, () => this.processLocked(videoId, job));
  }

  private async processLocked(videoId: string, job: JobContext): Promise<void> {
    const [video] = await this.db.select().from(videos).where(eq(videos.id, videoId));
    if (!video || !IN_FLIGHT.includes(video.status)) return; // canceled, done or deleted: a stale job
    await this.cleanPending(video);
    const controller = new AbortController();
    this.running.set(videoId, controller);
    const work = await mkdtemp(path.join(os.tmpdir(), 'lyceum-video-'));
    try {
      await this.run(video, work, controller.signal);
    } catch (err) {
      if (err instanceof Canceled || err instanceof RunAborted) {
        const [now] = await this.db.select().from(videos).where(eq(videos.id, videoId));
        if (now) await this.cleanPending(now);
        if (now?.status === 'canceled') return;
        if (err instanceof RunAborted) throw new Error('ffmpeg was stopped');
        return;
      }
      if (err instanceof PermanentVideoError) return this.fail(videoId, err.message);
      const last = job.attempt >= job.maxAttempts;
      this.log.warn(`video ${videoId} attempt ${job.attempt}/${job.maxAttempts} failed: ${(err as Error).message}`);
      if (last) return this.fail(videoId, `We could not convert this video after ${job.attempt} attempts (${(err as Error).message.slice(0, 300)}). Try again, or export it again as MP4 (H.264) and upload it anew.`);
      throw err;
    } finally {
      this.running.delete(videoId);
      await rm(work, { recursive: true, force: true });
    }
  }

  /** Deletes keys an earlier attempt uploaded but never published. */
  private async cleanPending(video: VideoRow): Promise<void> {
    if (!video.pendingOutput) return;
    const published = new Set(video.outputKeys);
    const orphans = video.pendingOutput.keys.filter((k) => !published.has(k));
    await deleteKeys(this.storage, orphans);
    await this.db.update(videos).set({ pendingOutput: null }).where(eq(videos.id, video.id));
    if (orphans.length) this.log.log(`video ${video.id}: removed ${orphans.length} files of an unfinished attempt`);
  }

  private async run(video: VideoRow, work: string, signal: AbortSignal): Promise<void> {
    // `encrypted` is read from this update's row: the setting cannot change once a video is probing
    const started = await this.advance(video.id, 'probing', { progress: 0, failureReason: null, attempts: sql`${videos.attempts} + 1` });
    const asset = await findSourceAsset(this.db, video.organizationId, video.assetId);
    if (!asset) throw new PermanentVideoError('The uploaded file is gone from the library, so there is nothing to convert.');
    const source = path.join(work, 'source');
    const obj = await this.storage.get(asset.storageKey);
    if (!obj) throw new PermanentVideoError('The uploaded file is missing from storage; upload it again.');
    await pipeline(obj.body, createWriteStream(source));

    const probe = await probeFile(this.toolchain.status.ffprobe, source, signal);
    await this.advance(video.id, 'transcoding', { probe, durationSeconds: probe.durationSeconds, progress: 0 });

    const out = path.join(work, 'out');
    await mkdir(out);
    const rungs = planLadder(probe);
    const args = buildLadderArgs({ input: source, outDir: out, probe, rungs, preset: this.config.VIDEO_X264_PRESET });
    let check: Promise<void> = Promise.resolve();
    const result = await runProcess(this.toolchain.status.ffmpeg, args, {
      signal,
      onLine: (line) => {
        const pct = progressFromLine(line, probe.durationSeconds);
        if (pct === null || !this.notifier.progressDue(video.id)) return;
        check = check.then(() => this.reportProgress(video.id, pct, signal));
      },
    });
    await check;
    if (result.code !== 0) throw new Error(`ffmpeg exited with ${result.code ?? result.signal}: ${result.stderr.trim().split('\n').slice(-2).join(' ')}`);

    await this.advance(video.id, 'packaging', { progress: 100 });
    await this.thumbnails(source, out, probe, signal);
    const contentKey = started.encrypted ? this.contentKey(started) : null;
    if (contentKey) {
      // the segments are encrypted whole (HLS AES-128), which DASH cannot play: no MPD (ADR 0009)
      await encryptHlsOutput(out, contentKey);
      await rm(path.join(out, MPD_NAME));
    }
    const baseMaster = await readFile(path.join(out, HLS_MASTER_NAME), 'utf8');
    const baseMpd = contentKey ? '' : await readFile(path.join(out, MPD_NAME), 'utf8');
    const captions = await this.db.select().from(videoCaptions).where(eq(videoCaptions.videoId, video.id)).orderBy(asc(videoCaptions.language));
    const rev = uuidv7().replace(/-/g, '').slice(-12);
    const revision = captionRevision(rev, baseMaster, baseMpd, captions, probe.durationSeconds);

    const outputId = uuidv7();
    const prefix = `videos/${video.id}/${outputId}/`;
    const localNames = (await readdir(out)).sort();
    const keys = [...localNames, ...revision.files.keys()].map((n) => prefix + n);
    await this.db.update(videos).set({ pendingOutput: { prefix, keys } }).where(eq(videos.id, video.id));
    await uploadFiles(this.storage, prefix, out, localNames, revision.files);
    await this.hooks.afterUpload?.(video.id, prefix);

    const localBytes = (await Promise.all(localNames.map(async (n) => (await stat(path.join(out, n))).size))).reduce((a, b) => a + b, 0);
    const revisionBytes = [...revision.files.values()].reduce((n, text) => n + Buffer.byteLength(text, 'utf8'), 0);
    const output: VideoOutput = {
      prefix,
      hlsMaster: revision.hlsMaster,
      dashManifest: revision.dashManifest,
      poster: POSTER_NAME,
      storyboardImage: STORYBOARD_IMAGE,
      storyboardVtt: STORYBOARD_VTT,
      renditions: renditionsFrom(baseMaster, rungs, probe.hasAudio),
      segmentSeconds: SEGMENT_SECONDS,
      encrypted: Boolean(contentKey),
      bytes: localBytes + revisionBytes,
      revisionBytes,
    };
    const previous = await this.publish(video.id, output, keys, probe, contentKey ? this.keys.seal(contentKey) : null);
    if (previous === null) {
      await deleteKeys(this.storage, keys); // canceled while uploading
      await this.db.update(videos).set({ pendingOutput: null }).where(eq(videos.id, video.id));
      return;
    }
    await deleteKeys(this.storage, previous);
  }

  /** The video's key when it has one (so a re-encode keeps serving viewers of the old output), else a new one. */
  private contentKey(video: VideoRow): Buffer {
    if (video.encryptionKey) {
      try {
        return this.keys.open(video.encryptionKey);
      } catch {
        this.log.warn(`video ${video.id}: its stored key cannot be opened (AUTH_SECRET changed?); a new key is made`);
      }
    }
    return this.keys.newKey();
  }

  private async reportProgress(id: string, pct: number, signal: AbortSignal): Promise<void> {
    const [row] = await this.db
      .update(videos)
      .set({ progress: pct, updatedAt: new Date() })
      .where(and(eq(videos.id, id), eq(videos.status, 'transcoding')))
      .returning();
    if (!row) {
      // canceled (possibly from another node): stop ffmpeg
      this.running.get(id)?.abort();
      return;
    }
    if (!signal.aborted) this.notify(row);
  }

  private async thumbnails(source: string, out: string, probe: VideoProbe, signal: AbortSignal): Promise<void> {
    const ffmpeg = this.toolchain.status.ffmpeg;
    const plan = planStoryboard(probe);
    const poster = await runProcess(ffmpeg, buildPosterArgs(source, path.join(out, POSTER_NAME), probe), { signal });
    if (poster.code !== 0) throw new Error(`poster: ${poster.stderr.trim().split('\n').pop() ?? ''}`);
    const sprite = await runProcess(ffmpeg, buildStoryboardArgs(source, path.join(out, STORYBOARD_IMAGE), plan), { signal });
    if (sprite.code !== 0) throw new Error(`storyboard: ${sprite.stderr.trim().split('\n').pop() ?? ''}`);
    await writeFile(path.join(out, STORYBOARD_VTT), storyboardVtt(plan, probe.durationSeconds));
  }

  /**
   * The pointer switch: output, ready and VideoReady in one transaction. Returns the keys of the
   * output it replaced (to delete), or null when the video was canceled meanwhile.
   */
  private async publish(id: string, output: VideoOutput, keys: string[], probe: VideoProbe, sealedKey: Buffer | null): Promise<string[] | null> {
    const done = await this.db.transaction(async (tx) => {
      const [cur] = await tx.select().from(videos).where(eq(videos.id, id)).for('update');
      if (!cur || cur.status !== 'packaging') return null;
      const [row] = await tx
        .update(videos)
        .set({ output, outputKeys: keys, encryptionKey: sealedKey, pendingOutput: null, status: 'ready', progress: 100, failureReason: null, readyAt: new Date(), updatedAt: new Date() })
        .where(eq(videos.id, id))
        .returning();
      // the quota counts the published output instead of the one it replaces
      await addMediaUsage(tx, cur.organizationId, (output.bytes ?? 0) - (cur.output?.bytes ?? 0));
      await this.events.emit(tx, VideoReady, { organizationId: cur.organizationId, videoId: id, assetId: cur.assetId, durationSeconds: probe.durationSeconds });
      return { row: row!, previous: cur.outputKeys };
    });
    if (!done) return null;
    this.notify(done.row);
    this.log.log(`video ${id} is ready (${output.renditions.length} renditions under ${output.prefix})`);
    return done.previous;
  }

  /** Ends a video in `failed` with a reason a person understands, and emits VideoFailed. */
  private async fail(id: string, reason: string): Promise<void> {
    const row = await this.db.transaction(async (tx) => {
      const [r] = await tx
        .update(videos)
        .set({ status: 'failed', failureReason: reason, updatedAt: new Date() })
        .where(and(eq(videos.id, id), inArray(videos.status, IN_FLIGHT)))
        .returning();
      if (r) await this.events.emit(tx, VideoFailed, { organizationId: r.organizationId, videoId: id, assetId: r.assetId, reason });
      return r;
    });
    if (row) this.notify(row);
  }
}
