import { Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api';
import { bodyFieldErrors, errorMessage, notify, notifyError } from '../../components/common';
import type { GeoRules } from './types';

const list = (s: string) =>
  s
    .split(/[\s,;]+/)
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);

/** The course editor's card for the countries its videos may (allow) or may not (deny) be watched from. */
export function GeoRulesCard({ courseId }: { courseId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const key = ['geo-rules', courseId];
  const q = useQuery({ queryKey: key, queryFn: () => call<GeoRules>(api.GET('/api/v1/courses/{id}/geo-rules', { params: { path: { id: courseId } } })) });
  const [allow, setAllow] = useState('');
  const [deny, setDeny] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    if (q.data) {
      setAllow(q.data.allow.join(', '));
      setDeny(q.data.deny.join(', '));
    }
  }, [q.data]);
  const save = useMutation({
    mutationFn: () => call<GeoRules>(api.PUT('/api/v1/courses/{id}/geo-rules', { params: { path: { id: courseId } }, body: { allow: list(allow), deny: list(deny) } })),
    onSuccess: (data) => {
      setErrors({});
      qc.setQueryData(key, data);
      notify({ message: t('player.geo.saved'), color: 'green' });
    },
    onError: (e) => {
      const fields = bodyFieldErrors(e);
      setErrors(Object.keys(fields).length ? fields : { allow: errorMessage(e, t) });
      notifyError(e, t);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  if (q.isError) return null;
  const fieldError = (name: 'allow' | 'deny') => errors[name] ?? Object.entries(errors).find(([k]) => k.startsWith(`${name}.`))?.[1];
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-labelledby="geo-heading" noValidate>
      <Stack gap="sm">
        <Title order={2} size="h4" id="geo-heading">
          {t('player.geo.heading')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('player.geo.intro', { header: q.data?.countryHeader ?? 'cf-ipcountry' })}
        </Text>
        <TextInput label={t('player.geo.allow')} description={t('player.geo.hint')} value={allow} onChange={(e) => setAllow(e.currentTarget.value)} error={fieldError('allow')} disabled={!q.data} />
        <TextInput label={t('player.geo.deny')} description={t('player.geo.hint')} value={deny} onChange={(e) => setDeny(e.currentTarget.value)} error={fieldError('deny')} disabled={!q.data} />
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending} disabled={!q.data}>
            {t('player.geo.save')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
