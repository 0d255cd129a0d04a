import { Alert, Badge, Button, Card, CloseButton, Divider, Grid, Group, SegmentedControl, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate } from 'react-router';
import { api, ApiError, call } from '../../api';
import { bodyFieldErrors, ErrorState, errorMessage, notifyError, PageLoading, usePageTitle } from '../../components/common';
import { CouponCodeField } from './CouponCodeField';
import { cartKey, COUNTRIES, countryName, fetchCart, formatMoney, myOrdersKey, type Order, type Quote } from './model';

const newKey = () => `checkout-${crypto.randomUUID()}`;

export function CheckoutPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('commerce.checkout.title'));
  const qc = useQueryClient();
  const cart = useQuery({ queryKey: cartKey, queryFn: fetchCart });
  const [address, setAddress] = useState({ name: '', country: 'US', region: '', line1: '', city: '', postalCode: '' });
  const [currency, setCurrency] = useState<string | null>(null);
  const [codes, setCodes] = useState<string[]>([]);
  const [codeInput, setCodeInput] = useState('');
  const [codeError, setCodeError] = useState<string | null>(null);
  const [card, setCard] = useState('');
  const providers = useQuery({ queryKey: ['payment-providers'], queryFn: () => call<{ providers: string[] }>(api.GET('/api/v1/payments/providers')), staleTime: 5 * 60_000 });
  const stripeOffered = providers.data?.providers.includes('stripe') ?? false;
  const [method, setMethod] = useState<'card' | 'stripe' | null>(null);
  const payWith = method ?? (stripeOffered ? 'stripe' : 'card');
  const [key, setKey] = useState(newKey);
  const [paying, setPaying] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [payError, setPayError] = useState<string | null>(null);
  const [placed, setPlaced] = useState<string | null>(null);

  const quoteBody = { currency: currency ?? undefined, couponCodes: codes, country: address.country, region: address.region };
  const quote = useQuery({
    queryKey: ['quote', quoteBody],
    queryFn: () => call<Quote>(api.POST('/api/v1/checkout/quote', { body: quoteBody })),
    placeholderData: keepPreviousData,
  });
  const money = (n: number) => formatMoney(n, quote.data?.currency ?? 'USD', i18n.language);
  const countryOptions = useMemo(() => COUNTRIES.map((c) => ({ value: c, label: countryName(c, i18n.language) })), [i18n.language]);

  const applyCode = async () => {
    const code = codeInput.trim().toUpperCase();
    if (!code) return;
    setCodeError(null);
    try {
      const q = await call<Quote>(api.POST('/api/v1/checkout/quote', { body: { ...quoteBody, couponCodes: [...codes, code] } }));
      const rejected = q.rejectedCoupons.find((r) => r.code === code);
      if (rejected) setCodeError(rejected.reason);
      else {
        setCodes([...codes, code]);
        setCodeInput('');
      }
    } catch (e) {
      setCodeError(errorMessage(e, t));
    }
  };

  const pay = async (e: FormEvent) => {
    e.preventDefault();
    setPaying(true);
    setFieldErrors({});
    setPayError(null);
    try {
      const order = await call<Order>(
        api.POST('/api/v1/checkout', {
          body: { currency: currency ?? undefined, couponCodes: codes, billingAddress: address, paymentMethod: payWith === 'stripe' ? { type: 'stripe_checkout' } : { type: 'manual_card', cardNumber: card } },
          params: { header: { 'Idempotency-Key': key } },
        }),
      );
      void qc.invalidateQueries({ queryKey: myOrdersKey });
      if (order.status === 'failed') {
        setPayError(t('commerce.checkout.declined', { reason: order.failureReason ?? '' }));
        setKey(newKey());
        return;
      }
      if (order.redirectUrl) {
        window.location.assign(order.redirectUrl);
        return;
      }
      setPlaced(order.id);
      void qc.invalidateQueries({ queryKey: cartKey });
    } catch (err) {
      setKey(newKey());
      if (err instanceof ApiError && err.status === 400) setFieldErrors(bodyFieldErrors(err));
      else notifyError(err, t);
    } finally {
      setPaying(false);
    }
  };

  if (placed) return <Navigate to={`/orders/${placed}`} replace />;
  if (cart.isPending) return <PageLoading />;
  if (cart.isError) return <ErrorState error={cart.error} onRetry={() => void cart.refetch()} />;
  if (cart.data.items.length === 0) return <Navigate to="/cart" replace />;
  const q = quote.data;
  const set = (k: keyof typeof address) => (e: { currentTarget: { value: string } }) => setAddress({ ...address, [k]: e.currentTarget.value });
  const fe = (k: string) => fieldErrors[`billingAddress.${k}`] ?? fieldErrors[k];

  return (
    <form onSubmit={(e) => void pay(e)} noValidate>
      <Title order={1} mb="md">
        {t('commerce.checkout.title')}
      </Title>
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            <Card withBorder component="section" aria-labelledby="billing-h">
              <Title order={2} size="h4" id="billing-h" mb="sm">
                {t('commerce.checkout.billing')}
              </Title>
              <Stack gap="sm">
                <TextInput label={t('commerce.checkout.name')} required value={address.name} onChange={set('name')} error={fe('name')} autoComplete="name" />
                <Group grow align="flex-start">
                  <Select label={t('commerce.checkout.country')} data={countryOptions} value={address.country} onChange={(v) => setAddress({ ...address, country: v ?? 'US' })} allowDeselect={false} searchable />
                  <TextInput label={t('commerce.checkout.region')} description={t('commerce.checkout.regionHint')} value={address.region} onChange={set('region')} error={fe('region')} />
                </Group>
                <TextInput label={t('commerce.checkout.line1')} value={address.line1} onChange={set('line1')} autoComplete="address-line1" />
                <Group grow>
                  <TextInput label={t('commerce.checkout.city')} value={address.city} onChange={set('city')} autoComplete="address-level2" />
                  <TextInput label={t('commerce.checkout.postalCode')} value={address.postalCode} onChange={set('postalCode')} autoComplete="postal-code" />
                </Group>
              </Stack>
            </Card>
            <Card withBorder component="section" aria-labelledby="pay-h">
              <Title order={2} size="h4" id="pay-h" mb="sm">
                {t('commerce.checkout.payment')}
              </Title>
              {stripeOffered && (
                <Stack gap={4} mb="sm">
                  <Text size="sm" fw={500} id="pay-method-label">
                    {t('commerce.checkout.method')}
                  </Text>
                  <SegmentedControl
                    aria-labelledby="pay-method-label"
                    value={payWith}
                    onChange={(v) => setMethod(v === 'stripe' ? 'stripe' : 'card')}
                    data={[
                      { value: 'stripe', label: t('commerce.checkout.methodStripe') },
                      { value: 'card', label: t('commerce.checkout.methodCard') },
                    ]}
                  />
                </Stack>
              )}
              {payWith === 'stripe' ? (
                <Text size="sm" c="dimmed">
                  {t('commerce.checkout.stripeNote')}
                </Text>
              ) : (
                <>
                  <Text size="sm" c="dimmed" mb="sm">
                    {t('commerce.checkout.testCards')}
                  </Text>
                  <TextInput label={t('commerce.checkout.cardNumber')} required value={card} onChange={(e) => setCard(e.currentTarget.value)} inputMode="numeric" autoComplete="cc-number" error={fieldErrors['paymentMethod.cardNumber']} />
                </>
              )}
              {payError && (
                <Alert color="red" mt="sm" role="alert">
                  {payError}
                </Alert>
              )}
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Card withBorder component="section" aria-labelledby="summary-h">
            <Title order={2} size="h4" id="summary-h" mb="sm">
              {t('commerce.checkout.summary')}
            </Title>
            {quote.isError ? (
              <Alert color="red">{errorMessage(quote.error, t)}</Alert>
            ) : !q ? (
              <PageLoading />
            ) : (
              <Stack gap="xs" aria-live="polite">
                {q.currencies.length > 1 && (
                  <Select label={t('commerce.checkout.currency')} data={q.currencies} value={q.currency} onChange={setCurrency} allowDeselect={false} />
                )}
                {q.lines.map((l) => (
                  <Group key={l.itemId} justify="space-between" wrap="nowrap">
                    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {l.title}
                    </Text>
                    <Text size="sm">{money(l.subtotalMinor)}</Text>
                  </Group>
                ))}
                <Divider />
                <CouponCodeField label={t('commerce.checkout.coupon')} applyLabel={t('commerce.checkout.apply')} value={codeInput} onChange={setCodeInput} onApply={() => void applyCode()} error={codeError} />
                {q.coupons.map((c) => (
                  <Group key={c.code ?? c.name} justify="space-between" wrap="nowrap" data-testid="applied-coupon">
                    <Group gap={4}>
                      <Badge variant="light">{c.code ?? c.name}</Badge>
                      {c.code && <CloseButton size="sm" aria-label={t('commerce.checkout.removeCoupon', { code: c.code })} onClick={() => setCodes(codes.filter((x) => x !== c.code))} />}
                    </Group>
                    <Text size="sm">−{money(c.discountMinor)}</Text>
                  </Group>
                ))}
                <Group justify="space-between">
                  <Text size="sm">{t('commerce.checkout.subtotal')}</Text>
                  <Text size="sm">{money(q.subtotalMinor)}</Text>
                </Group>
                {q.discountMinor > 0 && (
                  <Group justify="space-between">
                    <Text size="sm">{t('commerce.checkout.discount')}</Text>
                    <Text size="sm" data-testid="discount">
                      −{money(q.discountMinor)}
                    </Text>
                  </Group>
                )}
                {q.taxLines.map((tl) => (
                  <Group key={tl.label} justify="space-between">
                    <Text size="sm">{tl.inclusive ? t('commerce.checkout.taxIncluded', { label: `${tl.label} ${tl.rateBasisPoints / 100}%` }) : `${tl.label} ${tl.rateBasisPoints / 100}%`}</Text>
                    <Text size="sm">{money(tl.amountMinor)}</Text>
                  </Group>
                ))}
                <Divider />
                <Group justify="space-between">
                  <Text fw={700}>{t('commerce.checkout.total')}</Text>
                  <Text fw={700} data-testid="total">
                    {money(q.totalMinor)}
                  </Text>
                </Group>
                <Button type="submit" size="md" loading={paying} disabled={quote.isFetching && !quote.data}>
                  {t('commerce.checkout.pay', { amount: money(q.totalMinor) })}
                </Button>
              </Stack>
            )}
          </Card>
        </Grid.Col>
      </Grid>
    </form>
  );
}
