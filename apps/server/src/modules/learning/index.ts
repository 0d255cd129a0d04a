export { LearningModule } from './learning.module.js';
export * from './learning.events.js';
