import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import webvtt from 'webvtt-parser';
import { srtToVtt, toWebVtt, validateVtt } from '../captions.format.js';
import { encryptSegment, withKeyTags } from './hls-encryption.js';
import { buildLadderArgs, planLadder, progressFromLine } from './ladder.js';
import { captionPlaylist, withDashCaptions, withHlsCaptions } from './manifests.js';
import { parseProbe, PermanentVideoError } from './probe.js';
import { planStoryboard, storyboardVtt } from './thumbnails.js';
import { missingCapabilities, parseFfmpegVersion } from './toolchain.js';

describe('ladder', () => {
  it('never upscales: a 360p source gets one 360p rung, 1080p gets four', () => {
    expect(planLadder({ width: 640, height: 360 }).map((r) => r.name)).toEqual(['360p']);
    expect(planLadder({ width: 1920, height: 1080 }).map((r) => `${r.name} ${r.width}x${r.height}`)).toEqual(['1080p 1920x1080', '720p 1280x720', '480p 832x468', '360p 640x360']);
    expect(planLadder({ width: 1280, height: 720 }).map((r) => r.name)).toEqual(['720p', '480p', '360p']);
  });

  it('gives a source below 360p one rung at its own even size, and keeps portrait portrait', () => {
    expect(planLadder({ width: 321, height: 181 })).toEqual([expect.objectContaining({ name: '180p', width: 320, height: 180 })]);
    expect(planLadder({ width: 1080, height: 1920 })[0]).toMatchObject({ name: '1080p', width: 1080, height: 1920 });
  });

  it('gives every rung the same exact aspect ratio (the dash muxer and ABR switching need it)', () => {
    for (const [w, h] of [[1920, 1080], [854, 480], [1440, 1080], [1000, 480], [720, 1280]] as const) {
      const ratios = new Set(planLadder({ width: w, height: h }).map((r) => r.width / r.height));
      expect(ratios.size).toBe(1);
      for (const r of planLadder({ width: w, height: h })) expect(r.width % 2 + r.height % 2).toBe(0);
    }
    expect(planLadder({ width: 1440, height: 1080 }).map((r) => `${r.width}x${r.height}`)).toEqual(['1440x1080', '960x720', '640x480', '480x360']);
  });

  it('builds one ffmpeg run: aligned 2 s keyframes, 4 s CMAF segments, DASH + HLS playlists', () => {
    const rungs = planLadder({ width: 1280, height: 720 });
    const args = buildLadderArgs({ input: '/in.mp4', outDir: '/out', probe: { width: 1280, height: 720, frameRate: 30, hasAudio: true }, rungs, preset: 'veryfast' });
    const after = (flag: string) => args[args.indexOf(flag) + 1];
    expect(after('-filter_complex')).toBe('[0:v:0]split=3[s0][s1][s2];[s0]scale=1280:720:flags=bicubic,setsar=1,format=yuv420p[v0];[s1]scale=832:468:flags=bicubic,setsar=1,format=yuv420p[v1];[s2]scale=640:360:flags=bicubic,setsar=1,format=yuv420p[v2]');
    expect(after('-g')).toBe('60');
    expect(after('-keyint_min')).toBe('60');
    expect(after('-sc_threshold')).toBe('0');
    expect(after('-force_key_frames')).toBe('expr:gte(t,n_forced*2)');
    expect(after('-seg_duration')).toBe('4');
    expect(after('-hls_playlist')).toBe('1');
    expect(after('-adaptation_sets')).toBe('id=0,streams=v id=1,streams=a');
    expect(args.at(-1)).toBe('/out/manifest.mpd');
    const silent = buildLadderArgs({ input: '/in.mp4', outDir: '/out', probe: { width: 640, height: 360, frameRate: 25, hasAudio: false }, rungs: planLadder({ width: 640, height: 360 }), preset: 'ultrafast' });
    expect(silent).not.toContain('0:a:0');
    expect(silent[silent.indexOf('-adaptation_sets') + 1]).toBe('id=0,streams=v');
  });

  it('reads progress from -progress lines', () => {
    expect(progressFromLine('out_time_us=3000000', 6)).toBe(50);
    expect(progressFromLine('out_time_ms=6000000', 6)).toBe(99);
    expect(progressFromLine('frame=12', 6)).toBeNull();
  });
});

