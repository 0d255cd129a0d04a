import { Alert, Card, SimpleGrid, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, call } from '../../api';
import { ErrorState, formatNumber, PageLoading, usePageTitle } from '../../components/common';
import { clock } from './storyboard';
import type { VideoAnalytics } from './types';

const W = 640;
const H = 240;
const PAD = { left: 44, right: 12, top: 12, bottom: 32 };

/** The drop-off curve drawn as an SVG area chart: x = position in the video, y = share of viewers. */
function DropOffChart({ data, label }: { data: VideoAnalytics['dropOff']; label: string }) {
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const bw = iw / data.length;
  const pts = data.map((d, i) => [PAD.left + bw * (i + 0.5), PAD.top + ih * (1 - d.share)] as const);
  const line = pts.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const area = `${line} L${pts[pts.length - 1]![0].toFixed(1)},${PAD.top + ih} L${pts[0]![0].toFixed(1)},${PAD.top + ih} Z`;
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} data-testid="dropoff-chart" style={{ width: '100%', height: 'auto', maxWidth: W }}>
      {[0, 0.25, 0.5, 0.75, 1].map((g) => {
        const y = PAD.top + ih * (1 - g);
        return (
          <g key={g}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y} y2={y} stroke="currentColor" strokeOpacity={0.15} />
            <text x={PAD.left - 6} y={y + 4} textAnchor="end" fontSize={11} fill="currentColor">
              {g * 100}%
            </text>
          </g>
        );
      })}
      {[0, 25, 50, 75, 100].map((p) => (
        <text key={p} x={PAD.left + (iw * p) / 100} y={H - 10} textAnchor="middle" fontSize={11} fill="currentColor">
          {p}%
        </text>
      ))}
      <path d={area} fill="var(--mantine-color-indigo-6)" fillOpacity={0.25} />
      <path d={line} fill="none" stroke="var(--mantine-color-indigo-7)" strokeWidth={2.5} data-testid="dropoff-line" />
      {pts.map(([x, y], i) => (
        <circle key={i} cx={x} cy={y} r={3} fill="var(--mantine-color-indigo-7)" />
      ))}
    </svg>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Card withBorder padding="md">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
    </Card>
  );
}

/** Per-video analytics for the course staff: the figures and the drawn drop-off curve. */
export function VideoAnalyticsPage() {
  const { t } = useTranslation();
  const { videoId = '' } = useParams();
  usePageTitle(t('player.analytics.pageTitle'));
  const q = useQuery({
    queryKey: ['video-analytics', videoId],
    queryFn: () => call<VideoAnalytics>(api.GET('/api/v1/videos/{id}/analytics', { params: { path: { id: videoId } } })),
  });
  if (q.isPending) return <PageLoading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const a = q.data;
  return (
    <Stack>
      <Title order={1}>{t('player.analytics.heading')}</Title>
      <SimpleGrid cols={{ base: 2, sm: 3, md: 5 }}>
        <Stat label={t('player.analytics.views')} value={formatNumber(a.views)} />
        <Stat label={t('player.analytics.viewers')} value={formatNumber(a.uniqueViewers)} />
        <Stat label={t('player.analytics.watchTime')} value={clock(a.totalWatchSeconds)} />
        <Stat label={t('player.analytics.averageWatched')} value={`${a.averagePercentWatched}%`} />
        <Stat label={t('player.analytics.completions')} value={formatNumber(a.completions)} />
      </SimpleGrid>
      <Card withBorder>
        <Title order={2} size="h3">
          {t('player.analytics.dropOff')}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('player.analytics.dropOffHint')}
        </Text>
        {a.uniqueViewers === 0 ? (
          <Alert color="gray">{t('player.analytics.noViews')}</Alert>
        ) : (
          <>
            <DropOffChart data={a.dropOff} label={t('player.analytics.chartLabel')} />
            <VisuallyHidden>
              <table>
                <caption>{t('player.analytics.dropOff')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('player.analytics.bucket')}</th>
                    <th scope="col">{t('player.analytics.share')}</th>
                  </tr>
                </thead>
                <tbody>
                  {a.dropOff.map((d) => (
                    <tr key={d.fromPercent}>
                      <td>
                        {d.fromPercent}–{d.toPercent}%
                      </td>
                      <td>{Math.round(d.share * 100)}%</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </VisuallyHidden>
          </>
        )}
      </Card>
    </Stack>
  );
}
