import { z } from 'zod';
import { defineEvent } from '../../../kernel/events/index.js';
import { VERDICTS } from './judge.js';

/** A graded submission ("submit", not "run") finished: the gradebook and analytics subscribe. */
export const CodeSubmissionJudged = defineEvent(
  'code.submission.judged',
  z.object({
    organizationId: z.uuid(),
    courseId: z.uuid(),
    lessonId: z.uuid(),
    userId: z.uuid(),
    submissionId: z.uuid(),
    verdict: z.enum(VERDICTS),
    score: z.number().int(),
    maxScore: z.number().int(),
  }),
);
