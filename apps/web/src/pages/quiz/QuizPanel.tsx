import { Alert, Badge, Button, Checkbox, FileInput, Group, NativeSelect, NumberInput, Paper, Radio, Skeleton, Stack, Table, Text, Textarea, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, call } from '../../api';
import { confirmAction, EmptyState, ErrorState, formatDate, notify, notifyError } from '../../components/common';
import type { Answer, Attempt, AttemptItem, AttemptPage, Quiz, SavedAnswer } from './types';
import { WordCount } from './WordCount';

type Opt = { id: string; text: string };
type Shown = AttemptItem['question'] & { prompt?: string; options?: Opt[]; prompts?: Opt[]; choices?: Opt[]; items?: Opt[]; text?: string; blanks?: { id: string }[]; starterCode?: string; language?: string; minWords?: number; maxWords?: number };

const fmtClock = (ms: number) => {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
};

/** One question's answer control, by type. */
function AnswerInput({ item, value, onChange, onFile, disabled, error }: { item: AttemptItem; value: Answer | null; onChange: (a: Answer) => void; onFile: (f: File) => void; disabled: boolean; error?: string | undefined }) {
  const { t } = useTranslation();
  const q = item.question as Shown;
  const label = t('quiz.take.yourAnswer');
  switch (q.type) {
    case 'single_choice':
      return (
        <Radio.Group label={label} value={value?.type === 'single_choice' ? value.optionId : ''} onChange={(v) => onChange({ type: 'single_choice', optionId: v })}>
          <Stack gap="xs" mt="xs">
            {q.options!.map((o) => (
              <Radio key={o.id} value={o.id} label={o.text} disabled={disabled} />
            ))}
          </Stack>
        </Radio.Group>
      );
    case 'multiple_choice': {
      const chosen = value?.type === 'multiple_choice' ? value.optionIds : [];
      return (
        <Checkbox.Group label={label} value={chosen} onChange={(v) => onChange({ type: 'multiple_choice', optionIds: v })}>
          <Stack gap="xs" mt="xs">
            {q.options!.map((o) => (
              <Checkbox key={o.id} value={o.id} label={o.text} disabled={disabled} />
            ))}
          </Stack>
        </Checkbox.Group>
      );
    }
    case 'true_false':
      return (
        <Radio.Group label={label} value={value?.type === 'true_false' ? String(value.value) : ''} onChange={(v) => onChange({ type: 'true_false', value: v === 'true' })}>
          <Group mt="xs">
            <Radio value="true" label={t('quiz.true')} disabled={disabled} />
            <Radio value="false" label={t('quiz.false')} disabled={disabled} />
          </Group>
        </Radio.Group>
      );
    case 'short_answer':
      return <TextInput label={label} value={value?.type === 'short_answer' ? value.text : ''} onChange={(e) => onChange({ type: 'short_answer', text: e.currentTarget.value })} disabled={disabled} />;
    case 'numeric':
      return (
        <NumberInput
          label={label}
          decimalScale={8}
          value={value?.type === 'numeric' ? value.value : ''}
          onChange={(v) => v !== '' && Number.isFinite(Number(v)) && onChange({ type: 'numeric', value: Number(v) })}
          disabled={disabled}
        />
      );
    case 'fill_blanks': {
      const blanks = value?.type === 'fill_blanks' ? value.blanks : {};
      const parts = (q.text ?? '').split(/(\{\{[A-Za-z][A-Za-z0-9_-]*\}\})/);
      return (
        <Paper withBorder p="sm">
          <Text component="div" style={{ lineHeight: 2.4 }}>
            {parts.map((p, i) => {
              const m = /^\{\{(.+)\}\}$/.exec(p);
              if (!m) return <span key={i}>{p}</span>;
              const id = m[1]!;
              return (
                <TextInput
                  key={i}
                  display="inline-block"
                  w={160}
                  mx={4}
                  aria-label={t('quiz.take.blank', { n: (q.blanks ?? []).findIndex((b) => b.id === id) + 1 })}
                  value={blanks[id] ?? ''}
                  onChange={(e) => onChange({ type: 'fill_blanks', blanks: { ...blanks, [id]: e.currentTarget.value } })}
                  disabled={disabled}
                />
              );
            })}
          </Text>
        </Paper>
      );
    }
    case 'matching': {
      const pairs = value?.type === 'matching' ? value.pairs : {};
      return (
        <Stack gap="xs">
          {q.prompts!.map((p) => (
            <NativeSelect
              key={p.id}
              label={p.text}
              value={pairs[p.id] ?? ''}
              onChange={(e) => onChange({ type: 'matching', pairs: { ...pairs, [p.id]: e.currentTarget.value } })}
              data={[{ value: '', label: t('quiz.take.choose') }, ...q.choices!.map((c) => ({ value: c.id, label: c.text }))]}
              disabled={disabled}
            />
          ))}
        </Stack>
      );
    }
    case 'ordering': {
      const order = value?.type === 'ordering' && value.order.length === q.items!.length ? value.order : q.items!.map((i) => i.id);
      const byId = new Map(q.items!.map((i) => [i.id, i]));
      const move = (i: number, by: number) => {
        const xs = [...order];
        const [x] = xs.splice(i, 1);
        xs.splice(i + by, 0, x!);
        onChange({ type: 'ordering', order: xs });
      };
      return (
        <Stack gap="xs" component="ol" style={{ paddingLeft: 0, listStyle: 'none', margin: 0 }} aria-label={label}>
          {order.map((id, i) => (
            <Paper withBorder p="xs" key={id} component="li">
              <Group justify="space-between" wrap="nowrap">
                <Text size="sm">
                  {i + 1}. {byId.get(id)?.text}
                </Text>
                <Group gap={4}>
                  <Button size="xs" variant="default" disabled={disabled || i === 0} onClick={() => move(i, -1)} aria-label={t('quiz.form.moveUp', { n: i + 1 })}>
                    ↑
                  </Button>
                  <Button size="xs" variant="default" disabled={disabled || i === order.length - 1} onClick={() => move(i, 1)} aria-label={t('quiz.form.moveDown', { n: i + 1 })}>
                    ↓
                  </Button>
                </Group>
              </Group>
            </Paper>
          ))}
        </Stack>
      );
    }
    case 'essay':
      return (
        <Stack gap={4}>
          <Textarea label={label} autosize minRows={6} value={value?.type === 'essay' ? value.text : ''} onChange={(e) => onChange({ type: 'essay', text: e.currentTarget.value })} disabled={disabled} error={error} />
          <WordCount text={value?.type === 'essay' ? value.text : ''} min={q.minWords} max={q.maxWords} />
        </Stack>
      );
    case 'file_response':
      return (
        <Stack gap="xs">
          <FileInput label={t('quiz.take.file')} onChange={(f) => f && onFile(f)} disabled={disabled} clearable={false} />
          {value?.type === 'file_response' && <Text size="sm">{t('quiz.take.fileSaved')}</Text>}
        </Stack>
      );
    case 'code':
      return (
        <Textarea
          label={t('quiz.take.code', { language: q.language ?? '' })}
          autosize
          minRows={8}
          styles={{ input: { fontFamily: 'monospace' } }}
          value={value?.type === 'code' ? value.code : (q.starterCode ?? '')}
          onChange={(e) => onChange({ type: 'code', code: e.currentTarget.value })}
          disabled={disabled}
        />
      );
    default:
      return null;
  }
}

