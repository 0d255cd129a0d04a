import { Anchor, Badge, Button, Card, Group, NumberInput, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api';
import { bodyFieldErrors, EmptyState, ErrorState, LoadMore, notify, notifyError, PageLoading, usePageTitle } from '../../components/common';
import { CommissionRulesCard } from './CommissionRulesCard';
import { type Affiliate, type AffiliatePage, type AffiliateSettings, formatMoney, type Payout, type PayoutReport } from './model';

function SettingsCard() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: ['affiliate', 'settings'], queryFn: () => call<AffiliateSettings>(api.GET('/api/v1/affiliates/settings')) });
  const [form, setForm] = useState<AffiliateSettings | null>(null);
  useEffect(() => {
    if (settings.data) setForm(settings.data);
  }, [settings.data]);
  const save = useMutation({
    mutationFn: (body: AffiliateSettings) => call<AffiliateSettings>(api.PUT('/api/v1/affiliates/settings', { body })),
    onSuccess: (s) => {
      qc.setQueryData(['affiliate', 'settings'], s);
      notify({ color: 'green', message: t('growth.affiliate.settingsSaved') });
    },
    onError: (e) => notifyError(e, t),
  });
  if (settings.isError) return <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />;
  if (!form) return null;
  const errors = bodyFieldErrors(save.error);
  const num = (v: string | number) => (typeof v === 'number' ? v : Number(v) || 0);
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="aff-settings">
      <Stack>
        <Title order={2} size="h3" id="aff-settings">
          {t('growth.affiliate.settings')}
        </Title>
        <Group grow align="flex-start" wrap="wrap">
          <NumberInput label={t('growth.affiliate.cookieDays')} min={1} max={365} value={form.cookieDays} onChange={(v) => setForm({ ...form, cookieDays: num(v) })} error={errors.cookieDays} />
          <NumberInput label={t('growth.affiliate.refundWindowDays')} min={0} max={365} value={form.refundWindowDays} onChange={(v) => setForm({ ...form, refundWindowDays: num(v) })} error={errors.refundWindowDays} />
          <NumberInput
            label={t('growth.affiliate.defaultCommission')}
            min={0}
            max={100}
            decimalScale={2}
            suffix=" %"
            value={form.defaultCommissionBp / 100}
            onChange={(v) => setForm({ ...form, defaultCommissionBp: Math.round(num(v) * 100) })}
            error={errors.defaultCommissionBp}
          />
        </Group>
        <Group>
          <Button onClick={() => save.mutate(form)} loading={save.isPending}>
            {t('growth.affiliate.saveSettings')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** Admins: referrers and affiliates (approve, suspend), the payout report (CSV, mark paid), settings. */
export function AffiliateAdminPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('growth.affiliate.adminTitle'));
  const qc = useQueryClient();
  const list = useInfiniteQuery({
    queryKey: ['affiliate', 'list'],
    queryFn: ({ pageParam }) => call<AffiliatePage>(api.GET('/api/v1/affiliates', { params: { query: { limit: 50, cursor: pageParam ?? undefined } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (p) => p.nextCursor,
  });
  const report = useQuery({ queryKey: ['affiliate', 'payouts'], queryFn: () => call<PayoutReport>(api.GET('/api/v1/affiliates/payouts/report')) });
  const act = useMutation({
    mutationFn: ({ a, action }: { a: Affiliate; action: 'approve' | 'suspend' }) =>
      action === 'approve'
        ? call<Affiliate>(api.POST('/api/v1/affiliates/{codeId}/approve', { params: { path: { codeId: a.id } }, body: { commissionBp: null } }))
        : call<Affiliate>(api.POST('/api/v1/affiliates/{codeId}/suspend', { params: { path: { codeId: a.id } } })),
    onSuccess: async (a) => {
      if (a.status === 'approved') notify({ color: 'green', message: t('growth.affiliate.approvedNow', { name: a.name }) });
      await qc.invalidateQueries({ queryKey: ['affiliate', 'list'] });
    },
    onError: (e) => notifyError(e, t),
  });
  const pay = useMutation({
    mutationFn: (r: { codeId: string; currency: string }) =>
      call<Payout>(
        api.POST('/api/v1/affiliates/{codeId}/payouts', {
          params: { path: { codeId: r.codeId } },
          // one key per click: a retried request records one payout
          headers: { 'Idempotency-Key': `payout-${crypto.randomUUID()}` },
          body: { currency: r.currency, reference: '' },
        }),
      ),
    onSuccess: async () => {
      notify({ color: 'green', message: t('growth.affiliate.paidNow') });
      await qc.invalidateQueries({ queryKey: ['affiliate', 'payouts'] });
    },
    onError: (e) => notifyError(e, t),
  });

  if (list.isPending) return <PageLoading />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  const items = list.data.pages.flatMap((p) => p.items);
  return (
    <Stack maw={1040}>
      <Title order={1}>{t('growth.affiliate.adminTitle')}</Title>
      <Title order={2} size="h3">
        {t('growth.affiliate.affiliates')}
      </Title>
      {items.length === 0 ? (
        <EmptyState title={t('growth.affiliate.noAffiliates')} />
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('growth.waitlist.name')}</Table.Th>
                <Table.Th>{t('growth.affiliate.code')}</Table.Th>
                <Table.Th>{t('growth.affiliate.status')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>
                    <Text size="sm">{a.name}</Text>
                    <Text size="xs" c="dimmed">
                      {a.email}
                    </Text>
                  </Table.Td>
                  <Table.Td ff="monospace">{a.code}</Table.Td>
                  <Table.Td>
                    <Badge variant="light">{t(`growth.affiliate.statuses.${a.status}`)}</Badge>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      {a.status !== 'approved' && (
                        <Button size="xs" onClick={() => act.mutate({ a, action: 'approve' })} disabled={act.isPending} aria-label={t('growth.affiliate.approve', { name: a.name })}>
                          {t('growth.affiliate.approveButton')}
                        </Button>
                      )}
                      {a.status !== 'suspended' && (
                        <Button size="xs" variant="default" onClick={() => act.mutate({ a, action: 'suspend' })} disabled={act.isPending} aria-label={t('growth.affiliate.suspend', { name: a.name })}>
                          {t('growth.affiliate.suspendButton')}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMore query={list} label={t('growth.affiliate.more')} />
      <Group justify="space-between">
        <Title order={2} size="h3">
          {t('growth.affiliate.payouts')}
        </Title>
        <Anchor href="/api/v1/affiliates/payouts/report.csv" download>
          {t('growth.affiliate.downloadCsv')}
        </Anchor>
      </Group>
      {report.isError ? (
        <ErrorState error={report.error} onRetry={() => void report.refetch()} />
      ) : !report.data?.items.length ? (
        <Text c="dimmed">{t('growth.affiliate.noPayouts')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('growth.waitlist.name')}</Table.Th>
                <Table.Th>{t('growth.affiliate.currency')}</Table.Th>
                <Table.Th>{t('growth.affiliate.approved')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.data.items.map((r) => {
                const amount = formatMoney(r.amountMinor, r.currency, i18n.language);
                return (
                  <Table.Tr key={`${r.codeId}-${r.currency}`}>
                    <Table.Td>{r.name}</Table.Td>
                    <Table.Td>{r.currency}</Table.Td>
                    <Table.Td>{amount}</Table.Td>
                    <Table.Td>
                      <Button size="xs" disabled={r.amountMinor <= 0 || pay.isPending} onClick={() => pay.mutate(r)} aria-label={t('growth.affiliate.markPaid', { amount, name: r.name })}>
                        {t('growth.affiliate.paid')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <SettingsCard />
      <CommissionRulesCard />
    </Stack>
  );
}
