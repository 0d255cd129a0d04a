import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { DB, type Database } from '../../../kernel/db/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { STORAGE, type Storage } from '../../../kernel/storage/index.js';
import type { Session, TestApp } from '../../../test/harness.js';
import { MediaAssetStored } from '../media.events.js';
import { mediaAssets } from '../library/index.js';
import { videos } from './video.schema.js';

/*
 * Test fixtures (used by *.test.ts only). Until the library's upload lands, a test makes the
 * `media_assets` + `videos` rows the library would make, puts the file into storage, and emits
 * MediaAssetStored in the same transaction, as the library does.
 */

const dir = mkdtempSync(path.join(os.tmpdir(), 'lyceum-video-src-'));
const cache = new Map<string, string>();

export type SourceKind = 'landscape' | 'rotated' | 'silent' | 'corrupt';

/** A few seconds of testsrc2 + sine made by ffmpeg (cached per kind). */
export function makeSource(kind: SourceKind, seconds = 6): string {
  const key = `${kind}-${seconds}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const file = path.join(dir, `${key}.mp4`);
  const size = kind === 'landscape' || kind === 'corrupt' ? '854x480' : '640x360';
  const ff = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'pipe' });
  const video = ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25`];
  const audio = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'];
  const enc = ['-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
  if (kind === 'silent') ff([...video, ...enc, file]);
  else if (kind === 'rotated') {
    const flat = path.join(dir, `flat-${seconds}.mp4`);
    ff([...video, ...audio, ...enc, '-c:a', 'aac', flat]);
    ff(['-i', flat, '-c', 'copy', '-metadata:s:v', 'rotate=90', file]);
  } else if (kind === 'corrupt') {
    const good = readFileSync(makeSource('landscape', seconds));
    // the first 4 KB of a real MP4 (ftyp, no moov) followed by noise: a file that claims to be a video
    writeFileSync(file, Buffer.concat([good.subarray(0, 4096), Buffer.alloc(20_000, 0x5a)]));
  } else ff([...video, ...audio, ...enc, '-c:a', 'aac', file]);
  cache.set(key, file);
  return file;
}

/** a member of an organization (as the enrollment fixtures' createOrg/addMember return) */
export interface OrgMember extends Session {
  orgId: string;
}

export interface MadeVideo {
  videoId: string;
  assetId: string;
}

/** What the library does on a finished upload: asset + video rows, the file in storage, MediaAssetStored. */
export async function uploadVideo(t: TestApp, by: OrgMember, file: string, opts: { firstUpload?: boolean; title?: string } = {}): Promise<MadeVideo> {
  const db = t.app.get<symbol, Database>(DB);
  const storage = t.app.get<symbol, Storage>(STORAGE);
  const assetId = uuidv7();
  const storageKey = `media/${by.orgId}/${assetId}/original`;
  const bytes = readFileSync(file);
  await storage.put(storageKey, bytes, { contentType: 'video/mp4' });
  const videoId = await db.transaction(async (tx) => {
    await tx.insert(mediaAssets).values({
      id: assetId,
      organizationId: by.orgId,
      kind: 'video',
      filename: path.basename(file),
      title: opts.title ?? path.basename(file),
      contentType: 'video/mp4',
      sizeBytes: bytes.length,
      storageKey,
      createdBy: by.userId,
    });
    const [v] = await tx
      .insert(videos)
      .values({ organizationId: by.orgId, assetId, createdBy: by.userId, priority: opts.firstUpload ? 10 : 0 })
      .returning({ id: videos.id });
    await t.app.get(EventBus).emit(tx, MediaAssetStored, { organizationId: by.orgId, assetId, kind: 'video', createdBy: by.userId, firstUpload: opts.firstUpload ?? false });
    return v!.id;
  });
  return { videoId, assetId };
}

/** The bytes of a storage object as text (null when missing). */
export async function storageText(t: TestApp, key: string): Promise<string | null> {
  const obj = await t.app.get<symbol, Storage>(STORAGE).get(key);
  if (!obj) return null;
  const chunks: Buffer[] = [];
  for await (const c of obj.body) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function storageBytes(t: TestApp, key: string): Promise<Buffer> {
  const obj = await t.app.get<symbol, Storage>(STORAGE).get(key);
  if (!obj) throw new Error(`missing ${key}`);
  const chunks: Buffer[] = [];
  for await (const c of obj.body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
