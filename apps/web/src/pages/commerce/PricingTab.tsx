import { ActionIcon, Button, Card, Checkbox, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useOutletContext } from 'react-router';
import { api, ApiError, call } from '../../api';
import { bodyFieldErrors, ErrorState, notify, notifyError, PageLoading, usePageTitle } from '../../components/common';
import type { CourseEditor } from '../instructor/model';
import { type CoursePricing, minorToInput, parseMoney } from './model';

interface Row {
  currency: string;
  amount: string;
  sale: string;
  saleStartsAt: string;
  saleEndsAt: string;
}

const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'MXN', 'BRL', 'JPY', 'INR', 'KWD'];
const toLocal = (iso: string | null) => (iso ? new Date(new Date(iso).getTime() - new Date(iso).getTimezoneOffset() * 60_000).toISOString().slice(0, 16) : '');
const fromLocal = (v: string) => (v ? new Date(v).toISOString() : null);

/** The course editor's pricing tab: free or paid, a price per currency, a sale price with its window. */
export function PricingTab() {
  const { t } = useTranslation();
  const course = useOutletContext<CourseEditor>();
  usePageTitle(`${t('commerce.pricing.tab')} · ${course.draft.title}`);
  const qc = useQueryClient();
  const pricing = useQuery({ queryKey: ['pricing', course.id], queryFn: () => call<CoursePricing>(api.GET('/api/v1/courses/{id}/pricing', { params: { path: { id: course.id } } })) });
  const [free, setFree] = useState(course.isFree);
  const [rows, setRows] = useState<Row[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (!pricing.data) return;
    setRows(
      pricing.data.prices.map((p) => ({
        currency: p.currency,
        amount: minorToInput(p.amountMinor, p.currency),
        sale: p.saleAmountMinor === null ? '' : minorToInput(p.saleAmountMinor, p.currency),
        saleStartsAt: toLocal(p.saleStartsAt),
        saleEndsAt: toLocal(p.saleEndsAt),
      })),
    );
  }, [pricing.data]);
  if (pricing.isPending) return <PageLoading />;
  if (pricing.isError) return <ErrorState error={pricing.error} onRetry={() => void pricing.refetch()} />;
  const update = (i: number, patch: Partial<Row>) => setRows(rows.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    const bad: Record<string, string> = {};
    const prices = rows.map((r, i) => {
      const amountMinor = parseMoney(r.amount, r.currency);
      const saleAmountMinor = r.sale.trim() ? parseMoney(r.sale, r.currency) : null;
      if (amountMinor === null) bad[`prices.${i}.amountMinor`] = t('commerce.pricing.amount');
      return { currency: r.currency, amountMinor: amountMinor ?? 0, saleAmountMinor, saleStartsAt: fromLocal(r.saleStartsAt), saleEndsAt: fromLocal(r.saleEndsAt) };
    });
    if (Object.keys(bad).length) return setErrors(bad);
    setSaving(true);
    try {
      if (free !== course.isFree) {
        await call<CourseEditor>(api.PATCH('/api/v1/courses/{id}', { params: { path: { id: course.id } }, body: { isFree: free } }));
        void qc.invalidateQueries({ queryKey: ['course-editor', course.id] });
      }
      const saved = await call<CoursePricing>(api.PUT('/api/v1/courses/{id}/pricing', { params: { path: { id: course.id } }, body: { prices } }));
      qc.setQueryData(['pricing', course.id], saved);
      notify({ color: 'green', message: t('commerce.pricing.saved') });
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) setErrors(bodyFieldErrors(err));
      else notifyError(err, t);
    } finally {
      setSaving(false);
    }
  };
  const unused = CURRENCIES.filter((c) => !rows.some((r) => r.currency === c));
  return (
    <Card withBorder component="form" onSubmit={(e: FormEvent) => void save(e)} noValidate aria-labelledby="pricing-h">
      <Stack>
        <Title order={2} size="h3" id="pricing-h">
          {t('commerce.pricing.heading')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('commerce.pricing.intro')}
        </Text>
        <Checkbox label={t('commerce.pricing.free')} checked={free} onChange={(e) => setFree(e.currentTarget.checked)} />
        {!free && rows.length === 0 && <Text size="sm">{t('commerce.pricing.none')}</Text>}
        {rows.map((r, i) => (
          <Card withBorder key={r.currency} padding="sm" data-testid="price-row">
            <Group align="flex-end" wrap="wrap">
              <Text fw={700} w={48}>
                {r.currency}
              </Text>
              <TextInput label={t('commerce.pricing.amount')} value={r.amount} onChange={(e) => update(i, { amount: e.currentTarget.value })} error={errors[`prices.${i}.amountMinor`]} w={120} inputMode="decimal" />
              <TextInput label={t('commerce.pricing.saleAmount')} value={r.sale} onChange={(e) => update(i, { sale: e.currentTarget.value })} error={errors[`prices.${i}.saleAmountMinor`]} w={160} inputMode="decimal" />
              <TextInput type="datetime-local" label={t('commerce.pricing.saleStartsAt')} value={r.saleStartsAt} onChange={(e) => update(i, { saleStartsAt: e.currentTarget.value })} />
              <TextInput type="datetime-local" label={t('commerce.pricing.saleEndsAt')} value={r.saleEndsAt} onChange={(e) => update(i, { saleEndsAt: e.currentTarget.value })} error={errors[`prices.${i}.saleEndsAt`]} />
              <ActionIcon variant="subtle" color="red" aria-label={t('commerce.pricing.removeCurrency', { currency: r.currency })} onClick={() => setRows(rows.filter((_, k) => k !== i))} mb={4}>
                ×
              </ActionIcon>
            </Group>
          </Card>
        ))}
        <Group>
          <Select
            aria-label={t('commerce.pricing.addCurrency')}
            placeholder={t('commerce.pricing.addCurrency')}
            data={unused}
            value={null}
            onChange={(c) => c && setRows([...rows, { currency: c, amount: '', sale: '', saleStartsAt: '', saleEndsAt: '' }])}
            w={200}
          />
          <Button type="submit" loading={saving}>
            {t('commerce.pricing.save')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
