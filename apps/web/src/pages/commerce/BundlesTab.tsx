import { ActionIcon, Anchor, Badge, Button, Card, Checkbox, Group, MultiSelect, Stack, Text, TextInput } from '@mantine/core';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '@lyceum/api-client';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError, call } from '../../api';
import { bodyFieldErrors, EmptyState, ErrorState, LoadMore, notify, notifyError, PageLoading } from '../../components/common';
import { type Bundle, type BundleInput, type BundlePage, formatMoney, minorToInput, parseMoney } from './model';

type CourseSummaryPage = components['schemas']['CourseSummaryPageDto_Output'];
interface PriceRow {
  currency: string;
  amount: string;
}
interface Form {
  title: string;
  courseIds: string[];
  prices: PriceRow[];
  active: boolean;
}
const emptyForm: Form = { title: '', courseIds: [], prices: [{ currency: 'USD', amount: '' }], active: true };
const bundlesKey = ['shop-bundles'] as const;

function BundleForm({ editing, onDone }: { editing: Bundle | null; onDone: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const courses = useQuery({ queryKey: ['shop', 'courses'], queryFn: () => call<CourseSummaryPage>(api.GET('/api/v1/courses', { params: { query: { limit: 100 } } })) });
  const [f, setF] = useState<Form>(() =>
    editing
      ? { title: editing.title, courseIds: editing.courses.map((c) => c.id), prices: editing.prices.map((p) => ({ currency: p.currency, amount: minorToInput(p.amountMinor, p.currency) })), active: editing.active }
      : emptyForm,
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const setPrice = (i: number, patch: Partial<PriceRow>) => setF({ ...f, prices: f.prices.map((p, k) => (k === i ? { ...p, ...patch } : p)) });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    const prices = f.prices.map((p, i) => {
      const currency = p.currency.trim().toUpperCase();
      let amountMinor: number | null = null;
      try {
        amountMinor = parseMoney(p.amount, currency);
      } catch {
        local[`prices.${i}.currency`] = t('commerce.bundles.badCurrency');
      }
      if (amountMinor === null && !local[`prices.${i}.currency`]) local[`prices.${i}.amountMinor`] = t('commerce.bundles.badAmount');
      return { currency, amountMinor: amountMinor ?? 0 };
    });
    setErrors(local);
    if (Object.keys(local).length) return;
    const body: BundleInput = { title: f.title, courseIds: f.courseIds, prices, active: f.active };
    setSaving(true);
    try {
      if (editing) await call<Bundle>(api.PUT('/api/v1/bundles/{bundleId}', { params: { path: { bundleId: editing.id } }, body }));
      else await call<Bundle>(api.POST('/api/v1/bundles', { body: { title: body.title, courseIds: body.courseIds, prices: body.prices } }));
      notify({ color: 'green', message: editing ? t('commerce.bundles.saved') : t('commerce.bundles.created') });
      setF(emptyForm);
      await qc.invalidateQueries({ queryKey: bundlesKey });
      onDone();
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) setErrors(bodyFieldErrors(err));
      else notifyError(err, t);
    } finally {
      setSaving(false);
    }
  };
  const label = editing ? t('commerce.bundles.editTitle', { title: editing.title }) : t('commerce.bundles.create');
  const courseError = errors.courseIds ?? Object.entries(errors).find(([k]) => k.startsWith('courseIds.'))?.[1];
  return (
    <Card withBorder component="form" onSubmit={(e: FormEvent) => void submit(e)} noValidate aria-label={label}>
      <Stack gap="sm">
        <Text fw={600}>{label}</Text>
        <TextInput label={t('commerce.bundles.title')} required value={f.title} onChange={(e) => setF({ ...f, title: e.currentTarget.value })} error={errors.title} />
        <MultiSelect
          label={t('commerce.bundles.courses')}
          description={t('commerce.bundles.coursesHint')}
          data={(courses.data?.items ?? []).filter((c) => !c.isFree).map((c) => ({ value: c.id, label: c.title }))}
          value={f.courseIds}
          onChange={(v) => setF({ ...f, courseIds: v })}
          searchable
          error={courseError}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('commerce.bundles.prices')}
          </Text>
          {f.prices.map((p, i) => (
            <Group key={i} align="flex-start" gap="xs">
              <TextInput label={t('commerce.bundles.currency')} value={p.currency} maxLength={3} w={100} onChange={(e) => setPrice(i, { currency: e.currentTarget.value.toUpperCase() })} error={errors[`prices.${i}.currency`]} />
              <TextInput label={t('commerce.bundles.amount')} inputMode="decimal" value={p.amount} w={160} onChange={(e) => setPrice(i, { amount: e.currentTarget.value })} error={errors[`prices.${i}.amountMinor`]} />
              {f.prices.length > 1 && (
                <ActionIcon mt={28} variant="subtle" color="red" aria-label={t('commerce.bundles.removePrice', { currency: p.currency })} onClick={() => setF({ ...f, prices: f.prices.filter((_, k) => k !== i) })}>
                  ×
                </ActionIcon>
              )}
            </Group>
          ))}
          {errors.prices && (
            <Text size="xs" c="red">
              {errors.prices}
            </Text>
          )}
          <Group>
            <Button size="xs" variant="subtle" onClick={() => setF({ ...f, prices: [...f.prices, { currency: '', amount: '' }] })}>
              {t('commerce.bundles.addPrice')}
            </Button>
          </Group>
        </Stack>
        {editing && <Checkbox label={t('commerce.bundles.active')} checked={f.active} onChange={(e) => setF({ ...f, active: e.currentTarget.checked })} />}
        <Group>
          <Button type="submit" loading={saving}>
            {editing ? t('commerce.bundles.save') : t('commerce.bundles.create')}
          </Button>
          {editing && (
            <Button variant="default" onClick={onDone}>
              {t('app.cancel')}
            </Button>
          )}
        </Group>
      </Stack>
    </Card>
  );
}

