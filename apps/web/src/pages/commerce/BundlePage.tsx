import { Alert, Anchor, Badge, Button, Card, Group, List, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call } from '../../api';
import { ErrorState, notify, notifyError, PageLoading, usePageTitle } from '../../components/common';
import { type Bundle, type BundleList, type Cart, cartKey, fetchCart, formatMoney } from './model';

/** The price shown to a buyer: USD when the bundle has it (as course prices do), else its first currency. */
export function shownPrice(b: Bundle): Bundle['prices'][number] | undefined {
  return b.prices.find((p) => p.currency === 'USD') ?? b.prices[0];
}

function useAddBundle(bundleId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => call<Cart>(api.POST('/api/v1/cart/items', { body: { kind: 'bundle', refId: bundleId } })),
    onSuccess: (c) => qc.setQueryData(cartKey, c),
  });
}

/** "Add to cart" / "Buy now" for a bundle, or "In your cart". */
function BundleBuy({ bundle }: { bundle: Bundle }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const cart = useQuery({ queryKey: cartKey, queryFn: fetchCart });
  const add = useAddBundle(bundle.id);
  const inCart = cart.data?.items.some((i) => i.refId === bundle.id) ?? false;
  const addThen = async (go: boolean) => {
    try {
      if (!inCart) await add.mutateAsync();
      if (go) navigate('/cart');
      else notify({ color: 'green', message: t('commerce.price.added') });
    } catch (e) {
      notifyError(e, t);
    }
  };
  if (inCart) {
    return (
      <Alert variant="light" color="indigo">
        <Group justify="space-between">
          <Text size="sm">{t('commerce.price.inCart')}</Text>
          <Button component={Link} to="/cart" size="xs" variant="default">
            {t('commerce.price.viewCart')}
          </Button>
        </Group>
      </Alert>
    );
  }
  return (
    <Group grow>
      <Button variant="default" onClick={() => void addThen(false)} loading={add.isPending}>
        {t('commerce.price.addToCart')}
      </Button>
      <Button onClick={() => void addThen(true)} loading={add.isPending}>
        {t('commerce.price.buyNow')}
      </Button>
    </Group>
  );
}

function Savings({ price }: { price: Bundle['prices'][number] }) {
  const { t, i18n } = useTranslation();
  if (price.separateMinor === null || price.savingsMinor === null || price.savingsMinor <= 0) return null;
  return (
    <Text size="sm" fw={600} data-testid="bundle-savings">
      {t('commerce.bundles.savings', { amount: formatMoney(price.savingsMinor, price.currency, i18n.language), separate: formatMoney(price.separateMinor, price.currency, i18n.language) })}
    </Text>
  );
}

/** The public bundle page: its courses, price, savings against buying them one by one, and the cart buttons. */
export function BundlePage() {
  const { t, i18n } = useTranslation();
  const { bundleId } = useParams();
  const bundle = useQuery({ queryKey: ['bundle', bundleId], queryFn: () => call<Bundle>(api.GET('/api/v1/bundles/{bundleId}', { params: { path: { bundleId: bundleId! } } })) });
  usePageTitle(bundle.data?.title);
  if (bundle.isPending) return <PageLoading />;
  if (bundle.isError) return <ErrorState error={bundle.error} onRetry={() => void bundle.refetch()} />;
  const b = bundle.data;
  const price = shownPrice(b);
  return (
    <Stack maw={720} mx="auto">
      <Group gap="xs">
        <Badge variant="light">{t('commerce.bundles.badge')}</Badge>
        {!b.active && <Badge color="gray">{t('commerce.admin.inactive')}</Badge>}
      </Group>
      <Title order={1}>{b.title}</Title>
      <Card withBorder>
        <Stack>
          <Title order={2} size="h4">
            {t('commerce.bundles.includes', { count: b.courses.length })}
          </Title>
          <List>
            {b.courses.map((c) => (
              <List.Item key={c.id}>
                {c.slug ? (
                  <Anchor component={Link} to={`/courses/${c.slug}`}>
                    {c.title}
                  </Anchor>
                ) : (
                  c.title
                )}
              </List.Item>
            ))}
          </List>
          {price && (
            <Stack gap={4}>
              <Text fz={28} fw={700} data-testid="bundle-price">
                {formatMoney(price.amountMinor, price.currency, i18n.language)}
              </Text>
              <Savings price={price} />
            </Stack>
          )}
          {b.active && price && <BundleBuy bundle={b} />}
        </Stack>
      </Card>
    </Stack>
  );
}

/** On a course page: the bundles holding this course, each with its price, savings and a link. */
export function CourseBundles({ courseId }: { courseId: string }) {
  const { t, i18n } = useTranslation();
  const list = useQuery({ queryKey: ['course-bundles', courseId], queryFn: () => call<BundleList>(api.GET('/api/v1/courses/{id}/bundles', { params: { path: { id: courseId } } })) });
  const items = list.data?.items ?? [];
  if (!items.length) return null;
  return (
    <Stack gap="xs" component="section" aria-labelledby={`bundles-${courseId}`}>
      <Text fw={600} id={`bundles-${courseId}`}>
        {t('commerce.bundles.alsoIn')}
      </Text>
      {items.map((b) => {
        const price = shownPrice(b);
        return (
          <Card key={b.id} withBorder padding="xs" data-testid="course-bundle">
            <Anchor component={Link} to={`/bundles/${b.id}`} fw={600}>
              {b.title}
            </Anchor>
            <Text size="sm" c="dimmed">
              {b.courses.map((c) => c.title).join(' · ')}
            </Text>
            {price && <Text size="sm">{formatMoney(price.amountMinor, price.currency, i18n.language)}</Text>}
            {price && <Savings price={price} />}
          </Card>
        );
      })}
    </Stack>
  );
}
