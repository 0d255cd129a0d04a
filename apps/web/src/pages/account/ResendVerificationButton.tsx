import { Button } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { authRequest } from '../../api';
import { notify, notifyError } from '../../components/common';

/** Sends the email-confirmation link again; the link comes back to /verify-email. */
export function ResendVerificationButton({ email, variant = 'light' }: { email: string; variant?: 'light' | 'filled' }) {
  const { t } = useTranslation();
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState(false);
  const onClick = async () => {
    if (sending) return;
    setSending(true);
    try {
      await authRequest('POST', '/send-verification-email', { email, callbackURL: '/verify-email' });
      setSent(true);
      notify({ color: 'green', message: t('account.verify.sent', { email }) });
    } catch (err) {
      notifyError(err, t);
    } finally {
      setSending(false);
    }
  };
  return (
    <Button variant={variant} loading={sending} onClick={() => void onClick()}>
      {sent ? t('account.verify.sendAgainMore') : t('account.verify.sendAgain')}
    </Button>
  );
}
