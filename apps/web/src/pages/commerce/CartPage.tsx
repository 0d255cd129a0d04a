import { ActionIcon, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../../api';
import { EmptyState, ErrorState, notifyError, PageLoading, usePageTitle } from '../../components/common';
import { useSession } from '../../session';
import { type Cart, cartKey, fetchCart, formatMoney } from './model';

export function CartPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('commerce.cart.title'));
  const { user } = useSession();
  const qc = useQueryClient();
  const cart = useQuery({ queryKey: cartKey, queryFn: fetchCart });
  const remove = useMutation({
    mutationFn: (itemId: string) => call<Cart>(api.DELETE('/api/v1/cart/items/{itemId}', { params: { path: { itemId } } })),
    onSuccess: (c) => qc.setQueryData(cartKey, c),
    onError: (e) => notifyError(e, t),
  });
  if (cart.isPending) return <PageLoading />;
  if (cart.isError) return <ErrorState error={cart.error} onRetry={() => void cart.refetch()} />;
  const c = cart.data;
  const currency = c.currencies.includes('USD') ? 'USD' : c.currencies[0];
  return (
    <Stack maw={720} mx="auto">
      <Title order={1}>{t('commerce.cart.title')}</Title>
      {c.items.length === 0 ? (
        <EmptyState
          title={t('commerce.cart.empty')}
          hint={t('commerce.cart.emptyHint')}
          action={
            <Button component={Link} to="/">
              {t('commerce.cart.browse')}
            </Button>
          }
        />
      ) : (
        <>
          <Stack component="ul" aria-label={t('commerce.cart.items')} gap="xs" p={0} style={{ listStyle: 'none' }}>
            {c.items.map((i) => (
              <Card component="li" withBorder key={i.id} padding="sm" data-testid="cart-item">
                <Group justify="space-between" wrap="nowrap">
                  <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
                    {i.title}
                  </Text>
                  <Group gap="sm" wrap="nowrap">
                    <Text>{i.available && currency && i.prices[currency] !== undefined ? formatMoney(i.prices[currency]!, currency, i18n.language) : t('commerce.cart.unavailable')}</Text>
                    <ActionIcon variant="subtle" color="red" aria-label={t('commerce.cart.remove', { title: i.title })} onClick={() => remove.mutate(i.id)} loading={remove.isPending && remove.variables === i.id}>
                      ×
                    </ActionIcon>
                  </Group>
                </Group>
              </Card>
            ))}
          </Stack>
          <Group justify="flex-end">
            {user ? (
              <Button component={Link} to="/checkout" size="md">
                {t('commerce.cart.checkout')}
              </Button>
            ) : (
              <Button component={Link} to={`/sign-in?next=${encodeURIComponent('/checkout')}`} size="md">
                {t('commerce.cart.signInToCheckout')}
              </Button>
            )}
          </Group>
        </>
      )}
    </Stack>
  );
}
