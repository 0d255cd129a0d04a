import { ActionIcon, Alert, Anchor, Button, Checkbox, Group, NativeSelect, NumberInput, Paper, Skeleton, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call, callOrNull } from '../../api';
import { bodyFieldErrors, EmptyState, ErrorState, notify, notifyError } from '../../components/common';
import { useCourseBanks } from './QuestionBankPage';
import type { BankQuestion, BankQuestionPage, PutQuiz, Quiz, QuizItemSource } from './types';

type Draft = Required<Omit<PutQuiz, 'items'>> & { items: QuizItemSource[] };

const toLocal = (iso: string | null) => (iso ? new Date(new Date(iso).getTime() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16) : '');
const fromLocal = (v: string) => (v ? new Date(v).toISOString() : null);

function draftOf(q: Quiz | null): Draft {
  return {
    instructions: q?.instructions ?? '',
    timeLimitSeconds: q?.timeLimitSeconds ?? null,
    attemptsAllowed: q?.attemptsAllowed ?? null,
    keepPolicy: q?.keepPolicy ?? 'highest',
    passingScore: q?.passingScore ?? 60,
    shuffleQuestions: q?.shuffleQuestions ?? false,
    shuffleOptions: q?.shuffleOptions ?? false,
    drawCount: q?.drawCount ?? null,
    opensAt: q?.opensAt ?? null,
    closesAt: q?.closesAt ?? null,
    feedbackTiming: q?.feedbackTiming ?? 'immediately',
    showCorrectAnswers: q?.showCorrectAnswers ?? true,
    items: (q?.items as QuizItemSource[] | undefined) ?? [],
  };
}

