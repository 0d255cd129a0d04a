import type { Messages } from './types';

/** Strings of the admin screens (`t('admin.…')`). */
export const en = {
  title: 'admin',
};

export const es: Messages<typeof en> = {
  title: 'admin',
};
