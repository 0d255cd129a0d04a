import { Accordion, Alert, Badge, Button, Code, Group, Loader, Paper, Skeleton, Stack, Table, Text, Title, Typography } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, call, type CodeExercise, type CodeSubmission, type CodeSubmissionPage } from '../../api';
import { CodeEditor } from '../../components/CodeEditor';
import { confirmAction, ErrorState, formatDate, formatNumber, notify, notifyError } from '../../components/common';
import { useRealtimeEvent } from '../../realtime';

type Verdict = NonNullable<CodeSubmission['verdict']>;
const VERDICT_COLOR: Record<Verdict, string> = {
  accepted: 'green',
  wrong_answer: 'red',
  time_limit: 'orange',
  memory_limit: 'orange',
  output_limit: 'orange',
  runtime_error: 'red',
  compile_error: 'grape',
};
const draftKey = (lessonId: string) => `lyceum.code-draft.${lessonId}`;

function VerdictBadge({ verdict }: { verdict: Verdict }) {
  const { t } = useTranslation();
  return (
    <Badge color={VERDICT_COLOR[verdict]} variant="light" data-testid="verdict" data-verdict={verdict}>
      {t(`code.verdict.${verdict}`)}
    </Badge>
  );
}

function Output({ label, text }: { label: string; text: string | undefined }) {
  const { t } = useTranslation();
  return (
    <div>
      <Text size="xs" fw={600}>
        {label}
      </Text>
      <Code block style={{ maxHeight: 200, overflow: 'auto' }}>
        {text ? text : t('code.noOutput')}
      </Code>
    </div>
  );
}

