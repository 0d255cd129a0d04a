import type { components } from '@lyceum/api-client';

type S = components['schemas'];
export type Video = S['VideoDto_Output'];
export type Caption = S['CaptionDto_Output'];
export type CaptionSummary = Video['captions'][number];

export const videoByAssetKey = (assetId: string) => ['video', 'by-asset', assetId] as const;
export const captionKey = (videoId: string, language: string) => ['video', videoId, 'caption', language] as const;

/** What the server pushes on `media.video.status` (media.events.ts VideoStatusMessage). */
export interface VideoStatusMessage {
  videoId: string;
  assetId: string;
  status: Video['status'];
  progress: number;
  failureReason: string | null;
}

export const ACTIVE_STATUSES: readonly Video['status'][] = ['uploaded', 'probing', 'transcoding', 'packaging'];

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}
