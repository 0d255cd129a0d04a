import { Anchor, Badge, Button, Group, Image, Paper, Progress, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../api';
import { formatDate } from '../../components/common';
import { type AssetUsage, formatBytes, type MediaAsset, thumbnailOf, type VideoStatusMessage } from './model';

const KIND_LETTER: Record<MediaAsset['kind'], string> = { video: '▶', audio: '♪', image: '▣', document: '¶' };

function UsedBy({ asset }: { asset: MediaAsset }) {
  const { t } = useTranslation();
  const used = useQuery({
    queryKey: ['media', asset.id, 'used-by'],
    queryFn: () => call<AssetUsage>(api.GET('/api/v1/media/{assetId}/used-by', { params: { path: { assetId: asset.id } } })),
  });
  if (used.isPending) return <Text size="xs" c="dimmed">{t('app.loading')}</Text>;
  if (used.isError) return <Text size="xs" c="red">{String(used.error.message)}</Text>;
  if (used.data.items.length === 0) return <Text size="xs" c="dimmed">{t('media.usedByNone')}</Text>;
  return (
    <Stack gap={2} component="ul" style={{ margin: 0, paddingLeft: 18 }}>
      {used.data.items.map((u) => (
        <Text key={`${u.lessonId}-${u.role}`} size="xs" component="li">
          <Anchor component={Link} to={`/teach/courses/${u.courseId}/lessons/${u.lessonId}`} size="xs">
            {t('media.usedByLesson', { lesson: u.lessonTitle, course: u.courseTitle })}
          </Anchor>
        </Text>
      ))}
    </Stack>
  );
}

/** One library file: thumbnail, title, size, status (live for videos) and its actions. */
export function AssetRow({ asset, live, onRename, onDelete }: { asset: MediaAsset; live: VideoStatusMessage | undefined; onRename: () => void; onDelete: () => void }) {
  const { t, i18n } = useTranslation();
  const [showUses, setShowUses] = useState(false);
  const thumb = thumbnailOf(asset);
  const headingId = `asset-${asset.id}`;
  return (
    <Paper withBorder p="sm" component="li" aria-labelledby={headingId} data-testid="media-row" style={{ listStyle: 'none' }}>
      <Group align="flex-start" wrap="nowrap" gap="sm">
        {thumb ? (
          <Image src={thumb} alt={t('media.thumbnailOf', { title: asset.title })} w={64} h={48} fit="cover" radius="sm" />
        ) : (
          <Text w={64} h={48} ta="center" fz={28} c="dimmed" aria-hidden="true" style={{ flexShrink: 0 }}>
            {KIND_LETTER[asset.kind]}
          </Text>
        )}
        <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
          <Group gap="xs" wrap="wrap">
            {asset.kind === 'video' && asset.status === 'stored' ? (
              <Anchor component={Link} to={`/teach/media/${asset.id}`} fw={600} id={headingId} aria-label={t('media.video.details', { title: asset.title })} style={{ overflowWrap: 'anywhere' }}>
                {asset.title}
              </Anchor>
            ) : (
              <Text fw={600} id={headingId} style={{ overflowWrap: 'anywhere' }}>
                {asset.title}
              </Text>
            )}
            <Badge variant="light" color="gray">
              {t(`media.kindOne.${asset.kind}`)}
            </Badge>
            {asset.status !== 'stored' && (
              <Badge variant="light" color={asset.status === 'refused' ? 'red' : 'blue'}>
                {t(`media.status.${asset.status}`)}
              </Badge>
            )}
          </Group>
          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {asset.filename} · {formatBytes(asset.sizeBytes, i18n.language)} · {formatDate(asset.createdAt, i18n.language)}
          </Text>
          {asset.status === 'refused' && asset.refusalReason && (
            <Text size="xs" c="red">
              {t('media.refusedBecause', { reason: asset.refusalReason })}
            </Text>
          )}
          {live && (
            <Stack gap={2} data-testid="video-status">
              <Text size="xs" c={live.status === 'failed' ? 'red' : undefined} role="status">
                {live.status === 'failed' && live.failureReason
                  ? `${t(`media.video.status.${live.status}`, { defaultValue: live.status })}: ${live.failureReason}`
                  : t('media.video.progress', { status: t(`media.video.status.${live.status}`, { defaultValue: live.status }), percent: Math.round(live.progress) })}
              </Text>
              {live.status !== 'ready' && live.status !== 'failed' && <Progress value={live.progress} size="sm" aria-label={t('media.video.progress', { status: live.status, percent: Math.round(live.progress) })} />}
            </Stack>
          )}
          <Group gap={4} mt={4} role="group" aria-label={t('media.actions', { title: asset.title })}>
            <Button size="compact-xs" variant="default" onClick={() => setShowUses((v) => !v)} aria-expanded={showUses}>
              {t('media.usedBy')}
            </Button>
            <Button size="compact-xs" variant="default" onClick={onRename}>
              {t('media.rename')}
            </Button>
            <Button size="compact-xs" variant="outline" color="red" onClick={onDelete}>
              {t('media.delete')}
            </Button>
          </Group>
          {showUses && <UsedBy asset={asset} />}
        </Stack>
      </Group>
    </Paper>
  );
}
