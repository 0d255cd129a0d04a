import { Alert, Anchor, Button, Group, Skeleton, Stack, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, call, type CatalogCourse, type PreviewLesson } from '../api';
import { ErrorState, usePageTitle } from '../components/common';
import { LessonBody } from '../components/LessonBody';
import { useSession } from '../session';

const VideoPlayer = lazy(() => import('./player/VideoPlayer').then((m) => ({ default: m.VideoPlayer })));

/** A free-preview lesson, open to anyone who can see the course page, signed in or not. */
export function PreviewLessonPage() {
  const { slug = '', lessonId = '' } = useParams();
  const { t } = useTranslation();
  const { user } = useSession();
  const course = useQuery({
    queryKey: ['catalog', 'course', slug],
    queryFn: () => call<CatalogCourse>(api.GET('/api/v1/catalog/courses/{idOrSlug}', { params: { path: { idOrSlug: slug } } })),
  });
  const courseId = course.data?.id;
  const lesson = useQuery({
    queryKey: ['catalog', 'preview', courseId, lessonId],
    queryFn: () =>
      call<PreviewLesson>(api.GET('/api/v1/catalog/courses/{id}/lessons/{lessonId}/preview', { params: { path: { id: courseId!, lessonId } } })),
    enabled: !!courseId,
  });
  usePageTitle(lesson.data ? `${lesson.data.title} · ${course.data?.title ?? ''}` : course.data?.title);

  const error = course.error ?? lesson.error;
  if (error) return <ErrorState error={error} />;
  if (!lesson.data || !course.data)
    return (
      <Stack maw={820} mx="auto">
        <Skeleton height={36} width="60%" />
        <Skeleton height={200} />
      </Stack>
    );

  const coursePath = `/courses/${course.data.slug}`;
  return (
    <Stack maw={820} mx="auto">
      <Anchor component={Link} to={coursePath} size="sm">
        ← {t('lesson.backToCourse')}
      </Anchor>
      <Title order={1}>{lesson.data.title}</Title>
      <Alert color="teal" variant="light" title={t('preview.title')}>
        {t('preview.hint', { course: course.data.title })}
      </Alert>
      {lesson.data.type === 'video' && user && (
        <Suspense fallback={<Skeleton height={320} />}>
          <VideoPlayer lessonId={lesson.data.id} />
        </Suspense>
      )}
      {(lesson.data.type !== 'video' || lesson.data.body.html || lesson.data.body.markdown) && <LessonBody body={lesson.data.body} title={lesson.data.title} />}
      <Group>
        {user ? (
          <Button component={Link} to={coursePath}>
            {t('preview.enrollCta')}
          </Button>
        ) : (
          <Button component={Link} to={`/sign-in?next=${encodeURIComponent(coursePath)}`}>
            {t('course.signInToEnroll')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
