import { describe, expect, it } from 'vitest';
import type { LiveLesson } from '../courses/index.js';
import { availableAt, continueTarget, effectiveStatus, isCourseComplete, lockOf, progressOf } from './progress.rules.js';

const DAY = 24 * 3600 * 1000;
let n = 0;
function lesson(over: Partial<LiveLesson> = {}): LiveLesson {
  n++;
  return {
    id: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    sectionId: 's1',
    sectionTitle: 'Section',
    sectionPosition: 0,
    position: n,
    title: `Lesson ${n}`,
    type: 'text',
    isPreview: false,
    required: true,
    dripDays: null,
    dripDate: null,
    prerequisiteLessonIds: [],
    durationSeconds: null,
    ...over,
  };
}

const now = new Date('2030-06-15T12:00:00Z');
const enrolled = { enrolled: true, dripBase: new Date('2030-06-10T12:00:00Z') };

describe('effectiveStatus', () => {
  it('reads an active or completed enrollment past its expiry as expired', () => {
    expect(effectiveStatus({ status: 'active', expiresAt: new Date(now.getTime() - 1) }, now)).toBe('expired');
    expect(effectiveStatus({ status: 'completed', expiresAt: now }, now)).toBe('expired');
    expect(effectiveStatus({ status: 'active', expiresAt: new Date(now.getTime() + 1) }, now)).toBe('active');
    expect(effectiveStatus({ status: 'revoked', expiresAt: new Date(0) }, now)).toBe('revoked');
    expect(effectiveStatus({ status: 'active', expiresAt: null }, now)).toBe('active');
  });
});

describe('progress', () => {
  it('counts required lessons only, flooring the percentage', () => {
    const a = lesson();
    const b = lesson();
    const c = lesson();
    const optional = lesson({ required: false });
    const all = [a, b, c, optional];
    expect(progressOf(all, new Set([a.id, optional.id]))).toEqual({ percent: 33, completedCount: 1, totalCount: 3 });
    expect(isCourseComplete(all, new Set([a.id, b.id]))).toBe(false);
    expect(isCourseComplete(all, new Set([a.id, b.id, c.id]))).toBe(true);
    expect(progressOf(all, new Set([a.id, b.id, c.id])).percent).toBe(100);
  });

  it('counts every lesson when none is required, and never completes an empty course', () => {
    const x = lesson({ required: false });
    const y = lesson({ required: false });
    expect(progressOf([x, y], new Set([x.id])).percent).toBe(50);
    expect(isCourseComplete([], new Set())).toBe(false);
    expect(progressOf([], new Set()).percent).toBe(0);
  });
});

describe('locks', () => {
  it('opens only preview lessons to people who are not enrolled', () => {
    const preview = lesson({ isPreview: true });
    const closed = lesson();
    const out = { enrolled: false, dripBase: null };
    expect(lockOf(preview, out, new Set(), now)).toBeNull();
    expect(lockOf(closed, out, new Set(), now)).toEqual({ reason: 'not_enrolled' });
  });

  it('drips by days from the drip base and by date, taking the later', () => {
    const byDays = lesson({ dripDays: 7 });
    expect(lockOf(byDays, enrolled, new Set(), now)).toEqual({ reason: 'drip', availableAt: new Date(enrolled.dripBase.getTime() + 7 * DAY) });
    expect(lockOf(lesson({ dripDays: 5 }), enrolled, new Set(), now)).toBeNull();
    const both = lesson({ dripDays: 1, dripDate: new Date('2030-07-01T00:00:00Z') });
    expect(availableAt(both, enrolled.dripBase)).toEqual(new Date('2030-07-01T00:00:00Z'));
  });

  it('lists the prerequisites still missing', () => {
    const a = lesson();
    const b = lesson();
    const c = lesson({ prerequisiteLessonIds: [a.id, b.id] });
    expect(lockOf(c, enrolled, new Set([a.id]), now)).toEqual({ reason: 'prerequisites', missingLessonIds: [b.id] });
    expect(lockOf(c, enrolled, new Set([a.id, b.id]), now)).toBeNull();
  });
});

describe('continueTarget', () => {
  const a = lesson();
  const b = lesson();
  const c = lesson({ dripDays: 30 });
  const lessons = [a, b, c];

  it('starts at the first lesson, resumes an unfinished last lesson, then moves on', () => {
    expect(continueTarget(lessons, enrolled, new Set(), null, now)).toMatchObject({ lesson: a, reason: 'start' });
    expect(continueTarget(lessons, enrolled, new Set(), b.id, now)).toMatchObject({ lesson: b, reason: 'resume' });
    expect(continueTarget(lessons, enrolled, new Set([b.id]), b.id, now)).toMatchObject({ lesson: a, reason: 'next' });
  });

  it('reports the next lesson as locked when nothing open is left, and completed when all are done', () => {
    const t = continueTarget(lessons, enrolled, new Set([a.id, b.id]), b.id, now);
    expect(t.reason).toBe('locked');
    expect(t.lesson).toBe(c);
    expect(t.lock?.reason).toBe('drip');
    expect(continueTarget(lessons, enrolled, new Set([a.id, b.id, c.id]), c.id, now)).toMatchObject({ lesson: a, reason: 'completed' });
    expect(continueTarget([], enrolled, new Set(), null, now)).toMatchObject({ lesson: null, reason: 'empty' });
  });
});
