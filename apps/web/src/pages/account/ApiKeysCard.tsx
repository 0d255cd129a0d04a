import { Alert, Badge, Button, Code, CopyButton, Group, Paper, Select, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import type { components } from '@lyceum/api-client';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api';
import { ErrorState, bodyFieldErrors, confirmAction, formatDate, notify, notifyError } from '../../components/common';

type ApiKeyPage = components['schemas']['ApiKeyPageDto_Output'];
type ApiKey = ApiKeyPage['items'][number];
type CreatedApiKey = components['schemas']['CreatedApiKeyDto_Output'];

const keysKey = ['me', 'api-keys'] as const;
const EXPIRY_DAYS = ['30', '90', '365'] as const;

export function ApiKeysCard() {
  const { t } = useTranslation();
  const keys = useInfiniteQuery({
    queryKey: keysKey,
    queryFn: ({ pageParam }) =>
      call<ApiKeyPage>(api.GET('/api/v1/me/api-keys', { params: { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const items = keys.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Paper withBorder p="lg">
      <Stack>
        <Title order={2} size="h4">
          {t('account.apiKeys.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('account.apiKeys.intro')}
        </Text>
        <CreateKeyForm onCreated={setCreated} />
        {created && <NewKey created={created} onDismiss={() => setCreated(null)} />}
        {keys.isLoading ? (
          <Stack gap="xs">
            <Skeleton height={32} />
            <Skeleton height={32} />
          </Stack>
        ) : keys.error ? (
          <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
        ) : items.length === 0 ? (
          <Text size="sm">{t('account.apiKeys.empty')}</Text>
        ) : (
          <>
            <KeyList items={items} />
            {keys.hasNextPage && (
              <Button variant="default" loading={keys.isFetchingNextPage} onClick={() => void keys.fetchNextPage()}>
                {t('account.apiKeys.more')}
              </Button>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (key: CreatedApiKey) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState<string>('never');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!name.trim()) {
      setError(t('auth.required'));
      document.getElementById('api-key-name')?.focus();
      return;
    }
    setBusy(true);
    try {
      const key = await call<CreatedApiKey>(
        api.POST('/api/v1/me/api-keys', { body: { name: name.trim(), ...(expiry !== 'never' ? { expiresInDays: Number(expiry) } : {}) } }),
      );
      setName('');
      onCreated(key);
      await qc.invalidateQueries({ queryKey: keysKey });
    } catch (err) {
      const fields = bodyFieldErrors(err);
      if (fields.name) setError(fields.name);
      else notifyError(err, t);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <Group align="flex-end" gap="sm" wrap="wrap">
        <TextInput
          id="api-key-name"
          label={t('account.apiKeys.name')}
          placeholder={t('account.apiKeys.namePlaceholder')}
          required
          maxLength={100}
          value={name}
          onChange={(e) => {
            setName(e.currentTarget.value);
            setError(undefined);
          }}
          error={error}
          w={{ base: '100%', xs: 260 }}
        />
        <Select
          label={t('account.apiKeys.expiry')}
          data={[
            { value: 'never', label: t('account.apiKeys.never') },
            ...EXPIRY_DAYS.map((d) => ({ value: d, label: t('account.apiKeys.days', { count: Number(d) }) })),
          ]}
          value={expiry}
          onChange={(v) => v && setExpiry(v)}
          allowDeselect={false}
          w={{ base: '100%', xs: 160 }}
        />
        <Button type="submit" loading={busy}>
          {t('account.apiKeys.create')}
        </Button>
      </Group>
    </form>
  );
}

function NewKey({ created, onDismiss }: { created: CreatedApiKey; onDismiss: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert color="green" title={t('account.apiKeys.createdTitle', { name: created.name })} role="status">
      <Stack gap="xs">
        <Text size="sm">{t('account.apiKeys.createdHint')}</Text>
        <Code block data-testid="new-api-key" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
          {created.key}
        </Code>
        <Group gap="xs">
          <CopyButton value={created.key}>
            {({ copied, copy }) => (
              <Button size="xs" onClick={copy}>
                {copied ? t('account.copied') : t('account.apiKeys.copy')}
              </Button>
            )}
          </CopyButton>
          <Button size="xs" variant="default" onClick={onDismiss}>
            {t('account.apiKeys.dismiss')}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

function KeyList({ items }: { items: ApiKey[] }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [revoking, setRevoking] = useState<string | null>(null);

  const revoke = async (key: ApiKey) => {
    const ok = await confirmAction({
      title: t('account.apiKeys.revokeTitle'),
      message: t('account.apiKeys.revokeMessage', { name: key.name }),
      confirmLabel: t('account.apiKeys.revoke'),
    });
    if (!ok) return;
    setRevoking(key.id);
    try {
      await call(api.DELETE('/api/v1/me/api-keys/{keyId}', { params: { path: { keyId: key.id } } }));
      notify({ message: t('account.apiKeys.revoked', { name: key.name }) });
      await qc.invalidateQueries({ queryKey: keysKey });
    } catch (err) {
      notifyError(err, t);
    } finally {
      setRevoking(null);
    }
  };

  const now = Date.now();
  return (
    <Stack component="ul" gap="xs" m={0} p={0} style={{ listStyle: 'none' }} data-testid="api-keys" aria-label={t('account.apiKeys.listLabel')}>
      {items.map((k) => {
        const expired = !!k.expiresAt && new Date(k.expiresAt).getTime() <= now;
        const state = k.revokedAt ? 'revoked' : expired ? 'expired' : 'active';
        return (
          <Paper component="li" key={k.id} withBorder p="sm" radius="sm">
            <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
              <Stack gap={2} style={{ minWidth: 0, flex: '1 1 220px' }}>
                <Group gap="xs" wrap="wrap">
                  <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
                    {k.name}
                  </Text>
                  <Badge variant="light" color={state === 'active' ? 'green' : 'gray'}>
                    {t(`account.apiKeys.state.${state}`)}
                  </Badge>
                </Group>
                <Text size="xs" c="dimmed" ff="monospace">
                  {k.prefix}…
                </Text>
                <Text size="xs" c="dimmed">
                  {t('account.apiKeys.created')}: {formatDate(k.createdAt, i18n.language)} · {t('account.apiKeys.lastUsed')}:{' '}
                  {k.lastUsedAt ? formatDate(k.lastUsedAt, i18n.language) : t('account.apiKeys.neverUsed')}
                  {state === 'active' && k.expiresAt ? ` · ${t('account.apiKeys.expires', { date: formatDate(k.expiresAt, i18n.language) })}` : ''}
                </Text>
              </Stack>
              {state !== 'revoked' && (
                <Button
                  size="xs"
                  variant="default"
                  loading={revoking === k.id}
                  onClick={() => void revoke(k)}
                  aria-label={t('account.apiKeys.revokeNamed', { name: k.name })}
                >
                  {t('account.apiKeys.revoke')}
                </Button>
              )}
            </Group>
          </Paper>
        );
      })}
    </Stack>
  );
}
