import { describe, expect, it } from 'vitest';
import { answerKey, codeFraction, countWords, gradeAnswer, keptScore, redactForLearner, sameKey, shuffle, wordLimitErrors } from './grading.js';
import { Question, type QuestionInput } from './questions.model.js';

const q = (input: QuestionInput) => Question.parse(input);
const opts = [
  { id: 'a', text: 'A' },
  { id: 'b', text: 'B' },
  { id: 'c', text: 'C' },
  { id: 'd', text: 'D' },
];

describe('grading per question type', () => {
  it('single choice', () => {
    const s = q({ type: 'single_choice', prompt: 'p', options: opts, correctOptionId: 'b' });
    expect(gradeAnswer(s, { type: 'single_choice', optionId: 'b' })).toBe(1);
    expect(gradeAnswer(s, { type: 'single_choice', optionId: 'a' })).toBe(0);
    expect(gradeAnswer(s, undefined)).toBe(0);
    expect(gradeAnswer(s, { type: 'true_false', value: true })).toBe(0);
  });

  it('multiple choice: partial credit, wrong picks subtract, never below 0; all-or-nothing without it', () => {
    const m = q({ type: 'multiple_choice', prompt: 'p', options: opts, correctOptionIds: ['a', 'b'] });
    expect(gradeAnswer(m, { type: 'multiple_choice', optionIds: ['a', 'b'] })).toBe(1);
    expect(gradeAnswer(m, { type: 'multiple_choice', optionIds: ['a'] })).toBe(0.5);
    expect(gradeAnswer(m, { type: 'multiple_choice', optionIds: ['a', 'c'] })).toBe(0);
    expect(gradeAnswer(m, { type: 'multiple_choice', optionIds: ['a', 'b', 'c'] })).toBe(0.5);
    expect(gradeAnswer(m, { type: 'multiple_choice', optionIds: ['c', 'd'] })).toBe(0);
    const strict = q({ type: 'multiple_choice', prompt: 'p', options: opts, correctOptionIds: ['a', 'b'], partialCredit: false });
    expect(gradeAnswer(strict, { type: 'multiple_choice', optionIds: ['a'] })).toBe(0);
    expect(gradeAnswer(strict, { type: 'multiple_choice', optionIds: ['b', 'a'] })).toBe(1);
  });

  it('true/false', () => {
    const t = q({ type: 'true_false', prompt: 'p', correct: false });
    expect(gradeAnswer(t, { type: 'true_false', value: false })).toBe(1);
    expect(gradeAnswer(t, { type: 'true_false', value: true })).toBe(0);
  });

  it('short answer: alternatives, case option, regex, spaces normalised', () => {
    const s = q({
      type: 'short_answer',
      prompt: 'p',
      answers: [{ value: 'New  York' }, { value: 'NYC', caseSensitive: true }, { value: 'colou?r', regex: true }],
    });
    expect(gradeAnswer(s, { type: 'short_answer', text: '  new york ' })).toBe(1);
    expect(gradeAnswer(s, { type: 'short_answer', text: 'new\t  york' })).toBe(1);
    expect(gradeAnswer(s, { type: 'short_answer', text: 'NYC' })).toBe(1);
    expect(gradeAnswer(s, { type: 'short_answer', text: 'nyc' })).toBe(0);
    expect(gradeAnswer(s, { type: 'short_answer', text: 'Color' })).toBe(1);
    expect(gradeAnswer(s, { type: 'short_answer', text: 'colour' })).toBe(1);
    expect(gradeAnswer(s, { type: 'short_answer', text: 'colors' })).toBe(0);
    expect(gradeAnswer(s, { type: 'short_answer', text: '' })).toBe(0);
    const bad = q({ type: 'short_answer', prompt: 'p', answers: [{ value: '(', regex: true }] });
    expect(gradeAnswer(bad, { type: 'short_answer', text: '(' })).toBe(0);
  });

  it('numeric: absolute and percent tolerance', () => {
    const abs = q({ type: 'numeric', prompt: 'p', answer: 3.14, tolerance: 0.01 });
    expect(gradeAnswer(abs, { type: 'numeric', value: 3.15 })).toBe(1);
    expect(gradeAnswer(abs, { type: 'numeric', value: 3.13 })).toBe(1);
    expect(gradeAnswer(abs, { type: 'numeric', value: 3.16 })).toBe(0);
    const pct = q({ type: 'numeric', prompt: 'p', answer: 200, tolerance: 5, toleranceMode: 'percent' });
    expect(gradeAnswer(pct, { type: 'numeric', value: 210 })).toBe(1);
    expect(gradeAnswer(pct, { type: 'numeric', value: 211 })).toBe(0);
    const exact = q({ type: 'numeric', prompt: 'p', answer: 0.3 });
    expect(gradeAnswer(exact, { type: 'numeric', value: 0.1 + 0.2 })).toBe(1);
  });

  it('fill in the blanks: each blank its share, case option, spaces normalised', () => {
    const f = q({
      type: 'fill_blanks',
      prompt: 'p',
      text: 'The {{b1}} is {{b2}}.',
      blanks: [
        { id: 'b1', answers: ['sky'] },
        { id: 'b2', answers: ['Blue', 'azure'], caseSensitive: true },
      ],
    });
    expect(gradeAnswer(f, { type: 'fill_blanks', blanks: { b1: ' SKY ', b2: 'Blue' } })).toBe(1);
    expect(gradeAnswer(f, { type: 'fill_blanks', blanks: { b1: 'sky', b2: 'blue' } })).toBe(0.5);
    expect(gradeAnswer(f, { type: 'fill_blanks', blanks: {} })).toBe(0);
  });

  it('matching: share of right pairs, or all-or-nothing', () => {
    const m = q({
      type: 'matching',
      prompt: 'p',
      prompts: [
        { id: 'p1', text: 'France' },
        { id: 'p2', text: 'Spain' },
      ],
      choices: [
        { id: 'c1', text: 'Paris' },
        { id: 'c2', text: 'Madrid' },
        { id: 'c3', text: 'Rome' },
      ],
      pairs: { p1: 'c1', p2: 'c2' },
    });
    expect(gradeAnswer(m, { type: 'matching', pairs: { p1: 'c1', p2: 'c2' } })).toBe(1);
    expect(gradeAnswer(m, { type: 'matching', pairs: { p1: 'c1', p2: 'c3' } })).toBe(0.5);
    const strict = q({ ...m, partialCredit: false } as QuestionInput);
    expect(gradeAnswer(strict, { type: 'matching', pairs: { p1: 'c1', p2: 'c3' } })).toBe(0);
  });

  it('ordering: all or nothing by default, partial credit by position when enabled', () => {
    const o = q({ type: 'ordering', prompt: 'p', items: opts.slice(0, 3), correctOrder: ['a', 'b', 'c'] });
    expect(gradeAnswer(o, { type: 'ordering', order: ['a', 'b', 'c'] })).toBe(1);
    expect(gradeAnswer(o, { type: 'ordering', order: ['a', 'c', 'b'] })).toBe(0);
    const partial = q({ type: 'ordering', prompt: 'p', items: opts.slice(0, 3), correctOrder: ['a', 'b', 'c'], partialCredit: true });
    expect(gradeAnswer(partial, { type: 'ordering', order: ['a', 'c', 'b'] })).toBeCloseTo(1 / 3);
  });

  it('essay and file response wait for a person; code for the sandbox', () => {
    expect(gradeAnswer(q({ type: 'essay', prompt: 'p' }), { type: 'essay', text: 'words' })).toBeNull();
    expect(gradeAnswer(q({ type: 'file_response', prompt: 'p' }), { type: 'file_response', fileId: 'x' })).toBeNull();
    const code = q({ type: 'code', prompt: 'p', language: 'python', tests: [{ expectedStdout: '1' }] });
    expect(gradeAnswer(code, { type: 'code', code: 'print(1)' })).toBeNull();
    expect(codeFraction(3, 4)).toBe(0.75);
    expect(codeFraction(0, 0)).toBe(0);
  });
});

