/** Playback's public surface: its Nest module (wired into MediaModule). */
export { PlaybackModule } from './playback.module.js';
