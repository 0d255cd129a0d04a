import { PasswordInput } from '@mantine/core';
import type { ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';

/** "New password" and "Repeat it", as the reset page and the change-password card ask for them. */
export function NewPasswordFields(props: {
  ids: { password: string; confirm: string };
  password: string;
  confirm: string;
  onPassword: (e: ChangeEvent<HTMLInputElement>) => void;
  onConfirm: (e: ChangeEvent<HTMLInputElement>) => void;
  errors: { password?: string; confirm?: string };
}) {
  const { t } = useTranslation();
  const toggle = { 'aria-label': t('auth.togglePassword') };
  return (
    <>
      <PasswordInput
        id={props.ids.password}
        label={t('account.newPassword')}
        description={t('auth.passwordHint')}
        autoComplete="new-password"
        required
        value={props.password}
        onChange={props.onPassword}
        error={props.errors.password}
        visibilityToggleButtonProps={toggle}
      />
      <PasswordInput
        id={props.ids.confirm}
        label={t('account.confirmPassword')}
        autoComplete="new-password"
        required
        value={props.confirm}
        onChange={props.onConfirm}
        error={props.errors.confirm}
        visibilityToggleButtonProps={toggle}
      />
    </>
  );
}
