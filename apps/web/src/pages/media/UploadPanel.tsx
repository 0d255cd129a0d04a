import { Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { formatBytes } from './model';
import { type UploadItem, useTusUploads } from './useTusUpload';

function UploadRow({ item, onPause, onResume, onDismiss }: { item: UploadItem; onPause: () => void; onResume: () => void; onDismiss: () => void }) {
  const { t, i18n } = useTranslation();
  const status =
    item.phase === 'done'
      ? t('media.upload.done')
      : item.phase === 'failed'
        ? t('media.upload.failed', { reason: item.error ?? '' })
        : item.phase === 'paused'
          ? t('media.upload.paused', { percent: item.percent })
          : item.phase === 'retrying'
            ? t('media.upload.offline')
            : t('media.upload.uploading', { percent: item.percent });
  return (
    <Paper withBorder p="sm" data-testid="upload-row">
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
            {item.name} <Text span c="dimmed" size="xs">{formatBytes(item.size, i18n.language)}</Text>
          </Text>
          <Group gap={4} wrap="nowrap">
            {(item.phase === 'uploading' || item.phase === 'retrying') && (
              <Button size="compact-sm" variant="default" onClick={onPause} aria-label={t('media.upload.pauseName', { name: item.name })}>
                {t('media.upload.pause')}
              </Button>
            )}
            {item.phase === 'paused' && (
              <Button size="compact-sm" onClick={onResume} aria-label={t('media.upload.resumeName', { name: item.name })}>
                {t('media.upload.resume')}
              </Button>
            )}
            {(item.phase === 'done' || item.phase === 'failed' || item.phase === 'paused') && (
              <Button size="compact-sm" variant="subtle" onClick={onDismiss} aria-label={t('media.upload.removeName', { name: item.name })}>
                {t('media.upload.remove')}
              </Button>
            )}
          </Group>
        </Group>
        <Progress value={item.percent} color={item.phase === 'failed' ? 'red' : item.phase === 'done' ? 'green' : undefined} aria-label={t('media.upload.progress', { name: item.name })} />
        <Text size="xs" c={item.phase === 'failed' ? 'red' : 'dimmed'} role={item.phase === 'failed' ? 'alert' : 'status'} data-testid="upload-status">
          {status}
        </Text>
        {item.resumed && (
          <Text size="xs" c="dimmed">
            {t('media.upload.resumed')}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

/** Drag-and-drop or pick files; each goes up over tus with its own progress, pause and resume. */
export function UploadPanel({ maxUploadBytes, onStored, accept }: { maxUploadBytes: number; onStored?: (assetId: string) => void; accept?: string[] }) {
  const { t, i18n } = useTranslation();
  const { items, add, pause, resume, dismiss } = useTusUploads(onStored);
  const openRef = useRef<() => void>(null);
  return (
    <Stack gap="sm">
      <Dropzone
        onDrop={(files) => add(files)}
        multiple
        accept={accept}
        openRef={openRef}
        activateOnClick={false}
        activateOnKeyboard={false}
        enablePointerEvents
        data-testid="media-dropzone"
      >
        <Stack gap={6} align="center" py="md">
          <Text fw={500} ta="center">
            {t('media.upload.drop')}
          </Text>
          <Text size="sm" c="dimmed" ta="center">
            {t('media.upload.dropHint', { max: formatBytes(maxUploadBytes, i18n.language) })}
          </Text>
          <Button variant="light" size="xs" onClick={() => openRef.current?.()}>
            {t('media.upload.choose')}
          </Button>
        </Stack>
      </Dropzone>
      {items.map((item) => (
        <UploadRow key={item.id} item={item} onPause={() => pause(item.id)} onResume={() => resume(item.id)} onDismiss={() => dismiss(item.id)} />
      ))}
    </Stack>
  );
}
