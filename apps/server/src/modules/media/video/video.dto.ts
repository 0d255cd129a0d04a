import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { VIDEO_STATUSES } from './video.schema.js';

const isoDate = z.iso.datetime({ offset: true });

export const VideoParams = z.strictObject({ videoId: z.uuid() });
export class VideoParamsDto extends createZodDto(VideoParams) {}

export const VideoAssetParams = z.strictObject({ assetId: z.uuid() });
export class VideoAssetParamsDto extends createZodDto(VideoAssetParams) {}

/** BCP 47 language tag (e.g. en, pt-BR, zh-Hant), checked by Intl. */
export const Bcp47 = z
  .string()
  .trim()
  .min(2)
  .max(35)
  .regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, 'Use a BCP 47 language tag such as "en" or "pt-BR".')
  .transform((tag, c) => {
    try {
      return Intl.getCanonicalLocales(tag)[0]!;
    } catch {
      c.addIssue({ code: 'custom', message: 'Use a BCP 47 language tag such as "en" or "pt-BR".' });
      return z.NEVER;
    }
  });

export const CaptionParams = z.strictObject({ videoId: z.uuid(), language: Bcp47 });
export class CaptionParamsDto extends createZodDto(CaptionParams) {}

export const VideoProbeSchema = z.object({
  durationSeconds: z.number(),
  width: z.number().int(),
  height: z.number().int(),
  frameRate: z.number(),
  videoCodec: z.string(),
  audioCodec: z.string().nullable(),
  rotation: z.number().int(),
  hasAudio: z.boolean(),
  bitRate: z.number().nullable(),
});

export const VideoRenditionSchema = z.object({
  name: z.string(),
  kind: z.enum(['video', 'audio']),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  bandwidth: z.number().int(),
  codecs: z.string(),
});

export const CaptionSummary = z.object({
  id: z.uuid(),
  language: z.string(),
  label: z.string(),
  isDefault: z.boolean(),
  updatedAt: isoDate,
});
export class CaptionSummaryDto extends createZodDto(CaptionSummary) {}

export const Caption = CaptionSummary.extend({ vtt: z.string() });
export class CaptionDto extends createZodDto(Caption) {}

export const Video = z.object({
  id: z.uuid(),
  assetId: z.uuid(),
  status: z.enum(VIDEO_STATUSES),
  /** 0..100 while transcoding */
  progress: z.number(),
  failureReason: z.string().nullable(),
  /** set while this server cannot process videos at all (ffmpeg missing or too old): what to install */
  processingBlocked: z.string().nullable(),
  probe: VideoProbeSchema.nullable(),
  renditions: z.array(VideoRenditionSchema),
  durationSeconds: z.number().nullable(),
  priority: z.number().int(),
  attempts: z.number().int(),
  /** true once a poster can be fetched from /videos/:id/poster */
  hasPoster: z.boolean(),
  /** the HLS master and DASH MPD keys of the published output (relative to its prefix), for staff diagnostics */
  hlsMaster: z.string().nullable(),
  dashManifest: z.string().nullable(),
  captions: z.array(CaptionSummary),
  /** the setting: processing encrypts this video's HLS segments (AES-128, no DASH) */
  encrypted: z.boolean(),
  /** whether the published output is encrypted (differs from `encrypted` until a re-encode finishes) */
  outputEncrypted: z.boolean(),
  readyAt: isoDate.nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export class VideoDto extends createZodDto(Video) {}

export const SetVideoEncryption = z.strictObject({ encrypted: z.boolean() });
export class SetVideoEncryptionDto extends createZodDto(SetVideoEncryption) {}

export const ReencodeAllResult = z.object({ queued: z.number().int() });
export class ReencodeAllResultDto extends createZodDto(ReencodeAllResult) {}

const label = z.string().trim().min(1, 'Give the track a label, e.g. "English".').max(80);

export const CreateCaption = z.strictObject({
  language: Bcp47,
  label,
  isDefault: z.boolean().default(false),
  /** WebVTT or SRT text (SRT is converted to WebVTT) */
  text: z.string().min(1, 'The caption file is empty.').max(600_000),
  format: z.enum(['auto', 'vtt', 'srt']).default('auto'),
});
export class CreateCaptionDto extends createZodDto(CreateCaption) {}

export const UpdateCaption = z
  .strictObject({
    label: label.optional(),
    isDefault: z.boolean().optional(),
    /** the whole WebVTT text, validated */
    vtt: z.string().min(1).max(600_000).optional(),
  })
  .refine((b) => b.label !== undefined || b.isDefault !== undefined || b.vtt !== undefined, 'Change at least one of label, isDefault, vtt.');
export class UpdateCaptionDto extends createZodDto(UpdateCaption) {}

export const ListCaptionsQuery = z.strictObject({ ...pageQuery });
export class ListCaptionsQueryDto extends createZodDto(ListCaptionsQuery) {}

export const CaptionPage = pageOf(CaptionSummary);
export class CaptionPageDto extends createZodDto(CaptionPage) {}
