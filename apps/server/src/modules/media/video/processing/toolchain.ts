import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../../kernel/config/index.js';
import { runProcess } from './ffmpeg-run.js';

export interface ToolchainStatus {
  ready: boolean;
  ffmpeg: string;
  ffprobe: string;
  /** e.g. "5.1.9-0+deb12u1" */
  version: string | null;
  /** why videos cannot be processed (null when ready), a sentence for the person running Lyceum */
  blockedReason: string | null;
}

const INSTALL_HINT =
  'Install ffmpeg 5 or newer with libx264 (for example `apt-get install ffmpeg`), or set FFMPEG_PATH and FFPROBE_PATH, then restart Lyceum; uploaded videos wait until then.';

/** The major version in `ffmpeg version 5.1.9-0+deb12u1 ...`; git builds (`N-1234-g...`) count as new. */
export function parseFfmpegVersion(text: string): { version: string; major: number } | null {
  const m = /version\s+(\S+)/.exec(text);
  if (!m) return null;
  const version = m[1]!;
  const num = /^n?(\d+)\./.exec(version);
  if (num) return { version, major: Number(num[1]) };
  if (/^N-\d+/.test(version)) return { version, major: 99 };
  return null;
}

/** What is missing from an ffmpeg build for the CMAF ladder, from `-encoders` and `-muxers` output. */
export function missingCapabilities(encoders: string, muxers: string): string[] {
  const has = (list: string, name: string) => new RegExp(`^\\s*[A-Z.]{1,6}\\s+${name}\\s`, 'm').test(list);
  const missing: string[] = [];
  if (!has(encoders, 'libx264')) missing.push('the libx264 encoder');
  if (!has(encoders, 'aac')) missing.push('the aac encoder');
  if (!has(muxers, 'dash')) missing.push('the dash muxer');
  if (!has(muxers, 'hls')) missing.push('the hls muxer');
  return missing;
}

/**
 * Which ffmpeg/ffprobe Lyceum uses, checked once at boot (version >= 5, libx264, aac, dash and hls
 * muxers). When the check fails everything else runs and video jobs wait in `uploaded`.
 */
@Injectable()
export class FfmpegToolchain implements OnModuleInit {
  private readonly log = new Logger('video');
  private current: ToolchainStatus;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const ffmpeg = config.FFMPEG_PATH ?? 'ffmpeg';
    const ffprobe = config.FFPROBE_PATH ?? 'ffprobe';
    this.current = { ready: false, ffmpeg, ffprobe, version: null, blockedReason: `ffmpeg has not been checked yet. ${INSTALL_HINT}` };
  }

  get status(): ToolchainStatus {
    return this.current;
  }

  async onModuleInit(): Promise<void> {
    this.current = await this.selfTest(this.current.ffmpeg, this.current.ffprobe);
    if (this.current.ready) this.log.log(`video processing uses ${this.current.ffmpeg} (ffmpeg ${this.current.version}) and ${this.current.ffprobe}`);
    else this.log.warn(`video processing is blocked: ${this.current.blockedReason}`);
  }

  async selfTest(ffmpeg: string, ffprobe: string): Promise<ToolchainStatus> {
    const blocked = (why: string, version: string | null = null): ToolchainStatus => ({ ready: false, ffmpeg, ffprobe, version, blockedReason: `${why} ${INSTALL_HINT}` });
    const out = async (bin: string, args: string[]) => {
      try {
        const r = await runProcess(bin, args);
        return r.code === 0 ? r.stdout : null;
      } catch {
        return null;
      }
    };
    const versionText = await out(ffmpeg, ['-hide_banner', '-version']);
    if (versionText === null) return blocked(`ffmpeg was not found or does not run (${ffmpeg}).`);
    const v = parseFfmpegVersion(versionText);
    if (!v || v.major < 5) return blocked(`ffmpeg ${v?.version ?? '(unknown version)'} at ${ffmpeg} is too old; the CMAF ladder needs version 5 or newer.`, v?.version ?? null);
    const [encoders, muxers, probeText] = await Promise.all([
      out(ffmpeg, ['-hide_banner', '-encoders']),
      out(ffmpeg, ['-hide_banner', '-muxers']),
      out(ffprobe, ['-hide_banner', '-version']),
    ]);
    const missing = missingCapabilities(encoders ?? '', muxers ?? '');
    if (missing.length) return blocked(`ffmpeg at ${ffmpeg} lacks ${missing.join(', ')}.`, v.version);
    if (probeText === null) return blocked(`ffprobe was not found or does not run (${ffprobe}).`, v.version);
    return { ready: true, ffmpeg, ffprobe, version: v.version, blockedReason: null };
  }
}
