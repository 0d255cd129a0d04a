/**
 * The gradebook's arithmetic, as a pure function over exact rationals (bigint numerator and
 * denominator): no float ever enters a sum, and results are rounded half up to 2 decimals once,
 * at the end.
 *
 * The rules (also in docs/adr and the API description):
 * - An item's percent is its override when one is set, else score / maxScore x 100.
 * - A pending grade (score null: waiting for manual grading) is left out of the final grade.
 * - A missing grade is left out while the item is not due (no due date, or the date is ahead);
 *   once the due date has passed it counts as 0.
 * - Excluded items never count, and never block passing.
 * - `points` mode: final = sum(earned points) / sum(possible points) over the counted items. An
 *   item is worth its `points` setting, else the max score reported for it.
 * - `weighted` mode: a category's percent is the item-weighted mean of its counted items; the final
 *   grade is the category-weighted mean of the categories that have a counted item (so weights are
 *   renormalised over what has been graded). Items without a category do not count in this mode.
 * - A final override replaces the computed final grade.
 * - An item passes when: overridden -> override >= its pass mark; else the reporter's `passed` when
 *   it gave one; else percent >= its pass mark. The pass mark is the item's own, else the course's.
 * - The learner passes when the final grade (rounded) >= the course's passing percent AND every
 *   required item is passed.
 */

export class Ratio {
  private constructor(
    readonly n: bigint,
    readonly d: bigint,
  ) {}

