import { Badge, Button, Card, Checkbox, Group, MultiSelect, NumberInput, Select, Stack, TagsInput, Text, TextInput, Title } from '@mantine/core';
import type { components } from '@lyceum/api-client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../api';
import { bodyFieldErrors, EmptyState, ErrorState, notify, notifyError, PageLoading } from '../../components/common';
import { type Coupon, type CouponInput, type CouponPage, exponentOf, formatMoney, parseMoney } from './model';

type CourseSummaryPage = components['schemas']['CourseSummaryPageDto_Output'];
type PlanPage = components['schemas']['PlanPageDto_Output'];
type Scope = Coupon['scope'];
type Duration = Coupon['duration'];

interface Form {
  code: string;
  name: string;
  kind: Coupon['kind'];
  percent: number | string;
  amount: string;
  currency: string;
  scope: Scope;
  courseIds: string[];
  planIds: string[];
  categories: string[];
  duration: Duration;
  durationMonths: number | string;
  startsAt: string;
  endsAt: string;
  minOrder: string;
  usageLimit: number | string;
  perUserLimit: number | string;
  firstPurchaseOnly: boolean;
  stackable: boolean;
  active: boolean;
}

const emptyForm: Form = {
  code: '',
  name: '',
  kind: 'percent',
  percent: 10,
  amount: '',
  currency: 'USD',
  scope: 'all',
  courseIds: [],
  planIds: [],
  categories: [],
  duration: 'once',
  durationMonths: '',
  startsAt: '',
  endsAt: '',
  minOrder: '',
  usageLimit: '',
  perUserLimit: '',
  firstPurchaseOnly: false,
  stackable: false,
  active: true,
};

/** An ISO instant as the datetime-local input shows it (local time, minutes). */
function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const fromLocalInput = (v: string): string | null => (v ? new Date(v).toISOString() : null);
const minorToText = (minor: number | null, currency: string | null) => (minor === null ? '' : (minor / 10 ** exponentOf(currency ?? 'USD')).toFixed(exponentOf(currency ?? 'USD')));

function formOf(c: Coupon): Form {
  return {
    code: c.code ?? '',
    name: c.name,
    kind: c.kind,
    percent: c.percentBasisPoints === null ? 10 : c.percentBasisPoints / 100,
    amount: minorToText(c.amountMinor, c.currency),
    currency: c.currency ?? 'USD',
    scope: c.scope,
    courseIds: c.scope === 'courses' ? c.scopeIds : [],
    planIds: c.scope === 'plans' ? c.scopeIds : [],
    categories: c.scopeCategories,
    duration: c.duration,
    durationMonths: c.durationMonths ?? '',
    startsAt: toLocalInput(c.startsAt),
    endsAt: toLocalInput(c.endsAt),
    minOrder: minorToText(c.minOrderMinor, c.currency),
    usageLimit: c.usageLimit ?? '',
    perUserLimit: c.perUserLimit ?? '',
    firstPurchaseOnly: c.firstPurchaseOnly,
    stackable: c.stackable,
    active: c.active,
  };
}

/** A coupon as the API takes it back (PUT replaces every setting). */
function inputOf(c: Coupon): CouponInput {
  const { id: _id, usedCount: _used, createdAt: _created, ...input } = c;
  return input;
}

/** The API's field errors by form field: `scopeIds.3` shows on the list, `scopeIds` on the one the scope uses. */
function fieldErrors(err: unknown, scope: Scope): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(bodyFieldErrors(err))) {
    const key = k.split('.')[0]!;
    const mapped = key === 'scopeIds' ? (scope === 'plans' ? 'planIds' : 'courseIds') : key;
    out[mapped] ??= v;
  }
  return out;
}

