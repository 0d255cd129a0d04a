import { Inject, Injectable, Logger } from '@nestjs/common';
import { and, asc, eq } from 'drizzle-orm';
import type pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { DB, type Database, PG_POOL } from '../../../kernel/db/index.js';
import { STORAGE, type Storage } from '../../../kernel/storage/index.js';
import { HLS_MASTER_NAME, MPD_NAME } from './processing/ladder.js';
import { addMediaUsage } from '../library/index.js';
import { captionRevision, deleteKeys, isRevisionFile, readText, uploadFiles } from './processing/output-files.js';
import { withVideoLock } from './video-lock.js';
import { videoCaptions, videos } from './video.schema.js';

/**
 * Re-announces the captions of a ready video: writes a new revision of the manifests
 * (`master-<rev>.m3u8`, `manifest-<rev>.mpd`, `captions/<rev>/…`) next to the segments, then
 * switches `videos.output.hlsMaster/dashManifest` to it in one update, then deletes the previous
 * revision. A viewer sees the old manifests or the new ones, never a mix.
 */
@Injectable()
export class CaptionsPublisher {
  private readonly log = new Logger('video');

  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(STORAGE) private readonly storage: Storage,
  ) {}

  async publish(videoId: string): Promise<void> {
    await withVideoLock(this.pool, videoId, () => this.publishLocked(videoId));
  }

  private async publishLocked(videoId: string): Promise<void> {
    const [video] = await this.db.select().from(videos).where(eq(videos.id, videoId));
    // Not ready yet: the processing job announces the captions it finds when it publishes.
    if (!video || video.status !== 'ready' || !video.output || !video.durationSeconds) return;
    const out = video.output;
    const baseMaster = await readText(this.storage, out.prefix + HLS_MASTER_NAME);
    if (baseMaster === null) throw new Error(`video ${videoId}: the published master playlist is missing`);
    const baseMpd = out.dashManifest ? ((await readText(this.storage, out.prefix + MPD_NAME)) ?? '') : '';
    const captions = await this.db.select().from(videoCaptions).where(eq(videoCaptions.videoId, videoId)).orderBy(asc(videoCaptions.language));
    const rev = uuidv7().replace(/-/g, '').slice(-12);
    const next = captionRevision(rev, baseMaster, baseMpd, captions, video.durationSeconds);
    const newKeys = [...next.files.keys()].map((n) => out.prefix + n);
    await this.db.update(videos).set({ pendingOutput: { prefix: out.prefix, keys: newKeys } }).where(eq(videos.id, videoId));
    await uploadFiles(this.storage, out.prefix, '', [], next.files);
    const oldRevision = video.outputKeys.filter((k) => isRevisionFile(k.slice(out.prefix.length)));
    const kept = video.outputKeys.filter((k) => !isRevisionFile(k.slice(out.prefix.length)));
    const revisionBytes = [...next.files.values()].reduce((n, text) => n + Buffer.byteLength(text, 'utf8'), 0);
    const switched = await this.db.transaction(async (tx) => {
      const [r] = await tx
        .update(videos)
        .set({
          output: { ...out, hlsMaster: next.hlsMaster, dashManifest: next.dashManifest, ...(out.bytes !== undefined ? { bytes: out.bytes - (out.revisionBytes ?? 0) + revisionBytes, revisionBytes } : {}) },
          outputKeys: [...kept, ...newKeys],
          pendingOutput: null,
          updatedAt: new Date(),
        })
        .where(and(eq(videos.id, videoId), eq(videos.status, 'ready')))
        .returning({ id: videos.id });
      // the quota counts the new caption revision instead of the old one
      if (r && out.bytes !== undefined) await addMediaUsage(tx, video.organizationId, revisionBytes - (out.revisionBytes ?? 0));
      return r;
    });
    if (!switched) {
      await deleteKeys(this.storage, newKeys);
      return;
    }
    await deleteKeys(this.storage, oldRevision);
    this.log.log(`video ${videoId}: manifests now announce ${captions.length} caption track(s)`);
  }
}
