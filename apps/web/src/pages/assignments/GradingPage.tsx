import { ActionIcon, Alert, Anchor, Badge, Button, Grid, Group, NumberInput, Paper, SegmentedControl, Skeleton, Stack, Table, Text, Textarea, TextInput, Title, UnstyledButton } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError, api, call } from '../../api';
import { bodyFieldErrors, confirmAction, EmptyState, ErrorState, formatDate, formatNumber, LoadMore, notify, notifyError, PageLoading, usePageTitle } from '../../components/common';
import type { Assignment, Submission, SubmissionComment, SubmissionSummaryPage } from './model';
import { RubricPicker } from './RubricPicker';
import { SubmissionText } from './SubmissionText';

const STATUS_COLOR: Record<Submission['status'], string> = { not_submitted: 'gray', submitted: 'blue', graded: 'orange', released: 'green' };

export function StatusBadge({ status }: { status: Submission['status'] }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLOR[status]} variant="light" data-testid="submission-status" data-status={status}>
      {t(`assignments.status.${status}`)}
    </Badge>
  );
}

/** Submissions per page of the grader's list; "Load more" fetches the next page by cursor. */
const SUBMISSIONS_PAGE = 25;

/** The grader's page for one assignment: its submissions, one at a time with history, rubric, comments and release. */
export function GradingPage() {
  const { courseId = '', lessonId = '' } = useParams();
  const { t } = useTranslation();
  const qc = useQueryClient();
  usePageTitle(t('assignments.gradingPageTitle'));
  const assignment = useQuery({
    queryKey: ['assignment', lessonId],
    queryFn: () => call<Assignment>(api.GET('/api/v1/courses/{courseId}/lessons/{lessonId}/assignment', { params: { path: { courseId, lessonId } } })),
  });
  const list = useInfiniteQuery({
    queryKey: ['assignment-submissions', lessonId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call<SubmissionSummaryPage>(
        api.GET('/api/v1/courses/{courseId}/lessons/{lessonId}/assignment/submissions', { params: { path: { courseId, lessonId }, query: { limit: SUBMISSIONS_PAGE, cursor: pageParam } } }),
      ),
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  });
  const [selected, setSelected] = useState<string | null>(null);
  const first = list.data?.pages[0]?.items[0];
  useEffect(() => {
    if (!selected && first) setSelected(first.id);
  }, [first, selected]);

  const releaseAll = useMutation({
    mutationFn: () => call<{ released: number }>(api.POST('/api/v1/courses/{courseId}/lessons/{lessonId}/assignment/release', { params: { path: { courseId, lessonId } } })),
    onSuccess: (r) => {
      notify({ color: 'green', message: t('assignments.releasedN', { count: r.released }) });
      void qc.invalidateQueries({ queryKey: ['assignment-submissions', lessonId] });
      void qc.invalidateQueries({ queryKey: ['assignment-submission'] });
    },
    onError: (e) => notifyError(e, t),
  });
  const assignPeers = useMutation({
    mutationFn: () => call<{ assigned: number }>(api.POST('/api/v1/courses/{courseId}/lessons/{lessonId}/assignment/peer-reviews/assign', { params: { path: { courseId, lessonId } } })),
    onSuccess: (r) => {
      notify({ color: 'green', message: t('assignments.peersAssigned', { count: r.assigned }) });
      void qc.invalidateQueries({ queryKey: ['assignment-submissions', lessonId] });
    },
    onError: (e) => notifyError(e, t),
  });

  if (assignment.isError || list.isError) {
    return (
      <Stack>
        <Title order={1}>{t('assignments.gradingPageTitle')}</Title>
        <ErrorState error={assignment.error ?? list.error} onRetry={() => void (assignment.refetch(), list.refetch())} />
      </Stack>
    );
  }
  if (!assignment.data || !list.data) return <PageLoading />;
  const a = assignment.data;
  const items = list.data.pages.flatMap((p) => p.items);

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <div>
          <Anchor component={Link} to={`/teach/courses/${courseId}/lessons/${lessonId}`} size="sm">
            ← {t('assignments.backToLesson')}
          </Anchor>
          <Title order={1}>{t('assignments.gradingPageTitle')}</Title>
        </div>
        <Group gap="sm">
          {a.peerReviewCount > 0 && (
            <Button variant="default" loading={assignPeers.isPending} onClick={() => assignPeers.mutate()}>
              {t('assignments.assignPeers')}
            </Button>
          )}
          <Button
            loading={releaseAll.isPending}
            disabled={items.length === 0}
            onClick={async () => {
              if (await confirmAction({ title: t('assignments.releaseAllTitle'), message: t('assignments.releaseAllConfirm'), confirmLabel: t('assignments.releaseAll') })) releaseAll.mutate();
            }}
          >
            {t('assignments.releaseAll')}
          </Button>
        </Group>
      </Group>
      {a.anonymousGrading && (
        <Alert color="blue" variant="light">
          {t('assignments.anonymousOn')}
        </Alert>
      )}
      {items.length === 0 ? (
        <EmptyState title={t('assignments.noSubmissions')} hint={t('assignments.noSubmissionsHint')} action={<Anchor component={Link} to={`/teach/courses/${courseId}/lessons/${lessonId}`}>{t('assignments.backToLesson')}</Anchor>} />
      ) : (
        <Grid>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Paper withBorder component="section" aria-labelledby="submissions-title" p="xs">
              <Title order={2} size="h4" id="submissions-title" p="xs">
                {t('assignments.submissions')}
              </Title>
              <Table.ScrollContainer minWidth={260}>
                <Table highlightOnHover>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('assignments.colWho')}</Table.Th>
                      <Table.Th>{t('assignments.colStatus')}</Table.Th>
                      <Table.Th>{t('assignments.colScore')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((s) => (
                      <Table.Tr key={s.id} bg={s.id === selected ? 'var(--mantine-color-blue-light)' : undefined} data-testid="submission-row">
                        <Table.Td>
                          <UnstyledButton onClick={() => setSelected(s.id)} aria-current={s.id === selected ? 'true' : undefined} style={{ textDecoration: 'underline' }}>
                            {s.ownerLabel}
                          </UnstyledButton>
                          <Text size="xs" c="dimmed">
                            {t('assignments.versionsN', { count: s.versionCount })}
                            {s.late ? ` · ${t('assignments.late')}` : ''}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <StatusBadge status={s.status} />
                        </Table.Td>
                        <Table.Td>{s.score === null ? '—' : `${formatNumber(s.score)} / ${formatNumber(s.maxScore)}`}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <LoadMore query={list} label={t('assignments.moreSubmissions')} />
            </Paper>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 8 }}>{selected && <SubmissionGrader key={selected} assignment={a} submissionId={selected} lessonId={lessonId} />}</Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}

function SubmissionGrader({ assignment: a, submissionId, lessonId }: { assignment: Assignment; submissionId: string; lessonId: string }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['assignment-submission', submissionId],
    queryFn: () => call<Submission>(api.GET('/api/v1/assignment-submissions/{submissionId}', { params: { path: { submissionId } } })),
  });
  const [versionNo, setVersionNo] = useState<number | null>(null);
  const [selections, setSelections] = useState<Record<string, string>>({});
  const [points, setPoints] = useState<number | string>('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [range, setRange] = useState<{ start: number; end: number } | null>(null);
  const [inline, setInline] = useState('');
  const [general, setGeneral] = useState('');
  useEffect(() => {
    if (!q.data) return;
    if (versionNo === null) setVersionNo(q.data.versionCount);
    if (q.data.grade && q.data.grade.source === 'instructor') {
      setSelections(q.data.grade.selections);
      setPoints(q.data.grade.rawScore);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the submission loads
  }, [q.data?.id]);

  const refresh = (s?: Submission) => {
    if (s) qc.setQueryData(['assignment-submission', submissionId], s);
    else void qc.invalidateQueries({ queryKey: ['assignment-submission', submissionId] });
    void qc.invalidateQueries({ queryKey: ['assignment-submissions', lessonId] });
  };
  const grade = useMutation({
    mutationFn: () =>
      call<Submission>(
        api.PUT('/api/v1/assignment-submissions/{submissionId}/grade', {
          params: { path: { submissionId } },
          body: a.rubric.length ? { selections } : { selections: {}, points: Number(points) },
        }),
      ),
    onSuccess: (s) => {
      setErrors({});
      refresh(s);
      notify({ color: 'green', message: t('assignments.gradeSaved') });
    },
    onError: (e) => {
      const fe = bodyFieldErrors(e);
      setErrors(fe);
      notifyError(e, t);
    },
  });
  const comment = useMutation({
    mutationFn: (body: { anchor: 'general' | 'text' | 'file'; versionId: string; body: string; rangeStart?: number; rangeEnd?: number; fileId?: string }) =>
      call<SubmissionComment>(api.POST('/api/v1/assignment-submissions/{submissionId}/comments', { params: { path: { submissionId } }, body })),
    onSuccess: (_c, vars) => {
      if (vars.anchor === 'text') {
        setInline('');
        setRange(null);
      } else setGeneral('');
      refresh();
      notify({ color: 'green', message: t('assignments.commentAdded') });
    },
    onError: (e) => notifyError(e, t),
  });
  const removeComment = useMutation({
    mutationFn: (commentId: string) => call(api.DELETE('/api/v1/assignment-comments/{commentId}', { params: { path: { commentId } } })),
    onSuccess: () => refresh(),
    onError: (e) => notifyError(e, t),
  });
  const release = useMutation({
    mutationFn: () => call<Submission>(api.POST('/api/v1/assignment-submissions/{submissionId}/release', { params: { path: { submissionId } } })),
    onSuccess: (s) => {
      refresh(s);
      notify({ color: 'green', message: t('assignments.released') });
    },
    onError: (e) => notifyError(e, t),
  });

  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data || versionNo === null) return <Skeleton height={400} />;
  const s = q.data;
  const v = s.versions.find((x) => x.number === versionNo) ?? s.versions.at(-1)!;
  const comments = s.comments.filter((c) => c.versionId === v.id);
  const quote = range ? v.text.slice(range.start, range.end) : '';

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="grader-title">
      <Stack>
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h3" id="grader-title" data-testid="grader-owner">
            {s.ownerLabel}
          </Title>
          <StatusBadge status={s.status} />
        </Group>
        {s.versions.length > 1 && (
          <Stack gap={4}>
            <Text size="sm" fw={500} id="version-label">
              {t('assignments.history')}
            </Text>
            <SegmentedControl
              aria-labelledby="version-label"
              value={String(v.number)}
              onChange={(x) => {
                setVersionNo(Number(x));
                setRange(null);
              }}
              data={s.versions.map((x) => ({ value: String(x.number), label: t('assignments.versionN', { n: x.number }) }))}
              style={{ alignSelf: 'flex-start' }}
            />
          </Stack>
        )}
        <Text size="sm" c="dimmed">
          {t('assignments.submittedAt', { date: formatDate(v.submittedAt, i18n.language) })}
          {v.late ? ` · ${t('assignments.lateBy', { days: v.daysLate, penalty: v.penaltyPercent })}` : ''}
        </Text>
        {v.text ? (
          <SubmissionText text={v.text} comments={comments} onSelect={setRange} label={t('assignments.submissionText')} />
        ) : (
          <Text c="dimmed">{t('assignments.noText')}</Text>
        )}
        {v.text && (
          <Paper withBorder p="sm" component="section" aria-labelledby="inline-title">
            <Stack gap="xs">
              <Text size="sm" fw={600} id="inline-title">
                {t('assignments.inlineTitle')}
              </Text>
              {range ? (
                <Text size="sm" data-testid="selected-quote">
                  {t('assignments.onPassage', { quote })}
                </Text>
              ) : (
                <Text size="sm" c="dimmed">
                  {t('assignments.selectHint')}
                </Text>
              )}
              <TextInput
                label={t('assignments.passage')}
                description={t('assignments.passageHint')}
                value={quote}
                onChange={(e) => {
                  const p = e.currentTarget.value;
                  const at = p ? v.text.indexOf(p) : -1;
                  setRange(at >= 0 ? { start: at, end: at + p.length } : null);
                }}
              />
              <Textarea label={t('assignments.inlineComment')} autosize minRows={2} value={inline} onChange={(e) => setInline(e.currentTarget.value)} />
              <Button
                size="xs"
                style={{ alignSelf: 'flex-start' }}
                disabled={!range || !inline.trim()}
                loading={comment.isPending && comment.variables?.anchor === 'text'}
                onClick={() => range && comment.mutate({ anchor: 'text', versionId: v.id, rangeStart: range.start, rangeEnd: range.end, body: inline })}
              >
                {t('assignments.addInline')}
              </Button>
            </Stack>
          </Paper>
        )}
        {v.files.length > 0 && (
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              {t('assignments.files')}
            </Text>
            {v.files.map((f) => (
              <Anchor key={f.id} href={f.url} size="sm">
                {f.name}
              </Anchor>
            ))}
          </Stack>
        )}
        {comments.length > 0 && (
          <Stack gap="xs" component="section" aria-labelledby="comments-title">
            <Text size="sm" fw={600} id="comments-title">
              {t('assignments.comments')}
            </Text>
            {comments.map((c) => (
              <Paper key={c.id} withBorder p="xs" data-testid="grader-comment">
                <Group justify="space-between" wrap="nowrap" align="flex-start">
                  <div>
                    {c.quote && (
                      <Text size="xs" c="dimmed">
                        “{c.quote}”
                      </Text>
                    )}
                    {c.anchor === 'file' && (
                      <Text size="xs" c="dimmed">
                        {t('assignments.onFile', { name: v.files.find((f) => f.id === c.fileId)?.name ?? '' })}
                      </Text>
                    )}
                    <Text size="sm">{c.body}</Text>
                    <Text size="xs" c="dimmed">
                      {c.authorName}
                    </Text>
                  </div>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={t('assignments.deleteComment')}
                    onClick={async () => {
                      if (await confirmAction({ title: t('assignments.deleteCommentTitle'), message: t('assignments.deleteCommentConfirm'), confirmLabel: t('assignments.remove') })) removeComment.mutate(c.id);
                    }}
                  >
                    ×
                  </ActionIcon>
                </Group>
              </Paper>
            ))}
          </Stack>
        )}
        <Textarea label={t('assignments.generalComment')} autosize minRows={2} value={general} onChange={(e) => setGeneral(e.currentTarget.value)} />
        <Button
          variant="default"
          size="xs"
          style={{ alignSelf: 'flex-start' }}
          disabled={!general.trim()}
          loading={comment.isPending && comment.variables?.anchor === 'general'}
          onClick={() => comment.mutate({ anchor: 'general', versionId: v.id, body: general })}
        >
          {t('assignments.addGeneral')}
        </Button>

        <Title order={3} size="h4">
          {t('assignments.gradeTitle')}
        </Title>
        {a.rubric.length > 0 ? (
          <RubricPicker rubric={a.rubric} value={selections} onChange={setSelections} pointsPossible={a.pointsPossible} idPrefix={`grade-${s.id}`} />
        ) : (
          <NumberInput label={t('assignments.points', { max: a.pointsPossible })} min={0} max={a.pointsPossible} value={points} onChange={setPoints} error={errors.points} maw={200} />
        )}
        {errors.selections && (
          <Text size="xs" c="red" role="alert">
            {errors.selections}
          </Text>
        )}
        {s.grade && (
          <Text size="sm" data-testid="grade-summary">
            {s.grade.penaltyPercent > 0
              ? t('assignments.gradeSummaryLate', { score: formatNumber(s.grade.score), max: formatNumber(s.grade.maxScore), penalty: s.grade.penaltyPercent })
              : t('assignments.gradeSummary', { score: formatNumber(s.grade.score), max: formatNumber(s.grade.maxScore) })}
            {s.grade.source === 'peer' ? ` · ${t('assignments.fromPeers')}` : ''}
          </Text>
        )}
        {s.peerReviews.length > 0 && (
          <Text size="sm" c="dimmed">
            {t('assignments.peerProgress', { done: s.peerReviews.filter((r) => r.submittedAt).length, total: s.peerReviews.length })}
          </Text>
        )}
        <Group>
          <Button loading={grade.isPending} onClick={() => !grade.isPending && grade.mutate()}>
            {t('assignments.saveGrade')}
          </Button>
          <Button variant="light" color="green" disabled={!s.grade || s.status === 'released'} loading={release.isPending} onClick={() => release.mutate()}>
            {s.status === 'released' ? t('assignments.isReleased') : t('assignments.release')}
          </Button>
        </Group>
        {grade.error instanceof ApiError && grade.error.code === 'not_submitted' && <Alert color="red">{grade.error.message}</Alert>}
      </Stack>
    </Paper>
  );
}
