import { Button, Card, Group, NumberInput, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api';
import { errorMessage, notify, notifyError } from '../../components/common';
import { CardDialog } from './CardDialog';
import { formatMoney, newKey, plansKey, type PlanPage, type SeatLicence, type SeatLicencePage, type SeatPage } from './model';

function LicenceCard({ licence }: { licence: SeatLicence }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const holders = useQuery({
    queryKey: ['billing', 'seats', licence.id],
    queryFn: () => call<SeatPage>(api.GET('/api/v1/billing/seats/{id}/assignments', { params: { path: { id: licence.id }, query: { limit: 100 } } })),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['billing', 'seats'] });
  const assign = async () => {
    setError(null);
    try {
      await call(api.POST('/api/v1/billing/seats/{id}/assignments', { params: { path: { id: licence.id } }, body: { email } }));
      notify({ message: t('billing.admin.assigned', { email }), color: 'green' });
      setEmail('');
      await refresh();
    } catch (e) {
      setError(errorMessage(e, t));
    }
  };
  const unassign = async (userId: string) => {
    try {
      await call(api.DELETE('/api/v1/billing/seats/{id}/assignments/{userId}', { params: { path: { id: licence.id, userId } } }));
      await refresh();
    } catch (e) {
      notifyError(e, t);
    }
  };
  const live = licence.status === 'active' || licence.status === 'past_due';
  return (
    <Card withBorder component="article" aria-labelledby={`lic-${licence.id}`} data-testid="seat-licence">
      <Stack gap="xs">
        <Title order={3} size="h5" id={`lic-${licence.id}`}>
          {licence.plan.name} · {t(`billing.status.${licence.status}`)}
        </Title>
        <Text size="sm">
          {t('billing.admin.seatsUsed', { assigned: licence.assigned, quantity: licence.quantity })} · {formatMoney(licence.amountMinor, licence.currency, i18n.language)} {t(`billing.interval.${licence.plan.interval}`)}
        </Text>
        {live && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void assign();
            }}
          >
            <Group align="flex-end">
              <TextInput label={t('billing.admin.assignEmail')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required error={error} />
              <Button type="submit">{t('billing.admin.assign')}</Button>
            </Group>
          </form>
        )}
        {(holders.data?.items.length ?? 0) > 0 && (
          <Stack gap={4} component="ul" aria-label={t('billing.admin.holders')} style={{ listStyle: 'none', padding: 0 }}>
            {holders.data!.items.map((h) => (
              <Group component="li" key={h.userId} justify="space-between">
                <Text size="sm">
                  {h.name} · {h.email}
                </Text>
                <Button size="xs" variant="default" onClick={() => void unassign(h.userId)} aria-label={t('billing.admin.unassignOf', { email: h.email })}>
                  {t('billing.admin.unassign')}
                </Button>
              </Group>
            ))}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

/** Seat licences: buy N seats of a plan, assign them to members, see who holds one. */
export function SeatsAdmin() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [planId, setPlanId] = useState<string | null>(null);
  const [quantity, setQuantity] = useState<number>(5);
  const [paying, setPaying] = useState(false);
  const plans = useQuery({ queryKey: plansKey, queryFn: () => call<PlanPage>(api.GET('/api/v1/billing/plans', { params: { query: { limit: 100 } } })) });
  const licences = useQuery({ queryKey: ['billing', 'seats'], queryFn: () => call<SeatLicencePage>(api.GET('/api/v1/billing/seats', { params: { query: { limit: 50 } } })) });
  return (
    <Stack component="section" aria-labelledby="seats-admin">
      <Title order={2} id="seats-admin">
        {t('billing.admin.seatsHeading')}
      </Title>
      <Text size="sm">{t('billing.admin.seatsIntro')}</Text>
      <Group align="flex-end">
        <Select label={t('billing.admin.plan')} data={(plans.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))} value={planId} onChange={setPlanId} disabled={!plans.isSuccess} />
        <NumberInput label={t('billing.admin.quantity')} min={1} max={10000} value={quantity} onChange={(v) => setQuantity(typeof v === 'number' ? v : 1)} w={120} />
        <Button disabled={!planId} onClick={() => setPaying(true)}>
          {t('billing.admin.buySeats')}
        </Button>
      </Group>
      {(licences.data?.items.length ?? 0) === 0 ? <Text c="dimmed">{t('billing.admin.noSeats')}</Text> : licences.data!.items.map((l) => <LicenceCard key={l.id} licence={l} />)}
      {paying && planId && (
        <CardDialog
          opened
          title={t('billing.admin.buySeats')}
          submitLabel={t('billing.admin.buySeats')}
          onClose={() => setPaying(false)}
          onSubmit={async (cardNumber) => {
            await call(api.POST('/api/v1/billing/seats', { headers: { 'Idempotency-Key': newKey() }, body: { planId, quantity, paymentMethod: { type: 'manual_card', cardNumber } } }));
            await qc.invalidateQueries({ queryKey: ['billing', 'seats'] });
            notify({ message: t('billing.admin.bought'), color: 'green' });
            setPaying(false);
          }}
        />
      )}
    </Stack>
  );
}
