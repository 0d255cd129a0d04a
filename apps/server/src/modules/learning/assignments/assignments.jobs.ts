import { z } from 'zod';
import { defineJob } from '../../../kernel/jobs/index.js';

/** Assigns peer reviewers once an assignment's due date has passed. */
export const AssignPeerReviewsJob = defineJob('assignments.assign-peers', z.object({ assignmentId: z.uuid() }), { maxAttempts: 5 });