  static of(n: bigint, d: bigint = 1n): Ratio {
    if (d === 0n) throw new Error('division by zero');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n < 0n ? -n : n, d);
    return new Ratio(n / g, d / g);
  }

  /** Parses a decimal ("12.5", "-3", 7.25) exactly. */
  static parse(v: string | number): Ratio {
    let s = typeof v === 'number' ? numberText(v) : v.trim();
    const m = /^(-)?(\d*)(?:\.(\d*))?$/.exec(s);
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`not a decimal: ${String(v)}`);
    const frac = m[3] ?? '';
    s = (m[2] || '0') + frac;
    const n = BigInt(s) * (m[1] ? -1n : 1n);
    return Ratio.of(n, 10n ** BigInt(frac.length));
  }

  static readonly ZERO = new Ratio(0n, 1n);
  static readonly HUNDRED = new Ratio(100n, 1n);

  add(o: Ratio): Ratio {
    return Ratio.of(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  mul(o: Ratio): Ratio {
    return Ratio.of(this.n * o.n, this.d * o.d);
  }
  div(o: Ratio): Ratio {
    return Ratio.of(this.n * o.d, this.d * o.n);
  }
  isZero(): boolean {
    return this.n === 0n;
  }
  cmp(o: Ratio): number {
    const a = this.n * o.d;
    const b = o.n * this.d;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** Rounded half up (away from zero on a tie) to `places` decimals, as a decimal string. */
  toFixed(places = 2): string {
    const scale = 10n ** BigInt(places);
    const neg = this.n < 0n;
    const abs = neg ? -this.n : this.n;
    const q = (abs * scale * 2n + this.d) / (2n * this.d); // floor(x*scale + 1/2)
    const int = q / scale;
    const frac = (q % scale).toString().padStart(places, '0');
    return `${neg && q !== 0n ? '-' : ''}${int}${places ? '.' + frac : ''}`;
  }

  /** The rounded value as a number (2 decimals survive a float exactly enough for display). */
  round2(): number {
    return Number(this.toFixed(2));
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a || 1n;
}

function numberText(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
  const s = String(v);
  return s.includes('e') ? v.toFixed(20).replace(/0+$/, '') : s;
}

export type GradingMode = 'weighted' | 'points';
export type ItemStatus = 'graded' | 'pending' | 'missing' | 'zero' | 'excluded';

export interface ItemRule {
  lessonId: string;
  categoryId: string | null;
  /** weight inside its category (weighted mode) */
  weight: string;
  /** what the item is worth (points mode); null: its reported max score */
  points: string | null;
  required: boolean;
  excluded: boolean;
  /** the item's pass mark in percent; null: the course's passing percent */
  passingPercent: string | null;
  dueAt: Date | null;
  /** the max score last reported for this item by anyone: the worth of a missing grade */
  knownMaxScore: string | null;
}

export interface GradeInput {
  score: string | null;
  maxScore: string;
  passed: boolean | null;
}

export interface LearnerInput {
  grades: ReadonlyMap<string, GradeInput>;
  /** item overrides in percent, by lesson id */
  itemOverrides: ReadonlyMap<string, string>;
  finalOverride: string | null;
}

export interface CourseRules {
  mode: GradingMode;
  passingPercent: string;
  categories: readonly { id: string; weight: string }[];
  items: readonly ItemRule[];
}

export interface ItemResult {
  lessonId: string;
  status: ItemStatus;
  /** the percent that counts (override or reported), 2 decimals; null when there is none */
  percent: number | null;
  /** the reported percent, before any override */
  reportedPercent: number | null;
  overridden: boolean;
  /** counted in the final grade */
  counted: boolean;
  passed: boolean;
}

export interface LearnerResult {
  items: ItemResult[];
  categories: { categoryId: string; percent: number | null }[];
  computedPercent: number | null;
  finalPercent: number | null;
  finalOverridden: boolean;
  requiredItems: number;
  requiredItemsPassed: boolean;
  passed: boolean;
}

interface Counted {
  rule: ItemRule;
  pct: Ratio;
  worth: Ratio | null;
}

export function computeLearner(rules: CourseRules, learner: LearnerInput, now: Date): LearnerResult {
  const coursePass = Ratio.parse(rules.passingPercent);
  const items: ItemResult[] = [];
  const counted: Counted[] = [];
  let requiredItems = 0;
  let requiredPassed = 0;

  for (const rule of rules.items) {
    const grade = learner.grades.get(rule.lessonId);
    const override = learner.itemOverrides.get(rule.lessonId);
    const reported = grade && grade.score !== null && !Ratio.parse(grade.maxScore).isZero() ? Ratio.parse(grade.score).div(Ratio.parse(grade.maxScore)).mul(Ratio.HUNDRED) : null;
    const overridePct = override !== undefined ? Ratio.parse(override) : null;
    const due = rule.dueAt !== null && rule.dueAt.getTime() <= now.getTime();
    let status: ItemStatus;
    if (rule.excluded) status = 'excluded';
    else if (overridePct || reported) status = 'graded';
    else if (grade && grade.score === null) status = 'pending';
    else if (grade) status = 'graded'; // a max score of 0: nothing to earn
    else status = due ? 'zero' : 'missing';
    const pct = overridePct ?? reported ?? (status === 'zero' ? Ratio.ZERO : null);
    const mark = rule.passingPercent !== null ? Ratio.parse(rule.passingPercent) : coursePass;
    let passed: boolean;
    if (overridePct) passed = overridePct.cmp(mark) >= 0;
    else if (grade && grade.score !== null && grade.passed !== null) passed = grade.passed;
    else passed = reported !== null && reported.cmp(mark) >= 0;
    if (rule.required && !rule.excluded) {
      requiredItems++;
      if (passed) requiredPassed++;
    }
    const worthText = rule.points ?? grade?.maxScore ?? rule.knownMaxScore;
    const worth = worthText !== null && worthText !== undefined ? Ratio.parse(worthText) : null;
    const isCounted = status !== 'excluded' && pct !== null && (rules.mode === 'points' ? worth !== null && !worth.isZero() : rule.categoryId !== null);
    if (isCounted) counted.push({ rule, pct: pct!, worth });
    items.push({
      lessonId: rule.lessonId,
      status,
      percent: pct?.round2() ?? null,
      reportedPercent: reported?.round2() ?? null,
      overridden: overridePct !== null,
      counted: isCounted,
      passed,
    });
  }

  const categoryPct = new Map<string, Ratio | null>();
  for (const c of rules.categories) {
    const mine = counted.filter((x) => x.rule.categoryId === c.id);
    categoryPct.set(c.id, rules.mode === 'points' ? pointsPercent(mine) : weightedMean(mine.map((x) => ({ w: Ratio.parse(x.rule.weight), v: x.pct }))));
  }

  let computed: Ratio | null;
  if (rules.mode === 'points') computed = pointsPercent(counted);
  else {
    computed = weightedMean(
      rules.categories.flatMap((c) => {
        const v = categoryPct.get(c.id);
        return v ? [{ w: Ratio.parse(c.weight), v }] : [];
      }),
    );
  }
  const finalOverride = learner.finalOverride !== null ? Ratio.parse(learner.finalOverride) : null;
  const final = finalOverride ?? computed;
  const finalRounded = final ? final.round2() : null;
  const requiredItemsPassed = requiredPassed === requiredItems;
  return {
    items,
    categories: rules.categories.map((c) => ({ categoryId: c.id, percent: categoryPct.get(c.id)?.round2() ?? null })),
    computedPercent: computed?.round2() ?? null,
    finalPercent: finalRounded,
    finalOverridden: finalOverride !== null,
    requiredItems,
    requiredItemsPassed,
    passed: final !== null && Ratio.parse(final.toFixed(2)).cmp(coursePass) >= 0 && requiredItemsPassed,
  };
}

function pointsPercent(items: readonly Counted[]): Ratio | null {
  let earned = Ratio.ZERO;
  let possible = Ratio.ZERO;
  for (const x of items) {
    earned = earned.add(x.worth!.mul(x.pct));
    possible = possible.add(x.worth!);
  }
  return possible.isZero() ? null : earned.div(possible);
}

function weightedMean(parts: readonly { w: Ratio; v: Ratio }[]): Ratio | null {
  let sum = Ratio.ZERO;
  let weights = Ratio.ZERO;
  for (const p of parts) {
    sum = sum.add(p.w.mul(p.v));
    weights = weights.add(p.w);
  }
  return weights.isZero() ? null : sum.div(weights);
}