describe('keys, redaction, shuffling, keep policies', () => {
  it('detects an answer-key change but not a wording change', () => {
    const a = q({ type: 'single_choice', prompt: 'p', options: opts, correctOptionId: 'b' });
    expect(sameKey(a, q({ ...a, prompt: 'reworded' } as QuestionInput))).toBe(true);
    expect(sameKey(a, q({ ...a, correctOptionId: 'c' } as QuestionInput))).toBe(false);
    expect(answerKey(a)).toEqual({ correctOptionId: 'b' });
  });

  it('a learner never sees the key of any type', () => {
    const all: QuestionInput[] = [
      { type: 'single_choice', prompt: 'p', options: opts, correctOptionId: 'b' },
      { type: 'multiple_choice', prompt: 'p', options: opts, correctOptionIds: ['a'] },
      { type: 'true_false', prompt: 'p', correct: true },
      { type: 'short_answer', prompt: 'p', answers: [{ value: 'secret' }] },
      { type: 'numeric', prompt: 'p', answer: 42 },
      { type: 'fill_blanks', prompt: 'p', text: '{{x}}', blanks: [{ id: 'x', answers: ['secret'] }] },
      { type: 'ordering', prompt: 'p', items: opts.slice(0, 2), correctOrder: ['a', 'b'] },
      { type: 'essay', prompt: 'p', graderGuidance: 'secret' },
      { type: 'code', prompt: 'p', language: 'python', tests: [{ expectedStdout: 'secret' }] },
    ];
    for (const input of all) {
      const view = JSON.stringify(redactForLearner(q(input)));
      for (const k of ['correctOptionId', 'correctOptionIds', '"correct"', 'secret', '"answer"', 'correctOrder', 'graderGuidance', 'tests', 'feedback']) {
        expect(view, `${input.type}: ${k}`).not.toContain(k);
      }
    }
  });

  it('shuffles with the given random source and presents options in the frozen order', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const order = shuffle(['a', 'b', 'c', 'd'], rnd);
    expect([...order].sort()).toEqual(['a', 'b', 'c', 'd']);
    const view = redactForLearner(q({ type: 'single_choice', prompt: 'p', options: opts, correctOptionId: 'a' }), order) as { options: { id: string }[] };
    expect(view.options.map((o) => o.id)).toEqual(order);
  });

  it('keeps the highest, the latest or the average', () => {
    const s = [
      { score: 4, maxScore: 10 },
      { score: 9, maxScore: 10 },
      { score: 5, maxScore: 10 },
    ];
    expect(keptScore('highest', s)).toEqual({ score: 9, maxScore: 10 });
    expect(keptScore('latest', s)).toEqual({ score: 5, maxScore: 10 });
    expect(keptScore('average', s)).toEqual({ score: 6, maxScore: 10 });
    expect(keptScore('average', [])).toBeNull();
  });
});

