import { Anchor, Button, Group, NumberInput, Paper, Skeleton, Stack, Text, Textarea, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, call } from '../../api';
import { bodyFieldErrors, EmptyState, ErrorState, formatDate, notify, notifyError, usePageTitle } from '../../components/common';
import type { Attempt, GradingItem, GradingQueue } from './types';

function GradeForm({ item, onGraded }: { item: GradingItem; onGraded: () => void }) {
  const { t, i18n } = useTranslation();
  const [points, setPoints] = useState<number | ''>('');
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const grade = useMutation({
    mutationFn: () =>
      call<Attempt>(
        api.POST('/api/v1/quiz-attempts/{attemptId}/items/{questionId}/grade', {
          params: { path: { attemptId: item.attemptId, questionId: item.questionId } },
          body: { points: points === '' ? -1 : points, comment },
        }),
      ),
    onSuccess: () => {
      notify({ color: 'green', message: t('quiz.grading.graded') });
      onGraded();
    },
    onError: (e) => {
      const fe = bodyFieldErrors(e);
      setErrors(fe);
      if (!Object.keys(fe).length) notifyError(e, t);
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!grade.isPending) grade.mutate();
  };
  const q = item.question;
  const guidance = q.type === 'essay' || q.type === 'file_response' ? q.graderGuidance : '';
  return (
    <Paper withBorder p="md" component="li" data-testid="grading-item">
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="xs">
          <Text size="sm" c="dimmed">
            {t('quiz.grading.meta', { n: item.attemptNumber, date: formatDate(item.submittedAt, i18n.language) })}
          </Text>
          <Title order={2} size="h4" style={{ whiteSpace: 'pre-wrap' }}>
            {q.prompt}
          </Title>
          {guidance && (
            <Text size="sm" c="dimmed">
              {t('quiz.grading.guidance', { text: guidance })}
            </Text>
          )}
          <Paper withBorder p="sm" bg="var(--mantine-color-default-hover)">
            {item.answer?.type === 'essay' ? (
              <Text style={{ whiteSpace: 'pre-wrap' }} data-testid="essay-answer">
                {item.answer.text}
              </Text>
            ) : item.fileUrl ? (
              <Anchor href={item.fileUrl} target="_blank" rel="noreferrer">
                {t('quiz.grading.download')}
              </Anchor>
            ) : (
              <Text c="dimmed">{t('quiz.grading.noAnswer')}</Text>
            )}
          </Paper>
          <Group align="flex-start" wrap="wrap">
            <NumberInput
              label={t('quiz.grading.points', { max: item.maxScore })}
              min={0}
              max={item.maxScore}
              value={points}
              onChange={(v) => setPoints(v === '' ? '' : Number(v))}
              error={errors.points}
              required
              w={180}
            />
            <Textarea label={t('quiz.grading.comment')} autosize minRows={2} style={{ flex: 1, minWidth: 220 }} value={comment} onChange={(e) => setComment(e.currentTarget.value)} error={errors.comment} />
          </Group>
          <Group>
            <Button type="submit" loading={grade.isPending}>
              {t('quiz.grading.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/** Instructors' queue of essays and file responses waiting for a grade in one course. */
export function GradingQueuePage() {
  const { courseId = '' } = useParams();
  const { t } = useTranslation();
  usePageTitle(t('quiz.grading.title'));
  const qc = useQueryClient();
  const queue = useInfiniteQuery({
    queryKey: ['grading-queue', courseId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => call<GradingQueue>(api.GET('/api/v1/courses/{courseId}/grading-queue', { params: { path: { courseId }, query: { limit: 20, cursor: pageParam } } })),
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  });
  const items = queue.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Anchor component={Link} to={`/teach/courses/${courseId}/curriculum`} size="sm">
        ← {t('quiz.bank.backToCourse')}
      </Anchor>
      <Title order={1}>{t('quiz.grading.title')}</Title>
      {queue.isError ? (
        <ErrorState error={queue.error} onRetry={() => void queue.refetch()} />
      ) : queue.isPending ? (
        <Skeleton height={200} />
      ) : items.length === 0 ? (
        <EmptyState title={t('quiz.grading.empty')} hint={t('quiz.grading.emptyHint')} action={<Button component={Link} to={`/teach/courses/${courseId}/curriculum`} variant="default">{t('quiz.bank.backToCourse')}</Button>} />
      ) : (
        <Stack component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {items.map((i) => (
            <GradeForm key={`${i.attemptId}:${i.questionId}`} item={i} onGraded={() => void qc.invalidateQueries({ queryKey: ['grading-queue', courseId] })} />
          ))}
        </Stack>
      )}
      {queue.hasNextPage && (
        <Button variant="default" onClick={() => void queue.fetchNextPage()} loading={queue.isFetchingNextPage}>
          {t('quiz.bank.more')}
        </Button>
      )}
    </Stack>
  );
}
