import { Alert, Anchor, Badge, Box, Button, Collapse, Grid, Group, NavLink, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api, call, type LearnerOutline, type LessonCompletion, type LessonContent, type LessonLock } from '../api';
import { CourseProgress, ErrorState, notify, notifyError, usePageTitle } from '../components/common';
import { useLockText } from './CoursePage';
import { CheckIcon, CircleIcon, LockIcon } from '../components/icons';
import { LessonBody } from '../components/LessonBody';

// the code editor (CodeMirror) loads only with a code lesson
const AssignmentPanel = lazy(() => import('./assignments/AssignmentPanel').then((m) => ({ default: m.AssignmentPanel })));
const CodeExercisePanel = lazy(() => import('./code/CodeExercisePanel').then((m) => ({ default: m.CodeExercisePanel })));
const VideoPlayer = lazy(() => import('./player/VideoPlayer').then((m) => ({ default: m.VideoPlayer })));
const QuizPanel = lazy(() => import('./quiz/QuizPanel').then((m) => ({ default: m.QuizPanel })));
/** Lesson types the learner completes by marking them; the others report completion themselves. */
const MARKED_COMPLETE = new Set(['text', 'link']);

function OutlineNav({ outline, courseId, currentId }: { outline: LearnerOutline; courseId: string; currentId: string }) {
  const { t } = useTranslation();
  const lockText = useLockText();
  return (
    <Stack gap="xs">
      {outline.sections.map((s) => (
        <div key={s.id}>
          <Text size="xs" fw={700} tt="uppercase" c="dimmed" px="xs" mb={4}>
            {s.title}
          </Text>
          {s.lessons.map((l) => {
            const status = l.completed ? t('course.completed') : l.locked ? lockText(l.lock) : t('course.notCompleted');
            return (
              <NavLink
                key={l.id}
                component={Link}
                to={`/learn/${courseId}/lessons/${l.id}`}
                active={l.id === currentId}
                aria-current={l.id === currentId ? 'page' : undefined}
                disabled={l.locked}
                label={l.title}
                description={status}
                data-testid="sidebar-lesson"
                data-completed={l.completed ? 'true' : 'false'}
                leftSection={l.completed ? <CheckIcon /> : l.locked ? <LockIcon /> : <CircleIcon />}
              />
            );
          })}
        </div>
      ))}
    </Stack>
  );
}

