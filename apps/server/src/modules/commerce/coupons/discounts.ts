import { allocate, percentOf } from '../money.js';

/** A line as discounts see it: its price before discounts and what it is. */
export interface DiscountLine {
  kind: string;
  refId: string;
  courseIds: readonly string[];
  /** the category of each of `courseIds` (same order) */
  courseCategories: readonly (string | null)[];
  subtotalMinor: number;
}

export interface DiscountRule {
  id: string;
  kind: 'percent' | 'fixed' | 'free';
  percentBasisPoints: number | null;
  amountMinor: number | null;
  stackable: boolean;
  appliesTo(line: DiscountLine): boolean;
}

export interface AppliedDiscount {
  ruleId: string;
  discountMinor: number;
  /** this rule's share of each line (index = line index) */
  perLine: number[];
}

function applyInOrder(lines: readonly DiscountLine[], rules: readonly DiscountRule[]): AppliedDiscount[] {
  const remaining = lines.map((l) => l.subtotalMinor);
  const out: AppliedDiscount[] = [];
  for (const r of rules) {
    const idx = lines.map((l, i) => (r.appliesTo(l) && remaining[i]! > 0 ? i : -1)).filter((i) => i >= 0);
    const base = idx.reduce((s, i) => s + remaining[i]!, 0);
    let d = 0;
    if (r.kind === 'percent') d = Math.min(base, percentOf(base, r.percentBasisPoints ?? 0));
    else if (r.kind === 'fixed') d = Math.min(base, r.amountMinor ?? 0);
    else d = base;
    const shares = allocate(d, idx.map((i) => remaining[i]!));
    const perLine = lines.map(() => 0);
    idx.forEach((li, k) => {
      perLine[li] = shares[k]!;
      remaining[li] = remaining[li]! - shares[k]!;
    });
    out.push({ ruleId: r.id, discountMinor: d, perLine });
  }
  return out;
}

/**
 * Applies discounts to lines. Stackable rules apply one after another, each on what is left; when
 * any rule does not stack and more than one applies, only the single best rule is used. A line
 * never goes below zero and each rule's discount is allocated to its lines by largest remainder,
 * so the per-line shares always add up to the rule's discount.
 */
export function applyDiscounts(lines: readonly DiscountLine[], rules: readonly DiscountRule[]): { applied: AppliedDiscount[]; lineDiscounts: number[] } {
  let chosen: AppliedDiscount[];
  if (rules.length > 1 && rules.some((r) => !r.stackable)) {
    const alone = rules.map((r) => applyInOrder(lines, [r])[0]!);
    const best = alone.reduce((b, a) => (a.discountMinor > b.discountMinor ? a : b));
    chosen = [best];
  } else {
    chosen = applyInOrder(lines, rules);
  }
  chosen = chosen.filter((a) => a.discountMinor > 0);
  const lineDiscounts = lines.map((_, i) => chosen.reduce((s, a) => s + a.perLine[i]!, 0));
  return { applied: chosen, lineDiscounts };
}
