import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../../../../kernel/db/index.js';
import type { Storage } from '../../../../kernel/storage/index.js';
import { mediaAssets, mediaAttachments } from '../../library/index.js';
import type { HlsKeyVault } from '../hls-keys.js';
import { type VideoOutput, type VideoStatus, videoCaptions, videos } from '../video.schema.js';
import { streamContentType } from './stream.route.js';

/*
 * A ready video built the way processing publishes one, for the playback tests and the benchmark
 * (the demo data runs the real pipeline instead, see demo-video.seed.ts): a testsrc2 + sine clip encoded by ffmpeg into two H.264 renditions and AAC audio,
 * packaged as CMAF (HLS and DASH over the same 4 s segments), with a poster and a storyboard, stored
 * under `videos/<videoId>/<outputId>/`, plus the media_assets, media_attachments and videos rows.
 */

const run = promisify(execFile);
/** the tests' clip length; the demo data asks for a longer one */
export const FIXTURE_SECONDS = 8;
const FFMPEG = process.env.FFMPEG_PATH || 'ffmpeg';

const cache = new Map<string, Promise<string>>();

async function ffmpeg(args: string[], cwd: string): Promise<void> {
  await run(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { cwd });
}

const STORYBOARD = { cols: 4, every: 2, w: 80, h: 45 };

async function thumbnails(dir: string, source: string, seconds: number): Promise<void> {
  await ffmpeg(['-ss', '1', '-i', source, '-frames:v', '1', '-q:v', '4', 'poster.jpg'], dir);
  const { cols, every, w, h } = STORYBOARD;
  await ffmpeg(['-i', source, '-vf', `fps=1/${every},scale=${w}:${h},tile=${cols}x1`, '-frames:v', '1', '-q:v', '5', 'storyboard.jpg'], dir);
  const fmt = (s: number) => `00:${String(Math.floor(Math.min(s, seconds) / 60)).padStart(2, '0')}:${String(Math.min(s, seconds) % 60).padStart(2, '0')}.000`;
  let vtt = 'WEBVTT\n\n';
  for (let i = 0; i < Math.ceil(seconds / every); i++) {
    vtt += `${fmt(i * every)} --> ${fmt((i + 1) * every)}\nstoryboard.jpg#xywh=${i * w},0,${w},${h}\n\n`;
  }
  await writeFile(path.join(dir, 'storyboard.vtt'), vtt);
}

