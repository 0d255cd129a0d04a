import { Button, Checkbox, Group, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { authRequest } from '../../api';
import { notify, notifyError } from '../../components/common';
import { NewPasswordFields } from './NewPasswordFields';
import { authCode, newPasswordError } from './validation';

type Field = 'current' | 'next' | 'confirm';

export function ChangePasswordCard() {
  const { t } = useTranslation();
  const empty = { current: '', next: '', confirm: '' };
  const [values, setValues] = useState(empty);
  const [revokeOthers, setRevokeOthers] = useState(true);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [saving, setSaving] = useState(false);

  const set = (f: Field) => (e: React.ChangeEvent<HTMLInputElement>) => {
    const value = e.currentTarget.value;
    setValues((v) => ({ ...v, [f]: value }));
    setErrors((x) => ({ ...x, [f]: undefined }));
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    const errs: Partial<Record<Field, string>> = {};
    if (!values.current) errs.current = t('auth.required');
    const nextError = newPasswordError(values.next, t) ?? (values.next === values.current ? t('account.password.same') : undefined);
    if (nextError) errs.next = nextError;
    if (!errs.next && values.confirm !== values.next) errs.confirm = t('account.passwordsDiffer');
    setErrors(errs);
    const first = Object.keys(errs)[0];
    if (first) {
      document.getElementById(`password-${first}`)?.focus();
      return;
    }
    setSaving(true);
    try {
      await authRequest('POST', '/change-password', {
        currentPassword: values.current,
        newPassword: values.next,
        revokeOtherSessions: revokeOthers,
      });
      setValues(empty);
      notify({ color: 'green', message: revokeOthers ? t('account.password.changedRevoked') : t('account.password.changed') });
    } catch (err) {
      const code = authCode(err);
      if (code === 'INVALID_PASSWORD') {
        setErrors({ current: t('account.password.wrongCurrent') });
        document.getElementById('password-current')?.focus();
      } else if (code === 'PASSWORD_TOO_SHORT') setErrors({ next: t('auth.passwordTooShort') });
      else if (code === 'PASSWORD_TOO_LONG') setErrors({ next: t('account.passwordTooLong') });
      else notifyError(err, t);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Paper withBorder p="lg">
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <Title order={2} size="h4">
            {t('account.password.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('account.password.intro')}
          </Text>
          <PasswordInput
            id="password-current"
            label={t('account.password.current')}
            autoComplete="current-password"
            required
            value={values.current}
            onChange={set('current')}
            error={errors.current}
            visibilityToggleButtonProps={{ 'aria-label': t('auth.togglePassword') }}
          />
          <NewPasswordFields
            ids={{ password: 'password-next', confirm: 'password-confirm' }}
            password={values.next}
            confirm={values.confirm}
            onPassword={set('next')}
            onConfirm={set('confirm')}
            errors={{ password: errors.next, confirm: errors.confirm }}
          />
          <Checkbox
            label={t('account.password.revokeOthers')}
            checked={revokeOthers}
            onChange={(e) => setRevokeOthers(e.currentTarget.checked)}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={saving}>
              {t('account.password.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
