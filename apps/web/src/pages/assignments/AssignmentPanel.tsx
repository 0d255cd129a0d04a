import { Accordion, Alert, Anchor, Badge, Button, CloseButton, FileButton, Group, Paper, Progress, Skeleton, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call, callOrNull, uploadWithProgress } from '../../api';
import { bodyFieldErrors, EmptyState, errorMessage, ErrorState, formatDate, formatNumber, notify, notifyError } from '../../components/common';
import { type Assignment, type AssignmentFile, FILE_TYPES, formatBytes, type MySubmission, type PeerReviewTask, type PeerReviewTaskList, type Submission } from './model';
import { RubricPicker } from './RubricPicker';
import { SubmissionText } from './SubmissionText';
import { useRealtimeEvent } from '../../realtime';

/** Pushed by the server when a grade of one of your submissions is released (or changed after release). */
const GRADE_RELEASED_EVENT = 'assignment.grade-released';

/** The learner's side of an assignment lesson: instructions, due date, the submission form, their versions, and feedback once released. */
export function AssignmentPanel({ courseId, lessonId, onReleased }: { courseId: string; lessonId: string; onReleased?: () => void }) {
  const { t, i18n } = useTranslation();
  const assignment = useQuery({
    queryKey: ['assignment', lessonId],
    queryFn: () => callOrNull<Assignment>(api.GET('/api/v1/courses/{courseId}/lessons/{lessonId}/assignment', { params: { path: { courseId, lessonId } } })),
  });
  const mine = useQuery({
    queryKey: ['my-assignment-submission', lessonId],
    enabled: Boolean(assignment.data),
    queryFn: () => call<MySubmission>(api.GET('/api/v1/courses/{courseId}/lessons/{lessonId}/assignment/my-submission', { params: { path: { courseId, lessonId } } })),
  });
  const qc = useQueryClient();
  // the page updates itself when the instructor releases the grade
  useRealtimeEvent<{ lessonId: string }>(GRADE_RELEASED_EVENT, (e) => {
    if (e.lessonId !== lessonId) return;
    void qc.invalidateQueries({ queryKey: ['my-assignment-submission', lessonId] });
    notify({ color: 'green', message: t('assignments.gradeReleasedLive') });
  });
  const released = mine.data?.submission?.status === 'released';
  useEffect(() => {
    if (released) onReleased?.();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once it turns released
  }, [released]);

  if (assignment.isError) return <ErrorState error={assignment.error} onRetry={() => void assignment.refetch()} />;
  if (assignment.data === null) return <EmptyState title={t('assignments.notSetUp')} hint={t('assignments.notSetUpHint')} />;
  if (!assignment.data || mine.isPending) return <Skeleton height={320} />;
  if (mine.isError) return <ErrorState error={mine.error} onRetry={() => void mine.refetch()} />;
  const a = assignment.data;
  const now = Date.now();
  const closed = a.cutoffAt !== null && Date.parse(a.cutoffAt) < now;
  const s = mine.data.submission;

  return (
    <Stack>
      <Paper withBorder p="md" component="section" aria-labelledby="assignment-about">
        <Stack gap="xs">
          <Title order={2} size="h3" id="assignment-about">
            {t('assignments.about')}
          </Title>
          {a.instructions && <div className="lesson-body" dangerouslySetInnerHTML={{ __html: a.instructionsHtml }} />}
          <Text size="sm" data-testid="assignment-due">
            {a.dueAt ? t('assignments.dueOn', { date: formatDate(a.dueAt, i18n.language) }) : t('assignments.noDue')}
          </Text>
          {a.dueAt && a.latePenaltyPerDay > 0 && <Text size="sm">{t('assignments.latePolicy', { percent: a.latePenaltyPerDay })}</Text>}
          {a.cutoffAt && <Text size="sm">{t('assignments.cutoffOn', { date: formatDate(a.cutoffAt, i18n.language) })}</Text>}
          <Text size="sm">{t('assignments.worth', { points: formatNumber(a.pointsPossible), passing: a.passingPercent })}</Text>
          {a.mode === 'group' && (
            <Text size="sm">{mine.data.group ? t('assignments.yourGroup', { name: mine.data.group.name }) : t('assignments.noGroupYet')}</Text>
          )}
        </Stack>
      </Paper>

      {s?.status === 'released' && s.grade && <Feedback a={a} s={s} />}

      {closed ? (
        <Alert color="orange">{t('assignments.closed')}</Alert>
      ) : a.mode === 'group' && !mine.data.group ? null : (
        <SubmitForm a={a} courseId={courseId} lessonId={lessonId} mine={mine.data} />
      )}

      {s && s.versions.length > 0 && (
        <Paper withBorder p="md" component="section" aria-labelledby="my-versions">
          <Title order={2} size="h3" id="my-versions" mb="xs">
            {t('assignments.yourVersions')}
          </Title>
          <Accordion defaultValue={String(s.versionCount)}>
            {[...s.versions].reverse().map((v) => (
              <Accordion.Item key={v.id} value={String(v.number)} data-testid="my-version">
                <Accordion.Control>
                  <Group gap="xs">
                    <Text>{t('assignments.versionN', { n: v.number })}</Text>
                    <Text size="sm" c="dimmed">
                      {formatDate(v.submittedAt, i18n.language)}
                    </Text>
                    {v.late && (
                      <Badge color="orange" variant="light">
                        {t('assignments.latePenaltyBadge', { penalty: v.penaltyPercent })}
                      </Badge>
                    )}
                  </Group>
                </Accordion.Control>
                <Accordion.Panel>
                  <Stack gap="xs">
                    {v.text && <Text style={{ whiteSpace: 'pre-wrap' }}>{v.text}</Text>}
                    {v.files.map((f) => (
                      <Anchor key={f.id} href={f.url} size="sm">
                        {f.name} ({formatBytes(f.size)})
                      </Anchor>
                    ))}
                  </Stack>
                </Accordion.Panel>
              </Accordion.Item>
            ))}
          </Accordion>
          {s.status !== 'released' && (
            <Text size="sm" c="dimmed" mt="xs">
              {t('assignments.waitingForGrade')}
            </Text>
          )}
        </Paper>
      )}

      {a.peerReviewCount > 0 && <PeerReviews courseId={courseId} lessonId={lessonId} />}
    </Stack>
  );
}

