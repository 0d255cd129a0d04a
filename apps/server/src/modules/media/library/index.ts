/**
 * The media library's public surface: its Nest module, and MediaLibraryService, whose
 * `lessonAsset(lessonId, role)` tells the video submodules which asset a lesson plays.
 */
export { MediaLibraryModule } from './library.module.js';
export { MediaLibraryService } from './library.service.js';
export { findLessonAsset } from './attachments.query.js';
/** Processed outputs (a video's renditions, poster, storyboard, caption files) count against the quota too. */
export { addUsage as addMediaUsage } from './quota.js';
export type { LessonAsset } from './attachments.query.js';
export { MEDIA_KINDS, MEDIA_ASSET_STATUSES } from './library.schema.js';
export type { MediaKind, MediaAssetStatus } from './library.schema.js';
// The library's tables, for the read side of the other media submodules (video processing reads its
// source file, playback resolves a lesson's asset) and their test and demo fixtures. Writes in
// application code go through MediaLibraryService.
export { mediaAssets, mediaAttachments } from './library.schema.js';