describe('probe', () => {
  const base = { format: { duration: '10.0', bit_rate: '900000' } };
  it('swaps width/height for a 90° display matrix and finds audio', () => {
    const p = parseProbe({
      ...base,
      streams: [
        { codec_type: 'video', codec_name: 'h264', width: 640, height: 360, avg_frame_rate: '30000/1001', side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] },
        { codec_type: 'audio', codec_name: 'aac' },
      ],
    });
    expect(p).toMatchObject({ width: 360, height: 640, rotation: 90, hasAudio: true, audioCodec: 'aac', frameRate: 29.97, durationSeconds: 10 });
  });

  it('uses the rotate tag, and knows a silent video', () => {
    const p = parseProbe({ ...base, streams: [{ codec_type: 'video', codec_name: 'h264', width: 640, height: 360, avg_frame_rate: '25/1', tags: { rotate: '270' } }] });
    expect(p).toMatchObject({ width: 360, height: 640, rotation: 270, hasAudio: false, audioCodec: null });
  });

  it('refuses what is not a video with a sentence a person understands', () => {
    expect(() => parseProbe({ streams: [] })).toThrow(PermanentVideoError);
    expect(() => parseProbe({ streams: [] })).toThrow(/not a video we can read/);
    expect(() => parseProbe({ ...base, streams: [{ codec_type: 'audio', codec_name: 'mp3' }] })).toThrow(/no picture/);
  });
});

describe('captions', () => {
  it('converts SRT to valid WebVTT', () => {
    const vtt = srtToVtt('1\r\n00:00:01,000 --> 00:00:02,500\r\nHello\r\n\r\n2\r\n0:00:03,000 --> 0:00:04,000\r\nWorld\r\n');
    expect(vtt).toBe('WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.500\nHello\n\n2\n00:00:03.000 --> 00:00:04.000\nWorld\n');
    expect(new webvtt.WebVTTParser().parse(vtt).errors).toEqual([]);
    expect(toWebVtt('1\n00:00:01,000 --> 00:00:02,000\nHi\n')).toContain('00:00:01.000 --> 00:00:02.000');
  });

  it('refuses garbage and broken WebVTT with the line', () => {
    expect(() => toWebVtt('just some words')).toThrow(/neither WebVTT nor SRT/);
    expect(() => validateVtt('WEBVTT\n\n00:00:01.000 --> 00:0x:02.000\nHi\n')).toThrow(/line 3/);
    expect(() => validateVtt('WEBVTT\n')).toThrow(/no cues/);
  });
});

describe('manifests', () => {
  const master = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="group_A1",NAME="audio_1",DEFAULT=YES,URI="media_1.m3u8"\n#EXT-X-STREAM-INF:BANDWIDTH=929744,RESOLUTION=640x360,CODECS="avc1.42c01e,mp4a.40.2",AUDIO="group_A1"\nmedia_0.m3u8\n';
  const track = { language: 'pt-BR', label: 'Português "BR"', isDefault: true, playlistUri: 'captions/r1/pt-BR.m3u8', vttUri: 'captions/r1/pt-BR.vtt' };
  it('adds a SUBTITLES group to the HLS master and points every variant at it', () => {
    const out = withHlsCaptions(master, [track]);
    expect(out).toContain(`#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Português 'BR'",LANGUAGE="pt-BR",DEFAULT=YES,AUTOSELECT=YES,URI="captions/r1/pt-BR.m3u8"`);
    expect(out).toContain('AUDIO="group_A1",SUBTITLES="subs"');
    expect(withHlsCaptions(master, [])).toBe(master);
  });

  it('adds a text/vtt AdaptationSet per language to the MPD', () => {
    const mpd = '<MPD><Period id="0">\n<AdaptationSet id="0" contentType="video"></AdaptationSet>\n</Period></MPD>';
    const out = withDashCaptions(mpd, [track]);
    expect(out).toMatch(/<AdaptationSet id="100" contentType="text" mimeType="text\/vtt" lang="pt-BR">/);
    expect(out).toContain('<Label>Português &quot;BR&quot;</Label>');
    expect(out).toContain('<BaseURL>captions/r1/pt-BR.vtt</BaseURL>');
    expect(out.indexOf('contentType="text"')).toBeLessThan(out.indexOf('</Period>'));
  });

  it('writes a caption media playlist over the whole VTT', () => {
    expect(captionPlaylist(6.04, 'en.vtt')).toBe('#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:7\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:6.040,\nen.vtt\n#EXT-X-ENDLIST\n');
  });
});

