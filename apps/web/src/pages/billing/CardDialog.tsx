import { Button, Modal, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { bodyFieldErrors, errorMessage } from '../../components/common';

/** The card number field (the manual provider's test cards in the demo, listed in its hint). */
export function CardNumberInput(props: { value: string; onChange: (value: string) => void; error?: string | null }) {
  const { t } = useTranslation();
  return (
    <TextInput
      label={t('billing.card.label')}
      description={t('billing.card.hint')}
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value)}
      inputMode="numeric"
      autoComplete="cc-number"
      required
      error={props.error}
      data-autofocus
    />
  );
}

/** A modal asking for a card number (the manual provider's test cards in the demo) and paying with it. */
export function CardDialog(props: { opened: boolean; title: string; submitLabel: string; onClose: () => void; onSubmit: (cardNumber: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [card, setCard] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit(card);
      setCard('');
    } catch (e) {
      const fields = bodyFieldErrors(e);
      setError(fields['paymentMethod.cardNumber'] ?? errorMessage(e, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title} closeButtonProps={{ 'aria-label': t('app.close') }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack>
          <CardNumberInput value={card} onChange={setCard} error={error} />
          <Button type="submit" loading={busy}>
            {props.submitLabel}
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}
