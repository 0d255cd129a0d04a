import { Badge, Button, Group, Select, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../api';
import { confirmAction, EmptyState, ErrorState, formatDate, LoadMore, notify, notifyError, usePageTitle } from '../../components/common';
import { useSession } from '../../session';
import { NoAccess, ListSkeleton, orgKeys, useOrgRoles, useRoleLabel, type Member, type MemberPage, type OrgRole } from './shared';
import { useOrgAdmin } from './OrgAdminLayout';

/** True when moving from `from` to `to` takes power away from an owner or administrator. */
function lowersPrivileged(from: string, to: string): boolean {
  if (from === to) return false;
  if (from === 'owner') return true;
  return from === 'admin' && to !== 'owner';
}

function MemberRow({ member, roles, orgId }: { member: Member; roles: OrgRole[]; orgId: string }) {
  const { t, i18n } = useTranslation();
  const { user } = useSession();
  const { can } = useOrgAdmin();
  const roleLabel = useRoleLabel();
  const qc = useQueryClient();
  const [busy, setBusy] = useState<'role' | 'remove' | null>(null);
  const isSelf = user?.id === member.userId;
  const currentRole = roles.find((r) => r.key === member.role);

  const changeRole = async (to: string | null) => {
    if (!to || to === member.role || busy) return;
    const target = roles.find((r) => r.key === to);
    if (lowersPrivileged(member.role, to)) {
      const ok = await confirmAction({
        title: t('admin.members.lowerTitle'),
        message: t('admin.members.lowerMessage', {
          name: member.name,
          from: roleLabel(member.role, currentRole?.name),
          to: roleLabel(to, target?.name),
        }),
        confirmLabel: t('admin.members.lowerConfirm'),
      });
      if (!ok) return;
    }
    setBusy('role');
    try {
      const updated = await call<Member>(
        api.PATCH('/api/v1/organizations/{id}/members/{userId}', { params: { path: { id: orgId, userId: member.userId } }, body: { role: to } }),
      );
      qc.setQueriesData<InfiniteData<MemberPage>>({ queryKey: orgKeys.members(orgId) }, (data) =>
        data ? { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.map((m) => (m.userId === updated.userId ? updated : m)) })) } : data,
      );
      notify({ color: 'green', message: t('admin.members.roleChanged', { name: member.name, role: roleLabel(to, target?.name) }) });
      await qc.invalidateQueries({ queryKey: orgKeys.members(orgId) });
    } catch (e) {
      notifyError(e, t);
    } finally {
      setBusy(null);
    }
  };

  const remove = async () => {
    const ok = await confirmAction({
      title: t('admin.members.removeTitle'),
      message: t('admin.members.removeMessage', { name: member.name, email: member.email }),
      confirmLabel: t('admin.members.removeConfirm'),
    });
    if (!ok) return;
    setBusy('remove');
    try {
      await call(api.DELETE('/api/v1/organizations/{id}/members/{userId}', { params: { path: { id: orgId, userId: member.userId } } }));
      notify({ message: t('admin.members.removed', { name: member.name }) });
      await qc.invalidateQueries({ queryKey: orgKeys.members(orgId) });
    } catch (e) {
      notifyError(e, t);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Table.Tr data-testid="member-row">
      <Table.Td>
        <Text fw={500} size="sm">
          {member.name}
          {isSelf && (
            <Text span c="dimmed" size="sm">
              {' '}
              {t('admin.members.you')}
            </Text>
          )}
        </Text>
        <Text size="sm" c="dimmed">
          {member.email}
        </Text>
      </Table.Td>
      <Table.Td>
        {can('member.update_role') && !isSelf ? (
          <Select
            aria-label={t('admin.members.roleOf', { name: member.name })}
            size="sm"
            w={190}
            allowDeselect={false}
            disabled={busy !== null}
            value={member.role}
            onChange={(v) => void changeRole(v)}
            data={[
              ...roles.map((r) => ({ value: r.key, label: roleLabel(r.key, r.name) })),
              ...(currentRole ? [] : [{ value: member.role, label: member.role }]),
            ]}
          />
        ) : (
          <Badge variant="light">{roleLabel(member.role, currentRole?.name)}</Badge>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatDate(member.joinedAt, i18n.language)}</Text>
      </Table.Td>
      <Table.Td>
        {can('member.remove') && !isSelf && (
          <Button
            size="xs"
            variant="outline"
            color="red"
            loading={busy === 'remove'}
            disabled={busy !== null}
            onClick={() => void remove()}
            aria-label={t('admin.members.removeLabel', { name: member.name })}
          >
            {t('admin.members.remove')}
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

export function MembersPage() {
  const { t } = useTranslation();
  usePageTitle(t('admin.members.title'));
  const { org, can } = useOrgAdmin();
  const [q, setQ] = useState('');
  const [debouncedQ] = useDebouncedValue(q.trim(), 250);
  const roles = useOrgRoles(org.id, can('member.read'));
  const list = useInfiniteQuery({
    queryKey: [...orgKeys.members(org.id), debouncedQ],
    queryFn: ({ pageParam }) =>
      call<MemberPage>(
        api.GET('/api/v1/organizations/{id}/members', {
          params: { path: { id: org.id }, query: { limit: 25, q: debouncedQ || undefined, cursor: pageParam ?? undefined } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
    enabled: can('member.read'),
  });

  if (!can('member.read')) return <NoAccess />;
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={1}>{t('admin.members.title')}</Title>
        {can('member.invite') && (
          <Button component={Link} to="/admin/invitations" variant="light">
            {t('admin.members.invite')}
          </Button>
        )}
      </Group>
      <div role="search">
        <TextInput type="search" label={t('admin.members.search')} placeholder={t('admin.members.searchPlaceholder')} value={q} onChange={(e) => setQ(e.currentTarget.value)} maw={420} />
      </div>
      {list.isPending || roles.isPending ? (
        <ListSkeleton />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : roles.isError ? (
        <ErrorState error={roles.error} onRetry={() => void roles.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState
          title={debouncedQ ? t('admin.members.noMatch') : t('admin.members.empty')}
          hint={debouncedQ ? t('admin.members.noMatchHint') : t('admin.members.emptyHint')}
          action={
            debouncedQ ? (
              <Button variant="light" onClick={() => setQ('')}>
                {t('admin.members.clearSearch')}
              </Button>
            ) : can('member.invite') ? (
              <Button component={Link} to="/admin/invitations">
                {t('admin.members.invite')}
              </Button>
            ) : undefined
          }
        />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('admin.members.colMember')}</Table.Th>
                <Table.Th>{t('admin.members.colRole')}</Table.Th>
                <Table.Th>{t('admin.members.colJoined')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('admin.members.colActions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((m) => (
                <MemberRow key={m.userId} member={m} roles={roles.data.items} orgId={org.id} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMore query={list} label={t('admin.members.loadMore')} />
    </Stack>
  );
}
