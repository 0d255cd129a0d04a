/** Playback's public surface: its Nest module (wired into MediaModule) and the demo video course for the seed. */
export { PlaybackModule } from './playback.module.js';
export { DEMO_VIDEO_COURSE_SLUG, seedVideoCourse } from './demo-video.seed.js';
