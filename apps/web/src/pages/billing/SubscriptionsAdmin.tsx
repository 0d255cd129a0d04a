import { Badge, Button, Card, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api';
import { confirmAction, formatDate, notify, notifyError } from '../../components/common';
import { AmountRefundForm } from '../commerce/RefundAmountForm';
import { type Charge, type ChargePage, formatMoney, newKey, type Subscription, type SubscriptionPage } from './model';

const STATUSES = ['trialing', 'active', 'past_due', 'canceled', 'expired'] as const;

function refundCharge(sub: Subscription, charge: Charge, amountMinor?: number) {
  return call<Charge>(
    api.POST('/api/v1/subscriptions/{id}/charges/{chargeId}/refund', {
      params: { path: { id: sub.id, chargeId: charge.id } },
      headers: { 'Idempotency-Key': newKey() },
      body: amountMinor === undefined ? {} : { amountMinor },
    }),
  );
}

/** One subscription's charges, each succeeded one with what is left to refund: in full or by amount. */
function Charges({ sub }: { sub: Subscription }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const key = ['billing', 'charges', sub.id];
  const charges = useQuery({ queryKey: key, queryFn: () => call<ChargePage>(api.GET('/api/v1/subscriptions/{id}/charges', { params: { path: { id: sub.id }, query: { limit: 50 } } })) });
  const money = (n: number) => formatMoney(n, sub.currency, i18n.language);
  const done = () => void qc.invalidateQueries({ queryKey: ['billing'] });
  const refundAll = async (c: Charge) => {
    const left = money(c.amountMinor - c.refundedMinor);
    if (!(await confirmAction({ title: t('commerce.admin.refundTitle'), message: t('billing.admin.refundChargeMessage', { amount: left, email: sub.customerEmail }), confirmLabel: t('commerce.admin.refundConfirm') }))) return;
    try {
      await refundCharge(sub, c);
      notify({ color: 'green', message: t('commerce.admin.refundedOk') });
      done();
    } catch (e) {
      notifyError(e, t);
    }
  };
  const items = charges.data?.items ?? [];
  if (charges.isSuccess && items.length === 0) return <Text size="sm" c="dimmed">{t('billing.admin.noCharges')}</Text>;
  return (
    <Table data-testid="subscription-charges">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('billing.admin.chargeDate')}</Table.Th>
          <Table.Th>{t('billing.admin.chargeAmount')}</Table.Th>
          <Table.Th>{t('billing.admin.chargeRefunded')}</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((c) => {
          const left = c.amountMinor - c.refundedMinor;
          const label = t('billing.admin.chargeRow', { date: formatDate(c.chargedAt, i18n.language), reason: t(`billing.mine.reason.${c.reason}`) });
          return (
            <Table.Tr key={c.id} data-testid="subscription-charge">
              <Table.Td>
                {label}
                {c.status === 'failed' && ` (${t('billing.mine.chargeFailed')})`}
              </Table.Td>
              <Table.Td>{money(c.amountMinor)}</Table.Td>
              <Table.Td>{c.refundedMinor > 0 ? money(c.refundedMinor) : '—'}</Table.Td>
              <Table.Td>
                {c.status === 'succeeded' && left > 0 && (
                  <Stack gap={4}>
                    <Button size="xs" color="red" variant="light" onClick={() => void refundAll(c)} aria-label={t('billing.admin.refundChargeOf', { amount: money(left), charge: label })}>
                      {t('billing.admin.refundCharge', { amount: money(left) })}
                    </Button>
                    <AmountRefundForm
                      label={t('billing.admin.refundChargeAmount', { charge: label })}
                      currency={c.currency}
                      remainingMinor={left}
                      message={(amount) => t('billing.admin.refundChargeMessage', { amount, email: sub.customerEmail })}
                      refund={(amountMinor) => refundCharge(sub, c, amountMinor)}
                      onDone={done}
                    />
                  </Stack>
                )}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

/** The organization's subscriptions (newest first, by status) with each one's charges and their refunds. */
export function SubscriptionsAdmin() {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const subs = useQuery({
    queryKey: ['billing', 'subscriptions', status],
    queryFn: () => call<SubscriptionPage>(api.GET('/api/v1/billing/subscriptions', { params: { query: { limit: 50, ...(status ? { status: status as (typeof STATUSES)[number] } : {}) } } })),
  });
  const items = subs.data?.items ?? [];
  return (
    <Stack component="section" aria-labelledby="subs-admin">
      <Title order={2} id="subs-admin">
        {t('billing.admin.subscriptionsHeading')}
      </Title>
      <Select
        label={t('billing.admin.statusFilter')}
        data={STATUSES.map((s) => ({ value: s, label: t(`billing.status.${s}`) }))}
        value={status}
        onChange={setStatus}
        clearable
        placeholder={t('billing.admin.allStatuses')}
        w={220}
      />
      {subs.isSuccess && items.length === 0 && <Text c="dimmed">{t('billing.admin.noSubscriptions')}</Text>}
      {items.map((s) => (
        <Card withBorder key={s.id} component="article" aria-labelledby={`adm-sub-${s.id}`} data-testid="admin-subscription">
          <Stack gap="xs">
            <Group justify="space-between" wrap="wrap">
              <Title order={3} size="h5" id={`adm-sub-${s.id}`}>
                {s.customerName} · {s.customerEmail}
              </Title>
              <Badge variant="light">{t(`billing.status.${s.status}`)}</Badge>
            </Group>
            <Text size="sm">
              {s.plan.name} · {formatMoney(s.amountMinor, s.currency, i18n.language)} {t(`billing.interval.${s.plan.interval}`)} · {t('billing.admin.since', { date: formatDate(s.createdAt, i18n.language) })}
            </Text>
            <Group>
              <Button size="xs" variant="default" onClick={() => setOpen(open === s.id ? null : s.id)} aria-expanded={open === s.id} aria-controls={`adm-charges-${s.id}`}>
                {open === s.id ? t('billing.admin.hideCharges') : t('billing.admin.showCharges')}
              </Button>
            </Group>
            {open === s.id && (
              <div id={`adm-charges-${s.id}`}>
                <Charges sub={s} />
              </div>
            )}
          </Stack>
        </Card>
      ))}
    </Stack>
  );
}
