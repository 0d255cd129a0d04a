import { Badge, Button, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api';
import { EmptyState, ErrorState } from '../../components/common';
import { formatPercent, gradebookKeys, type OverrideHistoryPage } from './types';

/** Every override change, newest first: who, when, the item, old and new value, and why. */
export function OverrideHistory({ courseId }: { courseId: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const list = useInfiniteQuery({
    queryKey: gradebookKeys.history(courseId),
    queryFn: ({ pageParam }) =>
      call<OverrideHistoryPage>(api.GET('/api/v1/courses/{courseId}/gradebook/overrides', { params: { path: { courseId }, query: { limit: 25, cursor: pageParam ?? undefined } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  if (list.isPending)
    return (
      <Stack gap="xs" aria-hidden="true">
        <Skeleton height={32} />
        <Skeleton height={32} />
      </Stack>
    );
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  const items = list.data.pages.flatMap((p) => p.items);
  if (!items.length) return <EmptyState title={t('gradebook.history.empty')} hint={t('gradebook.history.emptyHint')} />;
  const when = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <Stack>
      <Table.ScrollContainer minWidth={720} type="native" tabIndex={0} role="region" aria-label={t('gradebook.history.title')}>
        <Table verticalSpacing="xs" data-testid="override-history">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('gradebook.history.when')}</Table.Th>
              <Table.Th scope="col">{t('gradebook.history.learner')}</Table.Th>
              <Table.Th scope="col">{t('gradebook.history.item')}</Table.Th>
              <Table.Th scope="col">{t('gradebook.history.change')}</Table.Th>
              <Table.Th scope="col">{t('gradebook.history.reason')}</Table.Th>
              <Table.Th scope="col">{t('gradebook.history.by')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((h) => (
              <Table.Tr key={h.id}>
                <Table.Td>
                  <Text size="sm">{when.format(new Date(h.createdAt))}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{h.learnerName ?? t('gradebook.history.unknownLearner')}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{h.lessonId === null ? t('gradebook.columns.final') : (h.lessonTitle ?? t('gradebook.history.removedItem'))}</Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Badge variant="light" color={h.action === 'set' ? 'blue' : 'gray'}>
                      {t(`gradebook.history.actions.${h.action}`)}
                    </Badge>
                    <Text size="sm">
                      {formatPercent(h.oldPercent, lang)} → {formatPercent(h.newPercent, lang)}
                    </Text>
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                    {h.reason}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{h.actorName}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.hasNextPage && (
        <Group justify="center">
          <Button variant="default" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            {t('gradebook.loadMore')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