/** The result of a closed attempt, per the quiz's feedback policy. */
function AttemptResult({ attempt, quiz, onBack }: { attempt: Attempt; quiz: Quiz; onBack: () => void }) {
  const { t, i18n } = useTranslation();
  return (
    <Stack data-testid="quiz-result">
      <Title order={2} size="h3">
        {t('quiz.result.title', { n: attempt.number })}
      </Title>
      {attempt.status === 'graded' && attempt.score !== null ? (
        <Group>
          <Text size="xl" fw={700} data-testid="quiz-score">
            {t('quiz.result.score', { score: attempt.score, max: attempt.maxScore })}
          </Text>
          <Badge color={attempt.passed ? 'green' : 'red'} variant="light" size="lg">
            {attempt.passed ? t('quiz.result.passed') : t('quiz.result.failed', { pct: quiz.passingScore })}
          </Badge>
        </Group>
      ) : (
        <Alert color="blue" data-testid="quiz-pending">
          {attempt.pendingManual > 0 ? t('quiz.result.pendingManual', { count: attempt.pendingManual }) : t('quiz.result.pendingCode')}
        </Alert>
      )}
      {attempt.autoSubmitted && <Text size="sm">{t('quiz.result.autoSubmitted')}</Text>}
      <Text size="sm" c="dimmed">
        {t('quiz.result.submittedAt', { date: formatDate(attempt.submittedAt, i18n.language) })}
      </Text>
      {!attempt.feedbackVisible ? (
        <Text c="dimmed">{quiz.feedbackTiming === 'after_close' ? t('quiz.result.feedbackLater', { date: formatDate(quiz.closesAt, i18n.language) }) : t('quiz.result.noFeedback')}</Text>
      ) : (
        attempt.items.map((item, i) => (
          <Paper withBorder p="sm" key={item.questionId}>
            <Text fw={500}>
              {i + 1}. {(item.question as Shown).prompt}
            </Text>
            {item.result && (
              <Text size="sm" mt={4}>
                {item.result.status === 'graded'
                  ? t('quiz.result.itemScore', { score: item.result.score ?? 0, max: item.result.maxScore })
                  : item.result.status === 'pending_manual'
                    ? t('quiz.result.itemPending')
                    : t('quiz.result.itemCode')}
                {item.result.total !== null && ` · ${t('quiz.result.tests', { passed: item.result.passed ?? 0, total: item.result.total })}`}
              </Text>
            )}
            {item.result?.feedback && (
              <Text size="sm" c="dimmed" mt={4}>
                {item.result.feedback}
              </Text>
            )}
            {item.result?.comment && (
              <Text size="sm" mt={4}>
                {t('quiz.result.comment', { comment: item.result.comment })}
              </Text>
            )}
            {item.correct && <CorrectAnswer q={item.correct} />}
          </Paper>
        ))
      )}
      <Group>
        <Button variant="default" onClick={onBack}>
          {t('quiz.result.back')}
        </Button>
      </Group>
    </Stack>
  );
}

