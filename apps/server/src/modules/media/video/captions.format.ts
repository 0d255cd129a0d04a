import webvtt from 'webvtt-parser';
import { Invalid } from '../../../kernel/errors/index.js';

export const CAPTION_MAX_BYTES = 512 * 1024;
const SRT_TIMING = /^(\d{1,2}:\d{2}:\d{2})[,.](\d{3})\s*-->\s*(\d{1,2}:\d{2}:\d{2})[,.](\d{3})(.*)$/;

function pad(t: string): string {
  return t.length === 7 ? `0${t}` : t;
}

/** SRT -> WebVTT: a WEBVTT header, `,` -> `.` in timings; cue numbers stay as cue identifiers. */
export function srtToVtt(srt: string): string {
  const lines = srt.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  let timings = 0;
  const out = lines.map((line) => {
    const m = SRT_TIMING.exec(line.trim());
    if (!m) return line.replace(/\s+$/, '');
    timings++;
    return `${pad(m[1]!)}.${m[2]} --> ${pad(m[3]!)}.${m[4]}`;
  });
  if (timings === 0) throw new Invalid('This is neither WebVTT nor SRT: no cue timings like "00:00:01,000 --> 00:00:04,000" were found.', [{ field: 'body.text', message: 'no cue timings' }], 'caption_unreadable');
  return `WEBVTT\n\n${out.join('\n').trim()}\n`;
}

/**
 * Checks WebVTT with the W3C parser and returns it normalized (LF line ends, no BOM, one trailing
 * newline). Refuses, with the line of the first problems, anything that is not valid WebVTT with
 * at least one cue.
 */
export function validateVtt(text: string, field = 'body.text'): string {
  const vtt = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/\s+$/, '') + '\n';
  if (Buffer.byteLength(vtt) > CAPTION_MAX_BYTES) throw new Invalid(`Captions may be at most ${CAPTION_MAX_BYTES / 1024} KB.`, [{ field, message: 'too large' }], 'caption_too_large');
  const { cues, errors } = new webvtt.WebVTTParser().parse(vtt, 'metadata');
  if (errors.length) {
    const first = errors.slice(0, 5).map((e) => ({ field, message: `line ${e.line}: ${e.message}` }));
    throw new Invalid(`These captions are not valid WebVTT (line ${errors[0]!.line}: ${errors[0]!.message}).`, first, 'caption_invalid');
  }
  if (cues.length === 0) throw new Invalid('These captions have no cues.', [{ field, message: 'no cues' }], 'caption_empty');
  return vtt;
}

/** Accepts WebVTT (starts with WEBVTT) or SRT (converted), and returns valid WebVTT. */
export function toWebVtt(text: string, format: 'vtt' | 'srt' | 'auto' = 'auto'): string {
  const body = text.replace(/^\uFEFF/, '');
  const isVtt = format === 'vtt' || (format === 'auto' && /^WEBVTT(?:[ \t\n\r]|$)/.test(body));
  return validateVtt(isVtt ? body : srtToVtt(body));
}
