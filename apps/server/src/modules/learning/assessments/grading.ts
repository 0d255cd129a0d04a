import type { Answer, Question, QuestionType } from './questions.model.js';
import { MANUALLY_GRADED } from './questions.model.js';

/*
 * Grading rules, one pure function per question type. Each returns the fraction of the question's
 * points earned (0..1), or `null` when a person (essay, file response) or the sandbox (code) must
 * decide. An answer of another type, or no answer, earns 0.
 */

export type Fraction = number | null;

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));
/** trim, and any run of whitespace inside counts as one space */
export const normalizeSpaces = (s: string) => s.trim().replace(/\s+/g, ' ');

type Q<T extends QuestionType> = Extract<Question, { type: T }>;
type A<T extends QuestionType> = Extract<Answer, { type: T }>;

export function gradeSingleChoice(q: Q<'single_choice'>, a: A<'single_choice'>): number {
  return a.optionId === q.correctOptionId ? 1 : 0;
}

/**
 * Partial credit: each right choice earns 1/|correct|, each wrong choice takes 1/|correct| away,
 * never below 0. Without partial credit, exactly the right set or nothing.
 */
export function gradeMultipleChoice(q: Q<'multiple_choice'>, a: A<'multiple_choice'>): number {
  const correct = new Set(q.correctOptionIds);
  const chosen = new Set(a.optionIds.filter((id) => q.options.some((o) => o.id === id)));
  const right = [...chosen].filter((id) => correct.has(id)).length;
  const wrong = chosen.size - right;
  if (!q.partialCredit) return right === correct.size && wrong === 0 ? 1 : 0;
  return clamp01((right - wrong) / correct.size);
}

export function gradeTrueFalse(q: Q<'true_false'>, a: A<'true_false'>): number {
  return a.value === q.correct ? 1 : 0;
}

