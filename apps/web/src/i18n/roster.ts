import type { Messages } from './types';

/** Strings of the course learners screens (`t('roster.…')`). */
export const en = {
  title: 'roster',
};

export const es: Messages<typeof en> = {
  title: 'roster',
};