/** The shop admin's bundles: several courses at one price per currency; create, edit, take off sale. */
export function BundlesTab() {
  const { t, i18n } = useTranslation();
  const [editing, setEditing] = useState<Bundle | null>(null);
  const list = useInfiniteQuery({
    queryKey: bundlesKey,
    queryFn: ({ pageParam }) => call<BundlePage>(api.GET('/api/v1/bundles', { params: { query: { limit: 20, cursor: pageParam ?? undefined } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (p) => p.nextCursor,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <BundleForm key={editing?.id ?? 'new'} editing={editing} onDone={() => setEditing(null)} />
      {list.isPending ? (
        <PageLoading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={t('commerce.bundles.none')} />
      ) : (
        <Stack component="ul" gap="xs" p={0} style={{ listStyle: 'none' }}>
          {items.map((b) => (
            <Card component="li" withBorder key={b.id} padding="sm" data-testid="bundle-row">
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <Stack gap={2}>
                  <Group gap="xs">
                    <Anchor component={Link} to={`/bundles/${b.id}`} fw={600}>
                      {b.title}
                    </Anchor>
                    {!b.active && <Badge color="gray">{t('commerce.admin.inactive')}</Badge>}
                  </Group>
                  <Text size="sm" c="dimmed">
                    {b.courses.map((c) => c.title).join(' · ')}
                  </Text>
                  <Text size="sm">{b.prices.map((p) => formatMoney(p.amountMinor, p.currency, i18n.language)).join(' / ')}</Text>
                </Stack>
                <Button size="xs" variant="default" onClick={() => setEditing(b)} aria-label={t('commerce.bundles.edit', { title: b.title })}>
                  {t('commerce.bundles.editButton')}
                </Button>
              </Group>
            </Card>
          ))}
        </Stack>
      )}
      <LoadMore query={list} label={t('commerce.order.more')} />
    </Stack>
  );
}
