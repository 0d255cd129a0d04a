/**
 * The assignments module's public surface: its Nest module. Released grades leave through the
 * shared GradeReported event (../learning.events.ts); lesson completion through ProgressService.
 */
export { AssignmentsModule } from './assignments.module.js';
