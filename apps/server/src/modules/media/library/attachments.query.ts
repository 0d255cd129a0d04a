import { and, eq } from 'drizzle-orm';
import type { Database, Tx } from '../../../kernel/db/index.js';
import { mediaAssets, mediaAttachments } from './library.schema.js';

export interface LessonAsset {
  assetId: string;
  organizationId: string;
  courseId: string;
  kind: string;
  status: string;
}

/** The asset attached to a lesson in the given role, or null. Read side shared by the media submodules. */
export async function findLessonAsset(db: Database | Tx, lessonId: string, role: 'video' | 'document'): Promise<LessonAsset | null> {
  const [row] = await db
    .select({
      assetId: mediaAttachments.assetId,
      organizationId: mediaAttachments.organizationId,
      courseId: mediaAttachments.courseId,
      kind: mediaAssets.kind,
      status: mediaAssets.status,
    })
    .from(mediaAttachments)
    .innerJoin(mediaAssets, eq(mediaAssets.id, mediaAttachments.assetId))
    .where(and(eq(mediaAttachments.lessonId, lessonId), eq(mediaAttachments.role, role)))
    .limit(1);
  return row ?? null;
}
