/**
 * The assessments module's public surface: its Nest module, and the question and answer model
 * (shared with the QTI import and export in ./qti).
 */
export { AssessmentsModule } from './assessments.module.js';
export { BanksService } from './banks.service.js';
export { Answer, MANUALLY_GRADED, Question, QUESTION_TYPES } from './questions.model.js';
export type { QuestionInput, QuestionType } from './questions.model.js';
