import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { ATTEMPT_STATUSES, FEEDBACK_TIMINGS, KEEP_POLICIES } from './assessments.schema.js';
import { Answer, Question, QUESTION_TYPES } from './questions.model.js';

const isoDate = z.iso.datetime({ offset: true });
const tag = z.string().trim().toLowerCase().min(1).max(40);

// ---- params ----
export class QuizCourseParamsDto extends createZodDto(z.strictObject({ courseId: z.uuid() })) {}
export class QuestionBankParamsDto extends createZodDto(z.strictObject({ bankId: z.uuid() })) {}
export class BankQuestionParamsDto extends createZodDto(z.strictObject({ bankId: z.uuid(), questionId: z.uuid() })) {}
export class QuizLessonParamsDto extends createZodDto(z.strictObject({ courseId: z.uuid(), lessonId: z.uuid() })) {}
export class QuizAttemptParamsDto extends createZodDto(z.strictObject({ attemptId: z.uuid() })) {}
export class QuizAttemptItemParamsDto extends createZodDto(z.strictObject({ attemptId: z.uuid(), questionId: z.uuid() })) {}

// ---- banks ----
export const BankInput = z.strictObject({ name: z.string().trim().min(1).max(200), description: z.string().max(5000).default('') });
export class CreateQuestionBankDto extends createZodDto(BankInput) {}
export class UpdateQuestionBankDto extends createZodDto(BankInput.partial()) {}

export const QuestionBank = z.object({
  id: z.uuid(),
  courseId: z.uuid().nullable(),
  scope: z.enum(['course', 'organization']),
  name: z.string(),
  description: z.string(),
  questionCount: z.number().int(),
  tags: z.array(z.string()),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export class QuestionBankDto extends createZodDto(QuestionBank) {}
export class QuestionBankListDto extends createZodDto(z.object({ items: z.array(QuestionBank) })) {}

// ---- questions ----
export const QuestionBody = z.strictObject({ question: Question, tags: z.array(tag).max(20).default([]) });
export class PutQuestionDto extends createZodDto(QuestionBody) {}

export const BankQuestion = z.object({
  id: z.uuid(),
  bankId: z.uuid(),
  type: z.enum(QUESTION_TYPES),
  tags: z.array(z.string()),
  version: z.number().int(),
  question: Question,
  createdAt: isoDate,
  updatedAt: isoDate,
});
export class BankQuestionDto extends createZodDto(BankQuestion) {}
export class BankQuestionPageDto extends createZodDto(pageOf(BankQuestion)) {}
export class ListBankQuestionsQueryDto extends createZodDto(
  z.strictObject({ ...pageQuery, tag: tag.optional(), type: z.enum(QUESTION_TYPES).optional(), q: z.string().trim().max(200).optional() }),
) {}

export const KeyChange = z.object({
  id: z.uuid(),
  questionId: z.uuid(),
  changedBy: z.uuid(),
  changedAt: isoDate,
  oldKey: z.record(z.string(), z.unknown()),
  newKey: z.record(z.string(), z.unknown()),
  /** null while the regrade job has not run yet */
  attemptsAffected: z.number().int().nullable(),
  regradedAt: isoDate.nullable(),
});
export class QuestionKeyChangePageDto extends createZodDto(pageOf(KeyChange)) {}
export class ListQuestionKeyChangesQueryDto extends createZodDto(z.strictObject({ ...pageQuery })) {}

// ---- quizzes ----
const points = z.number().min(0).max(1000).nullable().optional();
export const QuizItemSourceInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('question'), questionId: z.uuid(), points }),
  z.strictObject({ kind: z.literal('draw'), bankId: z.uuid(), tag: tag.nullable().optional(), count: z.number().int().min(1).max(200), points }),
]);

export const PutQuiz = z
  .strictObject({
    instructions: z.string().max(20_000).default(''),
    timeLimitSeconds: z.number().int().min(30).max(24 * 3600).nullable().default(null),
    attemptsAllowed: z.number().int().min(1).max(100).nullable().default(null),
    keepPolicy: z.enum(KEEP_POLICIES).default('highest'),
    passingScore: z.number().int().min(0).max(100).default(60),
    shuffleQuestions: z.boolean().default(false),
    shuffleOptions: z.boolean().default(false),
    drawCount: z.number().int().min(1).max(200).nullable().default(null),
    opensAt: isoDate.nullable().default(null),
    closesAt: isoDate.nullable().default(null),
    feedbackTiming: z.enum(FEEDBACK_TIMINGS).default('immediately'),
    showCorrectAnswers: z.boolean().default(true),
    items: z.array(QuizItemSourceInput).min(1, 'A quiz needs at least one question.').max(200),
  })
  .refine((q) => !q.opensAt || !q.closesAt || Date.parse(q.opensAt) < Date.parse(q.closesAt), { message: 'The quiz must open before it closes.', path: ['closesAt'] })
  .refine((q) => q.feedbackTiming !== 'after_close' || q.closesAt !== null, { message: 'Feedback after the close date needs a close date.', path: ['closesAt'] });
export class PutQuizDto extends createZodDto(PutQuiz) {}

