import type { components } from '@lyceum/api-client';

type S = components['schemas'];

export type GradebookTable = S['GradebookTableDto_Output'];
export type GradebookSetup = S['GradebookSetupDto_Output'];
export type GradebookItem = GradebookSetup['items'][number];
export type GradebookCategory = GradebookSetup['categories'][number];
export type LearnerGrades = S['LearnerGradesDto_Output'];
export type GradeCell = LearnerGrades['cells'][number];
export type OverrideHistoryPage = S['OverrideHistoryPageDto_Output'];
export type OverrideEntry = OverrideHistoryPage['items'][number];
export type MyGrades = S['MyGradesDto_Output'];
export type GradeStatus = GradeCell['status'];

export const gradebookKeys = {
  all: (courseId: string) => ['gradebook', courseId] as const,
  table: (courseId: string, q: string) => ['gradebook', courseId, 'table', q] as const,
  history: (courseId: string) => ['gradebook', courseId, 'history'] as const,
  mine: (courseId: string) => ['gradebook', courseId, 'mine'] as const,
};

/** "87.5 %" in the page's language; an em dash when there is no value. */
export function formatPercent(v: number | null | undefined, lang: string): string {
  if (v === null || v === undefined) return '—';
  return new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(v) + ' %';
}
