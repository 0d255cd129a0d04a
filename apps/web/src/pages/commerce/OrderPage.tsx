import { Alert, Button, Group, Stack } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api, call } from '../../api';
import { confirmAction, ErrorState, notify, notifyError, PageLoading, usePageTitle } from '../../components/common';
import { myOrdersKey, type Order } from './model';
import { useSession } from '../../session';
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
  const qc = useQueryClient();
  const { user } = useSession();
  const cancel = useMutation({
    mutationFn: () => call<Order>(api.POST('/api/v1/orders/{orderId}/cancel', { params: { path: { orderId: orderId! } } })),
    onSuccess: (o) => {
      qc.setQueryData(['order', orderId], o);
      void qc.invalidateQueries({ queryKey: myOrdersKey });
      notify({ color: 'green', message: t('commerce.order.canceledOk') });
    },
    onError: (e) => notifyError(e, t),
  });
  const askCancel = async () => {
    if (await confirmAction({ title: t('commerce.order.cancelTitle'), message: t('commerce.order.cancelMessage'), confirmLabel: t('commerce.order.cancelConfirm') })) cancel.mutate();
  };
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
      {o.status === 'pending' && (
        <>
          <Alert role="status">{t('commerce.order.pending')}</Alert>
          {user?.email === o.buyerEmail && (
            <Group>
              {o.redirectUrl && (
                <Button component="a" href={o.redirectUrl}>
                  {t('commerce.order.continuePayment')}
                </Button>
              )}
              <Button variant="default" color="red" onClick={() => void askCancel()} loading={cancel.isPending}>
                {t('commerce.order.cancel')}
              </Button>
            </Group>
          )}
        </>
      )}
      <OrderView order={o} headingLevel={1} showLinks={o.status !== 'paid'} />
    </Stack>
  );
}