function SubmitForm({ a, courseId, lessonId, mine }: { a: Assignment; courseId: string; lessonId: string; mine: MySubmission }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const last = mine.submission?.versions.at(-1);
  const [text, setText] = useState(last?.text ?? '');
  // files of the previous version are kept unless removed; new uploads join them
  const [kept, setKept] = useState(last?.files ?? []);
  const [progress, setProgress] = useState<{ name: string; percent: number } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const files = [...kept, ...mine.pendingFiles.filter((p) => !kept.some((k) => k.id === p.id))];
  const accept = FILE_TYPES.filter((f) => a.allowedFileTypes.includes(f.value)).map((f) => f.accept).join(',');
  const refresh = () => void qc.invalidateQueries({ queryKey: ['my-assignment-submission', lessonId] });

  const upload = async (file: File | null) => {
    if (!file || progress) return;
    if (file.size > a.maxFileBytes) {
      notify({ color: 'red', message: t('assignments.tooBig', { name: file.name, max: formatBytes(a.maxFileBytes) }) });
      return;
    }
    setProgress({ name: file.name, percent: 0 });
    try {
      await uploadWithProgress<AssignmentFile>('POST', `/api/v1/courses/${encodeURIComponent(courseId)}/lessons/${encodeURIComponent(lessonId)}/assignment/files`, file, (percent) =>
        setProgress({ name: file.name, percent }),
      );
      refresh();
    } catch (e) {
      notify({ color: 'red', title: t('assignments.uploadFailed'), message: errorMessage(e, t) });
    } finally {
      setProgress(null);
    }
  };
  const discard = useMutation({
    mutationFn: (fileId: string) => call(api.DELETE('/api/v1/courses/{courseId}/lessons/{lessonId}/assignment/files/{fileId}', { params: { path: { courseId, lessonId, fileId } } })),
    onSuccess: refresh,
    onError: (e) => notifyError(e, t),
  });
  const submit = useMutation({
    mutationFn: () =>
      call<Submission>(
        api.POST('/api/v1/courses/{courseId}/lessons/{lessonId}/assignment/submissions', {
          params: { path: { courseId, lessonId } },
          body: { text: a.allowText ? text : '', fileIds: files.map((f) => f.id) },
        }),
      ),
    onSuccess: (s) => {
      setErrors({});
      setKept(s.versions.at(-1)?.files ?? []);
      refresh();
      notify({ color: 'green', message: t('assignments.submitted', { n: s.versionCount }) });
    },
    onError: (e) => {
      const fe = bodyFieldErrors(e);
      setErrors(fe);
      if (!fe.text) notifyError(e, t);
    },
  });

  return (
    <Paper withBorder p="md" component="form" aria-labelledby="submit-title" onSubmit={(e) => { e.preventDefault(); if (!submit.isPending && !progress) submit.mutate(); }}>
      <Stack>
        <Title order={2} size="h3" id="submit-title">
          {mine.submission ? t('assignments.resubmitTitle') : t('assignments.submitTitle')}
        </Title>
        {a.allowText && <Textarea label={t('assignments.yourText')} autosize minRows={6} value={text} onChange={(e) => setText(e.currentTarget.value)} error={errors.text} />}
        {a.maxFiles > 0 && (
          <Stack gap="xs">
            <Text size="sm" fw={500}>
              {t('assignments.yourFiles', { max: a.maxFiles, size: formatBytes(a.maxFileBytes) })}
            </Text>
            {files.map((f) => (
              <Group key={f.id} gap="xs" data-testid="attached-file">
                <Text size="sm">
                  {f.name} ({formatBytes(f.size)})
                </Text>
                <CloseButton
                  aria-label={t('assignments.removeFile', { name: f.name })}
                  onClick={() => {
                    if (kept.some((k) => k.id === f.id)) setKept(kept.filter((k) => k.id !== f.id));
                    else discard.mutate(f.id);
                  }}
                />
              </Group>
            ))}
            {progress && (
              <Stack gap={2} role="status" aria-live="polite">
                <Text size="xs">{t('assignments.uploading', { name: progress.name, percent: progress.percent })}</Text>
                <Progress value={progress.percent} aria-label={t('assignments.uploadProgress')} />
              </Stack>
            )}
            {errors.fileIds && (
              <Text size="xs" c="red" role="alert">
                {errors.fileIds}
              </Text>
            )}
            <FileButton onChange={(f) => void upload(f)} accept={accept}>
              {(props) => (
                <Button {...props} variant="default" disabled={Boolean(progress) || files.length >= a.maxFiles} style={{ alignSelf: 'flex-start' }}>
                  {t('assignments.addFile')}
                </Button>
              )}
            </FileButton>
          </Stack>
        )}
        <Button type="submit" loading={submit.isPending} disabled={Boolean(progress)} style={{ alignSelf: 'flex-start' }}>
          {mine.submission ? t('assignments.resubmit') : t('assignments.submit')}
        </Button>
      </Stack>
    </Paper>
  );
}

