import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../kernel/db/index.js';
import { mediaAssets } from '../library/index.js';

export interface SourceAsset {
  id: string;
  organizationId: string;
  storageKey: string;
  title: string;
  status: string;
}

/** The library asset a video is made from (read only: the library owns `media_assets`). */
export async function findSourceAsset(db: DbOrTx, organizationId: string, assetId: string): Promise<SourceAsset | null> {
  const [row] = await db
    .select({ id: mediaAssets.id, organizationId: mediaAssets.organizationId, storageKey: mediaAssets.storageKey, title: mediaAssets.title, status: mediaAssets.status })
    .from(mediaAssets)
    .where(and(eq(mediaAssets.id, assetId), eq(mediaAssets.organizationId, organizationId)));
  return row ?? null;
}
