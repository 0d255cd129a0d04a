import { ActionIcon, Button, Card, Checkbox, Group, NumberInput, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../api';
import { bodyFieldErrors, confirmAction, EmptyState, ErrorState, LoadMore, notify, notifyError, PageLoading, usePageTitle } from '../../components/common';
import { formatMoney, type Order, type OrderPage, type TaxRatePage } from './model';
import { BundlesTab } from './BundlesTab';
import { CouponsAdmin } from './CouponsAdmin';
import { OrderView } from './OrderView';
import { RefundAmountForm } from './RefundAmountForm';

function OrdersTab() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const list = useInfiniteQuery({
    queryKey: ['shop-orders'],
    queryFn: ({ pageParam }) => call<OrderPage>(api.GET('/api/v1/orders', { params: { query: { limit: 20, cursor: pageParam ?? undefined } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (p) => p.nextCursor,
  });
  const refund = useMutation({
    mutationFn: (v: { order: Order; lineIds?: string[] }) =>
      call<Order>(api.POST('/api/v1/orders/{orderId}/refunds', { params: { path: { orderId: v.order.id } }, body: { reason: '', revokeAccess: true, ...(v.lineIds ? { lineIds: v.lineIds } : {}) }, headers: { 'Idempotency-Key': `refund-${crypto.randomUUID()}` } })),
    onSuccess: () => {
      notify({ color: 'green', message: t('commerce.admin.refundedOk') });
      void qc.invalidateQueries({ queryKey: ['shop-orders'] });
    },
    onError: (e) => notifyError(e, t),
  });
  const ask = async (order: Order, lineIds?: string[]) => {
    const amount = lineIds ? order.lines.filter((l) => lineIds.includes(l.id)).reduce((s, l) => s + l.totalMinor - l.refundedMinor, 0) : order.totalMinor - order.refundedMinor;
    const yes = await confirmAction({ title: t('commerce.admin.refundTitle'), message: t('commerce.admin.refundMessage', { amount: formatMoney(amount, order.currency, i18n.language) }), confirmLabel: t('commerce.admin.refundConfirm') });
    if (yes) refund.mutate({ order, lineIds });
  };
  if (list.isPending) return <PageLoading />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  const items = list.data.pages.flatMap((p) => p.items);
  if (!items.length) return <EmptyState title={t('commerce.admin.noOrders')} />;
  return (
    <Stack>
      {items.map((o) => {
        const refundable = o.status === 'paid' || o.status === 'fulfilled' || o.status === 'partially_refunded';
        return (
          <Stack key={o.id} gap={4}>
            <Text size="sm">
              {t('commerce.admin.buyer')}: {o.buyerName} ({o.buyerEmail})
            </Text>
            <OrderView order={o} showLinks={false} />
            {refundable && (
              <Group gap="xs">
                {o.lines
                  .filter((l) => !l.revoked && l.refundedMinor < l.totalMinor)
                  .map((l) => (
                    <Button key={l.id} size="xs" variant="default" color="red" onClick={() => void ask(o, [l.id])} loading={refund.isPending}>
                      {t('commerce.admin.refundLine', { title: l.title })}
                    </Button>
                  ))}
                <Button size="xs" color="red" onClick={() => void ask(o)} loading={refund.isPending}>
                  {t('commerce.admin.refundAll')}
                </Button>
              </Group>
            )}
            {refundable && o.refundedMinor < o.totalMinor && <RefundAmountForm order={o} />}
          </Stack>
        );
      })}
      <LoadMore query={list} label={t('commerce.order.more')} />
    </Stack>
  );
}

function TaxTab() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [f, setF] = useState({ country: '', region: '', label: '', rate: '' as number | string, inclusive: false });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const list = useQuery({ queryKey: ['tax-rates'], queryFn: () => call<TaxRatePage>(api.GET('/api/v1/tax-rates', { params: { query: { limit: 100 } } })) });
  const remove = useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/v1/tax-rates/{taxRateId}', { params: { path: { taxRateId: id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['tax-rates'] }),
    onError: (e) => notifyError(e, t),
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    try {
      await call(api.POST('/api/v1/tax-rates', { body: { country: f.country, region: f.region, label: f.label, rateBasisPoints: Math.round(Number(f.rate) * 100), inclusive: f.inclusive } }));
      notify({ color: 'green', message: t('commerce.admin.rateAdded') });
      setF({ country: '', region: '', label: '', rate: '', inclusive: false });
      void qc.invalidateQueries({ queryKey: ['tax-rates'] });
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) setErrors(bodyFieldErrors(err));
      else notifyError(err, t);
    }
  };
  return (
    <Stack>
      <Card withBorder component="form" onSubmit={(e: FormEvent) => void submit(e)} noValidate aria-label={t('commerce.admin.addRate')}>
        <Stack gap="sm">
          <Group grow align="flex-start">
            <TextInput label={t('commerce.admin.country')} required maxLength={2} value={f.country} onChange={(e) => setF({ ...f, country: e.currentTarget.value.toUpperCase() })} error={errors.country} />
            <TextInput label={t('commerce.admin.region')} value={f.region} onChange={(e) => setF({ ...f, region: e.currentTarget.value.toUpperCase() })} error={errors.region} />
          </Group>
          <Group grow align="flex-start">
            <TextInput label={t('commerce.admin.label')} required value={f.label} onChange={(e) => setF({ ...f, label: e.currentTarget.value })} error={errors.label} />
            <NumberInput label={t('commerce.admin.rate')} required min={0} max={100} decimalScale={2} value={f.rate} onChange={(v) => setF({ ...f, rate: v })} error={errors.rateBasisPoints} />
          </Group>
          <Checkbox label={t('commerce.admin.inclusive')} checked={f.inclusive} onChange={(e) => setF({ ...f, inclusive: e.currentTarget.checked })} />
          <Group>
            <Button type="submit">{t('commerce.admin.addRate')}</Button>
          </Group>
        </Stack>
      </Card>
      {list.isPending ? (
        <PageLoading />
      ) : list.isError ? (
        <ErrorState error={list.error} />
      ) : list.data.items.length === 0 ? (
        <EmptyState title={t('commerce.admin.noRates')} />
      ) : (
        <Stack component="ul" gap="xs" p={0} style={{ listStyle: 'none' }}>
          {list.data.items.map((r) => {
            const place = r.region ? `${r.country}-${r.region}` : r.country;
            return (
              <Card component="li" withBorder key={r.id} padding="sm">
                <Group justify="space-between" wrap="nowrap">
                  <Text>
                    {place} · {r.label} · {r.rateBasisPoints / 100}% {r.inclusive ? `(${t('commerce.admin.inclusive')})` : ''}
                  </Text>
                  <ActionIcon variant="subtle" color="red" aria-label={t('commerce.admin.removeRate', { label: r.label, place })} onClick={() => remove.mutate(r.id)}>
                    ×
                  </ActionIcon>
                </Group>
              </Card>
            );
          })}
        </Stack>
      )}
    </Stack>
  );
}

/** The organization's shop: orders with refunds, coupons and promotions, tax rates, invoices CSV. */
export function ShopAdminPage() {
  const { t } = useTranslation();
  usePageTitle(t('commerce.admin.title'));
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('commerce.admin.title')}</Title>
        <Button component="a" href="/api/v1/invoices/export.csv" download="invoices.csv" variant="default">
          {t('commerce.admin.exportCsv')}
        </Button>
      </Group>
      <Tabs defaultValue="orders" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="orders">{t('commerce.admin.orders')}</Tabs.Tab>
          <Tabs.Tab value="bundles">{t('commerce.admin.bundles')}</Tabs.Tab>
          <Tabs.Tab value="coupons">{t('commerce.admin.coupons')}</Tabs.Tab>
          <Tabs.Tab value="tax">{t('commerce.admin.tax')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="orders" pt="md">
          <OrdersTab />
        </Tabs.Panel>
        <Tabs.Panel value="bundles" pt="md">
          <BundlesTab />
        </Tabs.Panel>
        <Tabs.Panel value="coupons" pt="md">
          <CouponsAdmin />
        </Tabs.Panel>
        <Tabs.Panel value="tax" pt="md">
          <TaxTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