function CorrectAnswer({ q }: { q: NonNullable<AttemptItem['correct']> }) {
  const { t } = useTranslation();
  let text = '';
  switch (q.type) {
    case 'single_choice':
      text = q.options.find((o) => o.id === q.correctOptionId)?.text ?? '';
      break;
    case 'multiple_choice':
      text = q.options.filter((o) => q.correctOptionIds.includes(o.id)).map((o) => o.text).join(', ');
      break;
    case 'true_false':
      text = q.correct ? t('quiz.true') : t('quiz.false');
      break;
    case 'short_answer':
      text = q.answers.map((a) => a.value).join(' / ');
      break;
    case 'numeric':
      text = String(q.answer);
      break;
    case 'fill_blanks':
      text = q.blanks.map((b) => b.answers[0]).join(', ');
      break;
    case 'matching':
      text = q.prompts.map((p) => `${p.text} → ${q.choices.find((c) => c.id === q.pairs[p.id])?.text ?? ''}`).join('; ');
      break;
    case 'ordering':
      text = q.correctOrder.map((id) => q.items.find((i) => i.id === id)?.text ?? '').join(' → ');
      break;
    default:
      return null;
  }
  return (
    <Text size="sm" fw={600} mt={4}>
      {t('quiz.result.correctAnswer', { answer: text })}
    </Text>
  );
}

