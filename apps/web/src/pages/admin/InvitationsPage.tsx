import { Alert, Button, Group, List, Paper, SegmentedControl, Select, Stack, Table, Text, Textarea, Title, VisuallyHidden } from '@mantine/core';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api';
import { bodyFieldErrors, confirmAction, EmptyState, errorMessage, ErrorState, formatDate, LoadMore, notify, notifyError, usePageTitle } from '../../components/common';
import { useOrgAdmin } from './OrgAdminLayout';
import {
  InvitationStatusBadge,
  ListSkeleton,
  NoAccess,
  orgKeys,
  splitEmails,
  useOrgRoles,
  useRoleLabel,
  type Invitation,
  type InvitationPage,
  type InvitationStatus,
} from './shared';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
type Filter = InvitationStatus | 'all';

function InviteForm({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const roleLabel = useRoleLabel();
  const roles = useOrgRoles(orgId);
  const [emails, setEmails] = useState('');
  const [role, setRole] = useState<string | null>('learner');
  const [errors, setErrors] = useState<{ email?: string; role?: string }>({});
  const [failures, setFailures] = useState<{ email: string; message: string }[]>([]);
  const [sending, setSending] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (sending) return;
    const list = splitEmails(emails);
    const errs: typeof errors = {};
    const bad = list.filter((x) => !EMAIL.test(x));
    if (list.length === 0) errs.email = t('admin.invitations.emailRequired');
    else if (bad.length > 0) errs.email = t('admin.invitations.emailInvalid', { emails: bad.join(', ') });
    if (!role) errs.role = t('admin.invitations.roleRequired');
    setErrors(errs);
    setFailures([]);
    if (Object.keys(errs).length > 0 || !role) return;
    setSending(true);
    const failed: { email: string; message: string }[] = [];
    let sent = 0;
    for (const email of list) {
      try {
        await call<Invitation>(api.POST('/api/v1/organizations/{id}/invitations', { params: { path: { id: orgId } }, body: { email, role } }));
        sent++;
      } catch (err) {
        const fields = bodyFieldErrors(err);
        if (list.length === 1 && (fields.email || fields.role)) setErrors({ email: fields.email, role: fields.role });
        else if (list.length === 1) setErrors({ email: errorMessage(err, t) });
        else failed.push({ email, message: fields.email ?? fields.role ?? errorMessage(err, t) });
      }
    }
    setSending(false);
    setFailures(failed);
    if (sent > 0) {
      notify({ color: 'green', message: t('admin.invitations.sent', { count: sent }) });
      setEmails(failed.map((f) => f.email).join('\n'));
      await qc.invalidateQueries({ queryKey: orgKeys.invitations(orgId) });
    }
  };

  return (
    <Paper withBorder p="md">
      <form onSubmit={(e) => void onSubmit(e)} noValidate>
        <Stack>
          <Title order={2} size="h4">
            {t('admin.invitations.formTitle')}
          </Title>
          <Group align="flex-start" grow preventGrowOverflow={false} wrap="wrap">
            <Textarea
              label={t('admin.invitations.emails')}
              description={t('admin.invitations.emailsHint')}
              required
              autosize
              minRows={2}
              miw={240}
              value={emails}
              onChange={(e) => {
                setEmails(e.currentTarget.value);
                setErrors((er) => ({ ...er, email: undefined }));
              }}
              error={errors.email}
            />
            <Select
              label={t('admin.invitations.role')}
              required
              miw={200}
              allowDeselect={false}
              disabled={roles.isPending}
              data={(roles.data?.items ?? []).filter((r) => r.key !== 'owner').map((r) => ({ value: r.key, label: roleLabel(r.key, r.name) }))}
              value={role}
              onChange={(v) => {
                setRole(v);
                setErrors((er) => ({ ...er, role: undefined }));
              }}
              error={errors.role}
            />
          </Group>
          {roles.isError && <Text c="red" size="sm">{errorMessage(roles.error, t)}</Text>}
          {failures.length > 0 && (
            <Alert color="red" title={t('admin.invitations.someFailed')} role="alert">
              <List size="sm">
                {failures.map((f) => (
                  <List.Item key={f.email}>
                    {f.email}: {f.message}
                  </List.Item>
                ))}
              </List>
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={sending}>
              {t('admin.invitations.send')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function InvitationRow({ invitation, orgId }: { invitation: Invitation; orgId: string }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const roleLabel = useRoleLabel();
  const roles = useOrgRoles(orgId);
  const [busy, setBusy] = useState(false);
  const revoke = async () => {
    const ok = await confirmAction({
      title: t('admin.invitations.revokeTitle'),
      message: t('admin.invitations.revokeMessage', { email: invitation.email }),
      confirmLabel: t('admin.invitations.revokeConfirm'),
    });
    if (!ok) return;
    setBusy(true);
    try {
      await call(api.DELETE('/api/v1/organizations/{id}/invitations/{invitationId}', { params: { path: { id: orgId, invitationId: invitation.id } } }));
      notify({ message: t('admin.invitations.revoked', { email: invitation.email }) });
      await qc.invalidateQueries({ queryKey: orgKeys.invitations(orgId) });
    } catch (e) {
      notifyError(e, t);
    } finally {
      setBusy(false);
    }
  };
  const roleName = roles.data?.items.find((r) => r.key === invitation.role)?.name;
  return (
    <Table.Tr data-testid="invitation-row">
      <Table.Td>
        <Text size="sm" fw={500}>
          {invitation.email}
        </Text>
        <Text size="xs" c="dimmed">
          {t('admin.invitations.sentOn', { date: formatDate(invitation.createdAt, i18n.language) })}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{roleLabel(invitation.role, roleName)}</Text>
      </Table.Td>
      <Table.Td>
        <InvitationStatusBadge status={invitation.status} />
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          {invitation.status === 'accepted' && invitation.acceptedAt
            ? t('admin.invitations.acceptedOn', { date: formatDate(invitation.acceptedAt, i18n.language) })
            : formatDate(invitation.expiresAt, i18n.language)}
        </Text>
      </Table.Td>
      <Table.Td>
        {invitation.status === 'pending' && (
          <Button size="xs" variant="outline" color="red" loading={busy} onClick={() => void revoke()} aria-label={t('admin.invitations.revokeLabel', { email: invitation.email })}>
            {t('admin.invitations.revoke')}
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

export function InvitationsPage() {
  const { t } = useTranslation();
  usePageTitle(t('admin.invitations.title'));
  const { org, can } = useOrgAdmin();
  const [filter, setFilter] = useState<Filter>('pending');
  const list = useInfiniteQuery({
    queryKey: [...orgKeys.invitations(org.id), filter],
    queryFn: ({ pageParam }) =>
      call<InvitationPage>(
        api.GET('/api/v1/organizations/{id}/invitations', {
          params: { path: { id: org.id }, query: { limit: 25, status: filter === 'all' ? undefined : filter, cursor: pageParam ?? undefined } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: can('member.invite'),
  });
  if (!can('member.invite')) return <NoAccess />;
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const filters: Filter[] = ['pending', 'accepted', 'expired', 'revoked', 'all'];

  return (
    <Stack>
      <Title order={1}>{t('admin.invitations.title')}</Title>
      <InviteForm orgId={org.id} />
      <Stack gap="sm">
        <Title order={2} size="h4" id="invitation-list-title">
          {t('admin.invitations.listTitle')}
        </Title>
        <div style={{ overflowX: 'auto' }} data-testid="invitation-filter">
          <SegmentedControl
            aria-label={t('admin.invitations.filter')}
            value={filter}
            onChange={(v) => setFilter(v as Filter)}
            data={filters.map((f) => ({ value: f, label: f === 'all' ? t('admin.invitations.all') : t(`admin.invitationStatus.${f}`) }))}
          />
        </div>
        {list.isPending ? (
          <ListSkeleton rows={3} />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState
            title={filter === 'pending' ? t('admin.invitations.emptyPending') : t('admin.invitations.empty')}
            hint={t('admin.invitations.emptyHint')}
          />
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="sm" aria-labelledby="invitation-list-title">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('admin.invitations.colEmail')}</Table.Th>
                  <Table.Th>{t('admin.invitations.colRole')}</Table.Th>
                  <Table.Th>{t('admin.invitations.colStatus')}</Table.Th>
                  <Table.Th>{t('admin.invitations.colExpires')}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t('admin.invitations.colActions')}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((i) => (
                  <InvitationRow key={i.id} invitation={i} orgId={org.id} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <LoadMore query={list} label={t('admin.invitations.loadMore')} />
      </Stack>
    </Stack>
  );
}
