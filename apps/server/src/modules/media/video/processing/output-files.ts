import { createReadStream } from 'node:fs';
import type { Storage } from '../../../../kernel/storage/index.js';
import { HLS_MASTER_NAME, MPD_NAME } from './ladder.js';
import { captionPlaylist, type ManifestCaption, withDashCaptions, withHlsCaptions } from './manifests.js';

const TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  mpd: 'application/dash+xml',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  jpg: 'image/jpeg',
  vtt: 'text/vtt; charset=utf-8',
};

export function contentTypeFor(name: string): string {
  return TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
}

/** Files of a caption revision (`master-<rev>.m3u8`, `manifest-<rev>.mpd`, `captions/<rev>/…`): replaced when captions change. */
export function isRevisionFile(relative: string): boolean {
  return /^(master-[A-Za-z0-9]+\.m3u8|manifest-[A-Za-z0-9]+\.mpd|captions\/.+)$/.test(relative);
}

export interface CaptionTrack {
  language: string;
  label: string;
  isDefault: boolean;
  vtt: string;
}

export interface CaptionRevision {
  hlsMaster: string;
  dashManifest: string;
  /** relative name -> contents */
  files: Map<string, string>;
}

/**
 * The manifests announcing `captions`, under new names (`master-<rev>.m3u8`, `manifest-<rev>.mpd`,
 * `captions/<rev>/<lang>.{vtt,m3u8}`) so that publishing them is a pointer switch. With no captions
 * the caption-less manifests ffmpeg wrote are the published ones. `baseMpd` '' means no DASH.
 */
export function captionRevision(rev: string, baseMaster: string, baseMpd: string, captions: readonly CaptionTrack[], durationSeconds: number): CaptionRevision {
  const files = new Map<string, string>();
  if (captions.length === 0) return { hlsMaster: HLS_MASTER_NAME, dashManifest: baseMpd ? MPD_NAME : '', files };
  const tracks: ManifestCaption[] = captions.map((c) => ({
    language: c.language,
    label: c.label,
    isDefault: c.isDefault,
    playlistUri: `captions/${rev}/${c.language}.m3u8`,
    vttUri: `captions/${rev}/${c.language}.vtt`,
  }));
  for (const c of captions) {
    files.set(`captions/${rev}/${c.language}.vtt`, c.vtt);
    files.set(`captions/${rev}/${c.language}.m3u8`, captionPlaylist(durationSeconds, `${c.language}.vtt`));
  }
  const hlsMaster = `master-${rev}.m3u8`;
  files.set(hlsMaster, withHlsCaptions(baseMaster, tracks));
  let dashManifest = '';
  if (baseMpd) {
    dashManifest = `manifest-${rev}.mpd`;
    files.set(dashManifest, withDashCaptions(baseMpd, tracks));
  }
  return { hlsMaster, dashManifest, files };
}

async function inBatches<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
}

/** Uploads local files (`localDir/<name>`) and in-memory ones under `prefix`, four at a time. */
export async function uploadFiles(storage: Storage, prefix: string, localDir: string, localNames: readonly string[], inline: ReadonlyMap<string, string>): Promise<void> {
  await inBatches(localNames, 4, async (name) => {
    await storage.put(prefix + name, createReadStream(`${localDir}/${name}`), { contentType: contentTypeFor(name) });
  });
  await inBatches([...inline], 4, async ([name, text]) => {
    await storage.put(prefix + name, Buffer.from(text, 'utf8'), { contentType: contentTypeFor(name) });
  });
}

export async function deleteKeys(storage: Storage, keys: readonly string[]): Promise<void> {
  await inBatches(keys, 8, (k) => storage.delete(k));
}

export async function readText(storage: Storage, key: string): Promise<string | null> {
  const obj = await storage.get(key);
  if (!obj) return null;
  const chunks: Buffer[] = [];
  for await (const c of obj.body) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
