export { defineJob, JobRegistry } from './registry.js';
export type { JobDef, JobHandler, JobContext, CronEntry } from './registry.js';
export { JobsService } from './jobs.service.js';
export type { EnqueueOptions } from './jobs.service.js';
