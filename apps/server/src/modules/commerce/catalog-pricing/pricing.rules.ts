/** The price a buyer pays at `now`: the sale price inside its window (open ends allowed), else the regular one. */
export function currentPrice(
  p: { amountMinor: number; saleAmountMinor: number | null; saleStartsAt: Date | null; saleEndsAt: Date | null },
  now: Date,
): { minor: number; onSale: boolean } {
  if (p.saleAmountMinor === null) return { minor: p.amountMinor, onSale: false };
  const started = !p.saleStartsAt || p.saleStartsAt.getTime() <= now.getTime();
  const notEnded = !p.saleEndsAt || now.getTime() < p.saleEndsAt.getTime();
  return started && notEnded ? { minor: p.saleAmountMinor, onSale: true } : { minor: p.amountMinor, onSale: false };
}
