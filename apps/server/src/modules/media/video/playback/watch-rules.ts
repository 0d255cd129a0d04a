/**
 * Pure rules of watch progress: which whole seconds a played range covers, the distinct-seconds
 * bitmap (bit s of byte s>>3, least significant first, as PostgreSQL's get_bit reads a bytea),
 * and the 90% completion threshold.
 */

export const COMPLETION_SHARE = 0.9;
/** fastest playback the player offers; a heartbeat may not report more media than this times wall time */
export const MAX_PLAYBACK_RATE = 2;
/** wall-clock slack for network delay and timer jitter between heartbeats */
export const HEARTBEAT_SLACK_SECONDS = 5;

export type WatchRange = readonly [start: number, end: number];

export function totalSecondsOf(durationSeconds: number): number {
  return Math.max(1, Math.ceil(durationSeconds));
}

export function emptyBitmap(totalSeconds: number): Buffer {
  return Buffer.alloc(Math.ceil(totalSeconds / 8));
}

/** Second s counts as watched when the range covers its middle (s + 0.5). */
export function secondsOf(range: WatchRange, totalSeconds: number): { from: number; to: number } | null {
  const from = Math.max(0, Math.ceil(range[0] - 0.5));
  const to = Math.min(totalSeconds - 1, Math.ceil(range[1] - 0.5) - 1);
  return from <= to ? { from, to } : null;
}

/** Marks the ranges in a copy of `bitmap`; returns it with its count of set bits. */
export function markWatched(bitmap: Buffer, totalSeconds: number, ranges: readonly WatchRange[]): { bitmap: Buffer; distinct: number } {
  const out = Buffer.alloc(Math.ceil(totalSeconds / 8));
  bitmap.copy(out, 0, 0, Math.min(bitmap.length, out.length));
  for (const r of ranges) {
    const s = secondsOf(r, totalSeconds);
    if (!s) continue;
    for (let i = s.from; i <= s.to; i++) out[i >> 3]! |= 1 << (i & 7);
  }
  return { bitmap: out, distinct: countBits(out, totalSeconds) };
}

export function countBits(bitmap: Buffer, totalSeconds: number): number {
  let n = 0;
  for (let i = 0; i < totalSeconds; i++) if ((bitmap[i >> 3]! >> (i & 7)) & 1) n++;
  return n;
}

export function isComplete(distinct: number, totalSeconds: number): boolean {
  return distinct >= Math.ceil(COMPLETION_SHARE * totalSeconds);
}

/**
 * Why a heartbeat's ranges are nonsense, or null: each inside [0, duration], start < end, and all
 * together no more media than could have played since the previous heartbeat.
 */
export function rangesProblem(ranges: readonly WatchRange[], durationSeconds: number, elapsedSeconds: number): string | null {
  const limit = durationSeconds + 0.5;
  let played = 0;
  for (const [a, b] of ranges) {
    if (!(a >= 0 && b <= limit)) return `A watched range must lie within the video (0 to ${durationSeconds.toFixed(1)} s).`;
    if (!(b > a)) return 'A watched range must end after it starts.';
    played += b - a;
  }
  if (played > elapsedSeconds * MAX_PLAYBACK_RATE + HEARTBEAT_SLACK_SECONDS) {
    return `The ranges add up to ${played.toFixed(1)} s of video, more than could play in ${elapsedSeconds.toFixed(1)} s.`;
  }
  return null;
}