/** Taking one attempt: one question a page, the question map, the server's timer and autosave. */
function TakeAttempt({ initial, onClosed }: { initial: Attempt; onClosed: (a: Attempt) => void }) {
  const { t } = useTranslation();
  const [index, setIndex] = useState(0);
  const [reviewing, setReviewing] = useState(false);
  const [answers, setAnswers] = useState<Record<string, Answer | null>>(() => Object.fromEntries(initial.items.map((i) => [i.questionId, i.answer])));
  const [saveState, setSaveState] = useState<'idle' | 'saving' | 'saved' | 'error'>('idle');
  const [itemErrors, setItemErrors] = useState<Record<string, string>>({});
  const timers = useRef<Record<string, ReturnType<typeof setTimeout>>>({});
  const pending = useRef<Record<string, Answer>>({});
  // the server's clock: deadline arithmetic uses the offset measured when the attempt was read
  const offset = useRef(Date.parse(initial.serverNow) - Date.now());
  const [left, setLeft] = useState<number | null>(initial.deadline ? Date.parse(initial.deadline) - (Date.now() + offset.current) : null);
  const warned = useRef(false);
  const submitting = useRef(false);

  const flush = useCallback(async () => {
    const entries = Object.entries(pending.current);
    pending.current = {};
    for (const [qid, answer] of entries) {
      clearTimeout(timers.current[qid]);
      setSaveState('saving');
      try {
        await call<SavedAnswer>(api.PUT('/api/v1/quiz-attempts/{attemptId}/answers/{questionId}', { params: { path: { attemptId: initial.id, questionId: qid } }, body: { answer } }));
        setSaveState('saved');
      } catch (e) {
        setSaveState('error');
        notifyError(e, t);
      }
    }
  }, [initial.id, t]);

  const submit = useMutation({
    mutationFn: async () => {
      await flush();
      return call<Attempt>(api.POST('/api/v1/quiz-attempts/{attemptId}/submit', { params: { path: { attemptId: initial.id } } }));
    },
    onSuccess: (a) => onClosed(a),
    onError: async (e) => {
      submitting.current = false;
      notifyError(e, t);
      if (e instanceof ApiError && e.code === 'essay_word_limit') {
        // show each message at its essay and go to the first one
        const byQuestion = Object.fromEntries(Object.entries(e.fieldErrors).map(([field, message]) => [field.replace(/^answers\./, ''), message]));
        setItemErrors(byQuestion);
        const first = initial.items.findIndex((i) => byQuestion[i.questionId]);
        if (first >= 0) {
          setReviewing(false);
          setIndex(first);
        }
        return;
      }
      // closed by the deadline job meanwhile: show the result
      const a = await call<Attempt>(api.GET('/api/v1/quiz-attempts/{attemptId}', { params: { path: { attemptId: initial.id } } })).catch(() => null);
      if (a && a.status !== 'in_progress') onClosed(a);
    },
  });

  useEffect(() => {
    if (!initial.deadline) return;
    const tick = setInterval(() => {
      const ms = Date.parse(initial.deadline!) - (Date.now() + offset.current);
      setLeft(ms);
      if (ms <= 60_000 && !warned.current) {
        warned.current = true;
        notify({ color: 'orange', title: t('quiz.take.oneMinuteTitle'), message: t('quiz.take.oneMinute') });
      }
      if (ms <= 0 && !submitting.current) {
        submitting.current = true;
        submit.mutate();
      }
    }, 500);
    return () => clearInterval(tick);
  }, [initial.deadline, submit, t]);

  const change = (qid: string, a: Answer) => {
    setAnswers((x) => ({ ...x, [qid]: a }));
    setItemErrors(({ [qid]: _, ...rest }) => rest);
    pending.current[qid] = a;
    setSaveState('saving');
    clearTimeout(timers.current[qid]);
    timers.current[qid] = setTimeout(() => void flush(), 600);
  };
  const upload = async (qid: string, file: File) => {
    const body = new FormData();
    body.append('file', file);
    setSaveState('saving');
    const res = await fetch(`/api/v1/quiz-attempts/${initial.id}/answers/${qid}/file`, { method: 'PUT', body, credentials: 'include' });
    if (res.ok) {
      setAnswers((x) => ({ ...x, [qid]: { type: 'file_response', fileId: file.name } }));
      setSaveState('saved');
    } else {
      setSaveState('error');
      const problem = (await res.json().catch(() => ({}))) as { detail?: string };
      notify({ color: 'red', message: problem.detail ?? t('quiz.take.uploadFailed') });
    }
  };

  const items = initial.items;
  const item = items[index]!;
  const answered = (qid: string) => answers[qid] !== null && answers[qid] !== undefined;
  const confirmSubmit = async () => {
    const missing = items.filter((i) => !answered(i.questionId)).length;
    if (await confirmAction({ title: t('quiz.take.submitTitle'), message: missing ? t('quiz.take.submitMissing', { count: missing }) : t('quiz.take.submitConfirm'), confirmLabel: t('quiz.take.submit') })) {
      if (!submitting.current) {
        submitting.current = true;
        submit.mutate();
      }
    }
  };

  return (
    <Stack data-testid="quiz-attempt">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" aria-live="polite" data-testid="save-state">
          {saveState === 'saving' ? t('quiz.take.saving') : saveState === 'saved' ? t('quiz.take.saved') : saveState === 'error' ? t('quiz.take.saveError') : ''}
        </Text>
        {left !== null && (
          <Badge size="lg" variant="light" color={left <= 60_000 ? 'red' : 'blue'} role="timer" aria-label={t('quiz.take.timeLeft', { time: fmtClock(left) })} data-testid="quiz-timer">
            {fmtClock(left)}
          </Badge>
        )}
      </Group>
      <nav aria-label={t('quiz.take.map')}>
        <Group gap={4}>
          {items.map((i, n) => (
            <Button
              key={i.questionId}
              size="xs"
              variant={n === index && !reviewing ? 'filled' : answered(i.questionId) ? 'light' : 'default'}
              aria-current={n === index && !reviewing ? 'step' : undefined}
              aria-label={t('quiz.take.goTo', { n: n + 1, state: answered(i.questionId) ? t('quiz.take.answered') : t('quiz.take.unanswered') })}
              onClick={() => {
                setReviewing(false);
                setIndex(n);
              }}
            >
              {n + 1}
            </Button>
          ))}
          <Button size="xs" variant={reviewing ? 'filled' : 'default'} onClick={() => setReviewing(true)}>
            {t('quiz.take.review')}
          </Button>
        </Group>
      </nav>
      {reviewing ? (
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="xs">
            {t('quiz.take.reviewTitle')}
          </Title>
          <Stack gap={4} component="ul" style={{ listStyle: 'none', padding: 0 }}>
            {items.map((i, n) => (
              <Group key={i.questionId} component="li" justify="space-between" wrap="nowrap">
                <Text size="sm" lineClamp={1} style={{ flex: 1, minWidth: 0 }}>
                  {n + 1}. {(i.question as Shown).prompt}
                </Text>
                <Badge color={answered(i.questionId) ? 'green' : 'gray'} variant="light">
                  {answered(i.questionId) ? t('quiz.take.answered') : t('quiz.take.unanswered')}
                </Badge>
              </Group>
            ))}
          </Stack>
          <Button mt="md" onClick={() => void confirmSubmit()} loading={submit.isPending}>
            {t('quiz.take.submit')}
          </Button>
        </Paper>
      ) : (
        <Paper withBorder p="md" component="section" aria-labelledby="quiz-question-title">
          <Text size="sm" c="dimmed">
            {t('quiz.take.questionOf', { n: index + 1, total: items.length, points: item.points })}
          </Text>
          <Title order={2} size="h4" id="quiz-question-title" mb="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {(item.question as Shown).prompt}
          </Title>
          <AnswerInput key={item.questionId} item={item} value={answers[item.questionId] ?? null} onChange={(a) => change(item.questionId, a)} onFile={(f) => void upload(item.questionId, f)} disabled={submit.isPending} error={itemErrors[item.questionId]} />
          <Group justify="space-between" mt="md">
            <Button variant="default" disabled={index === 0} onClick={() => setIndex(index - 1)}>
              {t('quiz.take.previous')}
            </Button>
            {index < items.length - 1 ? <Button onClick={() => setIndex(index + 1)}>{t('quiz.take.next')}</Button> : <Button onClick={() => setReviewing(true)}>{t('quiz.take.review')}</Button>}
          </Group>
        </Paper>
      )}
    </Stack>
  );
}

