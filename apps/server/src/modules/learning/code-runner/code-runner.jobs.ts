import { z } from 'zod';
import { defineJob } from '../../../kernel/jobs/index.js';

/** Runs one submission's tests in the sandbox and stores the verdict. */
export const JudgeSubmissionJob = defineJob('code.judge', z.object({ submissionId: z.uuid() }), { maxAttempts: 3 });
