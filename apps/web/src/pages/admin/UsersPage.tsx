import { Badge, Button, Group, Modal, Stack, Table, Text, TextInput, Textarea, Title, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api';
import { bodyFieldErrors, EmptyState, ErrorState, formatDate, LoadMore, notify, notifyError, PageLoading, usePageTitle } from '../../components/common';
import { usePermissions, useSession } from '../../session';
import { ListSkeleton, NoAccess, orgKeys, type AdminUser, type AdminUserPage } from './shared';

function SuspendDialog({ user, onClose }: { user: AdminUser; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    setSaving(true);
    try {
      await call<AdminUser>(api.POST('/api/v1/admin/users/{id}/suspend', { params: { path: { id: user.id } }, body: { reason: reason.trim() || undefined } }));
      notify({ message: t('admin.users.suspended', { name: user.name }) });
      await qc.invalidateQueries({ queryKey: orgKeys.users });
      onClose();
    } catch (err) {
      const fields = bodyFieldErrors(err);
      if (fields.reason) setError(fields.reason);
      else notifyError(err, t);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal opened onClose={onClose} title={t('admin.users.suspendTitle', { name: user.name })} closeButtonProps={{ 'aria-label': t('app.close') }}>
      <form onSubmit={(e) => void onSubmit(e)} noValidate>
        <Stack>
          <Text size="sm">{t('admin.users.suspendMessage', { email: user.email })}</Text>
          <Textarea
            label={t('admin.users.reason')}
            description={t('admin.users.reasonHint')}
            autosize
            minRows={2}
            maxLength={500}
            data-autofocus
            value={reason}
            onChange={(e) => {
              setReason(e.currentTarget.value);
              setError(undefined);
            }}
            error={error}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" color="red.9" loading={saving}>
              {t('admin.users.suspendConfirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function UserRow({ user, onSuspend }: { user: AdminUser; onSuspend: (u: AdminUser) => void }) {
  const { t, i18n } = useTranslation();
  const { user: me } = useSession();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const reactivate = async () => {
    setBusy(true);
    try {
      await call<AdminUser>(api.POST('/api/v1/admin/users/{id}/reactivate', { params: { path: { id: user.id } } }));
      notify({ color: 'green', message: t('admin.users.reactivated', { name: user.name }) });
      await qc.invalidateQueries({ queryKey: orgKeys.users });
    } catch (e) {
      notifyError(e, t);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Table.Tr data-testid="user-row">
      <Table.Td>
        <Text size="sm" fw={500}>
          {user.name}
        </Text>
        <Text size="sm" c="dimmed">
          {user.email}
        </Text>
      </Table.Td>
      <Table.Td>
        <Group gap={6}>
          {user.suspended ? (
            <Badge color="red" variant="light">
              {t('admin.users.statusSuspended')}
            </Badge>
          ) : (
            <Badge color="green" variant="light">
              {t('admin.users.statusActive')}
            </Badge>
          )}
          {user.platformRole === 'admin' && (
            <Badge color="indigo" variant="light">
              {t('admin.users.platformAdmin')}
            </Badge>
          )}
          {!user.emailVerified && (
            <Badge color="gray" variant="light">
              {t('admin.users.unverified')}
            </Badge>
          )}
        </Group>
        {user.suspended && user.suspendedReason && (
          <Text size="xs" c="dimmed" mt={4}>
            {t('admin.users.reasonShown', { reason: user.suspendedReason })}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatDate(user.createdAt, i18n.language)}</Text>
      </Table.Td>
      <Table.Td>
        {user.id !== me?.id &&
          (user.suspended ? (
            <Button size="xs" variant="default" loading={busy} onClick={() => void reactivate()} aria-label={t('admin.users.reactivateLabel', { name: user.name })}>
              {t('admin.users.reactivate')}
            </Button>
          ) : (
            <Button size="xs" variant="outline" color="red" onClick={() => onSuspend(user)} aria-label={t('admin.users.suspendLabel', { name: user.name })}>
              {t('admin.users.suspend')}
            </Button>
          ))}
      </Table.Td>
    </Table.Tr>
  );
}

export function UsersPage() {
  const { t } = useTranslation();
  usePageTitle(t('admin.users.title'));
  const perms = usePermissions();
  const [q, setQ] = useState('');
  const [debouncedQ] = useDebouncedValue(q.trim(), 250);
  const [suspending, setSuspending] = useState<AdminUser | null>(null);
  const list = useInfiniteQuery({
    queryKey: [...orgKeys.users, debouncedQ],
    queryFn: ({ pageParam }) =>
      call<AdminUserPage>(api.GET('/api/v1/admin/users', { params: { query: { limit: 25, q: debouncedQ || undefined, cursor: pageParam ?? undefined } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    enabled: perms.isPlatformAdmin,
  });

  if (perms.isLoading) return <PageLoading />;
  if (!perms.isPlatformAdmin) return <NoAccess message={t('admin.users.onlyAdmins')} />;
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack>
      <Title order={1}>{t('admin.users.title')}</Title>
      <div role="search">
        <TextInput type="search" label={t('admin.users.search')} placeholder={t('admin.users.searchPlaceholder')} value={q} onChange={(e) => setQ(e.currentTarget.value)} maw={420} />
      </div>
      {list.isPending ? (
        <ListSkeleton />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState
          title={t('admin.users.empty')}
          hint={t('admin.users.emptyHint')}
          action={
            debouncedQ ? (
              <Button variant="light" onClick={() => setQ('')}>
                {t('admin.users.clearSearch')}
              </Button>
            ) : undefined
          }
        />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.users.colUser')}</Table.Th>
                <Table.Th>{t('admin.users.colStatus')}</Table.Th>
                <Table.Th>{t('admin.users.colCreated')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('admin.users.colActions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((u) => (
                <UserRow key={u.id} user={u} onSuspend={setSuspending} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMore query={list} label={t('admin.users.loadMore')} />
      {suspending && <SuspendDialog user={suspending} onClose={() => setSuspending(null)} />}
    </Stack>
  );
}
