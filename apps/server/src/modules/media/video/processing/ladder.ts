import type { VideoProbe } from '../video.schema.js';

/** One video rung to encode: displayed size (rotation applied) and target bitrate in bits/s. */
export interface Rung {
  name: string;
  width: number;
  height: number;
  bitrate: number;
}

/** Short side -> bitrate; a source is never upscaled past its own short side. */
export const LADDER: readonly { shortSide: number; bitrate: number }[] = [
  { shortSide: 1080, bitrate: 5_000_000 },
  { shortSide: 720, bitrate: 2_800_000 },
  { shortSide: 480, bitrate: 1_400_000 },
  { shortSide: 360, bitrate: 800_000 },
];
export const AUDIO_BITRATE = 128_000;
export const SEGMENT_SECONDS = 4;
export const KEYFRAME_SECONDS = 2;

/** The long/short side ratio as a small fraction p/q (q <= 16), e.g. 16/9, 4/3, 1/1. */
export function aspectFraction(width: number, height: number): { p: number; q: number } {
  const r = Math.max(width, height) / Math.min(width, height);
  let best = { p: 1, q: 1, err: Infinity };
  for (let q = 1; q <= 16; q++) {
    const p = Math.round(r * q);
    const err = Math.abs(p / q - r);
    if (err < best.err - 1e-9) best = { p, q, err };
  }
  return { p: best.p, q: best.q };
}

/**
 * Displayed size with short side at most `shortSide`, even, and with exactly the aspect p/q, so
 * every rung has the same pixel aspect ratio: the dash muxer refuses an adaptation set whose
 * representations differ (854x480 next to 640x360 fails), and players switch only within one.
 */
function fit(width: number, height: number, shortSide: number): { width: number; height: number } {
  const { p, q } = aspectFraction(width, height);
  let k = Math.floor(shortSide / q);
  if ((p % 2 === 1 || q % 2 === 1) && k % 2 === 1) k -= 1;
  k = Math.max(k, 2);
  const short = k * q;
  const long = k * p;
  return width >= height ? { width: long, height: short } : { width: short, height: long };
}

/**
 * The rungs for a source: every ladder step whose short side the source reaches (1080p, 720p,
 * 480p, 360p), never upscaled; a source below 360p gets one rung at its own (even) size.
 */
export function planLadder(probe: Pick<VideoProbe, 'width' | 'height'>): Rung[] {
  const short = Math.min(probe.width, probe.height);
  const rungs = LADDER.filter((s) => s.shortSide <= short).map((s) => ({ name: `${s.shortSide}p`, bitrate: s.bitrate, ...fit(probe.width, probe.height, s.shortSide) }));
  if (rungs.length) return rungs;
  const floorEven = (n: number) => Math.max(2, Math.floor(n / 2) * 2);
  const size = { width: floorEven(probe.width), height: floorEven(probe.height) };
  const pixels = size.width * size.height;
  return [{ name: `${Math.min(size.width, size.height)}p`, bitrate: Math.max(200_000, Math.round((800_000 * pixels) / (640 * 360))), ...size }];
}

export interface LadderArgsInput {
  input: string;
  /** directory the DASH muxer writes into (manifest.mpd, master.m3u8, media_N.m3u8, init-N.m4s, seg-N-00001.m4s) */
  outDir: string;
  probe: Pick<VideoProbe, 'width' | 'height' | 'frameRate' | 'hasAudio'>;
  rungs: Rung[];
  preset: string;
  segmentSeconds?: number;
}

export const MPD_NAME = 'manifest.mpd';
export const HLS_MASTER_NAME = 'master.m3u8';

/**
 * The exact ffmpeg argument list of the ladder: one decode, one x264 encode per rung with
 * keyframes every 2 s at the same timestamps in every rendition (`-force_key_frames` on time,
 * fixed GOP, no scene-cut keyframes), AAC audio, and ffmpeg's dash muxer writing CMAF fMP4
 * segments once, with the DASH MPD and (`-hls_playlist 1`) the HLS master and media playlists
 * over the same files. The benchmark runs this very list bare.
 */
export function buildLadderArgs(o: LadderArgsInput): string[] {
  const seg = o.segmentSeconds ?? SEGMENT_SECONDS;
  const gop = Math.max(1, Math.round(o.probe.frameRate * KEYFRAME_SECONDS));
  const n = o.rungs.length;
  const scales = o.rungs.map((r, i) => `[s${i}]scale=${r.width}:${r.height}:flags=bicubic,setsar=1,format=yuv420p[v${i}]`);
  const graph = n === 1 ? scales[0]!.replace('[s0]', '[0:v:0]') : `[0:v:0]split=${n}${o.rungs.map((_, i) => `[s${i}]`).join('')};${scales.join(';')}`;
  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-i', o.input, '-filter_complex', graph];
  o.rungs.forEach((_, i) => args.push('-map', `[v${i}]`));
  if (o.probe.hasAudio) args.push('-map', '0:a:0');
  args.push(
    '-c:v', 'libx264', '-preset', o.preset, '-pix_fmt', 'yuv420p',
    '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0',
    '-force_key_frames', `expr:gte(t,n_forced*${KEYFRAME_SECONDS})`,
  );
  o.rungs.forEach((r, i) => {
    args.push(`-b:v:${i}`, String(r.bitrate), `-maxrate:v:${i}`, String(Math.round(r.bitrate * 1.07)), `-bufsize:v:${i}`, String(Math.round(r.bitrate * 1.5)));
  });
  if (o.probe.hasAudio) args.push('-c:a', 'aac', '-b:a', String(AUDIO_BITRATE), '-ac', '2', '-ar', '48000');
  args.push(
    '-f', 'dash',
    '-seg_duration', String(seg),
    '-use_template', '1', '-use_timeline', '1',
    '-hls_playlist', '1', '-hls_master_name', HLS_MASTER_NAME,
    '-adaptation_sets', o.probe.hasAudio ? 'id=0,streams=v id=1,streams=a' : 'id=0,streams=v',
    '-init_seg_name', 'init-$RepresentationID$.m4s',
    '-media_seg_name', 'seg-$RepresentationID$-$Number%05d$.m4s',
    '-progress', 'pipe:1', '-nostats',
    `${o.outDir}/${MPD_NAME}`,
  );
  return args;
}

/** Percent done from one `-progress` line (`out_time_us=` / `out_time_ms=`, both microseconds), or null. */
export function progressFromLine(line: string, durationSeconds: number): number | null {
  const m = /^out_time_(?:us|ms)=(\d+)$/.exec(line);
  if (!m || durationSeconds <= 0) return null;
  const pct = (Number(m[1]) / 1e6 / durationSeconds) * 100;
  return Math.max(0, Math.min(99, Math.round(pct * 10) / 10));
}
