import { z } from 'zod';

/*
 * The question and answer model shared by the assessments module (banks, quizzes, attempts,
 * grading) and its QTI 2.1 / 3.0 import and export. Each question type has its own fields; ids
 * inside a question (options, blanks, pairs, items) are short strings chosen by the author's
 * client (or generated on import) and stable across edits, so answers and QTI identifiers can
 * refer to them.
 */

export const QUESTION_TYPES = [
  'single_choice',
  'multiple_choice',
  'true_false',
  'short_answer',
  'numeric',
  'fill_blanks',
  'matching',
  'ordering',
  'essay',
  'file_response',
  'code',
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** Types graded by a person (they wait in the manual grading queue). */
export const MANUALLY_GRADED: ReadonlySet<QuestionType> = new Set(['essay', 'file_response']);

const localId = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'an id: a letter, then letters, digits, _ or -');
const markdown = z.string().max(20_000);
const choice = z.strictObject({ id: localId, text: z.string().min(1).max(2000) });

const base = {
  /** the question text, markdown */
  prompt: markdown.min(1),
  /** points for a fully correct answer */
  points: z.number().min(0).max(1000).default(1),
  /** shown after answering, per the quiz's feedback setting */
  feedback: z.strictObject({ correct: markdown.optional(), incorrect: markdown.optional(), general: markdown.optional() }).default({}),
};

const unique = (ids: string[]) => new Set(ids).size === ids.length;

export const SingleChoice = z
  .strictObject({ type: z.literal('single_choice'), ...base, options: z.array(choice).min(2).max(20), correctOptionId: localId, shuffleOptions: z.boolean().default(true) })
  .refine((q) => unique(q.options.map((o) => o.id)), { message: 'option ids must be unique', path: ['options'] })
  .refine((q) => q.options.some((o) => o.id === q.correctOptionId), { message: 'the correct option must be one of the options', path: ['correctOptionId'] });

export const MultipleChoice = z
  .strictObject({
    type: z.literal('multiple_choice'),
    ...base,
    options: z.array(choice).min(2).max(20),
    correctOptionIds: z.array(localId).min(1),
    /** partial credit: each right choice earns its share, each wrong choice takes one away (never below 0); otherwise all or nothing */
    partialCredit: z.boolean().default(true),
    shuffleOptions: z.boolean().default(true),
  })
  .refine((q) => unique(q.options.map((o) => o.id)), { message: 'option ids must be unique', path: ['options'] })
  .refine((q) => q.correctOptionIds.every((id) => q.options.some((o) => o.id === id)), { message: 'correct options must be among the options', path: ['correctOptionIds'] });

export const TrueFalse = z.strictObject({ type: z.literal('true_false'), ...base, correct: z.boolean() });

export const ShortAnswer = z.strictObject({
  type: z.literal('short_answer'),
  ...base,
  /** any one matches; leading/trailing spaces are ignored, inner runs of spaces count as one */
  answers: z
    .array(z.strictObject({ value: z.string().min(1).max(500), caseSensitive: z.boolean().default(false), regex: z.boolean().default(false) }))
    .min(1)
    .max(50),
});

export const Numeric = z.strictObject({
  type: z.literal('numeric'),
  ...base,
  answer: z.number(),
  /** accepted distance from `answer`: absolute, or a percentage of it */
  tolerance: z.number().min(0).default(0),
  toleranceMode: z.enum(['absolute', 'percent']).default('absolute'),
});

export const FillBlanks = z
  .strictObject({
    type: z.literal('fill_blanks'),
    ...base,
    /** the text with blanks written as `{{blank-id}}`; `prompt` is the instruction above it */
    text: z.string().min(1).max(20_000),
    blanks: z
      .array(z.strictObject({ id: localId, answers: z.array(z.string().min(1).max(500)).min(1).max(50), caseSensitive: z.boolean().default(false) }))
      .min(1)
      .max(50),
  })
  .refine((q) => unique(q.blanks.map((b) => b.id)), { message: 'blank ids must be unique', path: ['blanks'] })
  .refine((q) => q.blanks.every((b) => q.text.includes(`{{${b.id}}}`)), { message: 'every blank must appear in the text as {{id}}', path: ['text'] });

