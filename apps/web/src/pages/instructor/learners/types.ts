import type { components } from '@lyceum/api-client';

type S = components['schemas'];

export type Enrollment = S['EnrollmentDto_Output'];
export type EnrollmentPage = S['EnrollmentPageDto_Output'];
export type EnrollmentStatus = Enrollment['status'];
export type EnrollReport = S['EnrollReportDto_Output'];
export type ReportRow = EnrollReport['items'][number];
export type EnrollResult = ReportRow['result'];
export type EnrollmentImport = S['EnrollmentImportDto_Output'];
export type EnrollmentImportPage = S['EnrollmentImportPageDto_Output'];
export type ImportSummary = EnrollmentImportPage['items'][number];
export type ImportStatus = ImportSummary['status'];

export const ENROLLMENT_STATUSES: EnrollmentStatus[] = ['active', 'completed', 'expired', 'revoked'];

/** Query keys of this area, under one root so a change can refresh everything it affects. */
export const rosterKeys = {
  all: (courseId: string) => ['roster', courseId] as const,
  list: (courseId: string, filters: { search?: string; status?: string }) => ['roster', courseId, 'list', filters] as const,
  imports: (courseId: string) => ['roster', courseId, 'imports'] as const,
  import: (courseId: string, importId: string) => ['roster', courseId, 'import', importId] as const,
};

/** "2026-12-31" (a date input's value) -> the end of that day in the browser's time zone, as ISO. */
export function endOfDayIso(date: string): string {
  return new Date(`${date}T23:59:59`).toISOString();
}

/** ISO instant -> "YYYY-MM-DD" in the browser's time zone, for a date input. */
export function toDateInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export const isTerminal = (s: ImportStatus) => s === 'completed' || s === 'failed';
