import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gradeFrom, lateness, planPeerReviews, rubricScore } from './grading.rules.js';

const hash = (s: string) => createHash('sha256').update(s).digest().readUInt32BE(0);
const DAY = 86_400_000;

describe('planPeerReviews', () => {
  it('gives every individual submission n reviewers, never the author, and everyone exactly n reviews', () => {
    for (let size = 2; size <= 12; size++) {
      const subs = Array.from({ length: size }, (_, i) => ({ id: `s${i}-${size}`, members: [`u${i}`] }));
      const n = Math.min(3, size - 1);
      const plan = planPeerReviews(subs, n, [], hash);
      for (const s of subs) {
        const rs = plan.filter((p) => p.submissionId === s.id).map((p) => p.reviewerId);
        expect(new Set(rs).size).toBe(n);
        expect(rs).not.toContain(s.members[0]);
      }
      for (let i = 0; i < size; i++) expect(plan.filter((p) => p.reviewerId === `u${i}`)).toHaveLength(n);
    }
  });

  it('keeps group members off their own group, and tops up only what is missing', () => {
    const subs = [
      { id: 'a', members: ['u1', 'u2'] },
      { id: 'b', members: ['u3'] },
      { id: 'c', members: ['u4', 'u5'] },
    ];
    const plan = planPeerReviews(subs, 2, [{ submissionId: 'a', reviewerId: 'u3' }], hash);
    for (const p of plan) expect(subs.find((s) => s.id === p.submissionId)!.members).not.toContain(p.reviewerId);
    expect(plan.filter((p) => p.submissionId === 'a')).toHaveLength(1);
    expect(plan.filter((p) => p.submissionId === 'a').map((p) => p.reviewerId)).not.toContain('u3');
    expect(plan.filter((p) => p.submissionId === 'b')).toHaveLength(2);
    expect(planPeerReviews(subs, 2, plan.concat({ submissionId: 'a', reviewerId: 'u3' }), hash)).toEqual([]);
  });
});

describe('grading rules', () => {
  it('counts started days late and caps the penalty at 100%', () => {
    const dueAt = new Date('2030-01-01T00:00:00Z');
    expect(lateness({ dueAt, latePenaltyPerDay: 10 }, dueAt)).toEqual({ late: false, daysLate: 0, penaltyPercent: 0 });
    expect(lateness({ dueAt, latePenaltyPerDay: 10 }, new Date(dueAt.getTime() + 1))).toEqual({ late: true, daysLate: 1, penaltyPercent: 10 });
    expect(lateness({ dueAt, latePenaltyPerDay: 40 }, new Date(dueAt.getTime() + 3 * DAY))).toEqual({ late: true, daysLate: 3, penaltyPercent: 100 });
    expect(lateness({ dueAt: null, latePenaltyPerDay: 40 }, new Date()).late).toBe(false);
  });

  it('scores a full rubric selection and refuses partial or foreign ones', () => {
    const rubric = [
      { id: 'c1', title: 'A', description: '', levels: [{ id: 'l1', title: 'x', description: '', points: 1 }, { id: 'l2', title: 'y', description: '', points: 4 }] },
      { id: 'c2', title: 'B', description: '', levels: [{ id: 'l3', title: 'x', description: '', points: 0 }, { id: 'l4', title: 'y', description: '', points: 6 }] },
    ];
    expect(rubricScore(rubric, { c1: 'l2', c2: 'l3' })).toBe(4);
    expect(() => rubricScore(rubric, { c1: 'l2' })).toThrow(/every criterion/);
    expect(() => rubricScore(rubric, { c1: 'l3', c2: 'l4' })).toThrow();
    expect(() => rubricScore(rubric, { c1: 'l1', c2: 'l4', c3: 'l1' })).toThrow();
  });

  it('applies the penalty and the passing percent', () => {
    expect(gradeFrom({ pointsPossible: 10, passingPercent: 50 }, 8, 25)).toEqual({ rawScore: 8, penaltyPercent: 25, score: 6, maxScore: 10, passed: true });
    expect(gradeFrom({ pointsPossible: 10, passingPercent: 70 }, 8, 25).passed).toBe(false);
    expect(gradeFrom({ pointsPossible: 3, passingPercent: 50 }, 1, 0).passed).toBe(false);
  });
});
