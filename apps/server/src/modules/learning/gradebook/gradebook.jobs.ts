import { z } from 'zod';
import { defineJob } from '../../../kernel/jobs/index.js';

/**
 * Copies a course's learners (from enrollment's public service) into the gradebook's read model:
 * learners enrolled before the course had graded items, or before the gradebook heard enrollment
 * events, appear too. Idempotent: learners already there are left as they are.
 */
export const BackfillGradebookLearnersJob = defineJob('gradebook.backfill-learners', z.object({ courseId: z.uuid(), organizationId: z.uuid() }), { maxAttempts: 5 });
