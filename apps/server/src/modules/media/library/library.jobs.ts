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
