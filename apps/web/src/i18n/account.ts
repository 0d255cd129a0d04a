import type { Messages } from './types';

/** Strings of the account screens (`t('account.…')`). */
export const en = {
  title: 'account',
};

export const es: Messages<typeof en> = {
  title: 'account',
};
