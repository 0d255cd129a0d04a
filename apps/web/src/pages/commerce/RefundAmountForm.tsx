import { Button, Group, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../api';
import { confirmAction, notify, notifyError } from '../../components/common';
import { exponentOf, formatMoney, minorToInput, type Order, parseMoney } from './model';

/**
 * Refund an amount, typed as a decimal in `currency`, of something with `remainingMinor` left to
 * refund (an order, a subscription charge). Asks first (with `message` for the amount); the API's
 * refusal (more than is left) lands on the field.
 */
export function AmountRefundForm(props: {
  label: string;
  currency: string;
  remainingMinor: number;
  message: (amount: string) => string;
  refund: (amountMinor: number) => Promise<unknown>;
  onDone: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { currency, remainingMinor: remaining } = props;
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const money = (n: number) => formatMoney(n, currency, i18n.language);
  const refund = useMutation({
    mutationFn: props.refund,
    onSuccess: () => {
      setText('');
      notify({ color: 'green', message: t('commerce.admin.refundedOk') });
      props.onDone();
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
    const amount = parseMoney(text, currency);
    if (amount === null || amount <= 0) {
      setError(t('commerce.admin.refundAmountInvalid', { example: minorToInput(Math.min(remaining, 10 ** exponentOf(currency) * 10), currency) }));
      return;
    }
    const yes = await confirmAction({ title: t('commerce.admin.refundTitle'), message: props.message(money(amount)), confirmLabel: t('commerce.admin.refundConfirm') });
    if (yes) refund.mutate(amount);
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={props.label}>
      <Group align="flex-end" gap="xs" wrap="wrap">
        <TextInput
          label={props.label}
          description={t('commerce.admin.refundable', { amount: money(remaining) })}
          inputMode="decimal"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          error={error}
          size="xs"
          w={260}
          rightSection={
            <Text size="xs" c="dimmed">
              {currency}
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

/** Refund part of an order by amount (access is kept). */
export function RefundAmountForm({ order }: { order: Order }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  return (
    <AmountRefundForm
      label={t('commerce.admin.refundAmount', { number: order.number })}
      currency={order.currency}
      remainingMinor={order.totalMinor - order.refundedMinor}
      message={(amount) => t('commerce.admin.refundAmountMessage', { amount })}
      refund={(amountMinor) =>
        call<Order>(
          api.POST('/api/v1/orders/{orderId}/refunds', {
            params: { path: { orderId: order.id } },
            body: { amountMinor, reason: '', revokeAccess: false },
            headers: { 'Idempotency-Key': `refund-${crypto.randomUUID()}` },
          }),
        )
      }
      onDone={() => void qc.invalidateQueries({ queryKey: ['shop-orders'] })}
    />
  );
}
