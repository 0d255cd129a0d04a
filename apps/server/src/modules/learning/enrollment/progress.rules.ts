import type { LiveLesson } from '../courses/index.js';
import type { EnrollmentStatus } from './enrollment.schema.js';

/*
 * Pure rules of access, locking and progress, shared by the learner endpoints and the completion
 * path. No I/O here: everything is decided from the live outline, the enrollment and the clock.
 */

const DAY_MS = 24 * 3600 * 1000;

export type LessonLock =
  | { reason: 'not_enrolled' }
  | { reason: 'drip'; availableAt: Date }
  | { reason: 'prerequisites'; missingLessonIds: string[] };

/** An enrollment past its `expires_at` counts as expired whatever its stored status. */
export function effectiveStatus(e: { status: EnrollmentStatus; expiresAt: Date | null }, now: Date): EnrollmentStatus {
  if ((e.status === 'active' || e.status === 'completed') && e.expiresAt && e.expiresAt.getTime() <= now.getTime()) return 'expired';
  return e.status;
}

export function grantsAccess(status: EnrollmentStatus): boolean {
  return status === 'active' || status === 'completed';
}

/** The lessons that count toward progress: the required ones, or every lesson when none is marked required. */
export function countedLessons(lessons: readonly LiveLesson[]): LiveLesson[] {
  const required = lessons.filter((l) => l.required);
  return required.length ? required : [...lessons];
}

export function progressOf(lessons: readonly LiveLesson[], completed: ReadonlySet<string>): { percent: number; completedCount: number; totalCount: number } {
  const counted = countedLessons(lessons);
  const done = counted.filter((l) => completed.has(l.id)).length;
  // Floor, so 100 means every counted lesson is complete.
  return { percent: counted.length ? Math.floor((done * 100) / counted.length) : 0, completedCount: done, totalCount: counted.length };
}

export function isCourseComplete(lessons: readonly LiveLesson[], completed: ReadonlySet<string>): boolean {
  const counted = countedLessons(lessons);
  return counted.length > 0 && counted.every((l) => completed.has(l.id));
}

/** When a dripped lesson opens: `drip_days` after the cohort start (or the enrollment), and not before `drip_date`. */
export function availableAt(lesson: Pick<LiveLesson, 'dripDays' | 'dripDate'>, dripBase: Date): Date | null {
  const candidates: number[] = [];
  if (lesson.dripDays !== null && lesson.dripDays > 0) candidates.push(dripBase.getTime() + lesson.dripDays * DAY_MS);
  if (lesson.dripDate) candidates.push(lesson.dripDate.getTime());
  return candidates.length ? new Date(Math.max(...candidates)) : null;
}

export interface LearnerAccess {
  /** holds an enrollment that grants access now */
  enrolled: boolean;
  /** where drip schedules start: the cohort start, else the enrollment date */
  dripBase: Date | null;
}

/** Why a lesson is closed to this learner, or null when it is open. */
export function lockOf(lesson: LiveLesson, access: LearnerAccess, completed: ReadonlySet<string>, now: Date): LessonLock | null {
  if (!access.enrolled) return lesson.isPreview ? null : { reason: 'not_enrolled' };
  const opens = access.dripBase ? availableAt(lesson, access.dripBase) : null;
  if (opens && opens.getTime() > now.getTime()) return { reason: 'drip', availableAt: opens };
  const missing = lesson.prerequisiteLessonIds.filter((id) => !completed.has(id));
  if (missing.length) return { reason: 'prerequisites', missingLessonIds: missing };
  return null;
}

export interface ContinueTarget {
  lesson: LiveLesson | null;
  lock: LessonLock | null;
  /** resume: the last lesson, unfinished; next: the next open unfinished lesson; locked: the next
   * unfinished lesson is not open yet; completed: every lesson is done (points at the first) */
  reason: 'resume' | 'next' | 'start' | 'locked' | 'completed' | 'empty';
}

/** Where an enrolled learner picks up: the unfinished last lesson, else the next open unfinished one. */
export function continueTarget(
  lessons: readonly LiveLesson[],
  access: LearnerAccess,
  completed: ReadonlySet<string>,
  lastLessonId: string | null,
  now: Date,
): ContinueTarget {
  if (!lessons.length) return { lesson: null, lock: null, reason: 'empty' };
  const lastIdx = lastLessonId ? lessons.findIndex((l) => l.id === lastLessonId) : -1;
  if (lastIdx >= 0) {
    const last = lessons[lastIdx]!;
    if (!completed.has(last.id) && !lockOf(last, access, completed, now)) return { lesson: last, lock: null, reason: 'resume' };
  }
  // Search forward from the last lesson, wrapping round, for the first unfinished lesson.
  const start = lastIdx >= 0 ? lastIdx + 1 : 0;
  const order = [...lessons.slice(start), ...lessons.slice(0, start)];
  const unfinished = order.filter((l) => !completed.has(l.id));
  if (!unfinished.length) return { lesson: lessons[0]!, lock: null, reason: 'completed' };
  const open = unfinished.find((l) => !lockOf(l, access, completed, now));
  if (open) return { lesson: open, lock: null, reason: lastIdx >= 0 || completed.size > 0 ? 'next' : 'start' };
  const first = lessons.find((l) => !completed.has(l.id))!;
  return { lesson: first, lock: lockOf(first, access, completed, now), reason: 'locked' };
}
