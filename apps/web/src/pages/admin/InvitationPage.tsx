import { Alert, Button, Group, Paper, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError, call } from '../../api';
import { ErrorState, formatDate, notify, notifyError, usePageTitle } from '../../components/common';
import { useSession } from '../../session';
import { useRoleLabel, type AcceptedInvitation, type InvitationPreview } from './shared';

/** The page an invitation email links to: what it offers, then sign in and accept. */
export function InvitationPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('admin.invitation.title'));
  const { token = '' } = useParams();
  const { user, isLoading: sessionLoading } = useSession();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const roleLabel = useRoleLabel();
  const [accepting, setAccepting] = useState(false);
  const preview = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => call<InvitationPreview>(api.GET('/api/v1/invitations/{token}', { params: { path: { token } } })),
  });
  const next = `?next=${encodeURIComponent(`/invitations/${token}`)}`;

  const accept = async () => {
    if (accepting) return;
    setAccepting(true);
    try {
      const accepted = await call<AcceptedInvitation>(api.POST('/api/v1/invitations/{token}/accept', { params: { path: { token } } }));
      // accepting makes it the active organization on the server; make sure it is active here too
      const orgs = await qc.fetchQuery({
        queryKey: ['me', 'organizations'],
        queryFn: () => call<{ items: { id: string; active: boolean }[] }>(api.GET('/api/v1/me/organizations', { params: { query: { limit: 100 } } })),
        staleTime: 0,
      });
      if (!orgs.items.some((o) => o.id === accepted.organization.id && o.active)) {
        await call(api.PUT('/api/v1/me/active-organization', { body: { organizationId: accepted.organization.id } }));
      }
      await qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'catalog' && q.queryKey[0] !== 'session' });
      notify({ color: 'green', message: t('admin.invitation.joined', { name: accepted.organization.name }) });
      navigate('/', { replace: true });
    } catch (e) {
      setAccepting(false);
      notifyError(e, t);
      await qc.invalidateQueries({ queryKey: ['invitation', token] });
    }
  };

  const p = preview.data;
  const notFound = preview.error instanceof ApiError && (preview.error.status === 404 || preview.error.status === 400);
  const emailMismatch = !!(user && p && user.email.toLowerCase() !== p.email.toLowerCase());

  return (
    <Paper maw={560} mx="auto" mt="lg" p="lg" withBorder>
      <Stack>
        <Title order={1} size="h2">
          {p ? t('admin.invitation.heading', { name: p.organization.name }) : t('admin.invitation.title')}
        </Title>
        {preview.isPending || sessionLoading ? (
          <Stack gap="sm" aria-hidden="true">
            <Skeleton height={20} />
            <Skeleton height={20} width="70%" />
            <Skeleton height={36} width={160} />
          </Stack>
        ) : notFound ? (
          <Alert color="red" title={t('admin.invitation.notFound')}>
            {t('admin.invitation.notFoundHint')}
          </Alert>
        ) : preview.isError ? (
          <ErrorState error={preview.error} onRetry={() => void preview.refetch()} />
        ) : p ? (
          <>
            <Text>
              {p.invitedBy
                ? t('admin.invitation.intro', { inviter: p.invitedBy.name, name: p.organization.name, role: roleLabel(p.role, p.roleName) })
                : t('admin.invitation.introNoInviter', { name: p.organization.name, role: roleLabel(p.role, p.roleName) })}
            </Text>
            <Table variant="vertical" withTableBorder layout="fixed">
              <Table.Tbody>
                <Table.Tr>
                  <Table.Th w={140}>{t('admin.invitation.organization')}</Table.Th>
                  <Table.Td>{p.organization.name}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>{t('admin.invitation.role')}</Table.Th>
                  <Table.Td>{roleLabel(p.role, p.roleName)}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>{t('admin.invitation.invitedBy')}</Table.Th>
                  <Table.Td>{p.invitedBy?.name ?? t('admin.invitation.unknownInviter')}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>{t('admin.invitation.for')}</Table.Th>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{p.email}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>{t('admin.invitation.expires')}</Table.Th>
                  <Table.Td>{formatDate(p.expiresAt, i18n.language)}</Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
            {p.status === 'expired' ? (
              <Alert color="orange" title={t('admin.invitation.expiredTitle')} role="alert">
                {t('admin.invitation.expiredHint')}
              </Alert>
            ) : p.status === 'revoked' ? (
              <Alert color="red" title={t('admin.invitation.revokedTitle')} role="alert">
                {t('admin.invitation.revokedHint')}
              </Alert>
            ) : p.status === 'accepted' ? (
              <Alert color="blue" title={t('admin.invitation.acceptedTitle')} role="alert">
                <Stack gap="xs" align="flex-start">
                  {t('admin.invitation.acceptedHint')}
                  <Button component={Link} to="/" size="xs" variant="default">
                    {t('admin.invitation.toCatalog')}
                  </Button>
                </Stack>
              </Alert>
            ) : !user ? (
              <Stack gap="sm">
                <Text size="sm">{t('admin.invitation.signInFirst', { email: p.email })}</Text>
                <Group>
                  <Button component={Link} to={`/sign-up${next}`}>
                    {t('admin.invitation.signUp')}
                  </Button>
                  <Button component={Link} to={`/sign-in${next}`} variant="default">
                    {t('admin.invitation.signIn')}
                  </Button>
                </Group>
              </Stack>
            ) : (
              <Stack gap="sm">
                {emailMismatch && (
                  <Alert color="yellow" title={t('admin.invitation.otherEmailTitle')}>
                    {t('admin.invitation.otherEmailHint', { email: p.email, current: user.email })}
                  </Alert>
                )}
                <Group>
                  <Button onClick={() => void accept()} loading={accepting}>
                    {t('admin.invitation.accept')}
                  </Button>
                </Group>
              </Stack>
            )}
          </>
        ) : null}
      </Stack>
    </Paper>
  );
}
