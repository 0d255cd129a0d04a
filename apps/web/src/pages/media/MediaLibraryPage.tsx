import { Button, Group, List, Modal, Paper, Progress, Select, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../api';
import { bodyFieldErrors, confirmAction, EmptyState, ErrorState, LoadMore, notify, notifyError, usePageTitle } from '../../components/common';
import { useRealtimeEvent } from '../../realtime';
import { AssetRow } from './AssetRow';
import { type AssetUsage, formatBytes, type MediaAsset, type MediaAssetPage, type MediaKind, mediaKey, type MediaQuota, quotaKey, type VideoStatusMessage } from './model';
import { UploadPanel } from './UploadPanel';

const KINDS = ['all', 'video', 'audio', 'image', 'document'] as const;

function QuotaBar({ quota }: { quota: MediaQuota }) {
  const { t, i18n } = useTranslation();
  const pct = quota.limitBytes > 0 ? Math.min(100, ((quota.usedBytes + quota.reservedBytes) / quota.limitBytes) * 100) : 100;
  return (
    <Stack gap={4} data-testid="media-quota">
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={500}>
          {t('media.quota.label')}
        </Text>
        <Text size="sm" c="dimmed">
          {t('media.quota.value', { used: formatBytes(quota.usedBytes, i18n.language), limit: formatBytes(quota.limitBytes, i18n.language) })}
        </Text>
      </Group>
      <Progress value={pct} color={pct > 90 ? 'red' : undefined} aria-label={t('media.quota.label')} />
      {quota.reservedBytes > 0 && (
        <Text size="xs" c="dimmed">
          {t('media.quota.reserved', { reserved: formatBytes(quota.reservedBytes, i18n.language) })}
        </Text>
      )}
    </Stack>
  );
}

function RenameModal({ asset, onClose }: { asset: MediaAsset; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [title, setTitle] = useState(asset.title);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await call(api.PATCH('/api/v1/media/{assetId}', { params: { path: { assetId: asset.id } }, body: { title } }));
      await qc.invalidateQueries({ queryKey: mediaKey });
      notify({ color: 'green', message: t('media.renamed') });
      onClose();
    } catch (err) {
      const fields = bodyFieldErrors(err);
      if (fields.title) setError(fields.title);
      else notifyError(err, t);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={t('media.renameTitle', { title: asset.title })} closeButtonProps={{ 'aria-label': t('app.close') }}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <TextInput label={t('media.newTitle')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={error} maxLength={200} required data-autofocus />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={busy}>
              {t('media.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function InUseModal({ uses, onClose }: { uses: AssetUsage['items']; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened onClose={onClose} title={t('media.inUseTitle')} closeButtonProps={{ 'aria-label': t('app.close') }}>
      <Stack>
        <Text size="sm">{t('media.inUseMessage')}</Text>
        <List size="sm" data-testid="in-use-list">
          {uses.map((u) => (
            <List.Item key={`${u.lessonId}-${u.role}`}>{t('media.usedByLesson', { lesson: u.lessonTitle, course: u.courseTitle })}</List.Item>
          ))}
        </List>
        <Group justify="flex-end">
          <Button onClick={onClose}>{t('app.close')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The organization's media library: upload, search, filter, rename, delete, live video status. */
export function MediaLibraryPage() {
  const { t } = useTranslation();
  usePageTitle(t('media.title'));
  const qc = useQueryClient();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [kind, setKind] = useState<(typeof KINDS)[number]>('all');
  const [renaming, setRenaming] = useState<MediaAsset | null>(null);
  const [inUse, setInUse] = useState<AssetUsage['items'] | null>(null);
  const [live, setLive] = useState<Record<string, VideoStatusMessage>>({});

  const quota = useQuery({ queryKey: quotaKey, queryFn: () => call<MediaQuota>(api.GET('/api/v1/media/quota')) });
  const list = useInfiniteQuery({
    queryKey: [...mediaKey, 'list', q, kind],
    queryFn: ({ pageParam }) =>
      call<MediaAssetPage>(
        api.GET('/api/v1/media', { params: { query: { limit: 20, cursor: pageParam ?? undefined, q: q || undefined, kind: kind === 'all' ? undefined : (kind as MediaKind) } } }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

  useRealtimeEvent<VideoStatusMessage>('media.video.status', (m) => {
    setLive((prev) => ({ ...prev, [m.assetId]: m }));
  });

  const remove = async (asset: MediaAsset) => {
    const ok = await confirmAction({ title: t('media.deleteTitle', { title: asset.title }), message: t('media.deleteMessage'), confirmLabel: t('media.delete') });
    if (!ok) return;
    try {
      await call(api.DELETE('/api/v1/media/{assetId}', { params: { path: { assetId: asset.id } } }));
      await qc.invalidateQueries({ queryKey: mediaKey });
      notify({ color: 'green', message: t('media.deleted') });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'asset_in_use') {
        setInUse(((err.problem as { usedBy?: AssetUsage['items'] }).usedBy ?? []) as AssetUsage['items']);
      } else notifyError(err, t);
    }
  };

  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <div>
        <Title order={1}>{t('media.title')}</Title>
        <Text c="dimmed">{t('media.intro')}</Text>
      </div>
      {quota.data && <QuotaBar quota={quota.data} />}
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('media.upload.heading')}
          </Title>
          <UploadPanel maxUploadBytes={quota.data?.maxUploadBytes ?? 20 * 1024 ** 3} onStored={() => void qc.invalidateQueries({ queryKey: quotaKey })} />
        </Stack>
      </Paper>
      <Group align="flex-end" gap="sm" role="search">
        <TextInput label={t('media.search')} placeholder={t('media.searchPlaceholder')} value={search} onChange={(e) => setSearch(e.currentTarget.value)} type="search" style={{ flex: 1, minWidth: 180 }} />
        <Select
          label={t('media.kind')}
          data={KINDS.map((k) => ({ value: k, label: t(`media.kinds.${k}`) }))}
          value={kind}
          onChange={(v) => setKind((v as (typeof KINDS)[number]) ?? 'all')}
          allowDeselect={false}
          w={180}
        />
      </Group>
      {list.isPending ? (
        <Stack aria-hidden="true">
          <Skeleton height={72} />
          <Skeleton height={72} />
        </Stack>
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={q || kind !== 'all' ? t('media.noMatch') : t('media.empty')} hint={q || kind !== 'all' ? undefined : t('media.emptyHint')} />
      ) : (
        <Stack gap="xs" component="ul" p={0} m={0} aria-label={t('media.title')}>
          {items.map((a) => (
            <AssetRow key={a.id} asset={a} live={live[a.id] ?? (a.video ? { videoId: a.video.id, assetId: a.id, status: a.video.status, progress: a.video.progress, failureReason: a.video.failureReason } : undefined)} onRename={() => setRenaming(a)} onDelete={() => void remove(a)} />
          ))}
        </Stack>
      )}
      <LoadMore query={list} label={t('media.more')} />
      {renaming && <RenameModal asset={renaming} onClose={() => setRenaming(null)} />}
      {inUse && <InUseModal uses={inUse} onClose={() => setInUse(null)} />}
    </Stack>
  );
}
