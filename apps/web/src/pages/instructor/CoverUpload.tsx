import { Alert, Button, FileButton, Group, Image, Progress, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { uploadWithProgress } from '../../api';
import { errorMessage, formatNumber } from '../../components/common';
import { ImageIcon } from './icons';
import { useCourseCache, type CourseEditor } from './model';

const ACCEPT = 'image/png,image/jpeg,image/webp,image/gif';

export function CoverUpload({ course, disabled }: { course: CourseEditor; disabled?: boolean }) {
  const { t } = useTranslation();
  const cache = useCourseCache(course.id);
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const onFile = async (file: File | null) => {
    if (!file) return;
    setError(null);
    setPercent(0);
    try {
      const next = await uploadWithProgress<CourseEditor>('PUT', `/api/v1/courses/${encodeURIComponent(course.id)}/cover`, file, setPercent);
      // keep the other fields of the cached view (the form may hold unsaved edits of its own)
      const old = cache.get();
      cache.set(old ? { ...old, draft: { ...old.draft, coverKey: next.draft.coverKey, coverUrl: next.draft.coverUrl }, hasUnpublishedChanges: next.hasUnpublishedChanges, updatedAt: next.updatedAt } : next);
    } catch (e) {
      setError(errorMessage(e, t));
    } finally {
      setPercent(null);
    }
  };

  const url = course.draft.coverUrl;
  return (
    <Stack gap="xs">
      <Text fw={500} size="sm" id="cover-label">
        {t('instructor.cover.label')}
      </Text>
      <Group align="flex-start" gap="md">
        {url ? (
          <Image src={url} alt={t('instructor.cover.alt')} w={240} h={135} fit="cover" radius="md" data-testid="cover-image" />
        ) : (
          <Stack w={240} h={135} align="center" justify="center" bg="var(--mantine-color-default-hover)" style={{ borderRadius: 8 }}>
            <ImageIcon />
            <Text size="sm" c="dimmed">
              {t('instructor.cover.none')}
            </Text>
          </Stack>
        )}
        <Stack gap="xs" style={{ flex: '1 1 200px' }}>
          <FileButton onChange={(f) => void onFile(f)} accept={ACCEPT} disabled={disabled || percent !== null} inputProps={{ 'aria-labelledby': 'cover-label', name: 'cover' }}>
            {(props) => (
              <Button {...props} variant="default" loading={percent !== null} disabled={disabled}>
                {url ? t('instructor.cover.replace') : t('instructor.cover.upload')}
              </Button>
            )}
          </FileButton>
          <Text size="xs" c="dimmed">
            {t('instructor.cover.hint')}
          </Text>
          {percent !== null && (
            <Stack gap={2}>
              <Progress value={percent} aria-label={t('instructor.cover.progress')} aria-valuetext={`${formatNumber(percent)}%`} animated />
              <Text size="sm" aria-live="polite" data-testid="cover-progress">
                {t('instructor.cover.uploading', { percent: formatNumber(percent) })}
              </Text>
            </Stack>
          )}
          {error && (
            <Alert color="red" role="alert" title={t('instructor.cover.refused')}>
              {error}
            </Alert>
          )}
        </Stack>
      </Group>
    </Stack>
  );
}