/** A pattern that cannot compile matches nothing (authors are warned when saving). */
function regexMatches(pattern: string, text: string, caseSensitive: boolean): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`, caseSensitive ? 'u' : 'iu').test(text);
  } catch {
    return false;
  }
}

export function gradeShortAnswer(q: Q<'short_answer'>, a: A<'short_answer'>): number {
  const given = normalizeSpaces(a.text);
  if (!given) return 0;
  for (const alt of q.answers) {
    if (alt.regex) {
      if (regexMatches(alt.value, given, alt.caseSensitive)) return 1;
    } else {
      const want = normalizeSpaces(alt.value);
      if (alt.caseSensitive ? given === want : given.toLocaleLowerCase() === want.toLocaleLowerCase()) return 1;
    }
  }
  return 0;
}

export function gradeNumeric(q: Q<'numeric'>, a: A<'numeric'>): number {
  if (!Number.isFinite(a.value)) return 0;
  const allowed = q.toleranceMode === 'percent' ? (Math.abs(q.answer) * q.tolerance) / 100 : q.tolerance;
  // a tiny epsilon so that 0.1 + 0.2 style rounding does not fail an exact boundary
  return Math.abs(a.value - q.answer) <= allowed + 1e-9 * Math.max(1, Math.abs(q.answer)) ? 1 : 0;
}

/** Each blank earns its share. */
export function gradeFillBlanks(q: Q<'fill_blanks'>, a: A<'fill_blanks'>): number {
  let right = 0;
  for (const b of q.blanks) {
    const given = normalizeSpaces(a.blanks[b.id] ?? '');
    if (!given) continue;
    const ok = b.answers.some((alt) => {
      const want = normalizeSpaces(alt);
      return b.caseSensitive ? given === want : given.toLocaleLowerCase() === want.toLocaleLowerCase();
    });
    if (ok) right++;
  }
  return right / q.blanks.length;
}

export function gradeMatching(q: Q<'matching'>, a: A<'matching'>): number {
  const right = q.prompts.filter((p) => a.pairs[p.id] !== undefined && a.pairs[p.id] === q.pairs[p.id]).length;
  if (!q.partialCredit) return right === q.prompts.length ? 1 : 0;
  return right / q.prompts.length;
}

/** Partial credit: the share of items in their right place. */
export function gradeOrdering(q: Q<'ordering'>, a: A<'ordering'>): number {
  const n = q.correctOrder.length;
  const right = q.correctOrder.filter((id, i) => a.order[i] === id).length;
  if (!q.partialCredit) return right === n && a.order.length === n ? 1 : 0;
  return right / n;
}

/**
 * The fraction earned for an objective answer; null for the types decided elsewhere
 * (manual: essay, file response; sandbox: code, see `codeFraction`).
 */
export function gradeAnswer(q: Question, a: Answer | undefined): Fraction {
  if (MANUALLY_GRADED.has(q.type) || q.type === 'code') return null;
  if (!a || a.type !== q.type) return 0;
  switch (q.type) {
    case 'single_choice':
      return gradeSingleChoice(q, a as A<'single_choice'>);
    case 'multiple_choice':
      return gradeMultipleChoice(q, a as A<'multiple_choice'>);
    case 'true_false':
      return gradeTrueFalse(q, a as A<'true_false'>);
    case 'short_answer':
      return gradeShortAnswer(q, a as A<'short_answer'>);
    case 'numeric':
      return gradeNumeric(q, a as A<'numeric'>);
    case 'fill_blanks':
      return gradeFillBlanks(q, a as A<'fill_blanks'>);
    case 'matching':
      return gradeMatching(q, a as A<'matching'>);
    case 'ordering':
      return gradeOrdering(q, a as A<'ordering'>);
  }
  return 0;
}

/** A code answer's fraction: the share of passing tests, from the sandbox's count. */
export function codeFraction(passed: number, total: number): number {
  return total > 0 ? clamp01(passed / total) : 0;
}

/** Points from a fraction, rounded to hundredths so sums stay exact enough to compare. */
export function pointsOf(fraction: number, points: number): number {
  return Math.round(fraction * points * 100) / 100;
}

/**
 * The answer key of a question: the fields that decide its grade. Regrading compares and swaps
 * only these, so an attempt keeps the wording and option order the learner saw.
 */
export function answerKey(q: Question): Record<string, unknown> {
  switch (q.type) {
    case 'single_choice':
      return { correctOptionId: q.correctOptionId };
    case 'multiple_choice':
      return { correctOptionIds: q.correctOptionIds, partialCredit: q.partialCredit };
    case 'true_false':
      return { correct: q.correct };
    case 'short_answer':
      return { answers: q.answers };
    case 'numeric':
      return { answer: q.answer, tolerance: q.tolerance, toleranceMode: q.toleranceMode };
    case 'fill_blanks':
      return { blanks: q.blanks };
    case 'matching':
      return { pairs: q.pairs, partialCredit: q.partialCredit };
    case 'ordering':
      return { correctOrder: q.correctOrder, partialCredit: q.partialCredit };
    case 'code':
      return { tests: q.tests, compareMode: q.compareMode };
    case 'essay':
    case 'file_response':
      return {};
  }
}

/** Stable JSON (sorted keys) so that two keys compare by content. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export const sameKey = (a: Question, b: Question) => stableJson(answerKey(a)) === stableJson(answerKey(b));

/**
 * The question as a learner may see it while answering: no key, no grader guidance, no feedback,
 * no test data; options in the attempt's frozen order.
 */
export function redactForLearner(q: Question, optionOrder?: string[]): Record<string, unknown> {
  const order = <T extends { id: string }>(xs: T[]): T[] =>
    optionOrder ? [...xs].sort((x, y) => optionOrder.indexOf(x.id) - optionOrder.indexOf(y.id)) : xs;
  const common = { type: q.type, prompt: q.prompt, points: q.points };
  switch (q.type) {
    case 'single_choice':
    case 'multiple_choice':
      return { ...common, options: order(q.options) };
    case 'true_false':
    case 'short_answer':
    case 'numeric':
      return common;
    case 'fill_blanks':
      return { ...common, text: q.text, blanks: q.blanks.map((b) => ({ id: b.id })) };
    case 'matching':
      return { ...common, prompts: q.prompts, choices: order(q.choices) };
    case 'ordering':
      return { ...common, items: order(q.items) };
    case 'essay':
      return { ...common, minWords: q.minWords, maxWords: q.maxWords };
    case 'file_response':
      return { ...common, allowedTypes: q.allowedTypes, maxBytes: q.maxBytes };
    case 'code':
      return { ...common, language: q.language, starterCode: q.starterCode };
  }
}

/** Ids of the options a question shows (to shuffle them per attempt), if it has any to shuffle. */
export function shufflableIds(q: Question): string[] | null {
  switch (q.type) {
    case 'single_choice':
    case 'multiple_choice':
      return q.shuffleOptions ? q.options.map((o) => o.id) : null;
    case 'matching':
      return q.choices.map((c) => c.id);
    case 'ordering':
      // ordering items are always presented scrambled, or the answer would be given away
      return q.items.map((i) => i.id);
    default:
      return null;
  }
}

/** Fisher-Yates with an injectable random source (tests pass a seeded one). */
export function shuffle<T>(xs: readonly T[], random: () => number = Math.random): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export type KeepPolicy = 'highest' | 'latest' | 'average';

/** The grade that counts across attempts (scores as fractions of max, attempts oldest first). */
export function keptScore(policy: KeepPolicy, scores: { score: number; maxScore: number }[]): { score: number; maxScore: number } | null {
  if (!scores.length) return null;
  const maxScore = scores[scores.length - 1]!.maxScore;
  const pct = (s: { score: number; maxScore: number }) => (s.maxScore > 0 ? s.score / s.maxScore : 0);
  let p: number;
  if (policy === 'latest') p = pct(scores[scores.length - 1]!);
  else if (policy === 'highest') p = Math.max(...scores.map(pct));
  else p = scores.reduce((s, x) => s + pct(x), 0) / scores.length;
  return { score: Math.round(p * maxScore * 100) / 100, maxScore };
}

/** Words in an essay: runs of non-space characters (the web app's counter counts the same way). */
export function countWords(text: string): number {
  const t = text.trim();
  return t ? t.split(/\s+/u).length : 0;
}

export interface WordLimitError {
  questionId: string;
  words: number;
  minWords?: number | undefined;
  maxWords?: number | undefined;
}

/**
 * Essays whose answer is outside the question's word limits. An essay left empty is not listed:
 * like any unanswered question it earns 0.
 */
export function wordLimitErrors(items: { questionId: string; question: Question }[], answers: Record<string, Answer | undefined>): WordLimitError[] {
  const out: WordLimitError[] = [];
  for (const { questionId, question: q } of items) {
    if (q.type !== 'essay' || (q.minWords === undefined && q.maxWords === undefined)) continue;
    const a = answers[questionId];
    const words = a?.type === 'essay' ? countWords(a.text) : 0;
    if (words === 0) continue;
    if ((q.minWords !== undefined && words < q.minWords) || (q.maxWords !== undefined && words > q.maxWords)) out.push({ questionId, words, minWords: q.minWords, maxWords: q.maxWords });
  }
  return out;
}
