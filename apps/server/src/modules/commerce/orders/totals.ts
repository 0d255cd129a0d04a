import { exclusiveTax, inclusiveTax } from '../money.js';

export interface TaxRule {
  label: string;
  rateBasisPoints: number;
  inclusive: boolean;
}

export interface LineTotals {
  subtotalMinor: number;
  discountMinor: number;
  taxMinor: number;
  totalMinor: number;
}

export interface OrderTotals {
  lines: LineTotals[];
  subtotalMinor: number;
  discountMinor: number;
  taxMinor: number;
  totalMinor: number;
  /** net of discounts, excluding tax (total − tax) */
  netMinor: number;
  taxLines: { label: string; rateBasisPoints: number; inclusive: boolean; amountMinor: number }[];
}

/**
 * Per-line and order totals. Tax is computed per line on the discounted amount (exclusive: added
 * on top; inclusive: the part of the price that is tax), and every order figure is the sum of the
 * line figures, so the order always adds up to its lines.
 */
export function computeTotals(subtotals: readonly number[], discounts: readonly number[], tax: TaxRule | null): OrderTotals {
  if (subtotals.length !== discounts.length) throw new RangeError('one discount per line');
  const lines = subtotals.map((subtotalMinor, i) => {
    const discountMinor = discounts[i]!;
    if (discountMinor < 0 || discountMinor > subtotalMinor) throw new RangeError('a discount must lie between 0 and the line subtotal');
    const net = subtotalMinor - discountMinor;
    const taxMinor = !tax ? 0 : tax.inclusive ? inclusiveTax(net, tax.rateBasisPoints) : exclusiveTax(net, tax.rateBasisPoints);
    return { subtotalMinor, discountMinor, taxMinor, totalMinor: tax?.inclusive ? net : net + taxMinor };
  });
  const sum = (k: keyof LineTotals) => lines.reduce((s, l) => s + l[k], 0);
  const taxMinor = sum('taxMinor');
  const totalMinor = sum('totalMinor');
  return {
    lines,
    subtotalMinor: sum('subtotalMinor'),
    discountMinor: sum('discountMinor'),
    taxMinor,
    totalMinor,
    netMinor: totalMinor - taxMinor,
    taxLines: tax && taxMinor > 0 ? [{ label: tax.label, rateBasisPoints: tax.rateBasisPoints, inclusive: tax.inclusive, amountMinor: taxMinor }] : [],
  };
}