const QuizSettings = z.object({
  instructions: z.string(),
  instructionsHtml: z.string(),
  timeLimitSeconds: z.number().int().nullable(),
  attemptsAllowed: z.number().int().nullable(),
  keepPolicy: z.enum(KEEP_POLICIES),
  passingScore: z.number().int(),
  shuffleQuestions: z.boolean(),
  shuffleOptions: z.boolean(),
  drawCount: z.number().int().nullable(),
  opensAt: isoDate.nullable(),
  closesAt: isoDate.nullable(),
  feedbackTiming: z.enum(FEEDBACK_TIMINGS),
  showCorrectAnswers: z.boolean(),
});

export const Quiz = QuizSettings.extend({
  id: z.uuid(),
  courseId: z.uuid(),
  lessonId: z.uuid(),
  /** staff only: the pool as configured; learners get [] */
  items: z.array(QuizItemSourceInput),
  /** questions per attempt */
  questionCount: z.number().int(),
  /** the caller's attempts so far and how many remain (null: unlimited) */
  attemptsUsed: z.number().int(),
  attemptsLeft: z.number().int().nullable(),
  /** whether the quiz is open now (the availability window) */
  isOpen: z.boolean(),
  /** the caller's attempt still running, if any */
  openAttemptId: z.uuid().nullable(),
  /** the caller's grade with the keep policy applied; null when there is none yet (or waiting for grading) */
  keptScore: z.number().nullable(),
  maxScore: z.number().nullable(),
  staff: z.boolean(),
  updatedAt: isoDate,
});
export class QuizDto extends createZodDto(Quiz) {}

// ---- attempts ----
export const AttemptItem = z.object({
  questionId: z.uuid(),
  points: z.number(),
  /** the question as the learner sees it (no key) */
  question: z.record(z.string(), z.unknown()),
  answer: Answer.nullable(),
  savedAt: isoDate.nullable(),
  /** when feedback is allowed (or for staff) */
  result: z
    .object({
      status: z.enum(['graded', 'pending_manual', 'pending_code']),
      score: z.number().nullable(),
      maxScore: z.number(),
      comment: z.string().nullable(),
      feedback: z.string().nullable(),
      /** tests passed / total, for code questions */
      passed: z.number().int().nullable(),
      total: z.number().int().nullable(),
    })
    .nullable(),
  /** the full question with its key: only when the policy shows correct answers (or for staff) */
  correct: Question.nullable(),
});

export const Attempt = z.object({
  id: z.uuid(),
  quizId: z.uuid(),
  courseId: z.uuid(),
  lessonId: z.uuid(),
  userId: z.uuid(),
  number: z.number().int(),
  status: z.enum(ATTEMPT_STATUSES),
  startedAt: isoDate,
  deadline: isoDate.nullable(),
  /** the server's clock when this was read, so clients can correct for their own */
  serverNow: isoDate,
  submittedAt: isoDate.nullable(),
  autoSubmitted: z.boolean(),
  /** null until the score is final (or when the policy hides it) */
  score: z.number().nullable(),
  maxScore: z.number(),
  passed: z.boolean().nullable(),
  /** whether per-question feedback is shown */
  feedbackVisible: z.boolean(),
  pendingManual: z.number().int(),
  items: z.array(AttemptItem),
});
export class QuizAttemptDto extends createZodDto(Attempt) {}

export const AttemptSummary = Attempt.omit({ items: true });
export class QuizAttemptPageDto extends createZodDto(pageOf(AttemptSummary)) {}
export class ListQuizAttemptsQueryDto extends createZodDto(z.strictObject({ ...pageQuery, userId: z.uuid().optional() })) {}

export class SaveQuizAnswerDto extends createZodDto(z.strictObject({ answer: Answer })) {}
export class SavedQuizAnswerDto extends createZodDto(z.object({ questionId: z.uuid(), savedAt: isoDate, deadline: isoDate.nullable() })) {}

// ---- manual grading ----
export const GradingItem = z.object({
  attemptId: z.uuid(),
  questionId: z.uuid(),
  lessonId: z.uuid(),
  quizId: z.uuid(),
  userId: z.uuid(),
  attemptNumber: z.number().int(),
  submittedAt: isoDate.nullable(),
  question: Question,
  answer: Answer.nullable(),
  /** a signed download link for a file response */
  fileUrl: z.string().nullable(),
  maxScore: z.number(),
});
export class QuizGradingQueueDto extends createZodDto(pageOf(GradingItem)) {}
export class QuizGradingQueueQueryDto extends createZodDto(z.strictObject({ ...pageQuery, lessonId: z.uuid().optional() })) {}
export class QuizGradeItemDto extends createZodDto(z.strictObject({ points: z.number().min(0).max(1000), comment: z.string().max(10_000).default('') })) {}

export const QtiExportQuery = z.strictObject({ version: z.enum(['3.0', '2.1']).default('3.0') });
export class QtiExportQueryDto extends createZodDto(QtiExportQuery) {}

export const QtiImportResult = z.object({
  imported: z.number().int(),
  /** items the package holds that could not be mapped, and other things to know */
  warnings: z.array(z.string()),
  items: z.array(BankQuestion),
});
export class QtiImportResultDto extends createZodDto(QtiImportResult) {}
