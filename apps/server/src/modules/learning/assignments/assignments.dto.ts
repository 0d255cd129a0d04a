import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { COMMENT_ANCHORS, ASSIGNMENT_MODES } from './assignments.schema.js';

const isoDate = z.iso.datetime({ offset: true });

/** File types an assignment may accept, as detected from the bytes. */
export const FILE_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/webp',
  'text/plain',
  'text/markdown',
  'text/csv',
  'application/zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
] as const;
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
const MAX_TEXT = 200_000;

export const LessonParams = z.strictObject({ courseId: z.uuid(), lessonId: z.uuid() });
export class AssignmentLessonParamsDto extends createZodDto(LessonParams) {}
export const CourseParams = z.strictObject({ courseId: z.uuid() });
export class AssignmentCourseParamsDto extends createZodDto(CourseParams) {}
export const SubmissionParams = z.strictObject({ submissionId: z.uuid() });
export class AssignmentSubmissionParamsDto extends createZodDto(SubmissionParams) {}
export const GroupParams = z.strictObject({ groupId: z.uuid() });
export class AssignmentGroupParamsDto extends createZodDto(GroupParams) {}
export const CommentParams = z.strictObject({ commentId: z.uuid() });
export class AssignmentCommentParamsDto extends createZodDto(CommentParams) {}
export const ReviewParams = z.strictObject({ reviewId: z.uuid() });
export class AssignmentPeerReviewParamsDto extends createZodDto(ReviewParams) {}

const LevelInput = z.strictObject({
  id: z.uuid().optional(),
  title: z.string().trim().min(1).max(120),
  description: z.string().max(2000).default(''),
  points: z.number().min(0).max(10_000),
});
const CriterionInput = z.strictObject({
  id: z.uuid().optional(),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(4000).default(''),
  levels: z.array(LevelInput).min(2, 'A criterion needs at least two levels.').max(10),
});

export const PutAssignment = z
  .strictObject({
    instructions: z.string().max(50_000).default(''),
    dueAt: isoDate.nullable().default(null),
    latePenaltyPerDay: z.number().int().min(0).max(100).default(0),
    cutoffAt: isoDate.nullable().default(null),
    allowText: z.boolean().default(true),
    allowedFileTypes: z.array(z.enum(FILE_TYPES)).max(FILE_TYPES.length).default([]),
    maxFileBytes: z.number().int().min(1024).max(MAX_FILE_BYTES).default(10 * 1024 * 1024),
    maxFiles: z.number().int().min(0).max(20).default(0),
    mode: z.enum(ASSIGNMENT_MODES).default('individual'),
    pointsPossible: z.number().int().min(1).max(10_000),
    rubric: z.array(CriterionInput).max(30).default([]),
    anonymousGrading: z.boolean().default(false),
    peerReviewCount: z.number().int().min(0).max(10).default(0),
    passingPercent: z.number().int().min(0).max(100).default(50),
  })
  .superRefine((v, c) => {
    if (!v.allowText && v.maxFiles === 0) c.addIssue({ code: 'custom', path: ['allowText'], message: 'Allow text, files, or both.' });
    if (v.maxFiles > 0 && v.allowedFileTypes.length === 0) c.addIssue({ code: 'custom', path: ['allowedFileTypes'], message: 'Choose the file types accepted.' });
    if (v.cutoffAt && !v.dueAt) c.addIssue({ code: 'custom', path: ['cutoffAt'], message: 'A cutoff needs a due date.' });
    if (v.cutoffAt && v.dueAt && Date.parse(v.cutoffAt) < Date.parse(v.dueAt)) c.addIssue({ code: 'custom', path: ['cutoffAt'], message: 'The cutoff cannot be before the due date.' });
    if (v.rubric.length > 0) {
      const total = v.rubric.reduce((s, cr) => s + Math.max(...cr.levels.map((l) => l.points)), 0);
      if (Math.abs(total - v.pointsPossible) > 1e-9) {
        c.addIssue({ code: 'custom', path: ['rubric'], message: `The rubric's best levels add up to ${total}, not the ${v.pointsPossible} points possible.` });
      }
    }
    if (v.peerReviewCount > 0 && v.rubric.length === 0) c.addIssue({ code: 'custom', path: ['peerReviewCount'], message: 'Peer review uses the rubric: add one first.' });
  });
export class PutAssignmentDto extends createZodDto(PutAssignment) {}

const Level = z.object({ id: z.uuid(), title: z.string(), description: z.string(), points: z.number() });
const Criterion = z.object({ id: z.uuid(), title: z.string(), description: z.string(), levels: z.array(Level) });

