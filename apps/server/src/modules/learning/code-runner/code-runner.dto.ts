import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { SUBMISSION_MODES, SUBMISSION_STATUSES } from './code-runner.schema.js';
import { COMPARE_MODES, VERDICTS } from './judge.js';
import { LANGUAGES } from './languages.js';

const isoDate = z.iso.datetime({ offset: true });
/** 64 KiB of source is far beyond any exercise; larger bodies are refused before they reach a sandbox. */
const MAX_CODE = 64 * 1024;
const MAX_IO = 256 * 1024;

export const LessonParams = z.strictObject({ courseId: z.uuid(), lessonId: z.uuid() });
export class CodeLessonParamsDto extends createZodDto(LessonParams) {}

export const SubmissionParams = z.strictObject({ submissionId: z.uuid() });
export class CodeSubmissionParamsDto extends createZodDto(SubmissionParams) {}

export const TestCaseInput = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  stdin: z.string().max(MAX_IO).default(''),
  expectedStdout: z.string().max(MAX_IO),
  hidden: z.boolean().default(false),
  points: z.number().int().min(0).max(1000).default(1),
});

export const PutExercise = z.strictObject({
  language: z.enum(LANGUAGES),
  instructions: z.string().max(20_000).default(''),
  starterCode: z.string().max(MAX_CODE).default(''),
  timeLimitMs: z.number().int().min(100).max(10_000).default(2000),
  memoryLimitMb: z.number().int().min(16).max(1024).default(256),
  compareMode: z.enum(COMPARE_MODES).default('trim_trailing'),
  tests: z
    .array(TestCaseInput)
    .min(1, 'An exercise needs at least one test case.')
    .max(100)
    .refine((ts) => ts.some((t) => !t.hidden), { message: 'At least one test case must be visible, so that "run" has something to run.' }),
});
export class PutCodeExerciseDto extends createZodDto(PutExercise) {}

const TestCaseView = z.object({
  id: z.uuid(),
  name: z.string(),
  hidden: z.boolean(),
  points: z.number().int(),
  /** absent for hidden tests when a learner reads the exercise */
  stdin: z.string().optional(),
  expectedStdout: z.string().optional(),
});

export const CodeExercise = z.object({
  id: z.uuid(),
  courseId: z.uuid(),
  lessonId: z.uuid(),
  language: z.enum(LANGUAGES),
  languageLabel: z.string(),
  instructions: z.string(),
  /** sanitized HTML rendered from the instructions */
  instructionsHtml: z.string(),
  starterCode: z.string(),
  timeLimitMs: z.number().int(),
  memoryLimitMb: z.number().int(),
  compareMode: z.enum(COMPARE_MODES),
  tests: z.array(TestCaseView),
  hiddenTestCount: z.number().int(),
  maxScore: z.number().int(),
  updatedAt: isoDate,
});
export class CodeExerciseDto extends createZodDto(CodeExercise) {}

export const CreateSubmission = z.strictObject({
  mode: z.enum(SUBMISSION_MODES),
  code: z.string().min(1, 'The code is empty.').max(MAX_CODE, 'The code is longer than 64 KiB.'),
});
export class CreateCodeSubmissionDto extends createZodDto(CreateSubmission) {}

const TestResult = z.object({
  testId: z.uuid(),
  name: z.string(),
  hidden: z.boolean(),
  points: z.number().int(),
  verdict: z.enum(VERDICTS),
  timeMs: z.number().int(),
  /** visible tests only */
  stdin: z.string().optional(),
  expectedStdout: z.string().optional(),
  stdout: z.string().optional(),
  stderr: z.string().optional(),
});

export const CodeSubmission = z.object({
  id: z.uuid(),
  courseId: z.uuid(),
  lessonId: z.uuid(),
  userId: z.uuid(),
  mode: z.enum(SUBMISSION_MODES),
  language: z.enum(LANGUAGES),
  code: z.string(),
  status: z.enum(SUBMISSION_STATUSES),
  verdict: z.enum(VERDICTS).nullable(),
  score: z.number().int().nullable(),
  maxScore: z.number().int().nullable(),
  compileOutput: z.string().nullable(),
  results: z.array(TestResult),
  error: z.string().nullable(),
  createdAt: isoDate,
  finishedAt: isoDate.nullable(),
});
export class CodeSubmissionDto extends createZodDto(CodeSubmission) {}
export class CodeSubmissionPageDto extends createZodDto(pageOf(CodeSubmission)) {}

export const ListSubmissionsQuery = z.strictObject({
  ...pageQuery,
  /** staff: one learner's submissions; learners always get their own */
  userId: z.uuid().optional(),
  mode: z.enum(SUBMISSION_MODES).optional(),
});
export class ListCodeSubmissionsQueryDto extends createZodDto(ListSubmissionsQuery) {}

export const CodeRunnerStatus = z.object({
  /** false when bubblewrap cannot make a sandbox: runs are refused */
  sandboxAvailable: z.boolean(),
  reason: z.string().nullable(),
  concurrency: z.number().int(),
  languages: z.array(z.object({ id: z.enum(LANGUAGES), label: z.string() })),
});
export class CodeRunnerStatusDto extends createZodDto(CodeRunnerStatus) {}
