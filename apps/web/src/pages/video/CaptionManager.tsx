import { Alert, Badge, Button, Checkbox, FileButton, Group, Loader, Paper, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api';
import { bodyFieldErrors, confirmAction, EmptyState, ErrorState, errorMessage, notify, notifyError } from '../../components/common';
import { captionKey, videoByAssetKey, type Caption, type CaptionSummary, type Video } from './model';

function AddCaption({ video }: { video: Video }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [language, setLanguage] = useState('');
  const [label, setLabel] = useState('');
  const [isDefault, setIsDefault] = useState(video.captions.length === 0);
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState('');
  const add = useMutation({
    mutationFn: async () => {
      const body = file ? await file.text() : text;
      return call<Caption>(api.POST('/api/v1/videos/{videoId}/captions', { params: { path: { videoId: video.id } }, body: { language, label, isDefault, text: body, format: 'auto' } }));
    },
    onSuccess: () => {
      notify({ color: 'green', message: t('video.captions.added') });
      setLanguage('');
      setLabel('');
      setFile(null);
      setText('');
      void qc.invalidateQueries({ queryKey: videoByAssetKey(video.assetId) });
    },
  });
  const errors = bodyFieldErrors(add.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file && !text.trim()) return;
    add.mutate();
  };
  return (
    <form onSubmit={submit} aria-label={t('video.captions.add')}>
      <Stack gap="sm">
        <Group grow align="flex-start" wrap="wrap">
          <TextInput label={t('video.captions.language')} value={language} onChange={(e) => setLanguage(e.currentTarget.value)} required error={errors.language} miw={200} />
          <TextInput label={t('video.captions.label')} value={label} onChange={(e) => setLabel(e.currentTarget.value)} required error={errors.label} miw={200} />
        </Group>
        <Checkbox label={t('video.captions.isDefault')} checked={isDefault} onChange={(e) => setIsDefault(e.currentTarget.checked)} />
        <Group>
          <FileButton onChange={setFile} accept=".vtt,.srt,text/vtt,application/x-subrip">
            {(props) => (
              <Button variant="default" {...props}>
                {t('video.captions.file')}
              </Button>
            )}
          </FileButton>
          {file && <Text size="sm">{t('video.captions.fileChosen', { name: file.name })}</Text>}
        </Group>
        {!file && <Textarea label={t('video.captions.text')} value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={3} maxRows={10} styles={{ input: { fontFamily: 'monospace' } }} />}
        {add.error && (
          <Alert color="red" role="alert">
            {errorMessage(add.error, t)}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={add.isPending} disabled={!language || !label || (!file && !text.trim())}>
            {t('video.captions.add')}
          </Button>
          {!file && !text.trim() && (
            <Text size="sm" c="dimmed">
              {t('video.captions.needText')}
            </Text>
          )}
        </Group>
      </Stack>
    </form>
  );
}

function EditCaption({ video, track, onClose }: { video: Video; track: CaptionSummary; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const query = useQuery({
    queryKey: captionKey(video.id, track.language),
    queryFn: () => call<Caption>(api.GET('/api/v1/videos/{videoId}/captions/{language}', { params: { path: { videoId: video.id, language: track.language } } })),
  });
  const [draft, setDraft] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (vtt: string) => call<Caption>(api.PUT('/api/v1/videos/{videoId}/captions/{language}', { params: { path: { videoId: video.id, language: track.language } }, body: { vtt } })),
    onSuccess: (c) => {
      qc.setQueryData(captionKey(video.id, track.language), c);
      setDraft(null);
      notify({ color: 'green', message: t('video.captions.saved') });
      void qc.invalidateQueries({ queryKey: videoByAssetKey(video.assetId) });
    },
  });
  const value = draft ?? query.data?.vtt ?? '';
  const error = save.error ? errorMessage(save.error, t) : null;
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t('video.captions.editing', { label: track.label, language: track.language })}
        </Title>
        {query.error && <ErrorState error={query.error} onRetry={() => void query.refetch()} />}
        {query.isLoading && <Loader size="sm" aria-label={t('app.loading')} />}
        {query.data && <Textarea label={t('video.captions.vtt')} value={value} onChange={(e) => setDraft(e.currentTarget.value)} autosize minRows={6} maxRows={20} disabled={query.isLoading} styles={{ input: { fontFamily: 'monospace' } }} error={error} />}
        <Group>
          <Button onClick={() => save.mutate(value)} loading={save.isPending} disabled={draft === null}>
            {t('video.captions.save')}
          </Button>
          <Button variant="default" onClick={onClose}>
            {t('video.captions.close')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** Caption tracks of a video: upload WebVTT/SRT per language, set the default, edit the VTT in place, delete. */
export function CaptionManager({ video }: { video: Video }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [editing, setEditing] = useState<string | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: videoByAssetKey(video.assetId) });
  const update = useMutation({
    mutationFn: (c: CaptionSummary) => call<Caption>(api.PUT('/api/v1/videos/{videoId}/captions/{language}', { params: { path: { videoId: video.id, language: c.language } }, body: { isDefault: true } })),
    onSuccess: refresh,
    onError: (e) => notifyError(e, t),
  });
  const remove = useMutation({
    mutationFn: (c: CaptionSummary) => call<unknown>(api.DELETE('/api/v1/videos/{videoId}/captions/{language}', { params: { path: { videoId: video.id, language: c.language } } })),
    onSuccess: () => {
      notify({ message: t('video.captions.deleted') });
      setEditing(null);
      refresh();
    },
    onError: (e) => notifyError(e, t),
  });
  const track = video.captions.find((c) => c.language === editing);
  return (
    <Paper withBorder p="md">
      <Stack gap="md">
        <Title order={2} size="h4">
          {t('video.captions.heading')}
        </Title>
        {video.captions.length === 0 ? (
          <EmptyState title={t('video.captions.none')} hint={t('video.captions.noneHint')} />
        ) : (
          <Table.ScrollContainer minWidth={320}>
            <Table aria-label={t('video.captions.tableLabel')}>
              <Table.Tbody>
                {video.captions.map((c) => (
                  <Table.Tr key={c.id} data-testid={`caption-${c.language}`}>
                    <Table.Td>
                      <Text fw={500}>{c.label}</Text>
                      <Text size="sm" c="dimmed">
                        {c.language}
                      </Text>
                    </Table.Td>
                    <Table.Td>{c.isDefault && <Badge variant="light">{t('video.captions.default')}</Badge>}</Table.Td>
                    <Table.Td>
                      <Group gap="xs" justify="flex-end" wrap="wrap">
                        <Button size="xs" variant="default" onClick={() => setEditing(c.language)} aria-label={`${t('video.captions.edit')} ${c.label}`}>
                          {t('video.captions.edit')}
                        </Button>
                        {!c.isDefault && (
                          <Button size="xs" variant="default" onClick={() => update.mutate(c)} aria-label={`${t('video.captions.makeDefault')} ${c.label}`}>
                            {t('video.captions.makeDefault')}
                          </Button>
                        )}
                        <Button
                          size="xs"
                          color="red"
                          variant="light"
                          aria-label={`${t('video.captions.delete')} ${c.label}`}
                          onClick={async () => {
                            if (await confirmAction({ title: t('video.captions.deleteTitle'), message: t('video.captions.deleteMessage', { label: c.label }), confirmLabel: t('video.captions.delete') })) remove.mutate(c);
                          }}
                        >
                          {t('video.captions.delete')}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {track && <EditCaption key={track.language} video={video} track={track} onClose={() => setEditing(null)} />}
        <AddCaption key={video.captions.length} video={video} />
      </Stack>
    </Paper>
  );
}
