import { Button, Group, Stack, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../api';
import { EmptyState, ErrorState, LoadMore, PageLoading, usePageTitle } from '../../components/common';
import { myOrdersKey, type OrderPage } from './model';
import { OrderView } from './OrderView';

/** Order history with each order's invoice PDF and refund state. */
export function MyOrdersPage() {
  const { t } = useTranslation();
  usePageTitle(t('commerce.order.history'));
  const list = useInfiniteQuery({
    queryKey: myOrdersKey,
    queryFn: ({ pageParam }) => call<OrderPage>(api.GET('/api/v1/me/orders', { params: { query: { limit: 20, cursor: pageParam ?? undefined } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (p) => p.nextCursor,
  });
  if (list.isPending) return <PageLoading />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  const items = list.data.pages.flatMap((p) => p.items);
  return (
    <Stack maw={720} mx="auto">
      <Group justify="space-between">
        <Title order={1}>{t('commerce.order.history')}</Title>
        <Button component={Link} to="/my-invoices" variant="default">
          {t('commerce.invoices.all')}
        </Button>
      </Group>
      {items.length === 0 ? (
        <EmptyState
          title={t('commerce.order.noOrders')}
          hint={t('commerce.order.noOrdersHint')}
          action={
            <Button component={Link} to="/">
              {t('commerce.cart.browse')}
            </Button>
          }
        />
      ) : (
        items.map((o) => <OrderView key={o.id} order={o} />)
      )}
      <LoadMore query={list} label={t('commerce.order.more')} />
    </Stack>
  );
}
