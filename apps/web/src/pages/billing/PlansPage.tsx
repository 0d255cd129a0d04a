import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, ApiError, call } from '../../api';
import { EmptyState, ErrorState, PageLoading, notify, usePageTitle } from '../../components/common';
import { SubscribeDialog, type SubscribeInput } from './SubscribeDialog';
import { formatMoney, mineKey, newKey, plansKey, type Plan, type PlanPage, type Subscription, type SubscriptionCheckout, type SubscriptionPage } from './model';

const LIVE = new Set(['trialing', 'active', 'past_due']);

/** The pricing table: the organization's plans, each with a subscribe button. */
export function PlansPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('billing.plans.title'));
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [chosen, setChosen] = useState<Plan | null>(null);
  const plans = useQuery({ queryKey: plansKey, queryFn: () => call<PlanPage>(api.GET('/api/v1/billing/plans', { params: { query: { limit: 100 } } })) });
  const mine = useQuery({ queryKey: mineKey, enabled: plans.isSuccess, queryFn: () => call<SubscriptionPage>(api.GET('/api/v1/me/subscriptions', { params: { query: { limit: 100 } } })) });
  if (plans.isLoading) return <PageLoading />;
  if (plans.error instanceof ApiError && plans.error.code === 'no_organization') return <EmptyState title={t('billing.plans.title')} hint={t('billing.plans.noOrg')} />;
  if (plans.error) return <ErrorState error={plans.error} onRetry={() => void plans.refetch()} />;
  const current = new Set((mine.data?.items ?? []).filter((s) => LIVE.has(s.status)).map((s) => s.plan.id));
  const items = plans.data?.items ?? [];

  const subscribe = async (plan: Plan, input: SubscribeInput) => {
    const paymentMethod = input.method === 'stripe' ? { type: 'stripe_checkout' as const } : { type: 'manual_card' as const, cardNumber: input.cardNumber };
    const answer = await call<Subscription | SubscriptionCheckout>(
      api.POST('/api/v1/subscriptions', {
        headers: { 'Idempotency-Key': newKey() },
        body: { planId: plan.id, paymentMethod, billingAddress: input.billingAddress, couponCode: input.couponCode },
      }),
    );
    if ('redirectUrl' in answer) {
      // Stripe's page; it sends the member back to /my-subscription?stripe=success
      window.location.assign(answer.redirectUrl);
      return;
    }
    const sub = answer;
    await qc.invalidateQueries({ queryKey: ['billing'] });
    await qc.invalidateQueries({ queryKey: ['enrollments'] });
    setChosen(null);
    notify({ message: t('billing.subscribed', { plan: sub.plan.name }), color: 'green' });
    navigate('/my-subscription');
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('billing.plans.title')}</Title>
        {current.size > 0 && (
          <Button component={Link} to="/my-subscription" variant="default">
            {t('billing.plans.manage')}
          </Button>
        )}
      </Group>
      <Text>{t('billing.plans.intro')}</Text>
      {items.length === 0 ? (
        <EmptyState title={t('billing.plans.empty')} hint={t('billing.plans.emptyHint')} />
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
          {items.map((p) => {
            const price = p.prices[0]!;
            return (
              <Card key={p.id} withBorder padding="lg" component="article" aria-labelledby={`plan-${p.id}`} data-testid="plan-card">
                <Stack gap="xs">
                  <Group justify="space-between" wrap="nowrap">
                    <Title order={2} size="h3" id={`plan-${p.id}`}>
                      {p.name}
                    </Title>
                    {current.has(p.id) && <Badge color="green" variant="light">{t('billing.plans.current')}</Badge>}
                  </Group>
                  <Text fz="xl" fw={700}>
                    {formatMoney(price.amountMinor, price.currency, i18n.language)} <Text span fz="sm" fw={400}>{t(`billing.interval.${p.interval}`)}</Text>
                  </Text>
                  {p.description && <Text size="sm">{p.description}</Text>}
                  <Text size="sm" c="dimmed">
                    {p.scope === 'catalog' ? t('billing.scope.catalog') : t('billing.scope.courses', { count: p.courseIds.length })}
                  </Text>
                  {p.trialDays > 0 && <Badge variant="light">{t('billing.plans.trial', { count: p.trialDays })}</Badge>}
                  <Button mt="sm" disabled={current.has(p.id)} onClick={() => setChosen(p)} aria-label={t('billing.plans.subscribeTo', { plan: p.name })}>
                    {t('billing.plans.subscribe')}
                  </Button>
                </Stack>
              </Card>
            );
          })}
        </SimpleGrid>
      )}
      {chosen && <SubscribeDialog plan={chosen} onClose={() => setChosen(null)} onSubmit={(input) => subscribe(chosen, input)} />}
    </Stack>
  );
}