/** The packaged files in a temp dir (built once per process and kind). */
function packaged(kind: 'cmaf' | 'aes', seconds: number): Promise<string> {
  let p = cache.get(`${kind}-${seconds}`);
  if (!p) {
    p = (async () => {
      const dir = path.join(os.tmpdir(), `lyceum-demo-video-${process.pid}-${kind}-${seconds}`);
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      await ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=320x180:rate=25:duration=${seconds}`, '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', '-shortest', 'source.mp4'], dir);
      const x264 = ['-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-preset', 'veryfast', '-g', '50', '-keyint_min', '50', '-sc_threshold', '0'];
      if (kind === 'cmaf') {
        await ffmpeg(
          ['-i', 'source.mp4', '-filter_complex', '[0:v]split=2[a][b];[b]scale=160:90[b2]', '-map', '[a]', '-map', '[b2]', '-map', '0:a',
            ...x264, '-b:v:0', '300k', '-b:v:1', '120k', '-c:a', 'aac', '-b:a', '64k', '-ac', '2',
            '-f', 'dash', '-seg_duration', '4', '-use_template', '1', '-use_timeline', '0', '-hls_playlist', '1', '-adaptation_sets', 'id=0,streams=v id=1,streams=a', 'manifest.mpd'],
          dir,
        );
      } else {
        // HLS AES-128 needs MPEG-TS segments in ffmpeg 5 ("encrypted fmp4 not yet supported").
        await ffmpeg(
          ['-i', 'source.mp4', ...x264, '-c:a', 'aac', '-ac', '2', '-f', 'hls', '-hls_time', '4', '-hls_playlist_type', 'vod', '-hls_segment_filename', 'seg-%03d.ts',
            '-hls_enc', '1', '-hls_enc_key', FIXTURE_AES_KEY.toString('hex'), '-hls_enc_key_url', 'key', '-master_pl_name', 'master.m3u8', 'media.m3u8'],
          dir,
        );
      }
      await thumbnails(dir, 'source.mp4', seconds);
      return dir;
    })();
    cache.set(`${kind}-${seconds}`, p);
  }
  return p;
}

export const FIXTURE_AES_KEY = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

export const FIXTURE_CAPTIONS_VTT = 'WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nHello from the test pattern\n\n00:00:04.000 --> 00:00:08.000\nStill the test pattern\n';

export interface ReadyVideoSpec {
  organizationId: string;
  courseId: string;
  lessonId: string;
  createdBy: string;
  /** HLS AES-128 (MPEG-TS segments, no DASH); needs `keys` to seal FIXTURE_AES_KEY as processing does */
  encrypted?: boolean;
  keys?: HlsKeyVault;
  /** default: an English caption track */
  captions?: boolean;
  /** insert the videos row in this state instead of ready (no output) */
  status?: VideoStatus;
  /** clip length, default FIXTURE_SECONDS */
  seconds?: number;
  title?: string;
}

export interface ReadyVideo {
  videoId: string;
  assetId: string;
  outputId: string;
  prefix: string;
  /** the stored files relative to the prefix */
  files: string[];
}

/** Stores a packaged clip and inserts the rows that make `lessonId` a lesson with that video. */
export async function createReadyVideo(db: Database, storage: Storage, spec: ReadyVideoSpec): Promise<ReadyVideo> {
  const encrypted = spec.encrypted ?? false;
  if (encrypted && !spec.keys) throw new Error('an encrypted fixture video needs the HlsKeyVault to seal its key');
  const videoId = uuidv7();
  const assetId = uuidv7();
  const outputId = uuidv7();
  const prefix = `videos/${videoId}/${outputId}/`;
  const status = spec.status ?? 'ready';
  const seconds = spec.seconds ?? FIXTURE_SECONDS;
  const files: string[] = [];
  const originalKey = `media/${spec.organizationId}/${assetId}/original`;
  let originalBytes = 0;
  if (status === 'ready') {
    const dir = await packaged(encrypted ? 'aes' : 'cmaf', seconds);
    originalBytes = (await storage.put(originalKey, await readFile(path.join(dir, 'source.mp4')), { contentType: 'video/mp4' })).size;
    for (const f of (await readdir(dir)).sort()) {
      const type = streamContentType(f);
      if (!type || f === 'source.mp4') continue; // `key` has no type: keys live in the database only
      await storage.put(prefix + f, await readFile(path.join(dir, f)), { contentType: type.split(';')[0]! });
      files.push(f);
    }
  }
  const output: VideoOutput = {
    prefix,
    hlsMaster: 'master.m3u8',
    dashManifest: encrypted ? '' : 'manifest.mpd',
    poster: 'poster.jpg',
    storyboardImage: 'storyboard.jpg',
    storyboardVtt: 'storyboard.vtt',
    renditions: encrypted
      ? [{ name: '90p', kind: 'video', width: 160, height: 90, bandwidth: 140800, codecs: 'avc1.42c00b,mp4a.40.2' }]
      : [
          { name: '180p', kind: 'video', width: 320, height: 180, bandwidth: 367714, codecs: 'avc1.42c00d' },
          { name: '90p', kind: 'video', width: 160, height: 90, bandwidth: 185744, codecs: 'avc1.42c00c' },
          { name: 'audio', kind: 'audio', width: null, height: null, bandwidth: 64000, codecs: 'mp4a.40.2' },
        ],
    segmentSeconds: 4,
    encrypted,
  };
  await db.transaction(async (tx) => {
    await tx.insert(mediaAssets).values({
      id: assetId,
      organizationId: spec.organizationId,
      kind: 'video',
      filename: 'test-pattern.mp4',
      title: spec.title ?? 'Test pattern',
      contentType: 'video/mp4',
      sizeBytes: originalBytes,
      storageKey: originalKey,
      createdBy: spec.createdBy,
    });
    await tx.insert(mediaAttachments).values({ organizationId: spec.organizationId, assetId, courseId: spec.courseId, lessonId: spec.lessonId, role: 'video', createdBy: spec.createdBy });
    await tx.insert(videos).values({
      id: videoId,
      organizationId: spec.organizationId,
      assetId,
      status,
      progress: status === 'ready' ? 100 : 40,
      output: status === 'ready' ? output : null,
      durationSeconds: status === 'ready' ? seconds : null,
      encrypted,
      encryptionKey: encrypted ? spec.keys!.seal(FIXTURE_AES_KEY) : null,
      readyAt: status === 'ready' ? new Date() : null,
      createdBy: spec.createdBy,
    });
    if (spec.captions ?? true) {
      await tx.insert(videoCaptions).values({ organizationId: spec.organizationId, videoId, language: 'en', label: 'English', isDefault: true, vtt: FIXTURE_CAPTIONS_VTT, updatedBy: spec.createdBy });
    }
  });
  return { videoId, assetId, outputId, prefix, files };
}

