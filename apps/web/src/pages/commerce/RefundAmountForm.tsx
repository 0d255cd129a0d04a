import { Button, Group, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../api';
import { confirmAction, notify, notifyError } from '../../components/common';
import { exponentOf, formatMoney, minorToInput, type Order, parseMoney } from './model';

/**
 * Refund part of an order by amount (access is kept), typed as a decimal in the order's currency.
 * Shows what is left to refund; the API's refusal (more than is left) lands on the field.
 */
export function RefundAmountForm({ order }: { order: Order }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const remaining = order.totalMinor - order.refundedMinor;
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const money = (n: number) => formatMoney(n, order.currency, i18n.language);
  const refund = useMutation({
    mutationFn: (amountMinor: number) =>
      call<Order>(
        api.POST('/api/v1/orders/{orderId}/refunds', {
          params: { path: { orderId: order.id } },
          body: { amountMinor, reason: '', revokeAccess: false },
          headers: { 'Idempotency-Key': `refund-${crypto.randomUUID()}` },
        }),
      ),
    onSuccess: () => {
      setText('');
      notify({ color: 'green', message: t('commerce.admin.refundedOk') });
      void qc.invalidateQueries({ queryKey: ['shop-orders'] });
    },
    onError: (e) => {
      if (e instanceof ApiError && e.status === 400 && e.fieldErrors['body.amountMinor']) setError(t('commerce.admin.refundTooMuch', { amount: money(remaining) }));
      else if (e instanceof ApiError && (e.status === 400 || e.status === 409)) setError(e.message);
      else notifyError(e, t);
    },
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const amount = parseMoney(text, order.currency);
    if (amount === null || amount <= 0) {
      setError(t('commerce.admin.refundAmountInvalid', { example: minorToInput(Math.min(remaining, 10 ** exponentOf(order.currency) * 10), order.currency) }));
      return;
    }
    const yes = await confirmAction({ title: t('commerce.admin.refundTitle'), message: t('commerce.admin.refundAmountMessage', { amount: money(amount) }), confirmLabel: t('commerce.admin.refundConfirm') });
    if (yes) refund.mutate(amount);
  };
  const label = t('commerce.admin.refundAmount', { number: order.number });
  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={label}>
      <Group align="flex-end" gap="xs" wrap="wrap">
        <TextInput
          label={label}
          description={t('commerce.admin.refundable', { amount: money(remaining) })}
          inputMode="decimal"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          error={error}
          size="xs"
          w={260}
          rightSection={
            <Text size="xs" c="dimmed">
              {order.currency}
            </Text>
          }
          rightSectionWidth={44}
        />
        <Button type="submit" size="xs" variant="default" color="red" loading={refund.isPending} mb={error ? 22 : 0}>
          {t('commerce.admin.refundAmountButton')}
        </Button>
      </Group>
    </form>
  );
}
