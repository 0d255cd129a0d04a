import { Alert, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, call } from '../../api';
import { notify, notifyError } from '../../components/common';
import { type Cart, cartKey, type CoursePricing, fetchCart, formatMoney } from './model';

/** The course page's price with "Add to cart" and "Buy now" (paid courses the viewer does not have). */
export function PriceCard({ courseId }: { courseId: string }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const pricing = useQuery({ queryKey: ['pricing', courseId], queryFn: () => call<CoursePricing>(api.GET('/api/v1/courses/{id}/pricing', { params: { path: { id: courseId } } })) });
  const cart = useQuery({ queryKey: cartKey, queryFn: fetchCart });
  const add = useMutation({
    mutationFn: () => call<Cart>(api.POST('/api/v1/cart/items', { body: { kind: 'course', refId: courseId } })),
    onSuccess: (c) => qc.setQueryData(cartKey, c),
  });
  if (!pricing.data || pricing.data.isFree) return null;
  if (!pricing.data.purchasable) return <Text size="sm" c="dimmed">{t('commerce.price.notForSale')}</Text>;
  const prices = pricing.data.prices;
  const shown = prices.find((p) => p.currency === 'USD') ?? prices[0]!;
  const inCart = cart.data?.items.some((i) => i.refId === courseId) ?? false;
  const addThen = async (go: boolean) => {
    try {
      if (!inCart) await add.mutateAsync();
      if (go) navigate('/cart');
      else notify({ color: 'green', message: t('commerce.price.added') });
    } catch (e) {
      notifyError(e, t);
    }
  };
  return (
    <Stack gap="xs" data-testid="price-card">
      <Group gap="xs" align="baseline">
        <Text fz={28} fw={700} data-testid="course-price">
          {formatMoney(shown.currentMinor, shown.currency, i18n.language)}
        </Text>
        {shown.onSale && (
          <>
            <Badge color="red" variant="light">
              {t('commerce.price.onSale')}
            </Badge>
            <Text size="sm" c="dimmed" td="line-through">
              {t('commerce.price.was', { price: formatMoney(shown.amountMinor, shown.currency, i18n.language) })}
            </Text>
          </>
        )}
      </Group>
      {inCart ? (
        <Alert variant="light" color="indigo">
          <Group justify="space-between">
            <Text size="sm">{t('commerce.price.inCart')}</Text>
            <Button component={Link} to="/cart" size="xs" variant="default">
              {t('commerce.price.viewCart')}
            </Button>
          </Group>
        </Alert>
      ) : (
        <Group grow>
          <Button variant="default" onClick={() => void addThen(false)} loading={add.isPending}>
            {t('commerce.price.addToCart')}
          </Button>
          <Button onClick={() => void addThen(true)} loading={add.isPending}>
            {t('commerce.price.buyNow')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
