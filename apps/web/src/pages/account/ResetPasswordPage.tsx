import { Alert, Anchor, Button, Paper, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { authRequest } from '../../api';
import { notify, notifyError, usePageTitle } from '../../components/common';
import { sessionKey } from '../../session';
import { NewPasswordFields } from './NewPasswordFields';
import { authCode, newPasswordError } from './validation';

type Field = 'password' | 'confirm';

/** Where the reset link from the email lands (`?token=…`, or `?error=INVALID_TOKEN`). */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const title = t('account.reset.title');
  usePageTitle(title);
  const [params] = useSearchParams();
  const token = params.get('token');
  const linkError = params.get('error');
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [values, setValues] = useState({ password: '', confirm: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [submitting, setSubmitting] = useState(false);
  const [tokenRejected, setTokenRejected] = useState(false);

  const set = (f: Field) => (e: React.ChangeEvent<HTMLInputElement>) => {
    const value = e.currentTarget.value;
    setValues((v) => ({ ...v, [f]: value }));
    setErrors((x) => ({ ...x, [f]: undefined }));
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (submitting || !token) return;
    const errs: Partial<Record<Field, string>> = {};
    const passwordError = newPasswordError(values.password, t);
    if (passwordError) errs.password = passwordError;
    if (!errs.password && values.confirm !== values.password) errs.confirm = t('account.passwordsDiffer');
    setErrors(errs);
    const first = Object.keys(errs)[0];
    if (first) {
      document.getElementById(`reset-${first}`)?.focus();
      return;
    }
    setSubmitting(true);
    try {
      await authRequest('POST', '/reset-password', { newPassword: values.password, token });
      // the reset signs the account out everywhere, this browser included
      qc.clear();
      qc.setQueryData(sessionKey, null);
      notify({ color: 'green', message: t('account.reset.done') });
      navigate('/sign-in', { replace: true });
    } catch (err) {
      setSubmitting(false);
      const code = authCode(err);
      if (code === 'INVALID_TOKEN') setTokenRejected(true);
      else if (code === 'PASSWORD_TOO_SHORT') setErrors({ password: t('auth.passwordTooShort') });
      else if (code === 'PASSWORD_TOO_LONG') setErrors({ password: t('account.passwordTooLong') });
      else notifyError(err, t);
    }
  };

  const invalid = !token || !!linkError || tokenRejected;

  return (
    <Paper maw={420} mx="auto" mt="lg" p="lg" withBorder>
      <Stack>
        <Title order={1} size="h2">
          {title}
        </Title>
        {invalid ? (
          <>
            <Alert color="red" role="alert" title={t('account.reset.invalidTitle')}>
              {t('account.reset.invalid')}
            </Alert>
            <Button component={Link} to="/forgot-password">
              {t('account.reset.requestNew')}
            </Button>
          </>
        ) : (
          <form onSubmit={onSubmit} noValidate>
            <Stack>
              <Text size="sm">{t('account.reset.intro')}</Text>
              <NewPasswordFields
                ids={{ password: 'reset-password', confirm: 'reset-confirm' }}
                password={values.password}
                confirm={values.confirm}
                onPassword={set('password')}
                onConfirm={set('confirm')}
                errors={errors}
              />
              <Button type="submit" loading={submitting} fullWidth>
                {t('account.reset.submit')}
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
