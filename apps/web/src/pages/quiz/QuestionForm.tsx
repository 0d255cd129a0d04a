import { ActionIcon, Alert, Button, Checkbox, Group, NativeSelect, NumberInput, Paper, Radio, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { localId, QUESTION_TYPES, type QuestionInput, type QuestionType } from './types';

interface Opt {
  id: string;
  text: string;
}
interface Draft {
  type: QuestionType;
  prompt: string;
  points: number;
  tags: string;
  fbCorrect: string;
  fbIncorrect: string;
  fbGeneral: string;
  options: Opt[];
  correctIds: string[];
  shuffleOptions: boolean;
  partialCredit: boolean;
  tfCorrect: boolean;
  shortAnswers: { value: string; caseSensitive: boolean; regex: boolean }[];
  numAnswer: number;
  tolerance: number;
  toleranceMode: 'absolute' | 'percent';
  text: string;
  blanks: { id: string; answers: string; caseSensitive: boolean }[];
  pairs: { pid: string; ptext: string; cid: string; ctext: string }[];
  distractors: Opt[];
  items: Opt[];
  graderGuidance: string;
  minWords: number | '';
  maxWords: number | '';
  allowedTypes: string;
  maxMb: number;
  language: 'python' | 'javascript' | 'c' | 'cpp' | 'java';
  starterCode: string;
  tests: { stdin: string; expectedStdout: string }[];
  timeLimitMs: number;
  memoryLimitMb: number;
  compareMode: 'exact' | 'trim_trailing' | 'ignore_whitespace';
}

const opt = (text = ''): Opt => ({ id: localId('o'), text });

function blank(type: QuestionType): Draft {
  const a = opt();
  return {
    type,
    prompt: '',
    points: 1,
    tags: '',
    fbCorrect: '',
    fbIncorrect: '',
    fbGeneral: '',
    options: [a, opt()],
    correctIds: [a.id],
    shuffleOptions: true,
    partialCredit: type !== 'ordering',
    tfCorrect: true,
    shortAnswers: [{ value: '', caseSensitive: false, regex: false }],
    numAnswer: 0,
    tolerance: 0,
    toleranceMode: 'absolute',
    text: '',
    blanks: [{ id: 'b1', answers: '', caseSensitive: false }],
    pairs: [
      { pid: localId('p'), ptext: '', cid: localId('c'), ctext: '' },
      { pid: localId('p'), ptext: '', cid: localId('c'), ctext: '' },
    ],
    distractors: [],
    items: [opt(), opt()],
    graderGuidance: '',
    minWords: '',
    maxWords: '',
    allowedTypes: '',
    maxMb: 10,
    language: 'python',
    starterCode: '',
    tests: [{ stdin: '', expectedStdout: '' }],
    timeLimitMs: 2000,
    memoryLimitMb: 256,
    compareMode: 'trim_trailing',
  };
}

export function draftOf(q: QuestionInput | null, tags: string[] = [], type: QuestionType = 'single_choice'): Draft {
  if (!q) return blank(type);
  const d = blank(q.type);
  d.prompt = q.prompt;
  d.points = q.points ?? 1;
  d.tags = tags.join(', ');
  d.fbCorrect = q.feedback?.correct ?? '';
  d.fbIncorrect = q.feedback?.incorrect ?? '';
  d.fbGeneral = q.feedback?.general ?? '';
  switch (q.type) {
    case 'single_choice':
      return { ...d, options: q.options, correctIds: [q.correctOptionId], shuffleOptions: q.shuffleOptions ?? true };
    case 'multiple_choice':
      return { ...d, options: q.options, correctIds: q.correctOptionIds, shuffleOptions: q.shuffleOptions ?? true, partialCredit: q.partialCredit ?? true };
    case 'true_false':
      return { ...d, tfCorrect: q.correct };
    case 'short_answer':
      return { ...d, shortAnswers: q.answers.map((a) => ({ value: a.value, caseSensitive: a.caseSensitive ?? false, regex: a.regex ?? false })) };
    case 'numeric':
      return { ...d, numAnswer: q.answer, tolerance: q.tolerance ?? 0, toleranceMode: q.toleranceMode ?? 'absolute' };
    case 'fill_blanks':
      return { ...d, text: q.text, blanks: q.blanks.map((b) => ({ id: b.id, answers: b.answers.join(' | '), caseSensitive: b.caseSensitive ?? false })) };
    case 'matching': {
      const used = new Set(Object.values(q.pairs));
      return {
        ...d,
        partialCredit: q.partialCredit ?? true,
        pairs: q.prompts.map((p) => {
          const c = q.choices.find((x) => x.id === q.pairs[p.id]);
          return { pid: p.id, ptext: p.text, cid: c?.id ?? localId('c'), ctext: c?.text ?? '' };
        }),
        distractors: q.choices.filter((c) => !used.has(c.id)),
      };
    }
    case 'ordering':
      return { ...d, partialCredit: q.partialCredit ?? false, items: q.correctOrder.map((id) => q.items.find((i) => i.id === id) ?? { id, text: '' }) };
    case 'essay':
      return { ...d, graderGuidance: q.graderGuidance ?? '', minWords: q.minWords ?? '', maxWords: q.maxWords ?? '' };
    case 'file_response':
      return { ...d, graderGuidance: q.graderGuidance ?? '', allowedTypes: (q.allowedTypes ?? []).join(', '), maxMb: Math.round((q.maxBytes ?? 10 * 1024 * 1024) / 1024 / 1024) };
    case 'code':
      return { ...d, language: q.language, starterCode: q.starterCode ?? '', tests: q.tests.map((x) => ({ stdin: x.stdin ?? '', expectedStdout: x.expectedStdout })), timeLimitMs: q.timeLimitMs ?? 2000, memoryLimitMb: q.memoryLimitMb ?? 256, compareMode: q.compareMode ?? 'trim_trailing' };
  }
}

const list = (s: string, sep: RegExp) =>
  s
    .split(sep)
    .map((x) => x.trim())
    .filter(Boolean);

export function questionOf(d: Draft): { question: QuestionInput; tags: string[] } {
  const feedback = {
    ...(d.fbCorrect && { correct: d.fbCorrect }),
    ...(d.fbIncorrect && { incorrect: d.fbIncorrect }),
    ...(d.fbGeneral && { general: d.fbGeneral }),
  };
  const base = { prompt: d.prompt, points: d.points, feedback };
  const tags = list(d.tags, /,/);
  const q = ((): QuestionInput => {
    switch (d.type) {
      case 'single_choice':
        return { type: d.type, ...base, options: d.options, correctOptionId: d.correctIds[0] ?? '', shuffleOptions: d.shuffleOptions };
      case 'multiple_choice':
        return { type: d.type, ...base, options: d.options, correctOptionIds: d.correctIds, partialCredit: d.partialCredit, shuffleOptions: d.shuffleOptions };
      case 'true_false':
        return { type: d.type, ...base, correct: d.tfCorrect };
      case 'short_answer':
        return { type: d.type, ...base, answers: d.shortAnswers };
      case 'numeric':
        return { type: d.type, ...base, answer: d.numAnswer, tolerance: d.tolerance, toleranceMode: d.toleranceMode };
      case 'fill_blanks':
        return { type: d.type, ...base, text: d.text, blanks: d.blanks.map((b) => ({ id: b.id, answers: list(b.answers, /\|/), caseSensitive: b.caseSensitive })) };
      case 'matching':
        return {
          type: d.type,
          ...base,
          prompts: d.pairs.map((p) => ({ id: p.pid, text: p.ptext })),
          choices: [...d.pairs.map((p) => ({ id: p.cid, text: p.ctext })), ...d.distractors],
          pairs: Object.fromEntries(d.pairs.map((p) => [p.pid, p.cid])),
          partialCredit: d.partialCredit,
        };
      case 'ordering':
        return { type: d.type, ...base, items: d.items, correctOrder: d.items.map((i) => i.id), partialCredit: d.partialCredit };
      case 'essay':
        return { type: d.type, ...base, graderGuidance: d.graderGuidance, ...(d.minWords !== '' && { minWords: d.minWords }), ...(d.maxWords !== '' && { maxWords: d.maxWords }) };
      case 'file_response':
        return { type: d.type, ...base, graderGuidance: d.graderGuidance, allowedTypes: list(d.allowedTypes, /,/), maxBytes: Math.round(d.maxMb * 1024 * 1024) };
      case 'code':
        return { type: d.type, ...base, language: d.language, starterCode: d.starterCode, tests: d.tests, timeLimitMs: d.timeLimitMs, memoryLimitMb: d.memoryLimitMb, compareMode: d.compareMode };
    }
  })();
  return { question: q, tags };
}

function OptionRows({ items, onChange, label, renderExtra }: { items: Opt[]; onChange: (xs: Opt[]) => void; label: (i: number) => string; renderExtra?: (o: Opt) => React.ReactNode }) {
  const { t } = useTranslation();
  const move = (i: number, by: number) => {
    const xs = [...items];
    const [x] = xs.splice(i, 1);
    xs.splice(i + by, 0, x!);
    onChange(xs);
  };
  return (
    <Stack gap="xs">
      {items.map((o, i) => (
        <Group key={o.id} wrap="nowrap" align="flex-end">
          {renderExtra?.(o)}
          <TextInput style={{ flex: 1 }} label={label(i)} value={o.text} onChange={(e) => onChange(items.map((x) => (x.id === o.id ? { ...x, text: e.currentTarget.value } : x)))} />
          <ActionIcon variant="default" aria-label={t('quiz.form.moveUp', { n: i + 1 })} disabled={i === 0} onClick={() => move(i, -1)}>
            ↑
          </ActionIcon>
          <ActionIcon variant="default" aria-label={t('quiz.form.moveDown', { n: i + 1 })} disabled={i === items.length - 1} onClick={() => move(i, 1)}>
            ↓
          </ActionIcon>
          <ActionIcon variant="subtle" color="red" aria-label={t('quiz.form.remove', { n: i + 1 })} disabled={items.length <= 2} onClick={() => onChange(items.filter((x) => x.id !== o.id))}>
            ×
          </ActionIcon>
        </Group>
      ))}
      <Button variant="default" size="xs" style={{ alignSelf: 'flex-start' }} onClick={() => onChange([...items, opt()])}>
        {t('quiz.form.addOption')}
      </Button>
    </Stack>
  );
}

/** Create or edit one question of any type, each type with its own fields. */
export function QuestionForm({
  initial,
  tags,
  saving,
  errors,
  onSave,
  onCancel,
}: {
  initial: QuestionInput | null;
  tags?: string[];
  saving: boolean;
  errors: Record<string, string>;
  onSave: (v: { question: QuestionInput; tags: string[] }) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [d, setD] = useState<Draft>(() => draftOf(initial, tags));
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const err = (k: string) => errors[`question.${k}`];
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!saving) onSave(questionOf(d));
  };
  const otherErrors = Object.entries(errors).filter(([k]) => !['question.prompt', 'question.points', 'tags'].includes(k));

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <NativeSelect
          label={t('quiz.form.type')}
          value={d.type}
          disabled={initial !== null}
          onChange={(e) => setD((x) => ({ ...blank(e.currentTarget.value as QuestionType), prompt: x.prompt, points: x.points, tags: x.tags }))}
          data={QUESTION_TYPES.map((ty) => ({ value: ty, label: t(`quiz.types.${ty}`) }))}
        />
        <Textarea label={t('quiz.form.prompt')} autosize minRows={2} required value={d.prompt} onChange={(e) => set('prompt', e.currentTarget.value)} error={err('prompt')} />
        <Group grow align="flex-start" wrap="wrap">
          <NumberInput label={t('quiz.form.points')} min={0} max={1000} value={d.points} onChange={(v) => set('points', Number(v) || 0)} error={err('points')} />
          <TextInput label={t('quiz.form.tags')} description={t('quiz.form.tagsHint')} value={d.tags} onChange={(e) => set('tags', e.currentTarget.value)} error={errors.tags} />
        </Group>

        {(d.type === 'single_choice' || d.type === 'multiple_choice') && (
          <Paper withBorder p="sm">
            <Text size="sm" fw={500} mb="xs">
              {d.type === 'single_choice' ? t('quiz.form.optionsSingle') : t('quiz.form.optionsMultiple')}
            </Text>
            <OptionRows
              items={d.options}
              onChange={(xs) => setD((x) => ({ ...x, options: xs, correctIds: x.correctIds.filter((id) => xs.some((o) => o.id === id)) }))}
              label={(i) => t('quiz.form.option', { n: i + 1 })}
              renderExtra={(o) =>
                d.type === 'single_choice' ? (
                  <Radio aria-label={t('quiz.form.markCorrect', { text: o.text || '…' })} checked={d.correctIds[0] === o.id} onChange={() => set('correctIds', [o.id])} mb={8} />
                ) : (
                  <Checkbox
                    aria-label={t('quiz.form.markCorrect', { text: o.text || '…' })}
                    checked={d.correctIds.includes(o.id)}
                    onChange={(e) => set('correctIds', e.currentTarget.checked ? [...d.correctIds, o.id] : d.correctIds.filter((x) => x !== o.id))}
                    mb={8}
                  />
                )
              }
            />
            <Group mt="xs">
              <Checkbox label={t('quiz.form.shuffleOptions')} checked={d.shuffleOptions} onChange={(e) => set('shuffleOptions', e.currentTarget.checked)} />
              {d.type === 'multiple_choice' && <Checkbox label={t('quiz.form.partialCredit')} checked={d.partialCredit} onChange={(e) => set('partialCredit', e.currentTarget.checked)} />}
            </Group>
          </Paper>
        )}

        {d.type === 'true_false' && (
          <Radio.Group label={t('quiz.form.correctAnswer')} value={d.tfCorrect ? 'true' : 'false'} onChange={(v) => set('tfCorrect', v === 'true')}>
            <Group mt="xs">
              <Radio value="true" label={t('quiz.true')} />
              <Radio value="false" label={t('quiz.false')} />
            </Group>
          </Radio.Group>
        )}

        {d.type === 'short_answer' && (
          <Paper withBorder p="sm">
            <Text size="sm" fw={500} mb="xs">
              {t('quiz.form.acceptedAnswers')}
            </Text>
            <Stack gap="xs">
              {d.shortAnswers.map((a, i) => (
                <Group key={i} align="flex-end" wrap="wrap">
                  <TextInput style={{ flex: 1 }} label={t('quiz.form.answerN', { n: i + 1 })} value={a.value} onChange={(e) => set('shortAnswers', d.shortAnswers.map((x, j) => (j === i ? { ...x, value: e.currentTarget.value } : x)))} />
                  <Checkbox label={t('quiz.form.caseSensitive')} checked={a.caseSensitive} onChange={(e) => set('shortAnswers', d.shortAnswers.map((x, j) => (j === i ? { ...x, caseSensitive: e.currentTarget.checked } : x)))} mb={8} />
                  <Checkbox label={t('quiz.form.regex')} checked={a.regex} onChange={(e) => set('shortAnswers', d.shortAnswers.map((x, j) => (j === i ? { ...x, regex: e.currentTarget.checked } : x)))} mb={8} />
                  <ActionIcon variant="subtle" color="red" aria-label={t('quiz.form.remove', { n: i + 1 })} disabled={d.shortAnswers.length === 1} onClick={() => set('shortAnswers', d.shortAnswers.filter((_, j) => j !== i))} mb={4}>
                    ×
                  </ActionIcon>
                </Group>
              ))}
              <Button variant="default" size="xs" style={{ alignSelf: 'flex-start' }} onClick={() => set('shortAnswers', [...d.shortAnswers, { value: '', caseSensitive: false, regex: false }])}>
                {t('quiz.form.addAnswer')}
              </Button>
            </Stack>
          </Paper>
        )}

        {d.type === 'numeric' && (
          <Group grow align="flex-start" wrap="wrap">
            <NumberInput label={t('quiz.form.numAnswer')} value={d.numAnswer} decimalScale={6} onChange={(v) => set('numAnswer', Number(v) || 0)} error={err('answer')} />
            <NumberInput label={t('quiz.form.tolerance')} min={0} decimalScale={6} value={d.tolerance} onChange={(v) => set('tolerance', Number(v) || 0)} />
            <NativeSelect
              label={t('quiz.form.toleranceMode')}
              value={d.toleranceMode}
              onChange={(e) => set('toleranceMode', e.currentTarget.value as Draft['toleranceMode'])}
              data={[
                { value: 'absolute', label: t('quiz.form.absolute') },
                { value: 'percent', label: t('quiz.form.percent') },
              ]}
            />
          </Group>
        )}

        {d.type === 'fill_blanks' && (
          <Paper withBorder p="sm">
            <Textarea label={t('quiz.form.blankText')} description={t('quiz.form.blankTextHint')} autosize minRows={2} value={d.text} onChange={(e) => set('text', e.currentTarget.value)} error={err('text')} />
            <Stack gap="xs" mt="xs">
              {d.blanks.map((b, i) => (
                <Group key={i} align="flex-end" wrap="wrap">
                  <TextInput w={100} label={t('quiz.form.blankId')} value={b.id} onChange={(e) => set('blanks', d.blanks.map((x, j) => (j === i ? { ...x, id: e.currentTarget.value } : x)))} />
                  <TextInput style={{ flex: 1 }} label={t('quiz.form.blankAnswers')} value={b.answers} onChange={(e) => set('blanks', d.blanks.map((x, j) => (j === i ? { ...x, answers: e.currentTarget.value } : x)))} />
                  <Checkbox label={t('quiz.form.caseSensitive')} checked={b.caseSensitive} onChange={(e) => set('blanks', d.blanks.map((x, j) => (j === i ? { ...x, caseSensitive: e.currentTarget.checked } : x)))} mb={8} />
                  <ActionIcon variant="subtle" color="red" aria-label={t('quiz.form.remove', { n: i + 1 })} disabled={d.blanks.length === 1} onClick={() => set('blanks', d.blanks.filter((_, j) => j !== i))} mb={4}>
                    ×
                  </ActionIcon>
                </Group>
              ))}
              <Button variant="default" size="xs" style={{ alignSelf: 'flex-start' }} onClick={() => set('blanks', [...d.blanks, { id: `b${d.blanks.length + 1}`, answers: '', caseSensitive: false }])}>
                {t('quiz.form.addBlank')}
              </Button>
            </Stack>
          </Paper>
        )}

        {d.type === 'matching' && (
          <Paper withBorder p="sm">
            <Text size="sm" fw={500} mb="xs">
              {t('quiz.form.pairs')}
            </Text>
            <Stack gap="xs">
              {d.pairs.map((p, i) => (
                <Group key={p.pid} grow align="flex-end" wrap="wrap">
                  <TextInput label={t('quiz.form.left', { n: i + 1 })} value={p.ptext} onChange={(e) => set('pairs', d.pairs.map((x) => (x.pid === p.pid ? { ...x, ptext: e.currentTarget.value } : x)))} />
                  <TextInput label={t('quiz.form.right', { n: i + 1 })} value={p.ctext} onChange={(e) => set('pairs', d.pairs.map((x) => (x.pid === p.pid ? { ...x, ctext: e.currentTarget.value } : x)))} />
                  <Button variant="subtle" color="red" style={{ flexGrow: 0 }} disabled={d.pairs.length <= 2} onClick={() => set('pairs', d.pairs.filter((x) => x.pid !== p.pid))} aria-label={t('quiz.form.remove', { n: i + 1 })}>
                    ×
                  </Button>
                </Group>
              ))}
              <Button variant="default" size="xs" style={{ alignSelf: 'flex-start' }} onClick={() => set('pairs', [...d.pairs, { pid: localId('p'), ptext: '', cid: localId('c'), ctext: '' }])}>
                {t('quiz.form.addPair')}
              </Button>
              <Text size="sm" fw={500}>
                {t('quiz.form.distractors')}
              </Text>
              {d.distractors.map((o, i) => (
                <Group key={o.id} align="flex-end">
                  <TextInput style={{ flex: 1 }} label={t('quiz.form.distractor', { n: i + 1 })} value={o.text} onChange={(e) => set('distractors', d.distractors.map((x) => (x.id === o.id ? { ...x, text: e.currentTarget.value } : x)))} />
                  <ActionIcon variant="subtle" color="red" aria-label={t('quiz.form.remove', { n: i + 1 })} onClick={() => set('distractors', d.distractors.filter((x) => x.id !== o.id))} mb={4}>
                    ×
                  </ActionIcon>
                </Group>
              ))}
              <Button variant="default" size="xs" style={{ alignSelf: 'flex-start' }} onClick={() => set('distractors', [...d.distractors, { id: localId('c'), text: '' }])}>
                {t('quiz.form.addDistractor')}
              </Button>
              <Checkbox label={t('quiz.form.partialCredit')} checked={d.partialCredit} onChange={(e) => set('partialCredit', e.currentTarget.checked)} />
            </Stack>
          </Paper>
        )}

        {d.type === 'ordering' && (
          <Paper withBorder p="sm">
            <Text size="sm" fw={500} mb="xs">
              {t('quiz.form.orderingHint')}
            </Text>
            <OptionRows items={d.items} onChange={(xs) => set('items', xs)} label={(i) => t('quiz.form.position', { n: i + 1 })} />
            <Checkbox mt="xs" label={t('quiz.form.partialCreditOrder')} checked={d.partialCredit} onChange={(e) => set('partialCredit', e.currentTarget.checked)} />
          </Paper>
        )}

        {(d.type === 'essay' || d.type === 'file_response') && (
          <Textarea label={t('quiz.form.graderGuidance')} autosize minRows={2} value={d.graderGuidance} onChange={(e) => set('graderGuidance', e.currentTarget.value)} />
        )}
        {d.type === 'essay' && (
          <Group grow wrap="wrap">
            <NumberInput label={t('quiz.form.minWords')} min={0} value={d.minWords} onChange={(v) => set('minWords', v === '' ? '' : Number(v))} />
            <NumberInput label={t('quiz.form.maxWords')} min={1} value={d.maxWords} onChange={(v) => set('maxWords', v === '' ? '' : Number(v))} error={err('maxWords')} />
          </Group>
        )}
        {d.type === 'file_response' && (
          <Group grow wrap="wrap" align="flex-start">
            <TextInput label={t('quiz.form.allowedTypes')} description={t('quiz.form.allowedTypesHint')} value={d.allowedTypes} onChange={(e) => set('allowedTypes', e.currentTarget.value)} />
            <NumberInput label={t('quiz.form.maxMb')} min={1} max={100} value={d.maxMb} onChange={(v) => set('maxMb', Number(v) || 1)} />
          </Group>
        )}

        {d.type === 'code' && (
          <Paper withBorder p="sm">
            <NativeSelect
              label={t('quiz.form.language')}
              value={d.language}
              onChange={(e) => set('language', e.currentTarget.value as Draft['language'])}
              data={['python', 'javascript', 'c', 'cpp', 'java']}
            />
            <Textarea mt="xs" label={t('quiz.form.starterCode')} autosize minRows={3} styles={{ input: { fontFamily: 'monospace' } }} value={d.starterCode} onChange={(e) => set('starterCode', e.currentTarget.value)} />
            <Stack gap="xs" mt="xs">
              {d.tests.map((x, i) => (
                <Group key={i} grow align="flex-end" wrap="wrap">
                  <Textarea label={t('quiz.form.stdin', { n: i + 1 })} autosize styles={{ input: { fontFamily: 'monospace' } }} value={x.stdin} onChange={(e) => set('tests', d.tests.map((y, j) => (j === i ? { ...y, stdin: e.currentTarget.value } : y)))} />
                  <Textarea label={t('quiz.form.expected', { n: i + 1 })} autosize styles={{ input: { fontFamily: 'monospace' } }} value={x.expectedStdout} onChange={(e) => set('tests', d.tests.map((y, j) => (j === i ? { ...y, expectedStdout: e.currentTarget.value } : y)))} />
                  <Button variant="subtle" color="red" style={{ flexGrow: 0 }} disabled={d.tests.length === 1} onClick={() => set('tests', d.tests.filter((_, j) => j !== i))} aria-label={t('quiz.form.remove', { n: i + 1 })}>
                    ×
                  </Button>
                </Group>
              ))}
              <Button variant="default" size="xs" style={{ alignSelf: 'flex-start' }} onClick={() => set('tests', [...d.tests, { stdin: '', expectedStdout: '' }])}>
                {t('quiz.form.addTest')}
              </Button>
            </Stack>
          </Paper>
        )}

        <Textarea label={t('quiz.form.fbCorrect')} autosize value={d.fbCorrect} onChange={(e) => set('fbCorrect', e.currentTarget.value)} />
        <Textarea label={t('quiz.form.fbIncorrect')} autosize value={d.fbIncorrect} onChange={(e) => set('fbIncorrect', e.currentTarget.value)} />
        <Textarea label={t('quiz.form.fbGeneral')} autosize value={d.fbGeneral} onChange={(e) => set('fbGeneral', e.currentTarget.value)} />

        {otherErrors.length > 0 && (
          <Alert color="red" role="alert">
            {otherErrors.map(([k, m]) => (
              <div key={k}>
                {k.replace(/^question\./, '')}: {m}
              </div>
            ))}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('app.cancel')}
          </Button>
          <Button type="submit" loading={saving}>
            {t('quiz.form.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
