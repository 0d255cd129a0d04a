import { Alert, Stack } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, call } from '../../api';
import { ErrorState, PageLoading, usePageTitle } from '../../components/common';
import type { Order } from './model';
import { OrderView } from './OrderView';

/** The order confirmation (and Stripe's return page): polls while the payment is pending. */
export function OrderPage() {
  const { t } = useTranslation();
  const { orderId } = useParams();
  const order = useQuery({
    queryKey: ['order', orderId],
    queryFn: () => call<Order>(api.GET('/api/v1/orders/{orderId}', { params: { path: { orderId: orderId! } } })),
    refetchInterval: (q) => (q.state.data?.status === 'pending' || q.state.data?.status === 'paid' ? 1500 : false),
  });
  usePageTitle(order.data ? t('commerce.order.title', { number: order.data.number }) : undefined);
  if (order.isPending) return <PageLoading />;
  if (order.isError) return <ErrorState error={order.error} onRetry={() => void order.refetch()} />;
  const o = order.data;
  return (
    <Stack maw={720} mx="auto">
      {(o.status === 'paid' || o.status === 'fulfilled') && (
        <Alert color="green" role="status">
          {t('commerce.order.thanks')}
        </Alert>
      )}
      {o.status === 'pending' && <Alert role="status">{t('commerce.order.pending')}</Alert>}
      <OrderView order={o} headingLevel={1} showLinks={o.status !== 'paid'} />
    </Stack>
  );
}
