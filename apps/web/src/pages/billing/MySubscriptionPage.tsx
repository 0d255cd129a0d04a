import { Alert, Badge, Button, Card, Group, List, Modal, Select, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, call } from '../../api';
import { EmptyState, ErrorState, PageLoading, confirmAction, errorMessage, formatDate, notify, notifyError, usePageTitle } from '../../components/common';
import { CardDialog } from './CardDialog';
import { type CancelPreview, formatMoney, mineKey, newKey, plansKey, type ChargePage, type PlanPage, type ProrationPreview, type Subscription, type SubscriptionPage } from './model';

const STATUS_COLOR: Record<Subscription['status'], string> = { trialing: 'blue', active: 'green', past_due: 'orange', canceled: 'gray', expired: 'gray' };

function ChangePlanDialog({ sub, onClose }: { sub: Subscription; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [planId, setPlanId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const plans = useQuery({ queryKey: plansKey, queryFn: () => call<PlanPage>(api.GET('/api/v1/billing/plans', { params: { query: { limit: 100 } } })) });
  const others = (plans.data?.items ?? []).filter((p) => p.id !== sub.plan.id && p.prices.some((x) => x.currency === sub.currency));
  const preview = useQuery({
    queryKey: ['billing', 'preview', sub.id, planId],
    enabled: !!planId,
    queryFn: () => call<ProrationPreview>(api.GET('/api/v1/subscriptions/{id}/change-preview', { params: { path: { id: sub.id }, query: { planId: planId! } } })),
  });
  const money = (n: number) => formatMoney(n, sub.currency, i18n.language);
  const confirm = async () => {
    setBusy(true);
    try {
      const next = await call<Subscription>(api.POST('/api/v1/subscriptions/{id}/change-plan', { params: { path: { id: sub.id } }, headers: { 'Idempotency-Key': newKey() }, body: { planId: planId! } }));
      await qc.invalidateQueries({ queryKey: ['billing'] });
      notify({ message: t('billing.change.done', { plan: next.plan.name }), color: 'green' });
      onClose();
    } catch (e) {
      notifyError(e, t);
    } finally {
      setBusy(false);
    }
  };
  const p = preview.data;
  return (
    <Modal opened onClose={onClose} title={t('billing.change.title')} closeButtonProps={{ 'aria-label': t('app.close') }}>
      <Stack>
        {plans.isSuccess && others.length === 0 ? (
          <Text>{t('billing.change.none')}</Text>
        ) : (
          <Select label={t('billing.change.to')} data={others.map((o) => ({ value: o.id, label: o.name }))} value={planId} onChange={setPlanId} allowDeselect={false} disabled={!plans.isSuccess} />
        )}
        {preview.error && <Alert color="red">{errorMessage(preview.error, t)}</Alert>}
        {p && (
          <section aria-labelledby="proration-heading" data-testid="proration-preview">
            <Title order={3} size="h5" id="proration-heading">
              {t('billing.change.preview')}
            </Title>
            <List size="sm" my="xs">
              {p.lines.map((l) => (
                <List.Item key={l.description}>
                  {l.description}: {money(l.amountMinor)}
                </List.Item>
              ))}
            </List>
            {p.periodSeconds > 0 && <Text size="sm" c="dimmed">{t('billing.change.basis', { days: Math.round(p.remainingSeconds / 86400) })}</Text>}
            <Text fw={700} mt="xs">
              {t('billing.change.dueNow', { amount: money(p.dueNowMinor) })}
            </Text>
            {p.netMinor < 0 && <Text size="sm">{t('billing.change.creditAfter', { amount: money(-p.netMinor) })}</Text>}
          </section>
        )}
        <Button disabled={!p} loading={busy} onClick={() => void confirm()}>
          {t('billing.change.confirm')}
        </Button>
      </Stack>
    </Modal>
  );
}

function SubscriptionCard({ sub }: { sub: Subscription }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [dialog, setDialog] = useState<'card' | 'change' | null>(null);
  const charges = useQuery({
    queryKey: ['billing', 'charges', sub.id],
    queryFn: () => call<ChargePage>(api.GET('/api/v1/subscriptions/{id}/charges', { params: { path: { id: sub.id }, query: { limit: 10 } } })),
  });
  const money = (n: number) => formatMoney(n, sub.currency, i18n.language);
  const date = (iso: string | null) => formatDate(iso, i18n.language);
  const live = sub.status === 'trialing' || sub.status === 'active' || sub.status === 'past_due';
  const act = async (fn: () => Promise<unknown>, message: string) => {
    try {
      await fn();
      await qc.invalidateQueries({ queryKey: ['billing'] });
      notify({ message, color: 'green' });
    } catch (e) {
      notifyError(e, t);
    }
  };
  const path = { params: { path: { id: sub.id } } };
  const updateOnStripe = async () => {
    try {
      const r = await call<{ redirectUrl: string }>(api.POST('/api/v1/subscriptions/{id}/payment-method', { ...path, headers: { 'Idempotency-Key': newKey() }, body: { paymentMethod: { type: 'stripe_checkout' } } }));
      window.location.assign(r.redirectUrl);
    } catch (e) {
      notifyError(e, t);
    }
  };
  const cancelNow = async () => {
    let refund: CancelPreview;
    try {
      refund = await call<CancelPreview>(api.GET('/api/v1/subscriptions/{id}/cancel-preview', path));
    } catch (e) {
      notifyError(e, t);
      return;
    }
    const message = refund.refundMinor > 0 ? t('billing.mine.cancelNowRefundMessage', { amount: money(refund.refundMinor) }) : t('billing.mine.cancelNowMessage');
    const ok = await confirmAction({ title: t('billing.mine.cancelNowTitle'), message, confirmLabel: t('billing.mine.cancelNow') });
    if (ok) await act(() => call(api.POST('/api/v1/subscriptions/{id}/cancel', { ...path, body: { atPeriodEnd: false } })), t('billing.mine.canceledNow'));
  };
  return (
    <Card withBorder padding="lg" component="article" aria-labelledby={`sub-${sub.id}`} data-testid="subscription-card">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Title order={2} size="h3" id={`sub-${sub.id}`}>
            {sub.plan.name}
          </Title>
          <Badge color={STATUS_COLOR[sub.status]} variant="light" data-testid="subscription-status">
            {t(`billing.status.${sub.status}`)}
          </Badge>
        </Group>
        {sub.status === 'past_due' && (
          <Alert color="orange" title={t('billing.mine.pastDue')} role="alert">
            {t('billing.mine.pastDueHint')}
            {!sub.hasAccess && <Text size="sm" mt="xs">{t('billing.mine.noAccess')}</Text>}
          </Alert>
        )}
        <Text>{t('billing.mine.price', { amount: money(sub.amountMinor), interval: t(`billing.interval.${sub.plan.interval}`) })}</Text>
        <Text size="sm" data-testid="subscription-renewal">
          {sub.status === 'trialing' && !sub.cancelAtPeriodEnd
            ? t('billing.mine.trialEnds', { date: date(sub.trialEnd) })
            : sub.status === 'past_due'
              ? t('billing.mine.nextRetry', { date: date(sub.nextChargeAt) })
              : !live
                ? t('billing.mine.endedOn', { date: date(sub.endedAt) })
                : sub.cancelAtPeriodEnd
                  ? t('billing.mine.endsOn', { date: date(sub.currentPeriodEnd) })
                  : t('billing.mine.renews', { date: date(sub.currentPeriodEnd) })}
        </Text>
        {sub.cardLast4 && <Text size="sm" c="dimmed">{t('billing.mine.card', { last4: sub.cardLast4 })}</Text>}
        {sub.provider === 'stripe' && <Text size="sm" c="dimmed">{t('billing.stripe.billedBy')}</Text>}
        {sub.creditMinor > 0 && <Text size="sm">{t('billing.mine.credit', { amount: money(sub.creditMinor) })}</Text>}
        {live && (
          <Group gap="xs" mt="xs">
            {sub.status !== 'past_due' && <Button variant="default" onClick={() => setDialog('change')}>{t('billing.change.button')}</Button>}
            {/* Stripe keeps the payment method of a subscription it bills: the member saves a new one on Stripe's page */}
            {sub.provider === 'stripe' ? (
              <Button variant="default" onClick={() => void updateOnStripe()}>
                {t('billing.stripe.updatePaymentMethod')}
              </Button>
            ) : (
              <Button variant="default" onClick={() => setDialog('card')}>
                {t('billing.card.update')}
              </Button>
            )}
            {sub.cancelAtPeriodEnd ? (
              <Button onClick={() => void act(() => call(api.POST('/api/v1/subscriptions/{id}/resume', path)), t('billing.mine.resumed'))}>{t('billing.mine.resume')}</Button>
            ) : (
              sub.status !== 'past_due' && (
                <Button variant="default" onClick={() => void act(() => call(api.POST('/api/v1/subscriptions/{id}/cancel', { ...path, body: { atPeriodEnd: true } })), t('billing.mine.canceledAtEnd'))}>
                  {t('billing.mine.cancelAtEnd')}
                </Button>
              )
            )}
            <Button color="red" onClick={() => void cancelNow()}>
              {t('billing.mine.cancelNow')}
            </Button>
          </Group>
        )}
        {(charges.data?.items.length ?? 0) > 0 && (
          <section aria-labelledby={`charges-${sub.id}`}>
            <Title order={3} size="h5" id={`charges-${sub.id}`} mt="sm">
              {t('billing.mine.charges')}
            </Title>
            <List size="sm">
              {charges.data!.items.map((c) => (
                <List.Item key={c.id}>
                  {t('billing.mine.chargeRow', { date: date(c.chargedAt), reason: t(`billing.mine.reason.${c.reason}`), amount: money(c.amountMinor) })}
                  {c.status === 'failed' && ` (${t('billing.mine.chargeFailed')})`}
                  {c.status === 'succeeded' && c.taxMinor > 0 && ` · ${t('billing.mine.chargeTax', { amount: money(c.taxMinor) })}`}
                  {c.refundedMinor > 0 && ` · ${t('billing.mine.chargeRefunded', { amount: money(c.refundedMinor) })}`}
                </List.Item>
              ))}
            </List>
          </section>
        )}
      </Stack>
      {dialog === 'change' && <ChangePlanDialog sub={sub} onClose={() => setDialog(null)} />}
      {dialog === 'card' && (
        <CardDialog
          opened
          title={t('billing.card.updateTitle')}
          submitLabel={t('billing.card.save')}
          onClose={() => setDialog(null)}
          onSubmit={async (cardNumber) => {
            await call(api.POST('/api/v1/subscriptions/{id}/payment-method', { ...path, headers: { 'Idempotency-Key': newKey() }, body: { paymentMethod: { type: 'manual_card', cardNumber } } }));
            await qc.invalidateQueries({ queryKey: ['billing'] });
            notify({ message: t('billing.card.saved'), color: 'green' });
            setDialog(null);
          }}
        />
      )}
    </Card>
  );
}

const LIVE = new Set<Subscription['status']>(['trialing', 'active', 'past_due']);
/** how long the page waits for Stripe's confirmation before saying it takes longer */
const CONFIRM_WAIT_MS = 2 * 60_000;

/**
 * The subscriber's subscriptions: status, next renewal, change plan with the proration preview, cancel, resume, card.
 * Back from Stripe Checkout (`?stripe=success&plan=…`) it says the payment is being confirmed and refetches until the
 * subscription to that plan appears (Stripe's webhook creates it); `?stripe=canceled` says nothing was charged;
 * `?stripe=payment-method` (back from saving a new payment method on Stripe) says the card shows once Stripe confirms it.
 */
export function MySubscriptionPage() {
  const { t } = useTranslation();
  usePageTitle(t('billing.mine.title'));
  const [params] = useSearchParams();
  const returned = params.get('stripe');
  const waitingPlan = returned === 'success' ? (params.get('plan') ?? '') : null;
  const [since] = useState(() => Date.now());
  const [timedOut, setTimedOut] = useState(false);
  const arrived = (page: SubscriptionPage | undefined) => (page?.items ?? []).some((s) => s.provider === 'stripe' && LIVE.has(s.status) && (!waitingPlan || s.plan.id === waitingPlan));
  const mine = useQuery({
    queryKey: mineKey,
    queryFn: () => call<SubscriptionPage>(api.GET('/api/v1/me/subscriptions', { params: { query: { limit: 50 } } })),
    refetchInterval: (q) => (waitingPlan !== null && !timedOut && !arrived(q.state.data) ? 2000 : false),
  });
  useEffect(() => {
    if (waitingPlan === null) return;
    const id = window.setTimeout(() => setTimedOut(true), Math.max(0, since + CONFIRM_WAIT_MS - Date.now()));
    return () => window.clearTimeout(id);
  }, [waitingPlan, since]);
  if (mine.isLoading) return <PageLoading />;
  if (mine.error) return <ErrorState error={mine.error} onRetry={() => void mine.refetch()} />;
  const items = mine.data?.items ?? [];
  const confirmed = waitingPlan !== null && arrived(mine.data);
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>{t('billing.mine.title')}</Title>
        <Button component={Link} to="/my-invoices" variant="default">
          {t('commerce.invoices.all')}
        </Button>
      </Group>
      {waitingPlan !== null && (
        <Alert color={confirmed ? 'green' : 'blue'} role="status" data-testid="stripe-return">
          {confirmed ? t('billing.stripe.confirmed') : timedOut ? t('billing.stripe.slow') : t('billing.stripe.confirming')}
        </Alert>
      )}
      {returned === 'payment-method' && (
        <Alert color="blue" role="status" data-testid="stripe-return">
          {t('billing.stripe.paymentMethodSaved')}
        </Alert>
      )}
      {returned === 'canceled' && (
        <Alert color="gray" role="status" data-testid="stripe-return">
          {t('billing.stripe.canceled')}
        </Alert>
      )}
      {items.length === 0 ? (
        <EmptyState
          title={t('billing.mine.empty')}
          hint={t('billing.mine.emptyHint')}
          action={
            <Button component={Link} to="/plans">
              {t('billing.mine.seePlans')}
            </Button>
          }
        />
      ) : (
        items.map((s) => <SubscriptionCard key={s.id} sub={s} />)
      )}
    </Stack>
  );
}