export function LessonPage() {
  const { courseId = '', lessonId = '' } = useParams();
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const lockText = useLockText();
  const [outlineOpen, { toggle: toggleOutline }] = useDisclosure(false);
  const isDesktop = useMediaQuery('(min-width: 62em)', true, { getInitialValueInEffect: false });

  const outline = useQuery({
    queryKey: ['outline', courseId],
    queryFn: () => call<LearnerOutline>(api.GET('/api/v1/me/courses/{courseId}/outline', { params: { path: { courseId } } })),
  });
  const content = useQuery({
    queryKey: ['lesson', courseId, lessonId],
    queryFn: () =>
      call<LessonContent>(api.GET('/api/v1/me/courses/{courseId}/lessons/{lessonId}', { params: { path: { courseId, lessonId } } })),
  });
  usePageTitle(content.data ? `${content.data.lesson.title} · ${outline.data?.course.title ?? ''}` : outline.data?.course.title);

  const flat = (outline.data?.sections ?? []).flatMap((s) => s.lessons);
  const index = flat.findIndex((l) => l.id === lessonId);
  const prev = index > 0 ? flat[index - 1] : undefined;
  const next = index >= 0 && index < flat.length - 1 ? flat[index + 1] : undefined;
  const completed = flat[index]?.completed ?? content.data?.lesson.completed ?? false;

  const refreshProgress = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['outline', courseId] }),
      qc.invalidateQueries({ queryKey: ['lesson', courseId] }),
      qc.invalidateQueries({ queryKey: ['continue', courseId] }),
      qc.invalidateQueries({ queryKey: ['my-enrollments'] }),
    ]);

  const complete = useMutation({
    mutationFn: () =>
      call<LessonCompletion>(api.POST('/api/v1/me/courses/{courseId}/lessons/{lessonId}/complete', { params: { path: { courseId, lessonId } } })),
    onSuccess: async (res) => {
      if (res.courseCompleted && res.newlyCompleted) notify({ color: 'green', message: t('lesson.courseCompleted') });
      await refreshProgress();
    },
    onError: (e) => notifyError(e, t),
  });

  const lockedError = content.error instanceof ApiError && content.error.code === 'lesson_locked' ? content.error : null;
  const lock = (lockedError?.problem as { lock?: LessonLock } | undefined)?.lock;

  const sidebar = outline.data ? (
    <nav aria-label={t('lesson.outline')}>
      <Stack gap="sm">
        <CourseProgress
          percent={outline.data.progress.percent}
          completed={outline.data.progress.completedLessons}
          total={outline.data.progress.totalLessons}
        />
        <OutlineNav outline={outline.data} courseId={courseId} currentId={lessonId} />
      </Stack>
    </nav>
  ) : (
    <Skeleton height={300} />
  );

  return (
    <Grid gap="xl">
      <Grid.Col span={{ base: 12, md: 8 }} order={{ base: 1, md: 2 }}>
        <Stack>
          {outline.data && (
            <Anchor component={Link} to={`/courses/${outline.data.course.slug}`} size="sm">
              ← {t('lesson.backToCourse')}: {outline.data.course.title}
            </Anchor>
          )}
          <Anchor component={Link} to={`/my-learning/${courseId}/grades`} size="sm">{t('gradebook.mine.link')}</Anchor>
          {content.isPending ? (
            <Stack aria-busy="true">
              <Skeleton height={36} width="70%" />
              <Skeleton height={16} />
              <Skeleton height={16} />
              <Skeleton height={16} width="85%" />
            </Stack>
          ) : lockedError ? (
            <>
              <Title order={1}>{flat[index]?.title ?? t('course.locked')}</Title>
              <Alert color="yellow" title={t('lesson.locked')}>
                {lockText(lock)}
              </Alert>
            </>
          ) : content.isError ? (
            <>
              <Title order={1}>{t('errors.title')}</Title>
              <ErrorState error={content.error} onRetry={() => void content.refetch()} />
            </>
          ) : (
            <>
              <div>
                <Text size="sm" c="dimmed">
                  {content.data.lesson.sectionTitle}
                </Text>
                <Title order={1}>{content.data.lesson.title}</Title>
              </div>
              {content.data.lesson.type === 'code' ? (
                <Suspense fallback={<Skeleton height={320} />}>
                  <CodeExercisePanel courseId={courseId} lessonId={lessonId} onAccepted={() => void refreshProgress()} />
                </Suspense>
              ) : content.data.lesson.type === 'quiz' ? (
                <Suspense fallback={<Skeleton height={320} />}>
                  <QuizPanel courseId={courseId} lessonId={lessonId} onPassed={() => void refreshProgress()} />
                </Suspense>
              ) : content.data.lesson.type === 'video' ? (
                <Suspense fallback={<Skeleton height={320} />}>
                  <VideoPlayer lessonId={lessonId} onCompleted={() => void refreshProgress()} />
                  {(content.data.body.html || content.data.body.markdown) && <LessonBody body={content.data.body} title={content.data.lesson.title} />}
                </Suspense>
              ) : content.data.lesson.type === 'assignment' ? (
                <Suspense fallback={<Skeleton height={320} />}>
                  <AssignmentPanel courseId={courseId} lessonId={lessonId} onReleased={() => void refreshProgress()} />
                </Suspense>
              ) : (
                <LessonBody body={content.data.body} title={content.data.lesson.title} />
              )}
              <Group justify="space-between" mt="md" wrap="wrap">
                {completed ? (
                  <Badge color="green" size="lg" variant="light" data-testid="lesson-completed" leftSection={<CheckIcon />}>
                    {t('lesson.completed')}
                  </Badge>
                ) : MARKED_COMPLETE.has(content.data.lesson.type) ? (
                  <Button onClick={() => complete.mutate()} loading={complete.isPending} disabled={complete.isPending}>
                    {t('lesson.markComplete')}
                  </Button>
                ) : null}
              </Group>
            </>
          )}
          <Group justify="space-between" mt="md" component="nav" aria-label={t('lesson.pager')} wrap="nowrap">
            <Button variant="default" disabled={!prev || prev.locked} onClick={() => prev && navigate(`/learn/${courseId}/lessons/${prev.id}`)}>
              ← {t('lesson.previous')}
            </Button>
            <Button variant="default" disabled={!next || next.locked} onClick={() => next && navigate(`/learn/${courseId}/lessons/${next.id}`)}>
              {t('lesson.next')} →
            </Button>
          </Group>
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }} order={{ base: 2, md: 1 }}>
        {isDesktop ? (
          sidebar
        ) : (
          <>
            <Button variant="light" fullWidth onClick={toggleOutline} aria-expanded={outlineOpen} aria-controls="lesson-outline-mobile">
              {t('lesson.showOutline')}
            </Button>
            <Collapse expanded={outlineOpen} id="lesson-outline-mobile">
              <Box pt="sm">{sidebar}</Box>
            </Collapse>
          </>
        )}
      </Grid.Col>
    </Grid>
  );
}
