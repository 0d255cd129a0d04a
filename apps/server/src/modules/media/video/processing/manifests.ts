/**
 * Caption announcements in the published manifests. ffmpeg writes the caption-less HLS master and
 * DASH MPD; these functions derive the captioned ones (pure string work, no I/O).
 */

export interface ManifestCaption {
  language: string;
  label: string;
  isDefault: boolean;
  /** the HLS media playlist of the track, relative to the master (e.g. captions/<rev>/en.m3u8) */
  playlistUri: string;
  /** the WebVTT file, relative to the master/MPD (e.g. captions/<rev>/en.vtt) */
  vttUri: string;
}

const hlsQuoted = (s: string) => s.replace(/["\r\n]/g, "'");
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The HLS media playlist of a caption track: the whole WebVTT file as one segment. */
export function captionPlaylist(durationSeconds: number, vttName: string): string {
  return [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    `#EXT-X-TARGETDURATION:${Math.max(1, Math.ceil(durationSeconds))}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    `#EXTINF:${durationSeconds.toFixed(3)},`,
    vttName,
    '#EXT-X-ENDLIST',
    '',
  ].join('\n');
}

/** The master with a SUBTITLES group (`subs`) listing every caption track, and each variant pointing at it. */
export function withHlsCaptions(master: string, captions: readonly ManifestCaption[]): string {
  if (captions.length === 0) return master;
  const media = captions.map(
    (c) =>
      `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="${hlsQuoted(c.label)}",LANGUAGE="${hlsQuoted(c.language)}",DEFAULT=${c.isDefault ? 'YES' : 'NO'},AUTOSELECT=${c.isDefault ? 'YES' : 'NO'},URI="${hlsQuoted(c.playlistUri)}"`,
  );
  const out: string[] = [];
  let inserted = false;
  for (const line of master.replace(/\r\n?/g, '\n').split('\n')) {
    if (!inserted && (line.startsWith('#EXT-X-MEDIA:') || line.startsWith('#EXT-X-STREAM-INF:'))) {
      out.push(...media);
      inserted = true;
    }
    out.push(line.startsWith('#EXT-X-STREAM-INF:') && !line.includes('SUBTITLES=') ? `${line},SUBTITLES="subs"` : line);
  }
  if (!inserted) throw new Error('the HLS master has no variant streams');
  return out.join('\n');
}

/** The MPD with one text AdaptationSet (WebVTT side file) per caption language. */
export function withDashCaptions(mpd: string, captions: readonly ManifestCaption[]): string {
  if (captions.length === 0) return mpd;
  const at = mpd.lastIndexOf('</Period>');
  if (at < 0) throw new Error('the MPD has no Period');
  const sets = captions
    .map(
      (c, i) =>
        `\t\t<AdaptationSet id="${100 + i}" contentType="text" mimeType="text/vtt" lang="${xml(c.language)}">\n` +
        `\t\t\t<Label>${xml(c.label)}</Label>\n` +
        `\t\t\t<Role schemeIdUri="urn:mpeg:dash:role:2011" value="${c.isDefault ? 'main' : 'subtitle'}" />\n` +
        `\t\t\t<Representation id="caption-${xml(c.language)}" bandwidth="256">\n` +
        `\t\t\t\t<BaseURL>${xml(c.vttUri)}</BaseURL>\n` +
        `\t\t\t</Representation>\n` +
        `\t\t</AdaptationSet>\n`,
    )
    .join('');
  return mpd.slice(0, at) + sets + '\t' + mpd.slice(at);
}
