import { Alert, Badge, Button, CloseButton, Divider, Group, Modal, SegmentedControl, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../api';
import { bodyFieldErrors, errorMessage, formatDate } from '../../components/common';
import { CouponCodeField } from '../commerce/CouponCodeField';
import { CardNumberInput } from './CardDialog';
import { COUNTRIES, countryName } from '../commerce/model';
import { formatMoney, paymentProvidersKey, type Plan, type SubscriptionQuote } from './model';

export interface SubscribeInput {
  /** `stripe`: pay on Stripe's page (Stripe bills every period); `card`: the test card below */
  method: 'card' | 'stripe';
  cardNumber: string;
  billingAddress?: { country: string; region?: string };
  couponCode?: string;
}

/**
 * Subscribing to a plan: billing country (and region), a coupon code and the card, with the live
 * quote of the first payment (price, discount, tax, total) from the API before confirming. Field
 * errors of the problem+json answers show beside their fields. Where Stripe is configured the member
 * may pay with Stripe instead (redirected to Stripe Checkout, which applies the same coupon).
 */
export function SubscribeDialog({ plan, onClose, onSubmit }: { plan: Plan; onClose: () => void; onSubmit: (input: SubscribeInput) => Promise<void> }) {
  const { t, i18n } = useTranslation();
  const [country, setCountry] = useState<string | null>(null);
  const [region, setRegion] = useState('');
  const [codeInput, setCodeInput] = useState('');
  const [code, setCode] = useState<string | null>(null);
  const [card, setCard] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const providers = useQuery({ queryKey: paymentProvidersKey, queryFn: () => call<{ providers: string[] }>(api.GET('/api/v1/payments/providers')), staleTime: 5 * 60_000 });
  const stripeOffered = providers.data?.providers.includes('stripe') ?? false;
  const [method, setMethod] = useState<'card' | 'stripe'>('card');
  const payWith = stripeOffered ? method : 'card';
  const countryOptions = useMemo(() => COUNTRIES.map((c) => ({ value: c, label: countryName(c, i18n.language) })), [i18n.language]);

  const billingAddress = country ? { country, ...(region.trim() ? { region: region.trim() } : {}) } : undefined;
  const quoteBody = (couponCode: string | null) => ({ ...(billingAddress ? { billingAddress } : {}), ...(couponCode ? { couponCode } : {}) });
  const fetchQuote = (couponCode: string | null) => call<SubscriptionQuote>(api.POST('/api/v1/billing/plans/{id}/quote', { params: { path: { id: plan.id } }, body: quoteBody(couponCode) }));
  const quote = useQuery({ queryKey: ['billing', 'quote', plan.id, billingAddress, code], queryFn: () => fetchQuote(code), placeholderData: keepPreviousData, retry: false });
  const quoteErrors = quote.error instanceof ApiError && quote.error.status === 400 ? bodyFieldErrors(quote.error) : {};
  const fe = (k: string) => fieldErrors[k] ?? quoteErrors[k];
  const q = quote.isError ? undefined : quote.data;
  const money = (n: number) => formatMoney(n, q?.currency ?? plan.prices[0]!.currency, i18n.language);

  const applyCode = async () => {
    const next = codeInput.trim().toUpperCase();
    if (!next) return;
    setFieldErrors(({ couponCode: _, ...rest }) => rest);
    try {
      await fetchQuote(next);
      setCode(next);
      setCodeInput('');
    } catch (e) {
      const fields = bodyFieldErrors(e);
      setFieldErrors((f) => ({ ...f, couponCode: fields.couponCode ?? errorMessage(e, t) }));
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFieldErrors({});
    setError(null);
    try {
      await onSubmit({ method: payWith, cardNumber: card, billingAddress, couponCode: code ?? undefined });
    } catch (err) {
      const fields = bodyFieldErrors(err);
      if (err instanceof ApiError && err.status === 400 && Object.keys(fields).length > 0) setFieldErrors(fields);
      else setError(errorMessage(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('billing.plans.subscribeTo', { plan: plan.name })} closeButtonProps={{ 'aria-label': t('app.close') }} size="lg">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <Stack gap="xs" component="section" aria-labelledby="subscribe-billing">
            <Title order={3} size="h5" id="subscribe-billing">
              {t('billing.subscribe.billing')}
            </Title>
            <Group grow align="flex-start">
              <Select label={t('billing.subscribe.country')} data={countryOptions} value={country} onChange={setCountry} searchable clearable error={fe('billingAddress.country')} />
              <TextInput label={t('billing.subscribe.region')} description={t('billing.subscribe.regionHint')} value={region} onChange={(e) => setRegion(e.currentTarget.value)} error={fe('billingAddress.region')} disabled={!country} />
            </Group>
          </Stack>
          <CouponCodeField label={t('billing.subscribe.coupon')} applyLabel={t('billing.subscribe.apply')} value={codeInput} onChange={setCodeInput} onApply={() => void applyCode()} error={fe('couponCode')} />
          <section aria-labelledby="subscribe-summary" data-testid="subscription-quote" aria-live="polite">
            <Title order={3} size="h5" id="subscribe-summary" mb="xs">
              {t('billing.subscribe.summary')}
            </Title>
            {quote.isError && Object.keys(quoteErrors).length === 0 && <Alert color="red">{errorMessage(quote.error, t)}</Alert>}
            {q && (
              <Stack gap={4}>
                <Group justify="space-between">
                  <Text size="sm">{t('billing.subscribe.price')}</Text>
                  <Text size="sm">{money(q.subtotalMinor)}</Text>
                </Group>
                {q.discount && code && (
                  <Group gap={4}>
                    <Badge variant="light">{code}</Badge>
                    <CloseButton size="sm" aria-label={t('billing.subscribe.removeCoupon', { code })} onClick={() => setCode(null)} />
                  </Group>
                )}
                {q.discountMinor > 0 && (
                  <Group justify="space-between" wrap="nowrap">
                    <Text size="sm">
                      {t('billing.subscribe.discount')}
                      {q.discount && ` · ${q.discount.chargesLeft === null ? t('billing.subscribe.discountForever', { name: q.discount.name }) : t('billing.subscribe.discountFor', { name: q.discount.name, count: q.discount.chargesLeft })}`}
                    </Text>
                    <Text size="sm" data-testid="quote-discount">
                      −{money(q.discountMinor)}
                    </Text>
                  </Group>
                )}
                {q.taxLines.map((tl) => {
                  const label = `${tl.label} ${tl.rateBasisPoints / 100}%`;
                  return (
                    <Group key={tl.label} justify="space-between">
                      <Text size="sm">{tl.inclusive ? t('billing.subscribe.taxIncluded', { label }) : label}</Text>
                      <Text size="sm" data-testid="quote-tax">
                        {money(tl.amountMinor)}
                      </Text>
                    </Group>
                  );
                })}
                <Divider />
                <Group justify="space-between">
                  <Text fw={700}>{t('billing.subscribe.total')}</Text>
                  <Text fw={700} data-testid="quote-total">
                    {money(q.totalMinor)}
                  </Text>
                </Group>
                {q.trialEnd && (
                  <Text size="sm" c="dimmed">
                    {t('billing.subscribe.dueAtTrialEnd', { amount: money(q.totalMinor), date: formatDate(q.trialEnd, i18n.language) })}
                  </Text>
                )}
              </Stack>
            )}
          </section>
          {stripeOffered && (
            <Stack gap={4}>
              <Text size="sm" fw={500} id="subscribe-method-label">
                {t('billing.stripe.method')}
              </Text>
              <SegmentedControl
                aria-labelledby="subscribe-method-label"
                value={payWith}
                onChange={(v) => setMethod(v === 'stripe' ? 'stripe' : 'card')}
                data={[
                  { value: 'card', label: t('billing.stripe.methodCard') },
                  { value: 'stripe', label: t('billing.stripe.methodStripe') },
                ]}
              />
            </Stack>
          )}
          {payWith === 'stripe' ? (
            <Stack gap="xs">
              <Text size="sm" c="dimmed">
                {t('billing.stripe.note')}
              </Text>
              {error && (
                <Alert color="red" role="alert">
                  {error}
                </Alert>
              )}
            </Stack>
          ) : (
            <CardNumberInput value={card} onChange={setCard} error={fieldErrors['paymentMethod.cardNumber'] ?? error} />
          )}
          <Button type="submit" loading={busy} disabled={!q}>
            {payWith === 'stripe'
              ? t('billing.stripe.pay')
              : plan.trialDays > 0
                ? t('billing.card.startTrial')
                : t('billing.card.pay', { amount: money(q?.dueNowMinor ?? plan.prices[0]!.amountMinor) })}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}