function CouponForm({ editing, onDone }: { editing: Coupon | null; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [f, setF] = useState<Form>(editing ? formOf(editing) : emptyForm);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setF((cur) => ({ ...cur, [k]: v }));
  const courses = useQuery({ queryKey: ['coupons', 'courses'], queryFn: () => call<CourseSummaryPage>(api.GET('/api/v1/courses', { params: { query: { limit: 100 } } })), enabled: f.scope === 'courses' });
  const plans = useQuery({ queryKey: ['coupons', 'plans'], queryFn: () => call<PlanPage>(api.GET('/api/v1/billing/plans', { params: { query: { limit: 100 } } })), enabled: f.scope === 'plans' });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    const local: Record<string, string> = {};
    const amountMinor = f.kind === 'fixed' ? parseMoney(f.amount, f.currency) : null;
    if (f.kind === 'fixed' && amountMinor === null) local.amountMinor = t('coupons.badAmount');
    const minOrderMinor = f.minOrder.trim() ? parseMoney(f.minOrder, f.currency) : null;
    if (f.minOrder.trim() && minOrderMinor === null) local.minOrderMinor = t('coupons.badAmount');
    if (Object.keys(local).length) {
      setErrors(local);
      return;
    }
    const code = f.code.trim();
    const body: CouponInput = {
      code: code || null,
      automatic: !code,
      name: f.name,
      kind: f.kind,
      percentBasisPoints: f.kind === 'percent' ? Math.round(Number(f.percent) * 100) : null,
      amountMinor,
      currency: f.kind === 'fixed' || minOrderMinor !== null ? f.currency : null,
      scope: f.scope,
      scopeIds: f.scope === 'courses' ? f.courseIds : f.scope === 'plans' ? f.planIds : [],
      scopeCategories: f.scope === 'categories' ? f.categories : [],
      duration: f.scope === 'plans' ? f.duration : 'once',
      durationMonths: f.scope === 'plans' && f.duration === 'repeating' && f.durationMonths !== '' ? Number(f.durationMonths) : null,
      minOrderMinor,
      usageLimit: f.usageLimit === '' ? null : Number(f.usageLimit),
      perUserLimit: f.perUserLimit === '' ? null : Number(f.perUserLimit),
      startsAt: fromLocalInput(f.startsAt),
      endsAt: fromLocalInput(f.endsAt),
      firstPurchaseOnly: f.firstPurchaseOnly,
      stackable: f.stackable,
      active: f.active,
    };
    setBusy(true);
    try {
      if (editing) await call<Coupon>(api.PUT('/api/v1/coupons/{couponId}', { params: { path: { couponId: editing.id } }, body }));
      else await call<Coupon>(api.POST('/api/v1/coupons', { body }));
      notify({ color: 'green', message: editing ? t('coupons.saved') : t('commerce.admin.couponCreated') });
      if (!editing) setF(emptyForm);
      void qc.invalidateQueries({ queryKey: ['coupons'] });
      onDone();
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) setErrors(fieldErrors(err, f.scope));
      else notifyError(err, t);
    } finally {
      setBusy(false);
    }
  };

  const title = editing ? t('coupons.editTitle', { name: editing.code ?? editing.name }) : t('coupons.newTitle');
  return (
    <Card withBorder component="form" onSubmit={(e: FormEvent) => void submit(e)} noValidate aria-label={title}>
      <Stack gap="sm">
        <Title order={3} size="h4">
          {title}
        </Title>
        <Group grow align="flex-start">
          <TextInput label={t('commerce.admin.couponCode')} value={f.code} onChange={(e) => set('code', e.currentTarget.value)} error={errors.code} />
          <TextInput label={t('commerce.admin.couponName')} required value={f.name} onChange={(e) => set('name', e.currentTarget.value)} error={errors.name} />
        </Group>
        <Group grow align="flex-start">
          <Select
            label={t('commerce.admin.couponKind')}
            data={(['percent', 'fixed', 'free'] as const).map((k) => ({ value: k, label: t(`commerce.admin.kinds.${k}`) }))}
            value={f.kind}
            onChange={(v) => set('kind', (v ?? 'percent') as Form['kind'])}
            allowDeselect={false}
          />
          {f.kind === 'percent' && <NumberInput label={t('commerce.admin.percent')} min={1} max={100} value={f.percent} onChange={(v) => set('percent', v)} error={errors.percentBasisPoints} />}
          {f.kind === 'fixed' && <TextInput label={t('commerce.admin.amountOff')} value={f.amount} onChange={(e) => set('amount', e.currentTarget.value)} error={errors.amountMinor} />}
          <TextInput label={t('commerce.admin.couponCurrency')} value={f.currency} onChange={(e) => set('currency', e.currentTarget.value.toUpperCase())} error={errors.currency} />
        </Group>
        <Group grow align="flex-start">
          <Select
            label={t('coupons.scope')}
            data={(['all', 'courses', 'categories', 'plans'] as const).map((s) => ({ value: s, label: t(`coupons.scopes.${s}`) }))}
            value={f.scope}
            onChange={(v) => set('scope', (v ?? 'all') as Scope)}
            allowDeselect={false}
            error={errors.scope}
          />
          {f.scope === 'courses' && (
            <MultiSelect
              label={t('coupons.courses')}
              data={(courses.data?.items ?? []).map((c) => ({ value: c.id, label: c.title }))}
              value={f.courseIds}
              onChange={(v) => set('courseIds', v)}
              searchable
              error={errors.courseIds}
            />
          )}
          {f.scope === 'categories' && <TagsInput label={t('coupons.categories')} description={t('coupons.categoriesHint')} value={f.categories} onChange={(v) => set('categories', v)} error={errors.scopeCategories} />}
          {f.scope === 'plans' && (
            <MultiSelect label={t('coupons.plans')} data={(plans.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))} value={f.planIds} onChange={(v) => set('planIds', v)} error={errors.planIds} />
          )}
        </Group>
        {f.scope === 'plans' && (
          <Group grow align="flex-start">
            <Select
              label={t('coupons.duration')}
              data={(['once', 'repeating', 'forever'] as const).map((d) => ({ value: d, label: t(`coupons.durations.${d}`) }))}
              value={f.duration}
              onChange={(v) => set('duration', (v ?? 'once') as Duration)}
              allowDeselect={false}
              error={errors.duration}
            />
            {f.duration === 'repeating' && <NumberInput label={t('coupons.durationMonths')} min={1} max={120} value={f.durationMonths} onChange={(v) => set('durationMonths', v)} error={errors.durationMonths} />}
          </Group>
        )}
        <Group grow align="flex-start">
          <TextInput label={t('coupons.startsAt')} type="datetime-local" value={f.startsAt} onChange={(e) => set('startsAt', e.currentTarget.value)} error={errors.startsAt} />
          <TextInput label={t('coupons.endsAt')} type="datetime-local" value={f.endsAt} onChange={(e) => set('endsAt', e.currentTarget.value)} error={errors.endsAt} />
          <TextInput label={t('coupons.minOrder')} value={f.minOrder} onChange={(e) => set('minOrder', e.currentTarget.value)} error={errors.minOrderMinor} />
        </Group>
        <Group grow align="flex-start">
          <NumberInput label={t('commerce.admin.usageLimit')} min={1} value={f.usageLimit} onChange={(v) => set('usageLimit', v)} error={errors.usageLimit} />
          <NumberInput label={t('commerce.admin.perUserLimit')} min={1} value={f.perUserLimit} onChange={(v) => set('perUserLimit', v)} error={errors.perUserLimit} />
        </Group>
        <Group>
          <Checkbox label={t('commerce.admin.firstPurchaseOnly')} checked={f.firstPurchaseOnly} onChange={(e) => set('firstPurchaseOnly', e.currentTarget.checked)} />
          <Checkbox label={t('commerce.admin.stackable')} checked={f.stackable} onChange={(e) => set('stackable', e.currentTarget.checked)} />
        </Group>
        <Group>
          <Button type="submit" loading={busy}>
            {editing ? t('coupons.save') : t('commerce.admin.createCoupon')}
          </Button>
          {editing && (
            <Button variant="default" onClick={onDone}>
              {t('coupons.cancelEdit')}
            </Button>
          )}
        </Group>
      </Stack>
    </Card>
  );
}

