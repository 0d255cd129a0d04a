import type { components } from '@lyceum/api-client';

type S = components['schemas'];

export type QuestionBank = S['QuestionBankDto_Output'];
export type BankQuestion = S['BankQuestionDto_Output'];
export type BankQuestionPage = S['BankQuestionPageDto_Output'];
export type QuestionInput = S['PutQuestionDto']['question'];
export type QuestionType = QuestionInput['type'];
export type Quiz = S['QuizDto_Output'];
export type PutQuiz = S['PutQuizDto'];
export type QuizItemSource = PutQuiz['items'][number];
export type Attempt = S['QuizAttemptDto_Output'];
export type AttemptItem = Attempt['items'][number];
export type AttemptPage = S['QuizAttemptPageDto_Output'];
export type Answer = S['SaveQuizAnswerDto']['answer'];
export type SavedAnswer = S['SavedQuizAnswerDto_Output'];
export type GradingQueue = S['QuizGradingQueueDto_Output'];
export type GradingItem = GradingQueue['items'][number];

export const QUESTION_TYPES: QuestionType[] = [
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
];

let n = 0;
/** A fresh local id for options, blanks, pairs (a letter first, as the model requires). */
export const localId = (prefix = 'o') => `${prefix}${Date.now().toString(36)}${(n++).toString(36)}`;
