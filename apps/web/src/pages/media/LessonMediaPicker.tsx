import { Anchor, Button, Group, Paper, Select, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../api';
import { ErrorState, notify, notifyError } from '../../components/common';
import { type LessonAttachment, mediaKey, type MediaAssetPage, type MediaQuota, quotaKey } from './model';
import { UploadPanel } from './UploadPanel';

type Role = 'video' | 'document';

/**
 * In a video (or document) lesson's editor: which library file the lesson uses, choose another
 * from the library or upload one here, and detach it.
 */
export function LessonMediaPicker({ courseId, lessonId, role }: { courseId: string; lessonId: string; role: Role }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [choice, setChoice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const key = ['media', 'attachment', lessonId, role];
  const path = { params: { path: { courseId, lessonId } } };
  const attached = useQuery({
    queryKey: key,
    queryFn: () =>
      call<LessonAttachment>(role === 'video' ? api.GET('/api/v1/courses/{courseId}/lessons/{lessonId}/video', path) : api.GET('/api/v1/courses/{courseId}/lessons/{lessonId}/document', path)),
  });
  const options = useQuery({
    queryKey: [...mediaKey, 'list', '', role, 'picker'],
    queryFn: () => call<MediaAssetPage>(api.GET('/api/v1/media', { params: { query: { limit: 100, kind: role } } })),
  });
  const quota = useQuery({ queryKey: quotaKey, queryFn: () => call<MediaQuota>(api.GET('/api/v1/media/quota')) });

  const attach = async (assetId: string) => {
    setBusy(true);
    try {
      const body = { assetId };
      const res = await call<LessonAttachment>(
        role === 'video'
          ? api.PUT('/api/v1/courses/{courseId}/lessons/{lessonId}/video', { ...path, body })
          : api.PUT('/api/v1/courses/{courseId}/lessons/{lessonId}/document', { ...path, body }),
      );
      qc.setQueryData(key, res);
      setChoice(null);
      notify({ color: 'green', message: t('media.picker.attachedOk') });
    } catch (err) {
      notifyError(err, t);
    } finally {
      setBusy(false);
    }
  };

  const detach = async () => {
    setBusy(true);
    try {
      await call(role === 'video' ? api.DELETE('/api/v1/courses/{courseId}/lessons/{lessonId}/video', path) : api.DELETE('/api/v1/courses/{courseId}/lessons/{lessonId}/document', path));
      qc.setQueryData(key, { attachment: null });
      notify({ color: 'green', message: t('media.picker.detachedOk') });
    } catch (err) {
      notifyError(err, t);
    } finally {
      setBusy(false);
    }
  };

  const stored = (options.data?.items ?? []).filter((a) => a.status === 'stored');
  const current = attached.data?.attachment?.asset ?? null;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="lesson-media-heading">
      <Stack gap="sm">
        <Title order={3} size="h4" id="lesson-media-heading">
          {role === 'video' ? t('media.picker.heading') : t('media.picker.headingDocument')}
        </Title>
        {attached.isPending ? (
          <Skeleton height={24} />
        ) : attached.isError ? (
          <ErrorState error={attached.error} onRetry={() => void attached.refetch()} />
        ) : current ? (
          <Group justify="space-between" gap="xs">
            <Text size="sm" data-testid="attached-media" style={{ overflowWrap: 'anywhere' }}>
              {t('media.picker.attached', { title: current.title })}
            </Text>
            <Button variant="outline" color="red" size="xs" onClick={() => void detach()} loading={busy}>
              {t('media.picker.detach')}
            </Button>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            {t('media.picker.none')}
          </Text>
        )}
        <Group align="flex-end" gap="xs">
          <Select
            label={role === 'video' ? t('media.picker.choose') : t('media.picker.chooseDocument')}
            data={stored.map((a) => ({ value: a.id, label: a.title }))}
            value={choice}
            onChange={setChoice}
            searchable
            nothingFoundMessage={role === 'video' ? t('media.picker.noVideos') : t('media.picker.noDocuments')}
            style={{ flex: 1, minWidth: 200 }}
          />
          <Button onClick={() => choice && void attach(choice)} disabled={!choice || busy} loading={busy}>
            {t('media.picker.attach')}
          </Button>
        </Group>
        <Text size="sm" fw={500}>
          {t('media.picker.uploadHere')}
        </Text>
        <UploadPanel
          maxUploadBytes={quota.data?.maxUploadBytes ?? 20 * 1024 ** 3}
          accept={role === 'video' ? ['video/*'] : ['application/pdf']}
          onStored={(assetId) => {
            void qc.invalidateQueries({ queryKey: mediaKey });
            void attach(assetId);
          }}
        />
        <Anchor component={Link} to="/teach/media" size="sm">
          {t('media.picker.openLibrary')}
        </Anchor>
      </Stack>
    </Paper>
  );
}
