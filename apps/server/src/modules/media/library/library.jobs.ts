import { z } from 'zod';
import { defineJob } from '../../../kernel/jobs/index.js';

/** Resizes a stored image into the standard webp sizes and records them in `variants`. */
export const ImageVariantsJob = defineJob('media.image_variants', z.object({ assetId: z.uuid() }), { maxAttempts: 5 });

/**
 * Deletes the bytes of an asset whose row is already gone (the DB is changed first, in one
 * transaction; this job removes the files afterwards and is retried until it succeeds).
 */
export const DeleteAssetFilesJob = defineJob(
  'media.delete_asset_files',
  z.object({ keys: z.array(z.string()), tusUploadId: z.string().nullable() }),
  { maxAttempts: 12 },
);

/** Uploads idle this long are abandoned: their reservation is released and their parts deleted. */
export const UPLOAD_IDLE_HOURS = 24;

/** Expires abandoned tus uploads (hourly, at minute 23). */
export const ExpireUploadsJob = defineJob('media.expire_uploads', z.object({}), { maxAttempts: 5 });
export const EXPIRE_UPLOADS_CRON = '23 * * * *';
