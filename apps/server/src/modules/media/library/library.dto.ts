import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { MEDIA_ASSET_STATUSES, MEDIA_KINDS } from './library.schema.js';

const isoDate = z.iso.datetime({ offset: true });

export const AssetParams = z.strictObject({ assetId: z.uuid() });
export class AssetParamsDto extends createZodDto(AssetParams) {}

export const ListAssetsQuery = z.strictObject({
  ...pageQuery,
  /** words of the title or file name (full text, plus substring matches) */
  q: z.string().trim().max(200).optional(),
  kind: z.enum(MEDIA_KINDS).optional(),
});
export class ListAssetsQueryDto extends createZodDto(ListAssetsQuery) {}

export const RenameAsset = z.strictObject({
  title: z.string().trim().min(1, 'Give the file a title.').max(200),
});
export class RenameAssetDto extends createZodDto(RenameAsset) {}

export const AssetVariant = z.object({
  name: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  /** a short-lived signed link */
  url: z.string(),
});

export const MediaAsset = z.object({
  id: z.uuid(),
  kind: z.enum(MEDIA_KINDS),
  status: z.enum(MEDIA_ASSET_STATUSES),
  title: z.string(),
  filename: z.string(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  /** why the file was refused (status `refused`) */
  refusalReason: z.string().nullable(),
  /** a short-lived signed link to the original, once stored */
  url: z.string().nullable(),
  /** resized images (thumb 320, medium 800, large 1600, webp), once made */
  variants: z.array(AssetVariant),
  /** a video's processing state when the list was read (live changes arrive as `media.video.status`) */
  video: z.object({ id: z.uuid(), status: z.string(), progress: z.number(), failureReason: z.string().nullable() }).nullable(),
  createdBy: z.uuid(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export class MediaAssetDto extends createZodDto(MediaAsset) {}
export class MediaAssetPageDto extends createZodDto(pageOf(MediaAsset)) {}

export const AssetUse = z.object({
  courseId: z.uuid(),
  courseTitle: z.string(),
  lessonId: z.uuid(),
  lessonTitle: z.string(),
  role: z.enum(['video', 'document']),
});
export const AssetUsage = z.object({ items: z.array(AssetUse) });
export class AssetUsageDto extends createZodDto(AssetUsage) {}

export const MediaQuota = z.object({
  usedBytes: z.number().int(),
  /** bytes held by uploads still in flight (they count against the limit) */
  reservedBytes: z.number().int(),
  limitBytes: z.number().int(),
  /** the largest single tus upload accepted */
  maxUploadBytes: z.number().int(),
  /** the largest plain multipart upload accepted */
  maxDirectUploadBytes: z.number().int(),
});
export class MediaQuotaDto extends createZodDto(MediaQuota) {}

export const LessonAttachmentParams = z.strictObject({ courseId: z.uuid(), lessonId: z.uuid() });
export class LessonAttachmentParamsDto extends createZodDto(LessonAttachmentParams) {}

export const PutLessonAttachment = z.strictObject({ assetId: z.uuid() });
export class PutLessonAttachmentDto extends createZodDto(PutLessonAttachment) {}

export const LessonAttachment = z.object({
  attachment: z
    .object({
      courseId: z.uuid(),
      lessonId: z.uuid(),
      role: z.enum(['video', 'document']),
      asset: MediaAsset,
    })
    .nullable(),
});
export class LessonAttachmentDto extends createZodDto(LessonAttachment) {}
