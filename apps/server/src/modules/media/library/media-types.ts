import type { MediaKind } from './library.schema.js';

/** What each kind of library file may be, as detected from its bytes (never from its name). */
export const ACCEPTED_TYPES: Record<MediaKind, readonly string[]> = {
  video: ['video/mp4', 'video/quicktime', 'video/webm', 'video/x-matroska', 'video/x-msvideo', 'video/mpeg'],
  audio: ['audio/mpeg', 'audio/wav', 'audio/ogg', 'audio/x-m4a', 'audio/mp4', 'audio/aac', 'audio/flac', 'audio/webm'],
  image: ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/avif'],
  document: ['application/pdf'],
};

export const ALL_ACCEPTED_TYPES: readonly string[] = Object.values(ACCEPTED_TYPES).flat();

/** The kind a content type belongs to, or null when the library does not take it. */
export function kindOfType(contentType: string | null | undefined): MediaKind | null {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!base) return null;
  for (const [kind, types] of Object.entries(ACCEPTED_TYPES) as [MediaKind, readonly string[]][]) {
    if (types.includes(base)) return kind;
  }
  if (base.startsWith('video/')) return 'video';
  if (base.startsWith('audio/')) return 'audio';
  if (base.startsWith('image/')) return 'image';
  return null;
}

/** Images are resized to these widths (never upscaled), as webp. */
export const IMAGE_SIZES = [
  { name: 'thumb', width: 320 },
  { name: 'medium', width: 800 },
  { name: 'large', width: 1600 },
] as const;
