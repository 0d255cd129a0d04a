import { Anchor, Badge, Button, Group, Paper, SimpleGrid, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, call } from '../../api';
import { EmptyState, ErrorState, formatDate, usePageTitle } from '../../components/common';
import { formatPercent, gradebookKeys, type GradeStatus, type MyGrades } from './types';

const STATUS_COLORS: Record<GradeStatus, string> = { graded: 'blue', pending: 'yellow', missing: 'gray', zero: 'red', excluded: 'gray' };

/** A learner's own grades in one course (/my-learning/:courseId/grades). */
export function MyGradesPage() {
  const { courseId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const grades = useQuery({
    queryKey: gradebookKeys.mine(courseId),
    queryFn: () => call<MyGrades>(api.GET('/api/v1/me/courses/{courseId}/grades', { params: { path: { courseId } } })),
  });
  usePageTitle(grades.data ? t('gradebook.mine.pageTitle', { title: grades.data.courseTitle }) : t('gradebook.mine.heading'));

  if (grades.isPending)
    return (
      <Stack>
        <Title order={1}>{t('gradebook.mine.heading')}</Title>
        <Stack aria-hidden="true" gap="xs">
          <Skeleton height={80} />
          <Skeleton height={40} />
          <Skeleton height={40} />
        </Stack>
      </Stack>
    );
  if (grades.isError)
    return (
      <Stack>
        <Title order={1}>{t('gradebook.mine.heading')}</Title>
        <ErrorState error={grades.error} onRetry={() => void grades.refetch()} />
        <Anchor component={Link} to="/my-learning">
          {t('gradebook.mine.back')}
        </Anchor>
      </Stack>
    );
  const g = grades.data;
  const categories = new Map(g.categories.map((c) => [c.id, c.name]));

  return (
    <Stack>
      <Anchor component={Link} to="/my-learning" size="sm">
        ← {t('gradebook.mine.back')}
      </Anchor>
      <Title order={1} style={{ overflowWrap: 'anywhere' }}>
        {t('gradebook.mine.title', { title: g.courseTitle })}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Paper withBorder p="md">
          <Text size="sm" c="dimmed">
            {t('gradebook.mine.final')}
          </Text>
          <Text size="xl" fw={700} data-testid="my-final">
            {formatPercent(g.finalPercent, lang)}
          </Text>
        </Paper>
        <Paper withBorder p="md">
          <Text size="sm" c="dimmed">
            {t('gradebook.mine.result')}
          </Text>
          <Badge size="lg" variant="light" color={g.passed ? 'green' : 'gray'} mt={4}>
            {g.passed ? t('gradebook.mine.passing') : t('gradebook.mine.notYet')}
          </Badge>
          <Text size="xs" c="dimmed" mt={4}>
            {t('gradebook.passingAt', { percent: formatPercent(g.passingPercent, lang) })}
          </Text>
        </Paper>
        <Paper withBorder p="md">
          <Text size="sm" c="dimmed">
            {t('gradebook.mine.required')}
          </Text>
          <Text fw={600}>{g.requiredItems === 0 ? t('gradebook.mine.noRequired') : g.requiredItemsPassed ? t('gradebook.requiredPassed') : t('gradebook.requiredMissing')}</Text>
        </Paper>
      </SimpleGrid>
      {g.mode === 'weighted' && g.categories.length > 0 && (
        <Stack component="section" aria-labelledby="my-categories" gap="xs">
          <Title order={2} size="h4" id="my-categories">
            {t('gradebook.mine.categories')}
          </Title>
          <Group gap="md">
            {g.categories.map((c) => (
              <Text key={c.id} size="sm">
                {c.name} ({formatPercent(c.weight, lang)}): <strong>{formatPercent(c.percent, lang)}</strong>
              </Text>
            ))}
          </Group>
        </Stack>
      )}
      <Stack component="section" aria-labelledby="my-items" gap="xs">
        <Title order={2} size="h4" id="my-items">
          {t('gradebook.mine.items')}
        </Title>
        {g.items.length === 0 ? (
          <EmptyState
            title={t('gradebook.mine.empty')}
            hint={t('gradebook.mine.emptyHint')}
            action={
              <Button component={Link} to="/my-learning" variant="light">
                {t('gradebook.mine.back')}
              </Button>
            }
          />
        ) : (
          <Table.ScrollContainer minWidth={640} type="native" tabIndex={0} role="region" aria-label={t('gradebook.mine.items')}>
            <Table verticalSpacing="sm" data-testid="my-grades">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('gradebook.mine.item')}</Table.Th>
                  <Table.Th scope="col">{t('gradebook.mine.status')}</Table.Th>
                  <Table.Th scope="col">{t('gradebook.mine.score')}</Table.Th>
                  <Table.Th scope="col">{t('gradebook.mine.percent')}</Table.Th>
                  <Table.Th scope="col">{t('gradebook.mine.feedback')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {g.items.map((i) => (
                  <Table.Tr key={i.lessonId} data-testid="my-grade-row">
                    <Table.Th scope="row">
                      <Text size="sm" fw={500}>
                        {i.title}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {t(`gradebook.types.${i.type}`)}
                        {i.categoryId && categories.get(i.categoryId) ? ` · ${categories.get(i.categoryId)}` : ''}
                        {i.required ? ` · ${t('gradebook.required')}` : ''}
                        {i.dueAt ? ` · ${t('gradebook.mine.due', { date: formatDate(i.dueAt, lang) })}` : ''}
                      </Text>
                    </Table.Th>
                    <Table.Td>
                      <Badge variant="light" color={STATUS_COLORS[i.status]}>
                        {t(`gradebook.status.${i.status}`)}
                      </Badge>
                      {i.overridden && (
                        <Text size="xs" c="dimmed">
                          {t('gradebook.mine.adjusted')}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{i.score !== null && i.maxScore !== null ? t('gradebook.mine.scoreOf', { score: i.score, max: i.maxScore }) : '—'}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {formatPercent(i.percent, lang)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/learn/${g.courseId}/lessons/${i.lessonId}`} size="sm" aria-label={t(i.source ? 'gradebook.mine.feedbackFor' : 'gradebook.mine.openFor', { title: i.title })}>
                        {i.source ? t('gradebook.mine.viewFeedback') : t('gradebook.mine.open')}
                      </Anchor>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Stack>
  );
}
