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
 * (their own or their group's), nor the same one twice. The submitters stand in a ring (ordered by
 * a stable hash, members of one submission side by side) and each submission is reviewed by the
 * next people along the ring: with individual submissions everyone reviews exactly `n`. `existing`
 * pairs count toward a submission's `n` (on-demand top-ups add only what is missing).
 */
export function planPeerReviews(
  submissions: readonly { id: string; members: readonly string[] }[],
  n: number,
  existing: readonly { submissionId: string; reviewerId: string }[],
  hash: (s: string) => number,
): { submissionId: string; reviewerId: string }[] {
  const ordered = [...submissions].sort((x, y) => hash(x.id) - hash(y.id) || x.id.localeCompare(y.id));
  const ring: string[] = [];
  const lastPos = new Map<string, number>();
  for (const s of ordered) {
    for (const u of [...s.members].sort()) if (!ring.includes(u)) ring.push(u);
    lastPos.set(s.id, ring.length - 1);
  }
  const out: { submissionId: string; reviewerId: string }[] = [];
  for (const s of ordered) {
    const have = new Set(existing.filter((e) => e.submissionId === s.id).map((e) => e.reviewerId));
    let need = n - have.size;
    const from = lastPos.get(s.id)!;
    for (let j = 1; j < ring.length && need > 0; j++) {
      const u = ring[(from + j) % ring.length]!;
      if (s.members.includes(u) || have.has(u)) continue;
      out.push({ submissionId: s.id, reviewerId: u });
      have.add(u);
      need--;
    }
  }
  return out;
}
