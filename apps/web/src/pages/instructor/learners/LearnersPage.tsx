import { Anchor, Skeleton, Stack, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, call } from '../../../api';
import { ErrorState, usePageTitle } from '../../../components/common';
import { LearnersPanel } from './LearnersPanel';
import type { CourseEditor } from './types';

/** /teach/courses/:courseId/learners: the course title, a way back, and the learners panel. */
export function LearnersPage() {
  const { t } = useTranslation();
  const { courseId = '' } = useParams();
  const course = useQuery({
    queryKey: ['roster', courseId, 'course'],
    queryFn: () => call<CourseEditor>(api.GET('/api/v1/courses/{id}', { params: { path: { id: courseId } } })),
  });
  const title = course.data?.draft.title;
  usePageTitle(title ? t('roster.pageTitle', { title }) : undefined);
  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/teach" size="sm">
        ← {t('roster.backToTeach')}
      </Anchor>
      {course.isPending ? (
        <Skeleton height={36} width="60%" />
      ) : course.isError ? (
        <ErrorState error={course.error} onRetry={() => void course.refetch()} />
      ) : (
        <Title order={1}>{course.data.draft.title}</Title>
      )}
      {course.isSuccess && <LearnersPanel courseId={courseId} />}
    </Stack>
  );
}

export default LearnersPage;
