import { ActionIcon, Alert, Button, Checkbox, Group, NativeSelect, NumberInput, Paper, Skeleton, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call, callOrNull, type CodeExercise, type CodeRunnerStatus, type PutCodeExercise } from '../../api';
import { CodeEditor } from '../../components/CodeEditor';
import { bodyFieldErrors, confirmAction, ErrorState, notify, notifyError } from '../../components/common';

type Language = PutCodeExercise['language'];
type CompareMode = NonNullable<PutCodeExercise['compareMode']>;
interface TestDraft {
  key: number;
  name: string;
  stdin: string;
  expectedStdout: string;
  hidden: boolean;
  points: number;
}
interface Draft {
  language: Language;
  instructions: string;
  starterCode: string;
  timeLimitMs: number;
  memoryLimitMb: number;
  compareMode: CompareMode;
  tests: TestDraft[];
}

let nextKey = 1;
const blankTest = (hidden = false): TestDraft => ({ key: nextKey++, name: '', stdin: '', expectedStdout: '', hidden, points: 1 });
const COMPARE_MODES: CompareMode[] = ['trim_trailing', 'exact', 'ignore_whitespace'];

function draftOf(ex: CodeExercise | null, fallbackLanguage: Language): Draft {
  if (!ex) return { language: fallbackLanguage, instructions: '', starterCode: '', timeLimitMs: 2000, memoryLimitMb: 256, compareMode: 'trim_trailing', tests: [blankTest()] };
  return {
    language: ex.language,
    instructions: ex.instructions,
    starterCode: ex.starterCode,
    timeLimitMs: ex.timeLimitMs,
    memoryLimitMb: ex.memoryLimitMb,
    compareMode: ex.compareMode,
    tests: ex.tests.map((x) => ({ key: nextKey++, name: x.name, stdin: x.stdin ?? '', expectedStdout: x.expectedStdout ?? '', hidden: x.hidden, points: x.points })),
  };
}

