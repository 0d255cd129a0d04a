import { Badge, Button, Card, Checkbox, Group, MultiSelect, NumberInput, Radio, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import type { components } from '@lyceum/api-client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api';
import { bodyFieldErrors, notify, notifyError } from '../../components/common';
import { formatMoney, parseMoney, type Plan, type PlanPage } from './model';

type CourseSummaryPage = components['schemas']['CourseSummaryPageDto_Output'];
const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'MXN', 'BRL', 'INR'];

function NewPlanForm() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [interval, setInterval] = useState<'month' | 'year'>('month');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('USD');
  const [trialDays, setTrialDays] = useState<number>(0);
  const [scope, setScope] = useState<'catalog' | 'courses'>('catalog');
  const [courseIds, setCourseIds] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const courses = useQuery({ queryKey: ['billing', 'courses'], queryFn: () => call<CourseSummaryPage>(api.GET('/api/v1/courses', { params: { query: { limit: 100 } } })) });
  const submit = async () => {
    const minor = parseMoney(amount, currency);
    if (minor === null || minor <= 0) {
      setErrors({ price: t('billing.admin.price') });
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      await call(api.POST('/api/v1/billing/plans', { body: { name, description, interval, prices: [{ currency, amountMinor: minor }], trialDays, scope, courseIds: scope === 'courses' ? courseIds : [] } }));
      await qc.invalidateQueries({ queryKey: ['billing'] });
      notify({ message: t('billing.admin.created'), color: 'green' });
      setName('');
      setDescription('');
      setAmount('');
    } catch (e) {
      setErrors(bodyFieldErrors(e));
      notifyError(e, t);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card withBorder component="section" aria-labelledby="new-plan">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack>
          <Title order={3} size="h4" id="new-plan">
            {t('billing.admin.newPlan')}
          </Title>
          <TextInput label={t('billing.admin.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required error={errors.name} />
          <TextInput label={t('billing.admin.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={errors.description} />
          <Group grow align="flex-start">
            <Select label={t('billing.admin.intervalLabel')} data={(['month', 'year'] as const).map((v) => ({ value: v, label: t(`billing.intervalName.${v}`) }))} value={interval} onChange={(v) => setInterval((v as 'month' | 'year') ?? 'month')} allowDeselect={false} />
            <TextInput label={t('billing.admin.price')} value={amount} onChange={(e) => setAmount(e.currentTarget.value)} inputMode="decimal" required error={errors.price ?? errors['prices.0.amountMinor']} />
            <Select label={t('billing.admin.currency')} data={CURRENCIES} value={currency} onChange={(v) => setCurrency(v ?? 'USD')} allowDeselect={false} />
          </Group>
          <NumberInput label={t('billing.admin.trialDays')} min={0} max={365} value={trialDays} onChange={(v) => setTrialDays(typeof v === 'number' ? v : 0)} />
          <Radio.Group label={t('billing.admin.scopeLabel')} value={scope} onChange={(v) => setScope(v as 'catalog' | 'courses')}>
            <Stack gap="xs" mt="xs">
              <Radio value="catalog" label={t('billing.admin.scopeCatalog')} />
              <Radio value="courses" label={t('billing.admin.scopeCourses')} />
            </Stack>
          </Radio.Group>
          {scope === 'courses' && (
            <MultiSelect
              label={t('billing.admin.courses')}
              data={(courses.data?.items ?? []).map((c) => ({ value: c.id, label: c.title }))}
              value={courseIds}
              onChange={setCourseIds}
              searchable
              error={errors.courseIds}
            />
          )}
          <Button type="submit" loading={busy}>
            {t('billing.admin.create')}
          </Button>
        </Stack>
      </form>
    </Card>
  );
}

function PlanRow({ plan }: { plan: Plan }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const toggle = async () => {
    try {
      const path = { params: { path: { id: plan.id } } };
      await call(plan.archived ? api.POST('/api/v1/billing/plans/{id}/unarchive', path) : api.POST('/api/v1/billing/plans/{id}/archive', path));
      await qc.invalidateQueries({ queryKey: ['billing'] });
    } catch (e) {
      notifyError(e, t);
    }
  };
  return (
    <Group justify="space-between" wrap="wrap" data-testid="admin-plan">
      <div>
        <Text fw={600}>
          {plan.name} {plan.archived && <Badge color="gray" variant="light">{t('billing.admin.archived')}</Badge>}
        </Text>
        <Text size="sm" c="dimmed">
          {plan.prices.map((p) => formatMoney(p.amountMinor, p.currency, i18n.language)).join(' · ')} {t(`billing.interval.${plan.interval}`)} ·{' '}
          {plan.scope === 'catalog' ? t('billing.scope.catalog') : t('billing.scope.courses', { count: plan.courseIds.length })}
        </Text>
      </div>
      <Button variant="default" size="xs" onClick={() => void toggle()} aria-label={`${plan.archived ? t('billing.admin.unarchive') : t('billing.admin.archive')}: ${plan.name}`}>
        {plan.archived ? t('billing.admin.unarchive') : t('billing.admin.archive')}
      </Button>
    </Group>
  );
}

/** Plans admin: the list (archived on demand), archive/unarchive, and a form for a new plan. */
export function PlansAdmin() {
  const { t } = useTranslation();
  const [archived, setArchived] = useState(false);
  const plans = useQuery({
    queryKey: ['billing', 'plans', 'admin', archived],
    queryFn: () => call<PlanPage>(api.GET('/api/v1/billing/plans', { params: { query: { limit: 100, archived: archived ? 'true' : 'false' } } })),
  });
  return (
    <Stack component="section" aria-labelledby="plans-admin">
      <Title order={2} id="plans-admin">
        {t('billing.admin.plansHeading')}
      </Title>
      <Checkbox label={t('billing.admin.showArchived')} checked={archived} onChange={(e) => setArchived(e.currentTarget.checked)} />
      <Stack gap="sm">{(plans.data?.items ?? []).map((p) => <PlanRow key={p.id} plan={p} />)}</Stack>
      <NewPlanForm />
    </Stack>
  );
}