function ScopeSummary({ c }: { c: Coupon }) {
  const { t } = useTranslation();
  if (c.scope === 'all') return <>{t('coupons.scopeSummary.all')}</>;
  if (c.scope === 'categories') return <>{t('coupons.scopeSummary.categories', { list: c.scopeCategories.join(', ') })}</>;
  return <>{t(`coupons.scopeSummary.${c.scope}`, { count: c.scopeIds.length })}</>;
}

/** Coupons and automatic promotions: create, edit (scope, window, limits, stacking) and deactivate. */
export function CouponsAdmin() {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [editing, setEditing] = useState<Coupon | null>(null);
  const list = useQuery({ queryKey: ['coupons', 'list'], queryFn: () => call<CouponPage>(api.GET('/api/v1/coupons', { params: { query: { limit: 100 } } })) });
  const deactivate = useMutation({
    mutationFn: (c: Coupon) => call<Coupon>(api.PUT('/api/v1/coupons/{couponId}', { params: { path: { couponId: c.id } }, body: { ...inputOf(c), active: false } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['coupons'] }),
    onError: (e) => notifyError(e, t),
  });
  const date = (iso: string | null) => (iso ? new Date(iso).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }) : '…');
  return (
    <Stack>
      <CouponForm key={editing?.id ?? 'new'} editing={editing} onDone={() => setEditing(null)} />
      {list.isPending ? (
        <PageLoading />
      ) : list.isError ? (
        <ErrorState error={list.error} />
      ) : list.data.items.length === 0 ? (
        <EmptyState title={t('commerce.admin.noCoupons')} />
      ) : (
        <Stack component="ul" gap="xs" p={0} style={{ listStyle: 'none' }}>
          {list.data.items.map((c) => (
            <Card component="li" withBorder key={c.id} padding="sm" data-testid="coupon-row">
              <Group justify="space-between" wrap="nowrap">
                <Stack gap={2}>
                  <Group gap="xs">
                    <Text fw={600}>{c.code ?? c.name}</Text>
                    {c.automatic && <Badge variant="light">{t('commerce.admin.automatic')}</Badge>}
                    {!c.active && <Badge color="gray">{t('commerce.admin.inactive')}</Badge>}
                    <Text size="sm" c="dimmed">
                      {c.kind === 'percent' ? `${(c.percentBasisPoints ?? 0) / 100}%` : c.kind === 'fixed' ? formatMoney(c.amountMinor ?? 0, c.currency ?? 'USD', i18n.language) : t('commerce.admin.kinds.free')}
                    </Text>
                  </Group>
                  <Text size="sm" c="dimmed">
                    <ScopeSummary c={c} />
                    {(c.startsAt || c.endsAt) && ` · ${t('coupons.window', { from: date(c.startsAt), to: date(c.endsAt) })}`}
                  </Text>
                </Stack>
                <Group gap="xs" wrap="nowrap">
                  <Text size="sm">{c.usageLimit ? t('commerce.admin.usedOf', { count: c.usedCount, limit: c.usageLimit }) : t('commerce.admin.used', { count: c.usedCount })}</Text>
                  <Button size="xs" variant="default" onClick={() => setEditing(c)} aria-label={t('coupons.edit', { name: c.code ?? c.name })}>
                    {t('coupons.editButton')}
                  </Button>
                  {c.active && (
                    <Button size="xs" variant="default" onClick={() => deactivate.mutate(c)} aria-label={t('commerce.admin.deactivate', { name: c.code ?? c.name })}>
                      {t('commerce.admin.deactivateButton')}
                    </Button>
                  )}
                </Group>
              </Group>
            </Card>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