function Feedback({ a, s }: { a: Assignment; s: Submission }) {
  const { t } = useTranslation();
  const g = s.grade!;
  const latest = s.versions.find((v) => v.number === g.gradedVersion) ?? s.versions.at(-1)!;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="feedback-title" data-testid="assignment-feedback">
      <Stack>
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h3" id="feedback-title">
            {t('assignments.yourGrade')}
          </Title>
          <Badge color={g.passed ? 'green' : 'red'} size="lg" variant="light" data-testid="assignment-grade">
            {t('assignments.scoreOf', { score: formatNumber(g.score), max: formatNumber(g.maxScore) })}
          </Badge>
        </Group>
        {g.penaltyPercent > 0 && <Text size="sm">{t('assignments.penaltyApplied', { penalty: g.penaltyPercent, raw: formatNumber(g.rawScore) })}</Text>}
        {a.rubric.length > 0 && g.source === 'instructor' && <RubricPicker rubric={a.rubric} value={g.selections} readOnly pointsPossible={a.pointsPossible} idPrefix="feedback" />}
        {latest.text && s.comments.some((c) => c.anchor === 'text') && (
          <SubmissionText text={latest.text} comments={s.comments.filter((c) => c.versionId === latest.id)} label={t('assignments.submissionText')} />
        )}
        {s.comments.length > 0 && (
          <Stack gap="xs">
            <Text fw={600}>{t('assignments.comments')}</Text>
            {s.comments.map((c) => (
              <Paper key={c.id} withBorder p="xs" data-testid="feedback-comment">
                {c.quote && (
                  <Text size="xs" c="dimmed">
                    “{c.quote}”
                  </Text>
                )}
                <Text size="sm">{c.body}</Text>
                <Text size="xs" c="dimmed">
                  {c.authorName}
                </Text>
              </Paper>
            ))}
          </Stack>
        )}
        {s.peerReviews.length > 0 && (
          <Stack gap="xs">
            <Text fw={600}>{t('assignments.peerReviewsReceived')}</Text>
            {s.peerReviews.map((r) => (
              <Paper key={r.id} withBorder p="xs">
                <Text size="sm" fw={500}>
                  {r.label} · {r.score === null ? '—' : t('assignments.scoreOf', { score: formatNumber(r.score), max: formatNumber(a.pointsPossible) })}
                </Text>
                {r.comment && <Text size="sm">{r.comment}</Text>}
              </Paper>
            ))}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

function PeerReviews({ courseId, lessonId }: { courseId: string; lessonId: string }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['assignment-peer-reviews', lessonId],
    queryFn: () => call<PeerReviewTaskList>(api.GET('/api/v1/courses/{courseId}/lessons/{lessonId}/assignment/peer-reviews', { params: { path: { courseId, lessonId } } })),
  });
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <Skeleton height={120} />;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="peer-title">
      <Stack>
        <Title order={2} size="h3" id="peer-title">
          {t('assignments.peerToDo')}
        </Title>
        {q.data.items.length === 0 ? <Text c="dimmed">{t('assignments.noPeerReviews')}</Text> : q.data.items.map((r) => <PeerReviewForm key={r.id} task={r} lessonId={lessonId} />)}
      </Stack>
    </Paper>
  );
}