function Results({ s }: { s: CodeSubmission }) {
  const { t } = useTranslation();
  if (s.status === 'queued' || s.status === 'running')
    return (
      <Group gap="xs" role="status" aria-live="polite">
        <Loader size="sm" aria-hidden />
        <Text size="sm">{s.status === 'queued' ? t('code.queued') : t('code.running')}</Text>
      </Group>
    );
  if (s.status === 'error')
    return (
      <Alert color="red" role="alert">
        {t('code.systemError', { error: s.error ?? '' })}
      </Alert>
    );
  return (
    <Stack gap="sm" role="status" aria-live="polite" data-testid="code-results">
      <Group gap="sm">
        <Text fw={600}>{t(`code.mode.${s.mode}`)}:</Text>
        {s.verdict && <VerdictBadge verdict={s.verdict} />}
        {s.score !== null && s.maxScore !== null && (
          <Text size="sm" data-testid="code-score">
            {t('code.score', { score: formatNumber(s.score), max: formatNumber(s.maxScore) })}
          </Text>
        )}
      </Group>
      {s.verdict === 'compile_error' && s.compileOutput && <Output label={t('code.compileOutput')} text={s.compileOutput} />}
      {s.results.length > 0 && (
        <Table.ScrollContainer minWidth={360}>
          <Table striped withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('code.testName')}</Table.Th>
                <Table.Th>{t('code.verdictCol')}</Table.Th>
                <Table.Th>{t('code.timeCol')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {s.results.map((r) => (
                <Table.Tr key={r.testId} data-testid="code-test-row">
                  <Table.Td>{r.hidden ? `${r.name} (${t('code.hidden')})` : r.name}</Table.Td>
                  <Table.Td>
                    <VerdictBadge verdict={r.verdict} />
                  </Table.Td>
                  <Table.Td>{t('code.time', { ms: formatNumber(r.timeMs) })}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {s.results
        .filter((r) => !r.hidden && r.verdict !== 'accepted')
        .slice(0, 3)
        .map((r) => (
          <Paper key={r.testId} withBorder p="sm">
            <Stack gap="xs">
              <Text size="sm" fw={600}>
                {r.name}
              </Text>
              <Output label={t('code.input')} text={r.stdin} />
              <Output label={t('code.expected')} text={r.expectedStdout} />
              <Output label={t('code.actual')} text={r.stdout} />
              {r.stderr && <Output label={t('code.errors')} text={r.stderr} />}
            </Stack>
          </Paper>
        ))}
    </Stack>
  );
}

/** A code lesson: instructions, examples, the editor with run and submit, and per-test results arriving live. */
export function CodeExercisePanel({ courseId, lessonId, onAccepted }: { courseId: string; lessonId: string; onAccepted: () => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const exercise = useQuery({
    queryKey: ['code-exercise', lessonId],
    queryFn: () => call<CodeExercise>(api.GET('/api/v1/courses/{courseId}/lessons/{lessonId}/code-exercise', { params: { path: { courseId, lessonId } } })),
  });
  const history = useQuery({
    queryKey: ['code-submissions', lessonId],
    queryFn: () =>
      call<CodeSubmissionPage>(
        api.GET('/api/v1/courses/{courseId}/lessons/{lessonId}/code-submissions', { params: { path: { courseId, lessonId }, query: { limit: 10 } } }),
      ),
    enabled: exercise.isSuccess,
  });
  const [code, setCode] = useState<string | null>(null);
  const [current, setCurrent] = useState<CodeSubmission | null>(null);

  // the editor starts from this device's draft, else the starter code
  useEffect(() => {
    if (exercise.data && code === null) setCode(localStorage.getItem(draftKey(lessonId)) ?? exercise.data.starterCode);
  }, [exercise.data, code, lessonId]);
  useEffect(() => {
    if (code !== null && exercise.data) {
      if (code === exercise.data.starterCode) localStorage.removeItem(draftKey(lessonId));
      else localStorage.setItem(draftKey(lessonId), code);
    }
  }, [code, exercise.data, lessonId]);

  const pending = current !== null && (current.status === 'queued' || current.status === 'running');
  const settle = (s: CodeSubmission) => {
    setCurrent((prev) => (prev && prev.id === s.id ? s : prev));
    if (s.status === 'done' || s.status === 'error') {
      void qc.invalidateQueries({ queryKey: ['code-submissions', lessonId] });
      if (s.mode === 'submit' && s.verdict === 'accepted') {
        notify({ color: 'green', message: t('code.acceptedToast') });
        onAccepted();
      }
    }
  };
  const { connected } = useRealtimeEvent<CodeSubmission>('code.submission', (s) => {
    if (s.lessonId === lessonId) settle(s);
  });
  // without a live connection, ask the server until the verdict is in
  const poll = useQuery({
    queryKey: ['code-submission', current?.id],
    queryFn: () => call<CodeSubmission>(api.GET('/api/v1/code-submissions/{submissionId}', { params: { path: { submissionId: current!.id } } })),
    enabled: pending,
    refetchInterval: connected ? 5000 : 1000,
  });
  useEffect(() => {
    if (poll.data) settle(poll.data);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [poll.data]);

  const start = useMutation({
    mutationFn: (mode: 'run' | 'submit') =>
      call<CodeSubmission>(
        api.POST('/api/v1/courses/{courseId}/lessons/{lessonId}/code-submissions', { params: { path: { courseId, lessonId } }, body: { mode, code: code ?? '' } }),
      ),
    onSuccess: (s) => setCurrent(s),
    onError: (e) => notifyError(e, t),
  });

  const language = exercise.data?.languageLabel ?? '';
  const visible = useMemo(() => exercise.data?.tests.filter((x) => !x.hidden) ?? [], [exercise.data]);

  if (exercise.isPending) return <Skeleton height={320} />;
  if (exercise.isError) {
    if (exercise.error instanceof ApiError && exercise.error.status === 404) return <Alert color="gray">{t('code.notSetUp')}</Alert>;
    return <ErrorState error={exercise.error} onRetry={() => void exercise.refetch()} />;
  }
  const ex = exercise.data;
  const busy = start.isPending || pending;

  return (
    <Stack gap="md" data-testid="code-exercise">
      <Group gap="xs">
        <Badge variant="light">{t('code.language', { language })}</Badge>
        <Text size="sm" c="dimmed">
          {t('code.limits', { time: formatNumber(ex.timeLimitMs / 1000), memory: formatNumber(ex.memoryLimitMb) })}
        </Text>
      </Group>
      {ex.instructionsHtml && (
        <Typography>
          {/* rendered and sanitized by the server */}
          <div className="lesson-body" dangerouslySetInnerHTML={{ __html: ex.instructionsHtml }} />
        </Typography>
      )}
      {visible.length > 0 && (
        <div>
          <Title order={2} size="h4" mb="xs">
            {t('code.examples')}
          </Title>
          <Accordion variant="contained" defaultValue={visible[0]!.id}>
            {visible.map((x, i) => (
              <Accordion.Item key={x.id} value={x.id}>
                <Accordion.Control>{x.name || t('code.example', { n: i + 1 })}</Accordion.Control>
                <Accordion.Panel>
                  <Stack gap="xs">
                    <Output label={t('code.input')} text={x.stdin} />
                    <Output label={t('code.expected')} text={x.expectedStdout} />
                  </Stack>
                </Accordion.Panel>
              </Accordion.Item>
            ))}
          </Accordion>
          {ex.hiddenTestCount > 0 && (
            <Text size="sm" c="dimmed" mt="xs">
              {t('code.hiddenTests', { count: ex.hiddenTestCount })}
            </Text>
          )}
        </div>
      )}
      {code !== null && (
        <CodeEditor value={code} onChange={setCode} language={ex.language} label={t('code.editor', { language })} describedBy="code-editor-hint" />
      )}
      <Text size="xs" c="dimmed" id="code-editor-hint">
        {t('code.editorHint')} {t('code.draftSaved')}
      </Text>
      <Group>
        <Button variant="default" onClick={() => start.mutate('run')} loading={busy && start.variables === 'run'} disabled={busy || !code?.trim()}>
          {t('code.run')}
        </Button>
        <Button onClick={() => start.mutate('submit')} loading={busy && start.variables === 'submit'} disabled={busy || !code?.trim()}>
          {t('code.submit')}
        </Button>
        <Button
          variant="subtle"
          disabled={busy || code === ex.starterCode}
          onClick={async () => {
            if (await confirmAction({ title: t('code.resetConfirmTitle'), message: t('code.resetConfirm'), confirmLabel: t('code.resetConfirmAction') })) setCode(ex.starterCode);
          }}
        >
          {t('code.reset')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t('code.completedHint')}
      </Text>
      {current && (
        <div>
          <Title order={2} size="h4" mb="xs">
            {t('code.results')}
          </Title>
          <Results s={current} />
        </div>
      )}
      <div>
        <Title order={2} size="h4" mb="xs">
          {t('code.history')}
        </Title>
        {history.data && history.data.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('code.historyEmpty')}
          </Text>
        ) : (
          <Stack gap={4}>
            {history.data?.items.map((s) => (
              <Group key={s.id} gap="xs" wrap="wrap">
                <Text size="sm">
                  {t(`code.mode.${s.mode}`)} · {formatDate(s.createdAt, i18n.language)}
                </Text>
                {s.verdict && <VerdictBadge verdict={s.verdict} />}
                {s.score !== null && s.maxScore !== null && <Text size="sm">{t('code.score', { score: s.score, max: s.maxScore })}</Text>}
                <Button size="compact-xs" variant="subtle" onClick={() => setCode(s.code)} disabled={busy}>
                  {t('code.load')}
                </Button>
              </Group>
            ))}
          </Stack>
        )}
      </div>
    </Stack>
  );
}
