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