export const Matching = z
  .strictObject({
    type: z.literal('matching'),
    ...base,
    /** left column */
    prompts: z.array(choice).min(2).max(30),
    /** right column; may hold distractors that match nothing */
    choices: z.array(choice).min(2).max(40),
    /** promptId -> choiceId */
    pairs: z.record(z.string(), localId),
    /** each right pair earns its share of the points */
    partialCredit: z.boolean().default(true),
  })
  .refine((q) => unique([...q.prompts.map((p) => p.id), ...q.choices.map((c) => c.id)]), { message: 'ids must be unique across both columns', path: ['prompts'] })
  .refine((q) => q.prompts.every((p) => q.choices.some((c) => c.id === q.pairs[p.id])), { message: 'every prompt needs a matching choice', path: ['pairs'] });

export const Ordering = z
  .strictObject({ type: z.literal('ordering'), ...base, items: z.array(choice).min(2).max(30), correctOrder: z.array(localId), partialCredit: z.boolean().default(false) })
  .refine((q) => unique(q.items.map((i) => i.id)), { message: 'item ids must be unique', path: ['items'] })
  .refine((q) => q.correctOrder.length === q.items.length && q.items.every((i) => q.correctOrder.includes(i.id)), { message: 'correctOrder must list every item once', path: ['correctOrder'] });

export const Essay = z.strictObject({
  type: z.literal('essay'),
  ...base,
  /** what graders look for (shown to graders only) */
  graderGuidance: markdown.default(''),
  minWords: z.number().int().min(0).max(100_000).optional(),
  maxWords: z.number().int().min(1).max(100_000).optional(),
}).refine((q) => q.minWords === undefined || q.maxWords === undefined || q.minWords <= q.maxWords, { message: 'minWords cannot be more than maxWords', path: ['maxWords'] });

export const FileResponse = z.strictObject({
  type: z.literal('file_response'),
  ...base,
  graderGuidance: markdown.default(''),
  /** e.g. ["application/pdf", "image/png"]; empty means any */
  allowedTypes: z.array(z.string().min(3).max(120)).max(30).default([]),
  maxBytes: z.number().int().min(1).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
});

export const CodeQuestion = z.strictObject({
  type: z.literal('code'),
  ...base,
  language: z.enum(['python', 'javascript', 'c', 'cpp', 'java']),
  starterCode: z.string().max(64 * 1024).default(''),
  timeLimitMs: z.number().int().min(100).max(10_000).default(2000),
  memoryLimitMb: z.number().int().min(16).max(1024).default(256),
  compareMode: z.enum(['exact', 'trim_trailing', 'ignore_whitespace']).default('trim_trailing'),
  /** all run when the attempt is graded; the score is the share of passing tests */
  tests: z.array(z.strictObject({ stdin: z.string().max(256 * 1024).default(''), expectedStdout: z.string().max(256 * 1024) })).min(1).max(50),
});

export const Question = z.discriminatedUnion('type', [
  SingleChoice,
  MultipleChoice,
  TrueFalse,
  ShortAnswer,
  Numeric,
  FillBlanks,
  Matching,
  Ordering,
  Essay,
  FileResponse,
  CodeQuestion,
]);
export type Question = z.infer<typeof Question>;
export type QuestionInput = z.input<typeof Question>;

/** A learner's answer to one question, by type. */
export const Answer = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('single_choice'), optionId: localId }),
  z.strictObject({ type: z.literal('multiple_choice'), optionIds: z.array(localId).max(20) }),
  z.strictObject({ type: z.literal('true_false'), value: z.boolean() }),
  z.strictObject({ type: z.literal('short_answer'), text: z.string().max(2000) }),
  z.strictObject({ type: z.literal('numeric'), value: z.number() }),
  z.strictObject({ type: z.literal('fill_blanks'), blanks: z.record(z.string(), z.string().max(500)) }),
  z.strictObject({ type: z.literal('matching'), pairs: z.record(z.string(), localId) }),
  z.strictObject({ type: z.literal('ordering'), order: z.array(localId).max(30) }),
  z.strictObject({ type: z.literal('essay'), text: z.string().max(200_000) }),
  z.strictObject({ type: z.literal('file_response'), fileId: z.string().min(1).max(200) }),
  z.strictObject({ type: z.literal('code'), code: z.string().max(64 * 1024) }),
]);
export type Answer = z.infer<typeof Answer>;
