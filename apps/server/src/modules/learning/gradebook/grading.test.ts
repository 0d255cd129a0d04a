import { describe, expect, it } from 'vitest';
import { computeLearner, type CourseRules, type GradeInput, type ItemRule, Ratio } from './grading.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const item = (lessonId: string, over: Partial<ItemRule> = {}): ItemRule => ({
  lessonId,
  categoryId: null,
  weight: '1',
  points: null,
  required: false,
  excluded: false,
  passingPercent: null,
  dueAt: null,
  knownMaxScore: null,
  ...over,
});
const g = (score: string | null, maxScore: string, passed: boolean | null = null): GradeInput => ({ score, maxScore, passed });
const learner = (grades: Record<string, GradeInput>, itemOverrides: Record<string, string> = {}, finalOverride: string | null = null) => ({
  grades: new Map(Object.entries(grades)),
  itemOverrides: new Map(Object.entries(itemOverrides)),
  finalOverride,
});

describe('Ratio', () => {
  it('is exact where floats drift, and rounds half up', () => {
    expect(Ratio.parse('0.1').add(Ratio.parse('0.2')).cmp(Ratio.parse('0.3'))).toBe(0);
    expect(Ratio.parse(1.005).toFixed(2)).toBe('1.01'); // 1.005 as a float is 1.00499999...
    expect(Ratio.parse('2.345').toFixed(2)).toBe('2.35');
    expect(Ratio.parse('2.344999').toFixed(2)).toBe('2.34');
    expect(Ratio.of(2n, 3n).toFixed(2)).toBe('0.67');
    expect(Ratio.of(1n, 3n).toFixed(2)).toBe('0.33');
    expect(Ratio.parse('-1.005').toFixed(2)).toBe('-1.01');
    expect(Ratio.parse('100').toFixed(2)).toBe('100.00');
    expect(() => Ratio.parse('1e5x')).toThrow();
  });
});

describe('points mode', () => {
  const rules: CourseRules = { mode: 'points', passingPercent: '60', categories: [], items: [item('a'), item('b', { points: '20' }), item('c', { knownMaxScore: '10' })] };

  it('sums earned over possible points, excluding missing grades of items not yet due', () => {
    // a: 1/3 of 3 points; b: 5/10 scaled to 20 points -> 10; c: missing, not due
    const r = computeLearner(rules, learner({ a: g('1', '3'), b: g('5', '10') }), NOW);
    // (1 + 10) / (3 + 20) = 47.826...%
    expect(r.finalPercent).toBe(47.83);
    expect(r.items.map((i) => [i.lessonId, i.status, i.percent])).toEqual([
      ['a', 'graded', 33.33],
      ['b', 'graded', 50],
      ['c', 'missing', null],
    ]);
    expect(r.passed).toBe(false);
  });

  it('counts a missing grade as 0 once the item is due, worth its known max score', () => {
    const due = { ...rules, items: [item('a'), item('c', { knownMaxScore: '10', dueAt: new Date('2026-05-01T00:00:00Z') })] };
    const r = computeLearner(due, learner({ a: g('3', '3') }), NOW);
    expect(r.items[1]).toMatchObject({ status: 'zero', percent: 0, counted: true });
    expect(r.finalPercent).toBe(23.08); // 3 / 13
  });

  it('leaves pending grades and excluded items out', () => {
    const r = computeLearner({ ...rules, items: [item('a'), item('b', { excluded: true }), item('c', { dueAt: new Date(0), knownMaxScore: '5' })] }, learner({ a: g('2', '4'), c: g(null, '5') }), NOW);
    expect(r.items.map((i) => i.status)).toEqual(['graded', 'excluded', 'pending']);
    expect(r.finalPercent).toBe(50);
    expect(r.passed).toBe(false);
  });
});