export const Assignment = z.object({
  id: z.uuid(),
  courseId: z.uuid(),
  lessonId: z.uuid(),
  instructions: z.string(),
  instructionsHtml: z.string(),
  dueAt: isoDate.nullable(),
  latePenaltyPerDay: z.number().int(),
  cutoffAt: isoDate.nullable(),
  allowText: z.boolean(),
  allowedFileTypes: z.array(z.string()),
  maxFileBytes: z.number().int(),
  maxFiles: z.number().int(),
  mode: z.enum(ASSIGNMENT_MODES),
  pointsPossible: z.number().int(),
  rubric: z.array(Criterion),
  anonymousGrading: z.boolean(),
  peerReviewCount: z.number().int(),
  passingPercent: z.number().int(),
  peerReviewsAssignedAt: isoDate.nullable(),
  /** true for the course's staff */
  canGrade: z.boolean(),
  updatedAt: isoDate,
});
export class AssignmentDto extends createZodDto(Assignment) {}

// ---- files, versions, submissions ----

export const AssignmentFile = z.object({
  id: z.uuid(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  /** a signed download path, bound to the caller and short-lived */
  url: z.string(),
  createdAt: isoDate,
});
export class AssignmentFileDto extends createZodDto(AssignmentFile) {}

export const Version = z.object({
  id: z.uuid(),
  number: z.number().int(),
  text: z.string(),
  files: z.array(AssignmentFile),
  /** null when the viewer may not know who (anonymous grading, peer review) */
  submittedBy: z.uuid().nullable(),
  submittedAt: isoDate,
  late: z.boolean(),
  daysLate: z.number().int(),
  penaltyPercent: z.number().int(),
});

export const CreateVersion = z.strictObject({
  text: z.string().max(MAX_TEXT).default(''),
  /** files uploaded for this assignment (pending) or kept from the previous version */
  fileIds: z.array(z.uuid()).max(20).default([]),
});
export class CreateAssignmentVersionDto extends createZodDto(CreateVersion) {}

export const Comment = z.object({
  id: z.uuid(),
  versionId: z.uuid(),
  anchor: z.enum(COMMENT_ANCHORS),
  rangeStart: z.number().int().nullable(),
  rangeEnd: z.number().int().nullable(),
  quote: z.string().nullable(),
  fileId: z.uuid().nullable(),
  body: z.string(),
  authorId: z.uuid(),
  authorName: z.string(),
  createdAt: isoDate,
});

export const CreateComment = z
  .strictObject({
    anchor: z.enum(COMMENT_ANCHORS),
    versionId: z.uuid(),
    /** text anchors: the character range [rangeStart, rangeEnd) of the version's text */
    rangeStart: z.number().int().min(0).optional(),
    rangeEnd: z.number().int().min(1).optional(),
    /** file anchors: one of the version's files */
    fileId: z.uuid().optional(),
    body: z.string().trim().min(1).max(10_000),
  })
  .superRefine((v, c) => {
    if (v.anchor === 'text' && (v.rangeStart === undefined || v.rangeEnd === undefined)) c.addIssue({ code: 'custom', path: ['rangeEnd'], message: 'A text comment needs rangeStart and rangeEnd.' });
    if (v.anchor === 'file' && !v.fileId) c.addIssue({ code: 'custom', path: ['fileId'], message: 'A file comment needs fileId.' });
    if (v.anchor !== 'text' && (v.rangeStart !== undefined || v.rangeEnd !== undefined)) c.addIssue({ code: 'custom', path: ['rangeStart'], message: 'Only text comments have a range.' });
    if (v.anchor !== 'file' && v.fileId) c.addIssue({ code: 'custom', path: ['fileId'], message: 'Only file comments name a file.' });
  });
export class CreateAssignmentCommentDto extends createZodDto(CreateComment) {}
export class AssignmentCommentDto extends createZodDto(Comment) {}

export const Grade = z.object({
  /** criterion id -> level id (empty without a rubric) */
  selections: z.record(z.string(), z.string()),
  rawScore: z.number(),
  penaltyPercent: z.number().int(),
  score: z.number(),
  maxScore: z.number(),
  passed: z.boolean(),
  /** 'instructor' or, when no instructor grade exists, the average of the peer reviews */
  source: z.enum(['instructor', 'peer']),
  gradedVersion: z.number().int().nullable(),
  gradedAt: isoDate.nullable(),
});

export const PeerReviewView = z.object({
  id: z.uuid(),
  /** "Reviewer 1..n" to the learner */
  label: z.string(),
  selections: z.record(z.string(), z.string()),
  score: z.number().nullable(),
  comment: z.string(),
  submittedAt: isoDate.nullable(),
});

export const Submission = z.object({
  id: z.uuid(),
  assignmentId: z.uuid(),
  courseId: z.uuid(),
  lessonId: z.uuid(),
  /** "Learner 3" under anonymous grading until release; else the learner's or group's name */
  ownerLabel: z.string(),
  /** null under anonymous grading until release */
  userId: z.uuid().nullable(),
  groupId: z.uuid().nullable(),
  memberIds: z.array(z.uuid()),
  status: z.enum(['not_submitted', 'submitted', 'graded', 'released']),
  late: z.boolean(),
  versionCount: z.number().int(),
  lastSubmittedAt: isoDate.nullable(),
  versions: z.array(Version),
  /** staff always; learners only after release */
  grade: Grade.nullable(),
  comments: z.array(Comment),
  peerReviews: z.array(PeerReviewView),
  releasedAt: isoDate.nullable(),
});
export class AssignmentSubmissionDto extends createZodDto(Submission) {}

export const MySubmission = z.object({
  submission: Submission.nullable(),
  /** the caller's group in this course (group assignments) */
  group: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  /** files uploaded but not yet submitted */
  pendingFiles: z.array(AssignmentFile),
});
export class MyAssignmentSubmissionDto extends createZodDto(MySubmission) {}
export const FileParams = z.strictObject({ courseId: z.uuid(), lessonId: z.uuid(), fileId: z.uuid() });
export class AssignmentFileParamsDto extends createZodDto(FileParams) {}

export const SubmissionSummary = Submission.pick({
  id: true,
  ownerLabel: true,
  userId: true,
  groupId: true,
  status: true,
  late: true,
  versionCount: true,
  lastSubmittedAt: true,
  releasedAt: true,
}).extend({ score: z.number().nullable(), maxScore: z.number(), peerReviewsDone: z.number().int(), peerReviewsAssigned: z.number().int() });
export class AssignmentSubmissionSummaryPageDto extends createZodDto(pageOf(SubmissionSummary)) {}

export const ListSubmissionsQuery = z.strictObject({ ...pageQuery });
export class ListAssignmentSubmissionsQueryDto extends createZodDto(ListSubmissionsQuery) {}

export const PutGrade = z.strictObject({
  /** criterion id -> level id, one per criterion, when the assignment has a rubric */
  selections: z.record(z.uuid(), z.uuid()).default({}),
  /** the points, only for assignments without a rubric */
  points: z.number().min(0).optional(),
});
export class PutAssignmentGradeDto extends createZodDto(PutGrade) {}

export const ReleaseResult = z.object({ released: z.number().int() });
export class AssignmentReleaseResultDto extends createZodDto(ReleaseResult) {}

// ---- peer review ----

export const AssignPeersResult = z.object({ assigned: z.number().int() });
export class AssignmentPeersResultDto extends createZodDto(AssignPeersResult) {}

export const PeerReviewTask = z.object({
  id: z.uuid(),
  courseId: z.uuid(),
  lessonId: z.uuid(),
  /** "Submission N": reviewers never see who wrote it */
  submissionLabel: z.string(),
  rubric: z.array(Criterion),
  pointsPossible: z.number().int(),
  /** the submission's latest version, anonymised */
  version: Version.nullable(),
  selections: z.record(z.string(), z.string()),
  score: z.number().nullable(),
  comment: z.string(),
  submittedAt: isoDate.nullable(),
});
export class AssignmentPeerReviewTaskDto extends createZodDto(PeerReviewTask) {}
export class AssignmentPeerReviewTaskListDto extends createZodDto(z.object({ items: z.array(PeerReviewTask) })) {}

export const PutPeerReview = z.strictObject({
  selections: z.record(z.uuid(), z.uuid()),
  comment: z.string().max(10_000).default(''),
});
export class PutAssignmentPeerReviewDto extends createZodDto(PutPeerReview) {}

// ---- groups ----

export const Group = z.object({
  id: z.uuid(),
  courseId: z.uuid(),
  name: z.string(),
  members: z.array(z.object({ userId: z.uuid(), name: z.string() })),
  createdAt: isoDate,
});
export class AssignmentGroupDto extends createZodDto(Group) {}
export class AssignmentGroupListDto extends createZodDto(z.object({ items: z.array(Group) })) {}

export const PutGroup = z.strictObject({
  name: z.string().trim().min(1).max(120),
  memberIds: z.array(z.uuid()).max(50).default([]),
});
export class PutAssignmentGroupDto extends createZodDto(PutGroup) {}
