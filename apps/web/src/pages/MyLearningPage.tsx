import { Badge, Button, Card, Group, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call, type MyEnrollment, type MyEnrollmentPage } from '../api';
import { CourseProgress, EmptyState, ErrorState, formatDate, usePageTitle } from '../components/common';

function EnrollmentCard({ item }: { item: MyEnrollment }) {
  const { t, i18n } = useTranslation();
  const next = item.continue?.lesson ?? item.lastLesson;
  const reason = item.continue?.reason;
  const action = reason === 'completed' ? t('myLearning.review') : reason === 'start' ? t('myLearning.start') : t('myLearning.continue');
  return (
    <Card withBorder padding="md" component="article" data-testid="enrollment-card">
      <Stack gap="sm" h="100%">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Title order={2} size="h4">
            <Link to={`/courses/${item.course.slug}`} style={{ color: 'inherit' }}>
              {item.course.title}
            </Link>
          </Title>
          <Badge variant="light" color={item.enrollment.status === 'completed' ? 'green' : 'blue'}>
            {t(`myLearning.status.${item.enrollment.status}`)}
          </Badge>
        </Group>
        <CourseProgress percent={item.progress.percent} completed={item.progress.completedLessons} total={item.progress.totalLessons} />
        {item.enrollment.completedAt ? (
          <Text size="sm" c="dimmed">
            {t('myLearning.completedOn', { date: formatDate(item.enrollment.completedAt, i18n.language) })}
          </Text>
        ) : (
          next && (
            <Text size="sm" c="dimmed" lineClamp={2}>
              {t('myLearning.nextLesson', { title: next.title })}
            </Text>
          )
        )}
        <Group mt="auto">
          {next ? (
            <Button component={Link} to={`/learn/${item.course.id}/lessons/${next.id}`} aria-label={`${action}: ${item.course.title}`}>
              {action}
            </Button>
          ) : (
            <Button component={Link} to={`/courses/${item.course.slug}`} variant="default" aria-label={`${action}: ${item.course.title}`}>
              {action}
            </Button>
          )}
          <Button component={Link} to={`/my-learning/${item.course.id}/grades`} variant="default" aria-label={`${t('gradebook.mine.link')}: ${item.course.title}`}>{t('gradebook.mine.link')}</Button>
        </Group>
      </Stack>
    </Card>
  );
}

export function MyLearningPage() {
  const { t } = useTranslation();
  usePageTitle(t('myLearning.title'));
  const list = useQuery({
    queryKey: ['my-enrollments'],
    queryFn: () => call<MyEnrollmentPage>(api.GET('/api/v1/me/enrollments', { params: { query: { limit: 100 } } })),
  });
  return (
    <Stack>
      <Title order={1}>{t('myLearning.title')}</Title>
      {list.isPending ? (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} aria-hidden="true">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} height={190} radius="md" />
          ))}
        </SimpleGrid>
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <EmptyState
          title={t('myLearning.empty')}
          hint={t('myLearning.emptyHint')}
          action={
            <Button component={Link} to="/">
              {t('myLearning.browse')}
            </Button>
          }
        />
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {list.data.items.map((item) => (
            <EnrollmentCard key={item.enrollment.id} item={item} />
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}