describe('weighted mode', () => {
  const rules: CourseRules = {
    mode: 'weighted',
    passingPercent: '70',
    categories: [
      { id: 'quiz', weight: '30' },
      { id: 'asg', weight: '50' },
      { id: 'code', weight: '20' },
    ],
    items: [
      item('q1', { categoryId: 'quiz' }),
      item('q2', { categoryId: 'quiz', weight: '3' }),
      item('a1', { categoryId: 'asg' }),
      item('c1', { categoryId: 'code' }),
      item('free', {}),
    ],
  };

  it('weights items inside categories and categories in the final grade', () => {
    const r = computeLearner(rules, learner({ q1: g('10', '10'), q2: g('5', '10'), a1: g('8', '10'), c1: g('1', '3'), free: g('0', '1') }), NOW);
    // quiz = (1*100 + 3*50)/4 = 62.5; asg = 80; code = 33.333..
    expect(r.categories).toEqual([
      { categoryId: 'quiz', percent: 62.5 },
      { categoryId: 'asg', percent: 80 },
      { categoryId: 'code', percent: 33.33 },
    ]);
    // (30*62.5 + 50*80 + 20*33.333..)/100 = 18.75 + 40 + 6.6666.. = 65.41666.. -> 65.42
    expect(r.finalPercent).toBe(65.42);
    expect(r.items.find((i) => i.lessonId === 'free')!.counted).toBe(false);
  });

  it('renormalises over the categories graded so far', () => {
    const r = computeLearner(rules, learner({ a1: g('9', '10') }), NOW);
    expect(r.finalPercent).toBe(90);
    expect(computeLearner(rules, learner({}), NOW).finalPercent).toBeNull();
  });

  it('uses item and final overrides, and rounds the weighted mean only at the end', () => {
    const r = computeLearner(rules, learner({ a1: g('2', '10') }, { a1: '75.5', c1: '100' }), NOW);
    // asg 75.5, code 100: (50*75.5 + 20*100)/70 = 82.5
    expect(r.items.find((i) => i.lessonId === 'a1')).toMatchObject({ percent: 75.5, reportedPercent: 20, overridden: true });
    expect(r.finalPercent).toBe(82.5);
    const f = computeLearner(rules, learner({ a1: g('2', '10') }, {}, '71'), NOW);
    expect(f).toMatchObject({ computedPercent: 20, finalPercent: 71, finalOverridden: true, passed: true });
  });
});

describe('passing', () => {
  const rules: CourseRules = {
    mode: 'points',
    passingPercent: '50',
    categories: [],
    items: [item('a', { required: true }), item('b', { required: true, passingPercent: '80' }), item('c')],
  };

  it('needs the final grade and every required item; the reporter decides its own pass rule', () => {
    const r = computeLearner(rules, learner({ a: g('1', '2', true), b: g('9', '10'), c: g('10', '10') }), NOW);
    expect(r).toMatchObject({ requiredItems: 2, requiredItemsPassed: true, passed: true });
    const failedRule = computeLearner(rules, learner({ a: g('2', '2', false), b: g('9', '10'), c: g('10', '10') }), NOW);
    expect(failedRule).toMatchObject({ requiredItemsPassed: false, passed: false });
    const underMark = computeLearner(rules, learner({ a: g('2', '2', true), b: g('79.99', '100'), c: g('10', '10') }), NOW);
    expect(underMark.items[1]!.passed).toBe(false);
    expect(underMark.requiredItemsPassed).toBe(false);
  });

  it('an override decides the item by its pass mark; a pending required item is not passed', () => {
    const r = computeLearner(rules, learner({ a: g('0', '2', false), b: g(null, '10') }, { a: '50' }), NOW);
    expect(r.items[0]!.passed).toBe(true);
    expect(r.items[1]).toMatchObject({ status: 'pending', passed: false });
    expect(r.requiredItemsPassed).toBe(false);
  });

  it('a final exactly on the threshold passes (after rounding half up)', () => {
    const one: CourseRules = { mode: 'points', passingPercent: '66.67', categories: [], items: [item('a')] };
    expect(computeLearner(one, learner({ a: g('2', '3') }), NOW)).toMatchObject({ finalPercent: 66.67, passed: true });
  });
});
