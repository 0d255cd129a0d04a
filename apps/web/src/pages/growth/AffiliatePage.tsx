import { Anchor, Badge, Button, Card, CopyButton, Group, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, api, call } from '../../api';
import { EmptyState, ErrorState, formatDate, LoadMore, notify, notifyError, PageLoading, usePageTitle } from '../../components/common';
import { usePermissions } from '../../session';
import { type AffiliateDashboard, formatMoney, type LedgerPage } from './model';

const dashKey = ['affiliate', 'me'] as const;

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Card withBorder padding="md">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz="xl" fw={700} data-testid={`stat-${label}`}>
        {value}
      </Text>
    </Card>
  );
}

/** The referral dashboard: my code and link, clicks, conversions, totals and the ledger. */
export function AffiliatePage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('growth.affiliate.title'));
  const qc = useQueryClient();
  const perms = usePermissions();
  const dash = useQuery({
    queryKey: dashKey,
    queryFn: async () => {
      try {
        return await call<AffiliateDashboard>(api.GET('/api/v1/affiliate/me'));
      } catch (e) {
        if (e instanceof ApiError && e.code === 'no_referral_code') return null;
        throw e;
      }
    },
  });
  const create = useMutation({
    mutationFn: () => call<AffiliateDashboard>(api.POST('/api/v1/affiliate/me')),
    onSuccess: (d) => qc.setQueryData(dashKey, d),
    onError: (e) => notifyError(e, t),
  });
  const apply = useMutation({
    mutationFn: () => call<unknown>(api.POST('/api/v1/affiliate/me/apply')),
    onSuccess: async () => {
      notify({ color: 'green', message: t('growth.affiliate.applied') });
      await qc.invalidateQueries({ queryKey: dashKey });
    },
    onError: (e) => notifyError(e, t),
  });
  const ledger = useInfiniteQuery({
    queryKey: ['affiliate', 'ledger'],
    queryFn: ({ pageParam }) => call<LedgerPage>(api.GET('/api/v1/affiliate/me/ledger', { params: { query: { limit: 20, cursor: pageParam ?? undefined } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (p) => p.nextCursor,
    enabled: !!dash.data,
  });

  if (dash.isPending) return <PageLoading />;
  if (dash.isError) return <ErrorState error={dash.error} onRetry={() => void dash.refetch()} />;
  const d = dash.data;
  const entries = ledger.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack maw={960}>
      <Group justify="space-between">
        <Title order={1}>{t('growth.affiliate.title')}</Title>
        {perms.can('affiliate.manage') && (
          <Anchor component={Link} to="/affiliate/admin">
            {t('growth.affiliate.adminLink')}
          </Anchor>
        )}
      </Group>
      <Text>{t('growth.affiliate.intro')}</Text>
      {!d ? (
        <Group>
          <Button onClick={() => create.mutate()} loading={create.isPending}>
            {t('growth.affiliate.create')}
          </Button>
        </Group>
      ) : (
        <>
          <Card withBorder padding="md">
            <Stack gap="xs">
              <Group gap="xs">
                <Text fw={600}>{t('growth.affiliate.code')}:</Text>
                <Text ff="monospace" data-testid="referral-code">
                  {d.affiliate.code}
                </Text>
                <Badge variant="light">{t(`growth.affiliate.statuses.${d.affiliate.status}`)}</Badge>
              </Group>
              <Group align="flex-end" wrap="wrap">
                <TextInput label={t('growth.affiliate.link')} value={d.link} readOnly style={{ flex: 1, minWidth: 220 }} />
                <CopyButton value={d.link}>{({ copied, copy }) => <Button onClick={copy}>{copied ? t('growth.affiliate.copied') : t('growth.affiliate.copy')}</Button>}</CopyButton>
              </Group>
              {(d.affiliate.status === 'member') && (
                <Group>
                  <Button variant="default" onClick={() => apply.mutate()} loading={apply.isPending}>
                    {t('growth.affiliate.apply')}
                  </Button>
                </Group>
              )}
            </Stack>
          </Card>
          <SimpleGrid cols={{ base: 2, sm: 2 }}>
            <Stat label={t('growth.affiliate.clicks')} value={String(d.clicks)} />
            <Stat label={t('growth.affiliate.conversions')} value={String(d.conversions)} />
          </SimpleGrid>
          <Title order={2} size="h3">
            {t('growth.affiliate.totals')}
          </Title>
          {d.totals.length === 0 ? (
            <Text c="dimmed">{t('growth.affiliate.noEntries')}</Text>
          ) : (
            <Table.ScrollContainer minWidth={420}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('growth.affiliate.currency')}</Table.Th>
                    <Table.Th>{t('growth.affiliate.pending')}</Table.Th>
                    <Table.Th>{t('growth.affiliate.approved')}</Table.Th>
                    <Table.Th>{t('growth.affiliate.paid')}</Table.Th>
                    <Table.Th>{t('growth.affiliate.reversed')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {d.totals.map((x) => (
                    <Table.Tr key={x.currency}>
                      <Table.Td>{x.currency}</Table.Td>
                      <Table.Td>{formatMoney(x.pendingMinor, x.currency, i18n.language)}</Table.Td>
                      <Table.Td>{formatMoney(x.approvedMinor, x.currency, i18n.language)}</Table.Td>
                      <Table.Td>{formatMoney(x.paidMinor, x.currency, i18n.language)}</Table.Td>
                      <Table.Td>{formatMoney(x.reversedMinor, x.currency, i18n.language)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Title order={2} size="h3">
            {t('growth.affiliate.ledger')}
          </Title>
          {ledger.isError ? (
            <ErrorState error={ledger.error} onRetry={() => void ledger.refetch()} />
          ) : entries.length === 0 ? (
            <EmptyState title={t('growth.affiliate.noEntries')} />
          ) : (
            <>
              <Table.ScrollContainer minWidth={520}>
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('growth.affiliate.date')}</Table.Th>
                      <Table.Th>{t('growth.affiliate.description')}</Table.Th>
                      <Table.Th>{t('growth.affiliate.rateApplied')}</Table.Th>
                      <Table.Th>{t('growth.affiliate.amount')}</Table.Th>
                      <Table.Th>{t('growth.affiliate.status')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {entries.map((e) => (
                      <Table.Tr key={e.id}>
                        <Table.Td>{formatDate(e.occurredAt, i18n.language)}</Table.Td>
                        <Table.Td>{e.description}</Table.Td>
                        <Table.Td data-testid="entry-rate">
                          {e.commissionBp / 100} %{e.rateSource ? ` · ${t(`growth.affiliate.rateSources.${e.rateSource}`)}` : ''}
                        </Table.Td>
                        <Table.Td>{formatMoney(e.amountMinor - e.clawedBackMinor, e.currency, i18n.language)}</Table.Td>
                        <Table.Td>{t(`growth.affiliate.entryStatus.${e.status}`)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <LoadMore query={ledger} label={t('growth.affiliate.more')} />
            </>
          )}
        </>
      )}
    </Stack>
  );
}
