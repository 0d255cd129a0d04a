import { z } from 'zod';
import { defineJob } from '../../../kernel/jobs/index.js';

/** Closes and grades an attempt still open at its deadline (scheduled with runAt = deadline). */
export const CloseAttemptJob = defineJob('quiz.close-attempt', z.object({ attemptId: z.uuid() }), { maxAttempts: 5 });
/** Runs an attempt's code answers through the code runner's sandbox and records their scores. */
export const GradeCodeAnswersJob = defineJob('quiz.grade-code', z.object({ attemptId: z.uuid() }), { maxAttempts: 5 });
/** Regrades every attempt holding a question whose answer key changed (one audited change). */
export const RegradeQuestionJob = defineJob('quiz.regrade-question', z.object({ changeId: z.uuid() }), { maxAttempts: 5 });
