import type { Messages } from './types';

/** Strings of the instructor screens (`t('instructor.…')`). */
export const en = {
  title: 'instructor',
};

export const es: Messages<typeof en> = {
  title: 'instructor',
};
