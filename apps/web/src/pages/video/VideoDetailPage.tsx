import { Alert, Anchor, Badge, Button, Group, Image, Paper, Progress, SimpleGrid, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, call } from '../../api';
import { confirmAction, ErrorState, formatNumber, notify, notifyError, PageLoading, usePageTitle } from '../../components/common';
import { useRealtimeEvent } from '../../realtime';
import { CaptionManager } from './CaptionManager';
import { ACTIVE_STATUSES, formatDuration, videoByAssetKey, type Video, type VideoStatusMessage } from './model';

const STATUS_COLOR: Record<Video['status'], string> = {
  uploaded: 'gray',
  probing: 'blue',
  transcoding: 'blue',
  packaging: 'blue',
  ready: 'green',
  failed: 'red',
  canceled: 'orange',
};

function Facts({ video }: { video: Video }) {
  const { t } = useTranslation();
  const p = video.probe;
  if (!p) return null;
  const rows: [string, string][] = [
    [t('video.duration'), formatDuration(p.durationSeconds)],
    [t('video.resolution'), `${p.width} × ${p.height}`],
    [t('video.frameRate'), formatNumber(p.frameRate)],
    [t('video.codecs'), [p.videoCodec, p.audioCodec].filter(Boolean).join(' + ')],
    [t('video.rotation'), `${p.rotation}°`],
    [t('video.audio'), p.hasAudio ? (p.audioCodec ?? '') : t('video.noAudio')],
  ];
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('video.facts')}
      </Title>
      <Table>
        <Table.Tbody>
          {rows.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th scope="row">{k}</Table.Th>
              <Table.Td>{v}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

function Renditions({ video }: { video: Video }) {
  const { t } = useTranslation();
  if (!video.renditions.length) return null;
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">
        {t('video.renditions')}
      </Title>
      <Table.ScrollContainer minWidth={300}>
        <Table data-testid="renditions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('video.rendition')}</Table.Th>
              <Table.Th>{t('video.size')}</Table.Th>
              <Table.Th>{t('video.bitrate')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {video.renditions.map((r) => (
              <Table.Tr key={r.name}>
                <Table.Td>{r.kind === 'audio' ? t('video.audioOnly') : r.name}</Table.Td>
                <Table.Td>{r.width && r.height ? `${r.width} × ${r.height}` : '—'}</Table.Td>
                <Table.Td>{formatNumber(Math.round(r.bandwidth / 1000))} kb/s</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

/** /teach/media/:assetId — a video's processing, live, with retry/cancel, facts, previews and captions. */
export function VideoDetailPage() {
  const { assetId = '' } = useParams();
  const { t } = useTranslation();
  const qc = useQueryClient();
  const key = videoByAssetKey(assetId);
  const { connected } = useRealtimeEvent<VideoStatusMessage>('media.video.status', (m) => {
    if (m.assetId !== assetId) return;
    const had = qc.getQueryData<Video>(key);
    if (had) qc.setQueryData<Video>(key, { ...had, status: m.status, progress: m.progress, failureReason: m.failureReason });
    if (m.status === 'ready' || m.status === 'failed' || had?.status !== m.status) void qc.invalidateQueries({ queryKey: key });
  });
  const query = useQuery({
    queryKey: key,
    queryFn: () => call<Video>(api.GET('/api/v1/videos/by-asset/{assetId}', { params: { path: { assetId } } })),
    // polling fallback while processing: fast without a socket, slow with one (a missed push heals)
    refetchInterval: (q) => (q.state.data && ACTIVE_STATUSES.includes(q.state.data.status) ? (connected ? 10_000 : 2_000) : false),
  });
  const video = query.data;
  usePageTitle(t('video.heading'));

  const retry = useMutation({
    mutationFn: (id: string) => call<Video>(api.POST('/api/v1/videos/{videoId}/retry', { params: { path: { videoId: id } } })),
    onSuccess: (v) => {
      qc.setQueryData(key, v);
      notify({ color: 'green', message: t('video.retried') });
    },
    onError: (e) => notifyError(e, t),
  });
  const cancel = useMutation({
    mutationFn: (id: string) => call<Video>(api.POST('/api/v1/videos/{videoId}/cancel', { params: { path: { videoId: id } } })),
    onSuccess: (v) => {
      qc.setQueryData(key, v);
      notify({ message: t('video.canceled') });
    },
    onError: (e) => notifyError(e, t),
  });

  const encryption = useMutation({
    mutationFn: (v: { id: string; encrypted: boolean }) =>
      call<Video>(api.PUT('/api/v1/videos/{videoId}/encryption', { params: { path: { videoId: v.id } }, body: { encrypted: v.encrypted } })),
    onSuccess: (v) => {
      qc.setQueryData(key, v);
      notify({ color: 'green', message: t(v.encrypted ? 'video.encryption.on' : 'video.encryption.off') });
    },
    onError: (e) => notifyError(e, t),
  });

  if (query.isLoading) return <PageLoading />;
  if (query.error || !video) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const active = ACTIVE_STATUSES.includes(video.status);

  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/teach" size="sm">
        {t('video.back')}
      </Anchor>
      <Group justify="space-between" wrap="wrap">
        <Title order={1}>{t('video.heading')}</Title>
        <Group gap="xs">
          {(video.status === 'failed' || video.status === 'canceled') && (
            <Button onClick={() => retry.mutate(video.id)} loading={retry.isPending}>
              {t('video.retry')}
            </Button>
          )}
          {active && (
            <Button
              color="red"
              variant="light"
              loading={cancel.isPending}
              onClick={async () => {
                if (await confirmAction({ title: t('video.cancelTitle'), message: t('video.cancelMessage'), confirmLabel: t('video.cancel') })) cancel.mutate(video.id);
              }}
            >
              {t('video.cancel')}
            </Button>
          )}
        </Group>
      </Group>

      <Paper withBorder p="md">
        <Stack gap="sm">
          <Group gap="sm">
            <Text fw={500}>{t('video.status.label')}</Text>
            <Badge color={STATUS_COLOR[video.status]} variant="light" size="lg" data-testid="video-status" data-status={video.status}>
              {t(`video.status.${video.status}`)}
            </Badge>
            {active && (
              <Text size="sm" c="dimmed">
                {connected ? t('video.live') : t('video.polling')}
              </Text>
            )}
          </Group>
          {(active || video.status === 'ready') && (
            <Progress value={video.progress} aria-label={t('video.progress')} size="lg" animated={active} />
          )}
          {video.processingBlocked && (
            <Alert color="yellow" title={t('video.blocked')}>
              {video.processingBlocked}
            </Alert>
          )}
          {video.failureReason && video.status === 'failed' && (
            <Alert color="red" title={t('video.failedTitle')} role="alert">
              {video.failureReason}
            </Alert>
          )}
        </Stack>
      </Paper>

      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t('video.encryption.heading')}
        </Title>
        <Stack gap="xs">
          <Switch
            data-testid="encryption-switch"
            label={t('video.encryption.label')}
            description={t('video.encryption.hint')}
            checked={encryption.isPending ? encryption.variables.encrypted : video.encrypted}
            disabled={encryption.isPending || (active && video.status !== 'uploaded')}
            onChange={(e) => encryption.mutate({ id: video.id, encrypted: e.currentTarget.checked })}
          />
          {active && video.status !== 'uploaded' && (
            <Text size="sm" c="dimmed">
              {t('video.encryption.locked')}
            </Text>
          )}
          {video.status === 'ready' && (
            <Text size="sm" data-testid="encryption-published">
              {t(video.outputEncrypted ? 'video.encryption.published' : 'video.encryption.notPublished')}
            </Text>
          )}
        </Stack>
      </Paper>

      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Facts video={video} />
        <Renditions video={video} />
      </SimpleGrid>

      {video.hasPoster && video.status === 'ready' && (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Paper withBorder p="md">
            <Title order={2} size="h4" mb="sm">
              {t('video.poster')}
            </Title>
            <Image src={`/api/v1/videos/${video.id}/poster?v=${encodeURIComponent(video.updatedAt)}`} alt={t('video.posterAlt')} radius="sm" mah={280} fit="contain" />
          </Paper>
          <Paper withBorder p="md">
            <Title order={2} size="h4" mb="sm">
              {t('video.storyboard')}
            </Title>
            <Image src={`/api/v1/videos/${video.id}/storyboard?v=${encodeURIComponent(video.updatedAt)}`} alt={t('video.storyboardAlt')} radius="sm" fit="contain" />
          </Paper>
        </SimpleGrid>
      )}

      <CaptionManager video={video} />
    </Stack>
  );
}
