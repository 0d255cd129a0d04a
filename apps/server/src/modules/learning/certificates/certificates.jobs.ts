import { z } from 'zod';
import { defineJob } from '../../../kernel/jobs/index.js';

/** Renders an issued certificate's PDF into storage and then tells the learner by email. */
export const RenderCertificateJob = defineJob('certificates.render', z.object({ certificateId: z.uuid() }), { maxAttempts: 5 });
