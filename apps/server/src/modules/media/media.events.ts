import { z } from 'zod';
import { defineEvent } from '../../kernel/events/index.js';

/** Events of the media modules; shared here so the library, processing and playback agree. */

/** A file finished uploading into an organization's library. */
export const MediaAssetStored = defineEvent(
  'media.asset_stored',
  z.object({ organizationId: z.uuid(), assetId: z.uuid(), kind: z.enum(['video', 'image', 'document', 'audio']), createdBy: z.uuid(), firstUpload: z.boolean() }),
);

/** A video's output is published and playable. */
export const VideoReady = defineEvent(
  'video.ready',
  z.object({ organizationId: z.uuid(), videoId: z.uuid(), assetId: z.uuid(), durationSeconds: z.number() }),
);

/** A video's processing ended in failure (after its retries), with a reason a person understands. */
export const VideoFailed = defineEvent(
  'video.failed',
  z.object({ organizationId: z.uuid(), videoId: z.uuid(), assetId: z.uuid(), reason: z.string() }),
);

/**
 * The Socket.IO event sent to the organization room (`orgRoom(orgId)`) on every status or progress
 * change of a video, so the library and upload screens update live.
 */
export const VIDEO_STATUS_SOCKET_EVENT = 'media.video.status';
export interface VideoStatusMessage {
  videoId: string;
  assetId: string;
  status: string;
  progress: number;
  failureReason: string | null;
}

/**
 * A library file was deleted (its rows are gone; the library deletes its own files in a job). For a
 * video, `videoId` names the deleted `videos` row, so the processing side removes its outputs under
 * `videos/<videoId>/`.
 */
export const MediaAssetDeleted = defineEvent(
  'media.asset_deleted',
  z.object({ organizationId: z.uuid(), assetId: z.uuid(), kind: z.enum(['video', 'image', 'document', 'audio']), videoId: z.uuid().nullable() }),
);
