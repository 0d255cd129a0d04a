import { Injectable, Logger } from '@nestjs/common';
import { RealtimeService } from '../../../kernel/realtime/index.js';
import { VIDEO_STATUS_SOCKET_EVENT, type VideoStatusMessage } from '../media.events.js';

/** Sends `media.video.status` to the organization room; progress at most about once a second per video. */
@Injectable()
export class VideoStatusNotifier {
  private readonly log = new Logger('video');
  private readonly lastProgress = new Map<string, number>();

  constructor(private readonly realtime: RealtimeService) {}

  send(orgId: string, msg: VideoStatusMessage): void {
    try {
      this.realtime.toOrg(orgId, VIDEO_STATUS_SOCKET_EVENT, msg);
    } catch (err) {
      this.log.debug?.(`status not sent: ${(err as Error).message}`);
    }
    if (msg.status !== 'transcoding') this.lastProgress.delete(msg.videoId);
  }

  /** True when a progress message for `videoId` is due (first one, or >= 1 s since the last). */
  progressDue(videoId: string, now = Date.now()): boolean {
    const last = this.lastProgress.get(videoId);
    if (last !== undefined && now - last < 1000) return false;
    this.lastProgress.set(videoId, now);
    return true;
  }
}