/** The quiz of a quiz lesson: settings, and questions picked from the course's banks in order. */
export function QuizBuilder({ courseId, lessonId }: { courseId: string; lessonId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const quiz = useQuery({
    queryKey: ['quiz', lessonId],
    queryFn: () => callOrNull<Quiz>(api.GET('/api/v1/courses/{courseId}/lessons/{lessonId}/quiz', { params: { path: { courseId, lessonId } } })),
  });
  const banks = useCourseBanks(courseId);
  const [bankId, setBankId] = useState<string>('');
  const bank = banks.data?.items.find((b) => b.id === bankId) ?? banks.data?.items[0];
  const questions = useQuery({
    queryKey: ['bank-questions-all', bank?.id],
    enabled: !!bank,
    queryFn: () => call<BankQuestionPage>(api.GET('/api/v1/question-banks/{bankId}/questions', { params: { path: { bankId: bank!.id }, query: { limit: 100 } } })),
  });
  const [known, setKnown] = useState<Record<string, BankQuestion>>({});
  useEffect(() => {
    if (questions.data) setKnown((k) => ({ ...k, ...Object.fromEntries(questions.data.items.map((q) => [q.id, q])) }));
  }, [questions.data]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [drawTag, setDrawTag] = useState('');
  const [drawCount, setDrawCount] = useState(1);
  useEffect(() => {
    if (quiz.data !== undefined && draft === null) setDraft(draftOf(quiz.data));
  }, [quiz.data, draft]);

  const save = useMutation({
    mutationFn: (d: Draft) => call<Quiz>(api.PUT('/api/v1/courses/{courseId}/lessons/{lessonId}/quiz', { params: { path: { courseId, lessonId } }, body: d })),
    onSuccess: (q) => {
      setErrors({});
      qc.setQueryData(['quiz', lessonId], q);
      notify({ color: 'green', message: t('quiz.builder.saved') });
    },
    onError: (e) => {
      const fe = bodyFieldErrors(e);
      setErrors(fe);
      if (!Object.keys(fe).length || fe.items) notifyError(e, t);
    },
  });

  if (quiz.isError) return <ErrorState error={quiz.error} onRetry={() => void quiz.refetch()} />;
  if (!draft) return <Skeleton height={320} />;
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => (d ? { ...d, [k]: v } : d));
  const move = (i: number, by: number) => {
    const xs = [...draft.items];
    const [x] = xs.splice(i, 1);
    xs.splice(i + by, 0, x!);
    set('items', xs);
  };
  const listed = new Set(draft.items.flatMap((i) => (i.kind === 'question' ? [i.questionId] : [])));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!save.isPending) save.mutate(draft);
  };
  const bankUrl = `/teach/courses/${courseId}/question-bank`;

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="quiz-builder-title">
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <Group justify="space-between" wrap="wrap">
            <Title order={2} size="h3" id="quiz-builder-title">
              {t('quiz.builder.title')}
            </Title>
            <Group gap="sm">
              <Anchor component={Link} to={bankUrl}>
                {t('quiz.builder.manageBank')}
              </Anchor>
              <Anchor component={Link} to={`/teach/courses/${courseId}/grading`}>
                {t('quiz.builder.gradingQueue')}
              </Anchor>
            </Group>
          </Group>
          <Textarea label={t('quiz.builder.instructions')} autosize minRows={2} value={draft.instructions} onChange={(e) => set('instructions', e.currentTarget.value)} error={errors.instructions} />
          <Group grow align="flex-start" wrap="wrap">
            <NumberInput
              label={t('quiz.builder.timeLimit')}
              description={t('quiz.builder.timeLimitHint')}
              min={1}
              max={1440}
              value={draft.timeLimitSeconds === null ? '' : draft.timeLimitSeconds / 60}
              onChange={(v) => set('timeLimitSeconds', v === '' ? null : Math.round(Number(v) * 60))}
              error={errors.timeLimitSeconds}
            />
            <NumberInput
              label={t('quiz.builder.attempts')}
              description={t('quiz.builder.attemptsHint')}
              min={1}
              max={100}
              value={draft.attemptsAllowed ?? ''}
              onChange={(v) => set('attemptsAllowed', v === '' ? null : Number(v))}
              error={errors.attemptsAllowed}
            />
            <NativeSelect
              label={t('quiz.builder.keep')}
              value={draft.keepPolicy}
              onChange={(e) => set('keepPolicy', e.currentTarget.value as Draft['keepPolicy'])}
              data={(['highest', 'latest', 'average'] as const).map((k) => ({ value: k, label: t(`quiz.builder.keepPolicy.${k}`) }))}
            />
            <NumberInput label={t('quiz.builder.passing')} min={0} max={100} suffix=" %" value={draft.passingScore} onChange={(v) => set('passingScore', Number(v) || 0)} error={errors.passingScore} />
          </Group>
          <Group grow align="flex-start" wrap="wrap">
            <TextInput type="datetime-local" label={t('quiz.builder.opensAt')} value={toLocal(draft.opensAt)} onChange={(e) => set('opensAt', fromLocal(e.currentTarget.value))} error={errors.opensAt} />
            <TextInput type="datetime-local" label={t('quiz.builder.closesAt')} value={toLocal(draft.closesAt)} onChange={(e) => set('closesAt', fromLocal(e.currentTarget.value))} error={errors.closesAt} />
            <NativeSelect
              label={t('quiz.builder.feedback')}
              value={draft.feedbackTiming}
              onChange={(e) => set('feedbackTiming', e.currentTarget.value as Draft['feedbackTiming'])}
              data={(['immediately', 'after_close', 'never'] as const).map((k) => ({ value: k, label: t(`quiz.builder.feedbackTiming.${k}`) }))}
            />
            <NumberInput label={t('quiz.builder.drawCount')} description={t('quiz.builder.drawCountHint')} min={1} value={draft.drawCount ?? ''} onChange={(v) => set('drawCount', v === '' ? null : Number(v))} error={errors.drawCount} />
          </Group>
          <Group wrap="wrap">
            <Checkbox label={t('quiz.builder.shuffleQuestions')} checked={draft.shuffleQuestions} onChange={(e) => set('shuffleQuestions', e.currentTarget.checked)} />
            <Checkbox label={t('quiz.builder.shuffleOptions')} checked={draft.shuffleOptions} onChange={(e) => set('shuffleOptions', e.currentTarget.checked)} />
            <Checkbox label={t('quiz.builder.showCorrect')} checked={draft.showCorrectAnswers} onChange={(e) => set('showCorrectAnswers', e.currentTarget.checked)} />
          </Group>

          <Title order={3} size="h4">
            {t('quiz.builder.questions')}
          </Title>
          {errors.items && (
            <Alert color="red" role="alert">
              {errors.items}
            </Alert>
          )}
          {draft.items.length === 0 ? (
            <Text c="dimmed" size="sm">
              {t('quiz.builder.noItems')}
            </Text>
          ) : (
            <Stack gap="xs" component="ol" style={{ paddingLeft: 0, listStyle: 'none', margin: 0 }} data-testid="quiz-items">
              {draft.items.map((item, i) => {
                const label =
                  item.kind === 'question'
                    ? (known[item.questionId]?.question.prompt ?? t('quiz.builder.questionN', { n: i + 1 }))
                    : t('quiz.builder.drawLabel', { count: item.count, bank: banks.data?.items.find((b) => b.id === item.bankId)?.name ?? '', tag: item.tag ?? t('quiz.bank.allTags') });
                return (
                  <Paper withBorder p="xs" key={item.kind === 'question' ? item.questionId : `draw-${i}`} component="li">
                    <Group wrap="nowrap" justify="space-between">
                      <Text size="sm" style={{ flex: 1, minWidth: 0 }} lineClamp={2}>
                        {i + 1}. {label}
                      </Text>
                      <NumberInput
                        w={90}
                        size="xs"
                        label={t('quiz.builder.points')}
                        min={0}
                        value={item.points ?? ''}
                        placeholder={item.kind === 'question' ? String(known[item.questionId]?.question.points ?? '') : ''}
                        onChange={(v) => set('items', draft.items.map((x, j) => (j === i ? { ...x, points: v === '' ? null : Number(v) } : x)))}
                      />
                      <ActionIcon variant="default" aria-label={t('quiz.form.moveUp', { n: i + 1 })} disabled={i === 0} onClick={() => move(i, -1)}>
                        ↑
                      </ActionIcon>
                      <ActionIcon variant="default" aria-label={t('quiz.form.moveDown', { n: i + 1 })} disabled={i === draft.items.length - 1} onClick={() => move(i, 1)}>
                        ↓
                      </ActionIcon>
                      <ActionIcon variant="subtle" color="red" aria-label={t('quiz.form.remove', { n: i + 1 })} onClick={() => set('items', draft.items.filter((_, j) => j !== i))}>
                        ×
                      </ActionIcon>
                    </Group>
                  </Paper>
                );
              })}
            </Stack>
          )}

          <Paper withBorder p="sm" bg="var(--mantine-color-default-hover)">
            {banks.isError ? (
              <ErrorState error={banks.error} onRetry={() => void banks.refetch()} />
            ) : !banks.data ? (
              <Skeleton height={80} />
            ) : banks.data.items.length === 0 ? (
              <EmptyState title={t('quiz.bank.noBanks')} hint={t('quiz.builder.noBankHint')} action={<Button component={Link} to={bankUrl}>{t('quiz.builder.manageBank')}</Button>} />
            ) : (
              <Stack gap="xs">
                <NativeSelect label={t('quiz.builder.fromBank')} value={bank?.id} onChange={(e) => setBankId(e.currentTarget.value)} data={banks.data.items.map((b) => ({ value: b.id, label: `${b.name} (${b.scope === 'course' ? t('quiz.bank.courseScope') : t('quiz.bank.orgScope')})` }))} />
                {questions.isPending ? (
                  <Skeleton height={60} />
                ) : (questions.data?.items.length ?? 0) === 0 ? (
                  <Text size="sm" c="dimmed">
                    {t('quiz.bank.noQuestions')} <Anchor component={Link} to={bankUrl}>{t('quiz.builder.manageBank')}</Anchor>
                  </Text>
                ) : (
                  <Stack gap={4} data-testid="bank-picker">
                    {questions.data!.items.map((q) => (
                      <Group key={q.id} justify="space-between" wrap="nowrap">
                        <Text size="sm" lineClamp={1} style={{ flex: 1, minWidth: 0 }}>
                          {q.question.prompt} <Text span c="dimmed" size="xs">({t(`quiz.types.${q.type}`)})</Text>
                        </Text>
                        <Button size="xs" variant="light" disabled={listed.has(q.id)} onClick={() => set('items', [...draft.items, { kind: 'question', questionId: q.id }])} aria-label={t(listed.has(q.id) ? 'quiz.builder.addedQuestion' : 'quiz.builder.addQuestion', { prompt: q.question.prompt.slice(0, 40) })}>
                          {listed.has(q.id) ? t('quiz.builder.added') : t('quiz.builder.add')}
                        </Button>
                      </Group>
                    ))}
                  </Stack>
                )}
                <Group align="flex-end" wrap="wrap">
                  <NumberInput w={110} label={t('quiz.builder.drawN')} min={1} value={drawCount} onChange={(v) => setDrawCount(Number(v) || 1)} />
                  <NativeSelect label={t('quiz.bank.filterTag')} value={drawTag} onChange={(e) => setDrawTag(e.currentTarget.value)} data={[{ value: '', label: t('quiz.bank.allTags') }, ...(bank?.tags ?? []).map((x) => ({ value: x, label: x }))]} />
                  <Button variant="default" onClick={() => bank && set('items', [...draft.items, { kind: 'draw', bankId: bank.id, tag: drawTag || null, count: drawCount }])}>
                    {t('quiz.builder.addDraw')}
                  </Button>
                </Group>
              </Stack>
            )}
          </Paper>
          <Group>
            <Button type="submit" loading={save.isPending}>
              {t('quiz.builder.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
