import { Question, type QuestionInput } from '../questions.model.js';
import type { QtiQuestion } from './qti-export.js';

/** One question of every type, with the features each type's QTI mapping has to carry. Shared by the QTI tests. */
const inputs: (QuestionInput & { id: string })[] = [
  {
    id: '0190a000-0000-7000-8000-000000000001',
    type: 'single_choice',
    prompt: 'What is the capital of **France**?',
    options: [
      { id: 'a', text: 'Paris' },
      { id: 'b', text: 'Lyon & Nice' },
      { id: 'c', text: 'Marseille <big>' },
    ],
    correctOptionId: 'a',
    feedback: { correct: 'Yes, *Paris*.', incorrect: 'No: it is Paris.' },
  },
  {
    id: '0190a000-0000-7000-8000-000000000002',
    type: 'multiple_choice',
    prompt: 'Pick the prime numbers:\n\n- below 10\n- greater than 1',
    points: 3,
    options: [
      { id: 'two', text: '2' },
      { id: 'three', text: '3' },
      { id: 'four', text: '4' },
      { id: 'five', text: '5' },
    ],
    correctOptionIds: ['two', 'three', 'five'],
    partialCredit: true,
    shuffleOptions: false,
  },
  {
    id: '0190a000-0000-7000-8000-000000000003',
    type: 'true_false',
    prompt: 'The Earth orbits the Sun.',
    correct: true,
    feedback: { general: 'See [Kepler](https://en.wikipedia.org/wiki/Kepler%27s_laws_of_planetary_motion).' },
  },
  {
    id: '0190a000-0000-7000-8000-000000000004',
    type: 'short_answer',
    prompt: 'Name the language of `console.log`.',
    points: 2,
    answers: [
      { value: 'JavaScript', caseSensitive: false, regex: false },
      { value: 'ECMAScript', caseSensitive: true, regex: false },
      { value: '[Jj]ava[Ss]cript', caseSensitive: true, regex: true },
    ],
  },
  {
    id: '0190a000-0000-7000-8000-000000000005',
    type: 'numeric',
    prompt: 'What is pi, to two decimals?',
    answer: 3.14,
    tolerance: 0.005,
    toleranceMode: 'absolute',
  },
  {
    id: '0190a000-0000-7000-8000-000000000006',
    type: 'numeric',
    prompt: 'How many metres in a mile?',
    answer: 1609.344,
    tolerance: 1,
    toleranceMode: 'percent',
    points: 1.5,
  },
  {
    id: '0190a000-0000-7000-8000-000000000007',
    type: 'fill_blanks',
    prompt: 'Complete the sentence.',
    text: 'The **quick** {{color}} fox jumps over the lazy {{animal}}.',
    points: 4,
    blanks: [
      { id: 'color', answers: ['brown', 'red'], caseSensitive: false },
      { id: 'animal', answers: ['Dog'], caseSensitive: true },
    ],
  },
  {
    id: '0190a000-0000-7000-8000-000000000008',
    type: 'matching',
    prompt: 'Match each country to its capital.',
    points: 2,
    prompts: [
      { id: 'fr', text: 'France' },
      { id: 'es', text: 'Spain' },
    ],
    choices: [
      { id: 'paris', text: 'Paris' },
      { id: 'madrid', text: 'Madrid' },
      { id: 'rome', text: 'Rome' },
    ],
    pairs: { fr: 'paris', es: 'madrid' },
    partialCredit: true,
  },
  {
    id: '0190a000-0000-7000-8000-000000000009',
    type: 'ordering',
    prompt: 'Put the steps in order.',
    items: [
      { id: 's1', text: 'Write' },
      { id: 's2', text: 'Test' },
      { id: 's3', text: 'Ship' },
    ],
    correctOrder: ['s1', 's2', 's3'],
    partialCredit: true,
    points: 3,
  },
  {
    id: '0190a000-0000-7000-8000-00000000000a',
    type: 'ordering',
    prompt: 'Smallest first.',
    items: [
      { id: 'b', text: 'Two' },
      { id: 'a', text: 'One' },
    ],
    correctOrder: ['a', 'b'],
  },
  {
    id: '0190a000-0000-7000-8000-00000000000b',
    type: 'essay',
    prompt: '## Essay\n\nDiscuss *one* cause of the French Revolution.',
    points: 10,
    graderGuidance: 'Look for **evidence**.',
    minWords: 100,
    maxWords: 500,
    feedback: { general: 'Thanks for writing.' },
  },
  {
    id: '0190a000-0000-7000-8000-00000000000c',
    type: 'file_response',
    prompt: 'Upload your report.',
    points: 5,
    graderGuidance: 'Check the structure.',
    allowedTypes: ['application/pdf', 'image/png'],
    maxBytes: 2_000_000,
  },
  {
    id: '0190a000-0000-7000-8000-00000000000d',
    type: 'code',
    prompt: 'Print the sum of two numbers read from stdin.',
    points: 5,
    language: 'python',
    starterCode: 'a, b = map(int, input().split())\n',
    tests: [
      { stdin: '1 2\n', expectedStdout: '3\n' },
      { stdin: '5 <7>\n', expectedStdout: '12 & more\n' },
    ],
  },
  {
    id: '0190a000-0000-7000-8000-00000000000e',
    type: 'fill_blanks',
    prompt: 'One blank only.',
    text: '2 + 2 = {{sum}}',
    blanks: [{ id: 'sum', answers: ['4', 'four'] }],
  },
];

export const SAMPLES: QtiQuestion[] = inputs.map(({ id, ...q }) => ({ id, ...Question.parse(q) }));
export const withoutIds = (qs: QtiQuestion[]) => qs.map(({ id: _id, title: _title, ...q }) => q);
