import { z } from 'zod';
import type { VideoProbe } from '../video.schema.js';
import { runProcess } from './ffmpeg-run.js';

/** A source that can never become a video: retrying will not help, so the job fails at once. */
export class PermanentVideoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentVideoError';
  }
}

export const UNREADABLE = 'This file is not a video we can read. It may be damaged or in a format we do not support; export it again as MP4 (H.264) and upload it anew.';

const stream = z.looseObject({
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  avg_frame_rate: z.string().optional(),
  r_frame_rate: z.string().optional(),
  duration: z.string().optional(),
  disposition: z.looseObject({ attached_pic: z.number().optional() }).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  side_data_list: z.array(z.looseObject({ side_data_type: z.string().optional(), rotation: z.number().optional() })).optional(),
});
const probeJson = z.looseObject({
  streams: z.array(stream).default([]),
  format: z.looseObject({ duration: z.string().optional(), bit_rate: z.string().optional() }).optional(),
});

function rate(r: string | undefined): number {
  const m = /^(\d+)\/(\d+)$/.exec(r ?? '');
  if (!m || Number(m[2]) === 0) return 0;
  return Number(m[1]) / Number(m[2]);
}

/** Clockwise degrees (0/90/180/270) from the rotate tag, else the display matrix side data. */
function rotationOf(s: z.infer<typeof stream>): number {
  const tag = s.tags?.rotate;
  let deg: number | null = tag !== undefined && /^-?\d+$/.test(tag) ? Number(tag) : null;
  if (deg === null) {
    const matrix = s.side_data_list?.find((d) => d.side_data_type === 'Display Matrix' && typeof d.rotation === 'number');
    // ffprobe reports the display matrix rotation counter-clockwise
    if (matrix) deg = -(matrix.rotation as number);
  }
  if (deg === null) return 0;
  const normalized = ((Math.round(deg / 90) * 90) % 360 + 360) % 360;
  return normalized;
}

/** Turns ffprobe's JSON into the facts we keep; throws PermanentVideoError for what is not a video. */
export function parseProbe(json: unknown): VideoProbe {
  const parsed = probeJson.safeParse(json);
  if (!parsed.success) throw new PermanentVideoError(UNREADABLE);
  const { streams, format } = parsed.data;
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const audio = streams.find((s) => s.codec_type === 'audio');
  if (!video || !video.width || !video.height) {
    throw new PermanentVideoError(audio ? 'This file has sound but no picture. Upload audio files as audio, or a video with an image track.' : UNREADABLE);
  }
  const durationSeconds = Number(format?.duration ?? video.duration ?? NaN);
  if (!Number.isFinite(durationSeconds) || durationSeconds <= 0) throw new PermanentVideoError('This video has no length we can read. It may be cut short or damaged; export it again and upload it anew.');
  const rotation = rotationOf(video);
  const swap = rotation === 90 || rotation === 270;
  const frameRate = rate(video.avg_frame_rate) || rate(video.r_frame_rate) || 30;
  const bitRate = Number(format?.bit_rate ?? NaN);
  return {
    durationSeconds,
    width: swap ? video.height : video.width,
    height: swap ? video.width : video.height,
    frameRate: Math.round(frameRate * 1000) / 1000,
    videoCodec: video.codec_name ?? 'unknown',
    audioCodec: audio?.codec_name ?? null,
    rotation,
    hasAudio: Boolean(audio),
    bitRate: Number.isFinite(bitRate) ? bitRate : null,
  };
}

/** ffprobe's JSON for `file`: width/height are the displayed ones (rotation applied). */
export async function probeFile(ffprobe: string, file: string, signal?: AbortSignal): Promise<VideoProbe> {
  const r = await runProcess(ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { signal });
  if (r.code !== 0) throw new PermanentVideoError(UNREADABLE);
  let json: unknown;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    throw new PermanentVideoError(UNREADABLE);
  }
  return parseProbe(json);
}
