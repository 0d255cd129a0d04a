import { Invalid } from '../../../kernel/errors/index.js';
import type { RubricCriterion, RubricSelection } from './assignments.schema.js';

const DAY_MS = 86_400_000;

export const roundPoints = (n: number) => Math.round(n * 100) / 100;

/** Late by how many started days, and the penalty (percent, at most 100), for a submission at `at`. */
export function lateness(a: { dueAt: Date | null; latePenaltyPerDay: number }, at: Date): { late: boolean; daysLate: number; penaltyPercent: number } {
  if (!a.dueAt || at.getTime() <= a.dueAt.getTime()) return { late: false, daysLate: 0, penaltyPercent: 0 };
  const daysLate = Math.ceil((at.getTime() - a.dueAt.getTime()) / DAY_MS);
  return { late: true, daysLate, penaltyPercent: Math.min(100, daysLate * a.latePenaltyPerDay) };
}

/** The points of a full rubric selection; refuses a missing criterion, an unknown one or an unknown level. */
export function rubricScore(rubric: readonly RubricCriterion[], selections: RubricSelection, field = 'body.selections'): number {
  let total = 0;
  const errors: { field: string; message: string }[] = [];
  for (const key of Object.keys(selections)) {
    if (!rubric.some((c) => c.id === key)) errors.push({ field: `${field}.${key}`, message: 'not a criterion of this rubric' });
  }
  for (const c of rubric) {
    const levelId = selections[c.id];
    const level = c.levels.find((l) => l.id === levelId);
    if (!levelId) errors.push({ field: `${field}.${c.id}`, message: `choose a level for "${c.title}"` });
    else if (!level) errors.push({ field: `${field}.${c.id}`, message: `not a level of "${c.title}"` });
    else total += level.points;
  }
  if (errors.length) throw new Invalid('Choose one level of every criterion of the rubric.', errors, 'rubric_incomplete');
  return total;
}

export function gradeFrom(a: { pointsPossible: number; passingPercent: number }, raw: number, penaltyPercent: number) {
  const score = roundPoints((raw * (100 - penaltyPercent)) / 100);
  return {
    rawScore: roundPoints(raw),
    penaltyPercent,
    score,
    maxScore: a.pointsPossible,
    passed: score >= (a.pointsPossible * a.passingPercent) / 100,
  };
}

export function peerAverage(reviews: readonly { score: number | null; submittedAt: Date | null }[]): number | null {
  const done = reviews.filter((r) => r.submittedAt && r.score !== null);
  if (done.length === 0) return null;
  return done.reduce((s, r) => s + r.score!, 0) / done.length;
}

/**
 * Who reviews whom. Every submitter may review; nobody reviews a submission they are a member of
 * (their own or their group's), nor the same one twice. Each submission gets up to `n` reviewers,
 * least-loaded first, ties broken by a stable hash so the spread does not follow sign-up order.
 * `existing` pairs count toward both the submission's quota and the reviewer's load.
 */
export function planPeerReviews(
  submissions: readonly { id: string; members: readonly string[] }[],
  n: number,
  existing: readonly { submissionId: string; reviewerId: string }[],
  hash: (s: string) => number,
): { submissionId: string; reviewerId: string }[] {
  const pool = [...new Set(submissions.flatMap((s) => s.members))];
  const load = new Map(pool.map((u) => [u, 0]));
  for (const e of existing) load.set(e.reviewerId, (load.get(e.reviewerId) ?? 0) + 1);
  const out: { submissionId: string; reviewerId: string }[] = [];
  for (const s of [...submissions].sort((x, y) => x.id.localeCompare(y.id))) {
    const have = new Set(existing.filter((e) => e.submissionId === s.id).map((e) => e.reviewerId));
    const need = n - have.size;
    if (need <= 0) continue;
    const candidates = pool
      .filter((u) => !s.members.includes(u) && !have.has(u))
      .sort((x, y) => load.get(x)! - load.get(y)! || hash(s.id + x) - hash(s.id + y));
    for (const u of candidates.slice(0, need)) {
      out.push({ submissionId: s.id, reviewerId: u });
      load.set(u, load.get(u)! + 1);
    }
  }
  return out;
}