/** The instructor's editor for a code lesson's exercise: language, instructions, starter code, limits and test cases. */
export function CodeExerciseEditor({ courseId, lessonId }: { courseId: string; lessonId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const status = useQuery({ queryKey: ['code-runner'], queryFn: () => call<CodeRunnerStatus>(api.GET('/api/v1/code-runner')), staleTime: 5 * 60_000 });
  const exercise = useQuery({
    queryKey: ['code-exercise', lessonId],
    queryFn: () => callOrNull<CodeExercise>(api.GET('/api/v1/courses/{courseId}/lessons/{lessonId}/code-exercise', { params: { path: { courseId, lessonId } } })),
  });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    if (exercise.data !== undefined && status.data && draft === null) setDraft(draftOf(exercise.data, (status.data.languages[0]?.id ?? 'python') as Language));
  }, [exercise.data, status.data, draft]);

  const save = useMutation({
    mutationFn: (d: Draft) =>
      call<CodeExercise>(
        api.PUT('/api/v1/courses/{courseId}/lessons/{lessonId}/code-exercise', {
          params: { path: { courseId, lessonId } },
          body: {
            language: d.language,
            instructions: d.instructions,
            starterCode: d.starterCode,
            timeLimitMs: d.timeLimitMs,
            memoryLimitMb: d.memoryLimitMb,
            compareMode: d.compareMode,
            tests: d.tests.map((x) => ({ name: x.name.trim() || undefined, stdin: x.stdin, expectedStdout: x.expectedStdout, hidden: x.hidden, points: x.points })),
          },
        }),
      ),
    onSuccess: (ex) => {
      setErrors({});
      qc.setQueryData(['code-exercise', lessonId], ex);
      setDraft(draftOf(ex, ex.language));
      notify({ color: 'green', message: t('code.saved') });
    },
    onError: (e) => {
      const fe = bodyFieldErrors(e);
      setErrors(fe);
      if (Object.keys(fe).length === 0 || fe.tests) notifyError(e, t);
    },
  });

  if (exercise.isError) return <ErrorState error={exercise.error} onRetry={() => void exercise.refetch()} />;
  if (status.isError) return <ErrorState error={status.error} onRetry={() => void status.refetch()} />;
  if (!draft || !status.data) return <Skeleton height={320} />;

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => (d ? { ...d, [k]: v } : d));
  const setTest = (key: number, patch: Partial<TestDraft>) => setDraft((d) => (d ? { ...d, tests: d.tests.map((x) => (x.key === key ? { ...x, ...patch } : x)) } : d));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!save.isPending) save.mutate(draft);
  };
  const languages = status.data.languages;

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="code-exercise-title">
      <form onSubmit={onSubmit} noValidate>
        <Stack>
          <Title order={2} size="h3" id="code-exercise-title">
            {t('code.editorTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('code.editorIntro')}
          </Text>
          {!status.data.sandboxAvailable && (
            <Alert color="orange" role="alert">
              {t('code.sandboxDown', { reason: status.data.reason ?? '' })}
            </Alert>
          )}
          <Group grow align="flex-start" wrap="wrap">
            <NativeSelect
              label={t('code.languageLabel')}
              value={draft.language}
              onChange={(e) => set('language', e.currentTarget.value as Language)}
              data={languages.map((l) => ({ value: l.id, label: l.label }))}
              error={errors.language}
            />
            <NumberInput label={t('code.timeLimit')} min={100} max={10000} step={100} value={draft.timeLimitMs} onChange={(v) => set('timeLimitMs', Number(v) || 0)} error={errors.timeLimitMs} />
            <NumberInput label={t('code.memoryLimit')} min={16} max={1024} step={16} value={draft.memoryLimitMb} onChange={(v) => set('memoryLimitMb', Number(v) || 0)} error={errors.memoryLimitMb} />
            <NativeSelect
              label={t('code.compareMode')}
              value={draft.compareMode}
              onChange={(e) => set('compareMode', e.currentTarget.value as CompareMode)}
              data={COMPARE_MODES.map((m) => ({ value: m, label: t(`code.compare.${m}`) }))}
            />
          </Group>
          <Textarea label={t('code.instructions')} autosize minRows={3} value={draft.instructions} onChange={(e) => set('instructions', e.currentTarget.value)} error={errors.instructions} />
          <div>
            <Text size="sm" fw={500} mb={4}>
              {t('code.starterCode')}
            </Text>
            <CodeEditor value={draft.starterCode} onChange={(v) => set('starterCode', v)} language={draft.language} label={t('code.starterCode')} minHeight={140} />
            {errors.starterCode && (
              <Text size="xs" c="red" role="alert">
                {errors.starterCode}
              </Text>
            )}
          </div>
          <Title order={3} size="h4">
            {t('code.tests')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('code.testsHint')}
          </Text>
          {errors.tests && (
            <Alert color="red" role="alert">
              {errors.tests}
            </Alert>
          )}
          {draft.tests.map((x, i) => (
            <Paper key={x.key} withBorder p="sm" component="section" aria-label={t('code.testCase', { n: i + 1 })} data-testid="code-test-editor">
              <Stack gap="xs">
                <Group justify="space-between">
                  <Text fw={600} size="sm">
                    {t('code.testCase', { n: i + 1 })}
                  </Text>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={t('code.removeTest', { n: i + 1 })}
                    disabled={draft.tests.length === 1}
                    onClick={async () => {
                      if (await confirmAction({ title: t('code.removeTestTitle'), message: t('code.removeTestConfirm'), confirmLabel: t('code.remove') }))
                        setDraft((d) => (d ? { ...d, tests: d.tests.filter((y) => y.key !== x.key) } : d));
                    }}
                  >
                    ×
                  </ActionIcon>
                </Group>
                <Group grow align="flex-start" wrap="wrap">
                  <TextInput label={t('code.name')} value={x.name} onChange={(e) => setTest(x.key, { name: e.currentTarget.value })} error={errors[`tests.${i}.name`]} />
                  <NumberInput label={t('code.points')} min={0} max={1000} value={x.points} onChange={(v) => setTest(x.key, { points: Number(v) || 0 })} error={errors[`tests.${i}.points`]} />
                </Group>
                <Group grow align="flex-start" wrap="wrap">
                  <Textarea label={t('code.stdin')} autosize minRows={2} styles={{ input: { fontFamily: 'monospace' } }} value={x.stdin} onChange={(e) => setTest(x.key, { stdin: e.currentTarget.value })} error={errors[`tests.${i}.stdin`]} />
                  <Textarea
                    label={t('code.expectedStdout')}
                    autosize
                    minRows={2}
                    styles={{ input: { fontFamily: 'monospace' } }}
                    value={x.expectedStdout}
                    onChange={(e) => setTest(x.key, { expectedStdout: e.currentTarget.value })}
                    error={errors[`tests.${i}.expectedStdout`]}
                  />
                </Group>
                <Checkbox label={t('code.hiddenToggle')} checked={x.hidden} onChange={(e) => setTest(x.key, { hidden: e.currentTarget.checked })} />
              </Stack>
            </Paper>
          ))}
          <Group>
            <Button variant="default" onClick={() => setDraft((d) => (d ? { ...d, tests: [...d.tests, blankTest(d.tests.length > 0)] } : d))}>
              {t('code.addTest')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('code.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
