export { MediaModule } from './media.module.js';
export * from './media.events.js';
