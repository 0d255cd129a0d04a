import { Group, Stack, Text } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMoney, type RevenueReport } from './model';

export type Series = 'sales' | 'refunds' | 'net' | 'share';
const COLORS: Record<Series, string> = { sales: '#1c7ed6', refunds: '#e03131', net: '#2f9e44', share: '#f08c00' };
const DASH: Record<Series, string | undefined> = { sales: undefined, refunds: '4 3', net: undefined, share: '1 3' };

export interface DayPoint {
  day: string;
  sales: number;
  refunds: number;
  net: number;
  share: number;
}

/** Every day from `from` to `to` (YYYY-MM-DD, UTC), inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); d <= end && out.length <= 400; d += 86_400_000) {
    out.push(new Date(d).toISOString().slice(0, 10));
  }
  return out;
}

/** The report's rows of one currency summed per day (several courses a day add up), missing days as 0. */
export function perDay(items: RevenueReport['items'], currency: string, from: string, to: string): DayPoint[] {
  const by = new Map<string, DayPoint>();
  for (const day of daysBetween(from, to)) by.set(day, { day, sales: 0, refunds: 0, net: 0, share: 0 });
  for (const r of items) {
    const p = by.get(r.day);
    if (!p || r.currency !== currency) continue;
    p.sales += r.salesMinor ?? 0;
    p.refunds += r.refundsMinor ?? 0;
    p.net += r.grossMinor ?? 0;
    p.share += r.instructorShareMinor;
  }
  return [...by.values()];
}

const W = 720;
const H = 260;
const PAD = { left: 72, right: 16, top: 16, bottom: 36 };

/**
 * Revenue per day as lines, in plain SVG. The chart is an image with a title and a summary; the
 * table under it stays the data source for screen readers.
 */
export function RevenueChart({ points, currency, series }: { points: DayPoint[]; currency: string; series: Series[] }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const money = (n: number) => formatMoney(n, currency, i18n.language);
  const values = points.flatMap((p) => series.map((s) => p[s]));
  const max = Math.max(0, ...values);
  const min = Math.min(0, ...values);
  const span = max - min || 1;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (points.length <= 1 ? plotW / 2 : (i * plotW) / (points.length - 1));
  const y = (v: number) => PAD.top + ((max - v) * plotH) / span;
  const ticks = [max, max - span / 2, min].map((v) => Math.round(v));
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));
  const totals = Object.fromEntries(series.map((s) => [s, points.reduce((sum, p) => sum + p[s], 0)])) as Record<Series, number>;
  const summary = t('growth.revenue.chartDesc', {
    from: points[0]?.day ?? '',
    to: points[points.length - 1]?.day ?? '',
    totals: series.map((s) => `${t(`growth.revenue.series.${s}`)} ${money(totals[s])}`).join(', '),
  });
  return (
    <Stack gap="xs">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-labelledby={`${id}-title ${id}-desc`} data-testid="revenue-chart" style={{ maxWidth: W, height: 'auto' }}>
        <title id={`${id}-title`}>{t('growth.revenue.chartTitle', { currency })}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {ticks.map((v, i) => (
          <g key={i}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} stroke="#dee2e6" />
            <text x={PAD.left - 6} y={y(v) + 4} textAnchor="end" fontSize="11" fill="#495057">
              {money(v)}
            </text>
          </g>
        ))}
        {min < 0 && <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} stroke="#868e96" />}
        {points.map((p, i) =>
          i % labelEvery === 0 || i === points.length - 1 ? (
            <text key={p.day} x={x(i)} y={H - PAD.bottom + 16} textAnchor="middle" fontSize="11" fill="#495057">
              {p.day.slice(5)}
            </text>
          ) : null,
        )}
        {series.map((s) => (
          <g key={s} data-series={s}>
            <polyline fill="none" stroke={COLORS[s]} strokeWidth={2} strokeDasharray={DASH[s]} points={points.map((p, i) => `${x(i)},${y(p[s])}`).join(' ')} />
            {points.map((p, i) => (
              <circle key={p.day} cx={x(i)} cy={y(p[s])} r={points.length > 60 ? 1.5 : 3} fill={COLORS[s]}>
                <title>{`${p.day} · ${t(`growth.revenue.series.${s}`)}: ${money(p[s])}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      <Group gap="md" aria-hidden="true">
        {series.map((s) => (
          <Group key={s} gap={6}>
            <svg width="24" height="8">
              <line x1="0" x2="24" y1="4" y2="4" stroke={COLORS[s]} strokeWidth={2} strokeDasharray={DASH[s]} />
            </svg>
            <Text size="sm">{t(`growth.revenue.series.${s}`)}</Text>
          </Group>
        ))}
      </Group>
    </Stack>
  );
}