function PeerReviewForm({ task, lessonId }: { task: PeerReviewTask; lessonId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [selections, setSelections] = useState(task.selections);
  const [comment, setComment] = useState(task.comment);
  const save = useMutation({
    mutationFn: () => call<PeerReviewTask>(api.PUT('/api/v1/assignment-peer-reviews/{reviewId}', { params: { path: { reviewId: task.id } }, body: { selections, comment } })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['assignment-peer-reviews', lessonId] });
      notify({ color: 'green', message: t('assignments.reviewSaved') });
    },
    onError: (e) => notifyError(e, t),
  });
  return (
    <Paper withBorder p="sm" component="form" aria-label={task.submissionLabel} onSubmit={(e) => { e.preventDefault(); if (!save.isPending) save.mutate(); }}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>{task.submissionLabel}</Text>
          {task.submittedAt && (
            <Badge color="green" variant="light">
              {t('assignments.reviewDone')}
            </Badge>
          )}
        </Group>
        {task.version?.text && <Text style={{ whiteSpace: 'pre-wrap' }}>{task.version.text}</Text>}
        {task.version?.files.map((f) => (
          <Anchor key={f.id} href={f.url} size="sm">
            {f.name}
          </Anchor>
        ))}
        <RubricPicker rubric={task.rubric} value={selections} onChange={setSelections} pointsPossible={task.pointsPossible} idPrefix={`review-${task.id}`} />
        <Textarea label={t('assignments.reviewComment')} autosize minRows={2} value={comment} onChange={(e) => setComment(e.currentTarget.value)} />
        <Button type="submit" size="xs" loading={save.isPending} style={{ alignSelf: 'flex-start' }}>
          {t('assignments.saveReview')}
        </Button>
      </Stack>
    </Paper>
  );
}