/** The learner's panel for a quiz lesson: the start screen, the attempt, its result and past attempts. */
export function QuizPanel({ courseId, lessonId, onPassed }: { courseId: string; lessonId: string; onPassed?: () => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const quiz = useQuery({ queryKey: ['quiz', lessonId], queryFn: () => call<Quiz>(api.GET('/api/v1/courses/{courseId}/lessons/{lessonId}/quiz', { params: { path: { courseId, lessonId } } })) });
  const attempts = useQuery({
    queryKey: ['quiz-attempts', lessonId],
    queryFn: () => call<AttemptPage>(api.GET('/api/v1/courses/{courseId}/lessons/{lessonId}/quiz/attempts', { params: { path: { courseId, lessonId }, query: { limit: 20 } } })),
  });
  const [view, setView] = useState<{ kind: 'start' } | { kind: 'take'; attempt: Attempt } | { kind: 'result'; attempt: Attempt }>({ kind: 'start' });
  const openId = quiz.data?.openAttemptId ?? null;
  // an attempt left open (a reload) resumes where it was, answers and timer from the server
  const resume = useQuery({
    queryKey: ['quiz-attempt', openId],
    enabled: !!openId && view.kind === 'start',
    queryFn: () => call<Attempt>(api.GET('/api/v1/quiz-attempts/{attemptId}', { params: { path: { attemptId: openId! } } })),
  });
  useEffect(() => {
    if (resume.data && resume.data.status === 'in_progress' && view.kind === 'start') setView({ kind: 'take', attempt: resume.data });
  }, [resume.data, view.kind]);

  const start = useMutation({
    mutationFn: () => call<Attempt>(api.POST('/api/v1/courses/{courseId}/lessons/{lessonId}/quiz/attempts', { params: { path: { courseId, lessonId } } })),
    onSuccess: (a) => setView({ kind: 'take', attempt: a }),
    onError: (e) => notifyError(e, t),
  });
  const open = async (id: string) => {
    try {
      setView({ kind: 'result', attempt: await call<Attempt>(api.GET('/api/v1/quiz-attempts/{attemptId}', { params: { path: { attemptId: id } } })) });
    } catch (e) {
      notifyError(e, t);
    }
  };
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['quiz', lessonId] });
    void qc.invalidateQueries({ queryKey: ['quiz-attempts', lessonId] });
  };

  if (quiz.isError) return <ErrorState error={quiz.error} onRetry={() => void quiz.refetch()} />;
  if (!quiz.data || (openId && view.kind === 'start' && !resume.isError)) return <Skeleton height={240} />;
  const q = quiz.data;

  if (view.kind === 'take')
    return (
      <TakeAttempt
        initial={view.attempt}
        onClosed={(a) => {
          qc.setQueryData(['quiz', lessonId], { ...q, openAttemptId: null });
          refresh();
          if (a.passed) onPassed?.();
          setView({ kind: 'result', attempt: a });
        }}
      />
    );
  if (view.kind === 'result') return <AttemptResult attempt={view.attempt} quiz={q} onBack={() => { refresh(); setView({ kind: 'start' }); }} />;

  const canStart = q.isOpen && (q.attemptsLeft === null || q.attemptsLeft > 0) && q.questionCount > 0;
  return (
    <Stack data-testid="quiz-start">
      {q.instructionsHtml && <div dangerouslySetInnerHTML={{ __html: q.instructionsHtml }} />}
      <Paper withBorder p="md">
        <Stack gap={4}>
          <Text>{t('quiz.start.questions', { count: q.questionCount })}</Text>
          <Text>{q.timeLimitSeconds ? t('quiz.start.timeLimit', { minutes: Math.round(q.timeLimitSeconds / 60) }) : t('quiz.start.noTimeLimit')}</Text>
          <Text data-testid="attempts-left">{q.attemptsLeft === null ? t('quiz.start.unlimited') : t('quiz.start.attemptsLeft', { count: q.attemptsLeft })}</Text>
          <Text>{t('quiz.start.passing', { pct: q.passingScore })}</Text>
          {q.opensAt && <Text>{t('quiz.start.opens', { date: formatDate(q.opensAt, i18n.language) })}</Text>}
          {q.closesAt && <Text>{t('quiz.start.closes', { date: formatDate(q.closesAt, i18n.language) })}</Text>}
          {q.keptScore !== null && q.maxScore !== null && <Text fw={600}>{t('quiz.start.kept', { score: q.keptScore, max: q.maxScore, policy: t(`quiz.builder.keepPolicy.${q.keepPolicy}`) })}</Text>}
        </Stack>
        {!q.isOpen && (
          <Alert color="orange" mt="sm">
            {t('quiz.start.notOpen')}
          </Alert>
        )}
        <Button mt="md" onClick={() => !start.isPending && start.mutate()} loading={start.isPending} disabled={!canStart}>
          {q.attemptsUsed ? t('quiz.start.again') : t('quiz.start.start')}
        </Button>
      </Paper>
      <Title order={2} size="h4">
        {t('quiz.start.past')}
      </Title>
      {attempts.isError ? (
        <ErrorState error={attempts.error} onRetry={() => void attempts.refetch()} />
      ) : !attempts.data ? (
        <Skeleton height={80} />
      ) : attempts.data.items.length === 0 ? (
        <EmptyState title={t('quiz.start.noAttempts')} hint={t('quiz.start.noAttemptsHint')} />
      ) : (
        <Table.ScrollContainer minWidth={320}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('quiz.start.attempt')}</Table.Th>
                <Table.Th>{t('quiz.start.date')}</Table.Th>
                <Table.Th>{t('quiz.start.score')}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t('quiz.start.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {attempts.data.items.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>{a.number}</Table.Td>
                  <Table.Td>{formatDate(a.submittedAt ?? a.startedAt, i18n.language)}</Table.Td>
                  <Table.Td>{a.status === 'graded' && a.score !== null ? `${a.score} / ${a.maxScore}` : a.status === 'in_progress' ? t('quiz.start.inProgress') : t('quiz.start.pending')}</Table.Td>
                  <Table.Td>
                    {a.status !== 'in_progress' && (
                      <Button size="xs" variant="subtle" onClick={() => void open(a.id)} aria-label={t('quiz.start.viewN', { n: a.number })}>
                        {t('quiz.start.view')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