describe('storyboard', () => {
  it('lays out one tile per interval and cues that point into the sprite', () => {
    const plan = planStoryboard({ width: 640, height: 360, durationSeconds: 25 });
    expect(plan).toEqual({ interval: 1, count: 25, columns: 10, rows: 3, tileWidth: 160, tileHeight: 90 });
    const { cues, errors } = new webvtt.WebVTTParser().parse(storyboardVtt(plan, 25));
    expect(errors).toEqual([]);
    expect(cues).toHaveLength(25);
    expect(cues[11]).toMatchObject({ startTime: 11, endTime: 12, text: 'storyboard.jpg#xywh=160,90,160,90' });
    expect(planStoryboard({ width: 640, height: 360, durationSeconds: 600 })).toMatchObject({ interval: 6, count: 100 });
  });
});

describe('toolchain self-test parsing', () => {
  it('reads versions and finds missing capabilities', () => {
    expect(parseFfmpegVersion('ffmpeg version 5.1.9-0+deb12u1 Copyright')).toEqual({ version: '5.1.9-0+deb12u1', major: 5 });
    expect(parseFfmpegVersion('ffmpeg version N-92722-gf22fcd4483-static')).toMatchObject({ major: 99 });
    expect(parseFfmpegVersion('ffmpeg version 4.1 Copyright')?.major).toBe(4);
    const enc = ' V....D libx264              libx264 H.264\n A..... aac                  AAC\n';
    const mux = '  E dash            DASH Muxer\n  E hls             Apple HTTP Live Streaming\n';
    expect(missingCapabilities(enc, mux)).toEqual([]);
    expect(missingCapabilities(' A..... aac   AAC\n', '  E hls   HLS\n')).toEqual(['the libx264 encoder', 'the dash muxer']);
  });
});

describe('HLS AES-128 key tags', () => {
  const playlist = ['#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-TARGETDURATION:4', '#EXT-X-MEDIA-SEQUENCE:1', '#EXT-X-MAP:URI="init-0.m4s"', '#EXTINF:4.000000,', '#EXT-X-PROGRAM-DATE-TIME:2026-12-02T03:29:48.000+0000', 'seg-0-00001.m4s', '#EXTINF:2.000000,', 'seg-0-00002.m4s', '#EXT-X-ENDLIST', ''].join('\n');
  const ivs = [Buffer.alloc(16, 1), Buffer.alloc(16, 2)];

  it('announces each segment with its own IV after the init map, so the init segment stays clear', () => {
    const { text, segments } = withKeyTags(playlist, ivs);
    expect(segments).toEqual(['seg-0-00001.m4s', 'seg-0-00002.m4s']);
    const lines = text.split('\n');
    expect(lines.slice(4, 9)).toEqual([
      '#EXT-X-MAP:URI="init-0.m4s"',
      `#EXT-X-KEY:METHOD=AES-128,URI="key",IV=0x${'01'.repeat(16)}`,
      '#EXTINF:4.000000,',
      '#EXT-X-PROGRAM-DATE-TIME:2026-12-02T03:29:48.000+0000',
      'seg-0-00001.m4s',
    ]);
    expect(lines[9]).toBe(`#EXT-X-KEY:METHOD=AES-128,URI="key",IV=0x${'02'.repeat(16)}`);
  });

  it('refuses a playlist it cannot encrypt correctly', () => {
    expect(() => withKeyTags(playlist, ivs.slice(0, 1))).toThrow(/IV for segment 2/);
    expect(() => withKeyTags(playlist.replace('#EXTINF:2', '#EXT-X-KEY:METHOD=NONE\n#EXTINF:2'), ivs)).toThrow(/EXT-X-KEY/);
  });

  it('encrypts a segment with AES-128-CBC and PKCS#7 padding', () => {
    const key = Buffer.alloc(16, 7);
    const plain = Buffer.from('0000001873747970', 'hex');
    const enc = encryptSegment(plain, key, ivs[0]!);
    expect(enc.length).toBe(16);
    const d = createDecipheriv('aes-128-cbc', key, ivs[0]!);
    expect(Buffer.concat([d.update(enc), d.final()]).equals(plain)).toBe(true);
  });
});
