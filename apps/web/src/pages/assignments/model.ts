import type { components } from '@lyceum/api-client';

type S = components['schemas'];
export type Assignment = S['AssignmentDto_Output'];
export type PutAssignment = S['PutAssignmentDto'];
export type AssignmentFile = S['AssignmentFileDto_Output'];
export type Submission = S['AssignmentSubmissionDto_Output'];
export type SubmissionVersion = Submission['versions'][number];
export type SubmissionComment = S['AssignmentCommentDto_Output'];
export type SubmissionSummaryPage = S['AssignmentSubmissionSummaryPageDto_Output'];
export type SubmissionSummary = SubmissionSummaryPage['items'][number];
export type MySubmission = S['MyAssignmentSubmissionDto_Output'];
export type PeerReviewTask = S['AssignmentPeerReviewTaskDto_Output'];
export type PeerReviewTaskList = S['AssignmentPeerReviewTaskListDto_Output'];
export type AssignmentGroup = S['AssignmentGroupDto_Output'];
export type AssignmentGroupList = S['AssignmentGroupListDto_Output'];
export type Rubric = Assignment['rubric'];
export type Grade = NonNullable<Submission['grade']>;

/** The file types an assignment may accept, as the server knows them, with a short label. */
export const FILE_TYPES: { value: PutAssignment['allowedFileTypes'] extends (infer T)[] | undefined ? T : never; label: string; accept: string }[] = [
  { value: 'application/pdf', label: 'PDF', accept: '.pdf,application/pdf' },
  { value: 'image/png', label: 'PNG', accept: '.png,image/png' },
  { value: 'image/jpeg', label: 'JPEG', accept: '.jpg,.jpeg,image/jpeg' },
  { value: 'image/webp', label: 'WebP', accept: '.webp,image/webp' },
  { value: 'text/plain', label: 'Text (.txt)', accept: '.txt,text/plain' },
  { value: 'text/markdown', label: 'Markdown (.md)', accept: '.md,text/markdown' },
  { value: 'text/csv', label: 'CSV', accept: '.csv,text/csv' },
  { value: 'application/zip', label: 'ZIP', accept: '.zip,application/zip' },
  { value: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', label: 'Word (.docx)', accept: '.docx' },
  { value: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', label: 'PowerPoint (.pptx)', accept: '.pptx' },
  { value: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', label: 'Excel (.xlsx)', accept: '.xlsx' },
];

export const formatBytes = (n: number) => (n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

/** The points a full selection of levels earns. */
export function selectionScore(rubric: Rubric, selections: Record<string, string>): number {
  return rubric.reduce((sum, c) => sum + (c.levels.find((l) => l.id === selections[c.id])?.points ?? 0), 0);
}

