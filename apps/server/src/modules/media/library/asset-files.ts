import { Inject, Injectable } from '@nestjs/common';
import { and, eq, lt } from 'drizzle-orm';
import sharp from 'sharp';
import { DB, type Database, inTransaction } from '../../../kernel/db/index.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { DeleteAssetFilesJob, UPLOAD_IDLE_HOURS } from './library.jobs.js';
import { STORAGE, type Storage } from '../../../kernel/storage/index.js';
import { mediaAssets } from './library.schema.js';
import { addUsage } from './quota.js';
import { IMAGE_SIZES } from './media-types.js';
import { TusUploads } from './tus-uploads.js';

type Variants = (typeof mediaAssets.$inferSelect)['variants'];

/** The jobs that work on an asset's files: image sizes, and deleting the bytes of a deleted asset. */
@Injectable()
export class AssetFiles {
  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly tus: TusUploads,
    private readonly jobs: JobsService,
  ) {}

  /**
   * Abandoned uploads (no byte received for UPLOAD_IDLE_HOURS) stop holding quota: their rows go,
   * with a job deleting their parts, in one transaction. Returns how many expired.
   */
  async expireIdleUploads(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - UPLOAD_IDLE_HOURS * 3600_000);
    return inTransaction(this.db, async (tx) => {
      const gone = await tx
        .delete(mediaAssets)
        .where(and(eq(mediaAssets.status, 'uploading'), lt(mediaAssets.updatedAt, cutoff)))
        .returning({ uploadId: mediaAssets.uploadId });
      for (const g of gone) await this.jobs.enqueue(tx, DeleteAssetFilesJob, { keys: [], tusUploadId: g.uploadId });
      return gone.length;
    });
  }

  /** Resizes a stored image to the standard webp widths (never upscaled). Idempotent: same keys each run. */
  async makeImageVariants(assetId: string): Promise<void> {
    const [asset] = await this.db.select().from(mediaAssets).where(eq(mediaAssets.id, assetId));
    if (!asset || asset.kind !== 'image' || asset.status !== 'stored') return;
    const obj = await this.storage.get(asset.storageKey);
    if (!obj) return;
    const chunks: Buffer[] = [];
    for await (const c of obj.body) chunks.push(c as Buffer);
    const original = Buffer.concat(chunks);
    const prefix = asset.storageKey.slice(0, asset.storageKey.lastIndexOf('/'));
    const variants: Variants = {};
    for (const size of IMAGE_SIZES) {
      // rotate() applies the EXIF orientation before resizing
      const { data, info } = await sharp(original).rotate().resize({ width: size.width, withoutEnlargement: true }).webp({ quality: 80 }).toBuffer({ resolveWithObject: true });
      const key = `${prefix}/${size.name}.webp`;
      await this.storage.put(key, data, { contentType: 'image/webp' });
      variants[size.name] = { key, width: info.width, height: info.height, contentType: 'image/webp', sizeBytes: data.length };
    }
    const bytes = (v: Variants) => Object.values(v).reduce((n, x) => n + x.sizeBytes, 0);
    // the quota counts the variants too; a rerun (same keys) adds only the difference
    const updated = await inTransaction(this.db, async (tx) => {
      const [cur] = await tx.select({ variants: mediaAssets.variants }).from(mediaAssets).where(eq(mediaAssets.id, assetId)).for('update');
      if (!cur) return [];
      await addUsage(tx, asset.organizationId, bytes(variants) - bytes(cur.variants));
      return tx.update(mediaAssets).set({ variants, updatedAt: new Date() }).where(eq(mediaAssets.id, assetId)).returning({ id: mediaAssets.id });
    });
    // deleted while resizing: its delete job knew no variants, so remove them here
    if (updated.length === 0) for (const v of Object.values(variants)) await this.storage.delete(v.key);
  }

  async deleteFiles(keys: string[], tusUploadId: string | null): Promise<void> {
    for (const key of keys) await this.storage.delete(key);
    if (tusUploadId) await this.tus.discard(tusUploadId);
  }
}