describe('essay word limits', () => {
  it('counts runs of non-space characters', () => {
    expect(countWords('')).toBe(0);
    expect(countWords('   \n ')).toBe(0);
    expect(countWords(' one  two\tthree\nfour ')).toBe(4);
    expect(countWords('Łukasz—Żółć writes')).toBe(2);
  });
  it('lists answered essays outside their limits, not empty ones or other types', () => {
    const essay = q({ type: 'essay', prompt: 'p', minWords: 2, maxWords: 3 });
    const free = q({ type: 'essay', prompt: 'p' });
    const tf = q({ type: 'true_false', prompt: 'p', correct: true });
    const items = [
      { questionId: 'e', question: essay },
      { questionId: 'f', question: free },
      { questionId: 't', question: tf },
    ];
    expect(wordLimitErrors(items, {})).toEqual([]);
    expect(wordLimitErrors(items, { e: { type: 'essay', text: 'one' }, f: { type: 'essay', text: 'x' } })).toEqual([{ questionId: 'e', words: 1, minWords: 2, maxWords: 3 }]);
    expect(wordLimitErrors(items, { e: { type: 'essay', text: 'a b c d' } })).toEqual([{ questionId: 'e', words: 4, minWords: 2, maxWords: 3 }]);
    expect(wordLimitErrors(items, { e: { type: 'essay', text: 'a b c' } })).toEqual([]);
  });
});
