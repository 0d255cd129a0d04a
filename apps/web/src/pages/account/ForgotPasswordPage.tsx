import { Alert, Anchor, Button, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { authRequest } from '../../api';
import { notifyError, usePageTitle } from '../../components/common';
import { isEmail } from './validation';

/** Asks for a password reset link. The answer never says whether an account exists. */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const title = t('account.forgot.title');
  usePageTitle(title);
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [submitting, setSubmitting] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (submitting) return;
    const value = email.trim();
    const problem = !value ? t('auth.required') : !isEmail(value) ? t('auth.invalidEmail') : undefined;
    setError(problem);
    if (problem) {
      document.getElementById('forgot-email')?.focus();
      return;
    }
    setSubmitting(true);
    try {
      await authRequest('POST', '/request-password-reset', { email: value, redirectTo: '/reset-password' });
      setSentTo(value);
    } catch (err) {
      notifyError(err, t);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Paper maw={420} mx="auto" mt="lg" p="lg" withBorder>
      <Stack>
        <Title order={1} size="h2">
          {title}
        </Title>
        {sentTo ? (
          <>
            <Alert color="green" role="status" title={t('account.forgot.sentTitle')}>
              {t('account.forgot.sent', { email: sentTo })}
            </Alert>
            <Text size="sm">{t('account.forgot.sentHint')}</Text>
            <Button variant="default" onClick={() => setSentTo(null)}>
              {t('account.forgot.again')}
            </Button>
          </>
        ) : (
          <form onSubmit={onSubmit} noValidate>
            <Stack>
              <Text size="sm">{t('account.forgot.intro')}</Text>
              <TextInput
                id="forgot-email"
                label={t('auth.email')}
                type="email"
                autoComplete="email"
                required
                value={email}
                onChange={(e) => {
                  setEmail(e.currentTarget.value);
                  setError(undefined);
                }}
                error={error}
              />
              <Button type="submit" loading={submitting} fullWidth>
                {t('account.forgot.submit')}
              </Button>
            </Stack>
          </form>
        )}
        <Text size="sm" ta="center">
          <Anchor component={Link} to="/sign-in">
            {t('account.backToSignIn')}
          </Anchor>
        </Text>
      </Stack>
    </Paper>
  );
}
