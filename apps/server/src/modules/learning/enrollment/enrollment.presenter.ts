import type { z } from 'zod';
import type { Enrollment } from './enrollment.dto.js';
import type { EnrollmentRow } from './enrollment.schema.js';
import type { ProgressSummary } from './progress.service.js';
import { effectiveStatus } from './progress.rules.js';

export type EnrollmentView = z.input<typeof Enrollment>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentEnrollment(
  row: EnrollmentRow,
  learner: { email: string; name: string } | null,
  progress: ProgressSummary,
  now = new Date(),
): EnrollmentView {
  return {
    id: row.id,
    organizationId: row.organizationId,
    courseId: row.courseId,
    userId: row.userId,
    learner,
    status: effectiveStatus(row, now),
    source: row.source,
    enrolledAt: row.enrolledAt.toISOString(),
    expiresAt: iso(row.expiresAt),
    completedAt: iso(row.completedAt),
    revokedAt: iso(row.revokedAt),
    cohortId: row.cohortId,
    lastActivityAt: iso(row.lastActivityAt),
    progress,
  };
}
