import type { TFunction } from 'i18next';

export const MIN_PASSWORD = 8;
export const MAX_PASSWORD = 128;

export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

/** Upper-case error code of a better-auth problem (`invalid_password` -> `INVALID_PASSWORD`). */
export function authCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error && 'code' in error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code.toUpperCase() : undefined;
  }
  return undefined;
}

/** Why a new password is refused before it is sent (the server checks the same limits). */
export function newPasswordError(password: string, t: TFunction): string | undefined {
  if (!password) return t('auth.required');
  if (password.length < MIN_PASSWORD) return t('auth.passwordTooShort');
  if (password.length > MAX_PASSWORD) return t('account.passwordTooLong');
  return undefined;
}
