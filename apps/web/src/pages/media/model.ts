import type { components } from '@lyceum/api-client';

type S = components['schemas'];

export type MediaAsset = S['MediaAssetDto_Output'];
export type MediaAssetPage = S['MediaAssetPageDto_Output'];
export type MediaQuota = S['MediaQuotaDto_Output'];
export type AssetUsage = S['AssetUsageDto_Output'];
export type LessonAttachment = S['LessonAttachmentDto_Output'];
export type MediaKind = MediaAsset['kind'];

export const TUS_ENDPOINT = '/api/v1/media/uploads';
export const mediaKey = ['media'] as const;
export const quotaKey = ['media', 'quota'] as const;

/** The live status the processing pipeline pushes to the organization room (`media.video.status`). */
export interface VideoStatusMessage {
  videoId: string;
  assetId: string;
  status: string;
  progress: number;
  failureReason: string | null;
}

export function formatBytes(n: number, lang: string): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: i === 0 ? 0 : 1 }).format(v)} ${units[i]}`;
}

export function thumbnailOf(a: MediaAsset): string | null {
  return a.variants.find((v) => v.name === 'thumb')?.url ?? null;
}
