/** One cue of a WebVTT thumbnail track: a time span and the sprite region that shows it. */
export interface StoryboardCue {
  start: number;
  end: number;
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

function seconds(ts: string): number {
  const parts = ts.trim().split(':').map(Number);
  return parts.reduce((acc, p) => acc * 60 + p, 0);
}

/** Parses a storyboard VTT (`url#xywh=x,y,w,h` cues); image URLs are resolved against `base`. */
export function parseStoryboard(vtt: string, base: string): StoryboardCue[] {
  const cues: StoryboardCue[] = [];
  const blocks = vtt.replace(/\r/g, '').split(/\n\n+/);
  for (const block of blocks) {
    const lines = block.split('\n').filter(Boolean);
    const timing = lines.findIndex((l) => l.includes('-->'));
    if (timing < 0 || !lines[timing + 1]) continue;
    const [a, b] = lines[timing]!.split('-->');
    const m = /^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(lines[timing + 1]!.trim());
    if (!m || !a || !b) continue;
    cues.push({ start: seconds(a), end: seconds(b.split(' ').filter(Boolean)[0] ?? b), url: new URL(m[1]!, base).toString(), x: +m[2]!, y: +m[3]!, w: +m[4]!, h: +m[5]! });
  }
  return cues;
}

export function cueAt(cues: readonly StoryboardCue[], t: number): StoryboardCue | null {
  return cues.find((c) => t >= c.start && t < c.end) ?? cues[cues.length - 1] ?? null;
}

/** 03:12, or 1:03:12 past an hour. */
export function clock(s: number): string {
  const total = Math.max(0, Math.floor(s));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** The media ranges played, from timeupdate ticks: a jump (seek) or a pause closes the open range. */
export class WatchTracker {
  private ranges: [number, number][] = [];
  private open: [number, number] | null = null;

  tick(t: number, rate: number): void {
    if (this.open && t >= this.open[1] && t - this.open[1] <= 1.5 * rate + 0.5) {
      this.open[1] = t;
      return;
    }
    this.close();
    this.open = [t, t];
  }

  close(): void {
    if (this.open && this.open[1] > this.open[0]) this.ranges.push(this.open);
    this.open = null;
  }

  /** The ranges since the last flush; a still-open range continues from where it was cut. */
  flush(): [number, number][] {
    const out = [...this.ranges];
    if (this.open && this.open[1] > this.open[0]) {
      out.push([this.open[0], this.open[1]]);
      this.open = [this.open[1], this.open[1]];
    }
    this.ranges = [];
    return out;
  }
}

/** Swaps the token in a stream URL (`/api/v1/stream/<token>/…`) for the newest one. */
export function withToken(url: string, token: string): string {
  return url.replace(/\/api\/v1\/stream\/[^/]+\//, `/api/v1/stream/${token}/`);
}
