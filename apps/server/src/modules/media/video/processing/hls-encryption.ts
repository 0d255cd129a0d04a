import { createCipheriv, randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HLS_MASTER_NAME } from './ladder.js';

/**
 * HLS AES-128 over the CMAF output (ADR 0009): every media segment ffmpeg wrote is encrypted whole
 * with AES-128-CBC (PKCS#7 padding) under the video's key and a random IV of its own, and each media
 * playlist announces it with `#EXT-X-KEY:METHOD=AES-128,URI="key",IV=0x…` right before the segment.
 * The init segments (`#EXT-X-MAP`, codec set-up only, no samples) stay clear: the key tags come after
 * the map, so players read them as unencrypted. `key` resolves against the playlist's URL to the
 * stream route's key endpoint of the playback session.
 */
export const HLS_KEY_URI = 'key';

/** The media playlist with a key tag (and that segment's IV) before each segment; `segments` in order. */
export function withKeyTags(playlist: string, ivs: readonly Buffer[]): { text: string; segments: string[] } {
  const out: string[] = [];
  const segments: string[] = [];
  let pending: string[] | null = null;
  for (const line of playlist.replace(/\r\n?/g, '\n').split('\n')) {
    if (line.startsWith('#EXT-X-KEY:') || line.startsWith('#EXT-X-BYTERANGE:')) throw new Error(`unexpected ${line.split(':')[0]} in a media playlist`);
    if (line.startsWith('#EXTINF:')) pending = [line];
    else if (pending && line.startsWith('#')) pending.push(line);
    else if (pending && line.trim()) {
      const iv = ivs[segments.length];
      if (!iv || iv.length !== 16) throw new Error(`no 16-byte IV for segment ${segments.length + 1}`);
      out.push(`#EXT-X-KEY:METHOD=AES-128,URI="${HLS_KEY_URI}",IV=0x${iv.toString('hex')}`, ...pending, line);
      segments.push(line.trim());
      pending = null;
    } else out.push(line);
  }
  if (pending) out.push(...pending);
  return { text: out.join('\n'), segments };
}

export function encryptSegment(plain: Buffer, key: Buffer, iv: Buffer): Buffer {
  const c = createCipheriv('aes-128-cbc', key, iv);
  return Buffer.concat([c.update(plain), c.final()]);
}

const segmentCount = (playlist: string) => playlist.split('\n').filter((l) => l.trim() && !l.startsWith('#')).length;

/**
 * Encrypts, in `outDir`, every segment the media playlists list and rewrites those playlists.
 * Returns the names of the encrypted segments.
 */
export async function encryptHlsOutput(outDir: string, key: Buffer, newIv: () => Buffer = () => randomBytes(16)): Promise<string[]> {
  const playlists = (await readdir(outDir)).filter((n) => n.endsWith('.m3u8') && n !== HLS_MASTER_NAME).sort();
  if (!playlists.length) throw new Error('the HLS output has no media playlists to encrypt');
  const done: string[] = [];
  for (const name of playlists) {
    const text = await readFile(path.join(outDir, name), 'utf8');
    const ivs = Array.from({ length: segmentCount(text) }, newIv);
    const rewritten = withKeyTags(text, ivs);
    for (const [i, seg] of rewritten.segments.entries()) {
      if (seg.includes('/') || seg.includes('..')) throw new Error(`segment outside the output: ${seg}`);
      const file = path.join(outDir, seg);
      await writeFile(file, encryptSegment(await readFile(file), key, ivs[i]!));
      done.push(seg);
    }
    await writeFile(path.join(outDir, name), rewritten.text);
  }
  return done;
}
