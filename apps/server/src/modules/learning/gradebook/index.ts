/**
 * The gradebook's public surface: its Nest module and service. Grades arrive only through the
 * GradeReported event; the gradebook's completion signal is GradebookRequirementsPassed (both in
 * ../learning.events.ts).
 */
export { GradebookModule } from './gradebook.module.js';
export { GradebookService } from './gradebook.service.js';
