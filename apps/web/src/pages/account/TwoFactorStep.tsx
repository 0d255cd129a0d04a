import { Alert, Anchor, Button, Checkbox, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { errorMessage } from '../../components/common';
import { useAuthActions } from '../../session';

/**
 * The second sign-in step for accounts with two-factor authentication: a 6-digit code from the
 * authenticator app, or one of the backup codes.
 */
export function TwoFactorStep({ onDone, onRestart }: { onDone: () => void; onRestart: (message: string) => void }) {
  const { t } = useTranslation();
  const title = t('account.twoFactorStep.title');
  const { verifySecondFactor } = useAuthActions();
  const [kind, setKind] = useState<'totp' | 'backup'>('totp');
  const [code, setCode] = useState('');
  const [trustDevice, setTrustDevice] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (submitting) return;
    setFormError(null);
    const value = kind === 'totp' ? code.replace(/\s+/g, '') : code.trim();
    if (!value) {
      setError(t('auth.required'));
      document.getElementById('two-factor-code')?.focus();
      return;
    }
    if (kind === 'totp' && !/^\d{6}$/.test(value)) {
      setError(t('account.twoFactorStep.sixDigits'));
      document.getElementById('two-factor-code')?.focus();
      return;
    }
    setSubmitting(true);
    try {
      await verifySecondFactor(value, kind, trustDevice);
      onDone();
    } catch (err) {
      setSubmitting(false);
      const c = err instanceof ApiError ? err.code?.toUpperCase() : undefined;
      if (c === 'INVALID_CODE' || c === 'INVALID_BACKUP_CODE') {
        setError(kind === 'totp' ? t('account.twoFactorStep.wrongCode') : t('account.twoFactorStep.wrongBackupCode'));
        document.getElementById('two-factor-code')?.focus();
      } else if (c === 'INVALID_TWO_FACTOR_COOKIE') onRestart(t('account.twoFactorStep.expired'));
      else setFormError(errorMessage(err, t));
    }
  };

  const switchKind = () => {
    setKind((k) => (k === 'totp' ? 'backup' : 'totp'));
    setCode('');
    setError(undefined);
    document.getElementById('two-factor-code')?.focus();
  };

  return (
    <Paper maw={420} mx="auto" mt="lg" p="lg" withBorder>
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <Title order={1} size="h2">
            {title}
          </Title>
          <Text size="sm">{kind === 'totp' ? t('account.twoFactorStep.introTotp') : t('account.twoFactorStep.introBackup')}</Text>
          {formError && (
            <Alert color="red" role="alert">
              {formError}
            </Alert>
          )}
          <TextInput
            id="two-factor-code"
            label={kind === 'totp' ? t('account.twoFactorStep.code') : t('account.twoFactorStep.backupCode')}
            autoComplete="one-time-code"
            inputMode={kind === 'totp' ? 'numeric' : 'text'}
            maxLength={kind === 'totp' ? 7 : 64}
            required
            autoFocus
            value={code}
            onChange={(e) => {
              setCode(e.currentTarget.value);
              setError(undefined);
            }}
            error={error}
          />
          <Checkbox
            label={t('account.twoFactorStep.trustDevice')}
            checked={trustDevice}
            onChange={(e) => setTrustDevice(e.currentTarget.checked)}
          />
          <Button type="submit" loading={submitting} fullWidth>
            {t('account.twoFactorStep.submit')}
          </Button>
          <Text size="sm" ta="center">
            <Anchor component="button" type="button" onClick={switchKind}>
              {kind === 'totp' ? t('account.twoFactorStep.useBackup') : t('account.twoFactorStep.useTotp')}
            </Anchor>
          </Text>
        </Stack>
      </form>
    </Paper>
  );
}
