import type { VideoProbe } from '../video.schema.js';

export const POSTER_NAME = 'poster.jpg';
export const STORYBOARD_IMAGE = 'storyboard.jpg';
export const STORYBOARD_VTT = 'storyboard.vtt';
export const TILE_WIDTH = 160;
const MAX_TILES = 100;
const MAX_COLUMNS = 10;

export interface StoryboardPlan {
  /** seconds between tiles */
  interval: number;
  count: number;
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** One 160 px tile every `interval` seconds (at most 100 tiles), laid out in rows of up to 10. */
export function planStoryboard(probe: Pick<VideoProbe, 'width' | 'height' | 'durationSeconds'>): StoryboardPlan {
  const interval = Math.max(1, Math.ceil(probe.durationSeconds / MAX_TILES));
  const count = Math.max(1, Math.ceil(probe.durationSeconds / interval));
  const columns = Math.min(MAX_COLUMNS, count);
  return { interval, count, columns, rows: Math.ceil(count / columns), tileWidth: TILE_WIDTH, tileHeight: even((TILE_WIDTH * probe.height) / probe.width) };
}

/** ffmpeg arguments for the poster: one frame about 10% in, at most 1280 px wide. */
export function buildPosterArgs(input: string, output: string, probe: Pick<VideoProbe, 'durationSeconds'>): string[] {
  const at = Math.max(0, Math.min(probe.durationSeconds * 0.1, probe.durationSeconds - 0.1));
  return ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-ss', at.toFixed(3), '-i', input, '-frames:v', '1', '-vf', "scale='min(1280,iw)':-2", '-q:v', '3', output];
}

/** ffmpeg arguments for the sprite: a tile every `interval` seconds, in one grid image. */
export function buildStoryboardArgs(input: string, output: string, plan: StoryboardPlan): string[] {
  const vf = `fps=1/${plan.interval},scale=${plan.tileWidth}:${plan.tileHeight},tile=${plan.columns}x${plan.rows}`;
  return ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-i', input, '-an', '-vf', vf, '-frames:v', '1', '-q:v', '4', output];
}

function stamp(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** The WebVTT thumbnail track: one cue per tile, pointing into the sprite with `#xywh=`. */
export function storyboardVtt(plan: StoryboardPlan, durationSeconds: number, image = STORYBOARD_IMAGE): string {
  const lines = ['WEBVTT', ''];
  for (let i = 0; i < plan.count; i++) {
    const start = i * plan.interval;
    const end = Math.min((i + 1) * plan.interval, durationSeconds);
    if (end <= start) break;
    const x = (i % plan.columns) * plan.tileWidth;
    const y = Math.floor(i / plan.columns) * plan.tileHeight;
    lines.push(`${stamp(start)} --> ${stamp(end)}`, `${image}#xywh=${x},${y},${plan.tileWidth},${plan.tileHeight}`, '');
  }
  return lines.join('\n');
}
