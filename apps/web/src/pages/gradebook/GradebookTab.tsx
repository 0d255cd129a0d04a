import { Badge, Button, Group, Modal, Skeleton, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useOutletContext } from 'react-router';
import { api, call } from '../../api';
import { EmptyState, ErrorState, notifyError, usePageTitle } from '../../components/common';
import type { CourseEditor } from '../instructor/model';
import { GradebookSettings } from './GradebookSettings';
import { OverrideCell } from './OverrideCell';
import { OverrideHistory } from './OverrideHistory';
import { formatPercent, type GradeCell, gradebookKeys, type GradebookTable, type LearnerGrades } from './types';

const STICKY = { position: 'sticky', left: 0, zIndex: 1, background: 'var(--mantine-color-body)', minWidth: 180 } as const;

function CellValue({ cell, lang }: { cell: GradeCell; lang: string }) {
  const { t } = useTranslation();
  if (cell.status === 'pending') return <Badge variant="light" color="yellow">{t('gradebook.status.pending')}</Badge>;
  if (cell.status === 'excluded') return <Text size="sm" c="dimmed">{t('gradebook.status.excluded')}</Text>;
  if (cell.status === 'missing') return <Text size="sm" c="dimmed">—</Text>;
  return (
    <Text size="sm" fw={cell.overridden ? 700 : 400}>
      {formatPercent(cell.percent, lang)}
      {cell.overridden && <span aria-hidden="true"> *</span>}
    </Text>
  );
}

function cellText(cell: GradeCell, lang: string, t: (k: string, o?: Record<string, unknown>) => string): string {
  const base = cell.status === 'graded' || cell.status === 'zero' ? formatPercent(cell.percent, lang) : t(`gradebook.status.${cell.status}`);
  return cell.overridden ? `${base}, ${t('gradebook.overridden')}` : base;
}

async function downloadCsv(courseId: string, slug: string) {
  const blob = await call<Blob>(api.GET('/api/v1/courses/{courseId}/gradebook/csv', { params: { path: { courseId } }, parseAs: 'blob' }));
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `gradebook-${slug}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The course editor's Gradebook tab (/teach/courses/:courseId/gradebook). */
export function GradebookTab() {
  const { t, i18n } = useTranslation();
  const course = useOutletContext<CourseEditor>();
  usePageTitle(t('gradebook.pageTitle', { title: course.draft.title }));
  const lang = i18n.language;
  const courseId = course.id;
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 250);
  const [history, setHistory] = useState(false);
  const [downloading, setDownloading] = useState(false);
  const list = useInfiniteQuery({
    queryKey: gradebookKeys.table(courseId, debounced),
    queryFn: ({ pageParam }) =>
      call<GradebookTable>(api.GET('/api/v1/courses/{courseId}/gradebook', { params: { path: { courseId }, query: { q: debounced || undefined, limit: 25, cursor: pageParam ?? undefined } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.learners.nextCursor,
    placeholderData: keepPreviousData,
  });
  const setup = list.data?.pages[0]?.setup;
  const rows: LearnerGrades[] = list.data?.pages.flatMap((p) => p.learners.items) ?? [];
  const items = setup?.items.filter((i) => !i.excluded) ?? [];
  const categories = setup?.categories ?? [];
  const indexOf = new Map(setup?.items.map((it, i) => [it.lessonId, i]) ?? []);

  const csv = async () => {
    setDownloading(true);
    try {
      await downloadCsv(courseId, course.slug);
    } catch (e) {
      notifyError(e, t);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <Stack gap="lg">
      <Stack component="section" aria-labelledby="gradebook-heading" gap="sm">
        <Group justify="space-between" align="flex-end">
          <Title order={2} id="gradebook-heading" size="h3">
            {t('gradebook.heading')}
          </Title>
          <Group gap="xs">
            <Button variant="default" onClick={() => setHistory(true)}>
              {t('gradebook.history.open')}
            </Button>
            <Button onClick={() => void csv()} loading={downloading} disabled={!setup || rows.length === 0}>
              {t('gradebook.downloadCsv')}
            </Button>
          </Group>
        </Group>
        {setup && (
          <Text size="sm" c="dimmed">
            {setup.mode === 'weighted' ? t('gradebook.modeWeighted') : t('gradebook.modePoints')} · {t('gradebook.passingAt', { percent: formatPercent(setup.passingPercent, lang) })} ·{' '}
            {t('gradebook.overrideHint')}
          </Text>
        )}
        <TextInput type="search" role="searchbox" label={t('gradebook.search')} placeholder={t('gradebook.searchPlaceholder')} value={q} onChange={(e) => setQ(e.currentTarget.value)} maw={420} />
        {list.isPending ? (
          <Stack gap="xs" aria-hidden="true">
            {[0, 1, 2].map((i) => (
              <Skeleton key={i} height={40} />
            ))}
          </Stack>
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState
            title={t('gradebook.noItems')}
            hint={t('gradebook.noItemsHint')}
            action={
              <Button component={Link} to={`/teach/courses/${courseId}/curriculum`} variant="light">
                {t('gradebook.toCurriculum')}
              </Button>
            }
          />
        ) : rows.length === 0 ? (
          debounced ? (
            <EmptyState
              title={t('gradebook.noMatch')}
              action={
                <Button variant="light" onClick={() => setQ('')}>
                  {t('gradebook.clearSearch')}
                </Button>
              }
            />
          ) : (
            <EmptyState
              title={t('gradebook.noLearners')}
              hint={t('gradebook.noLearnersHint')}
              action={
                <Button component={Link} to={`/teach/courses/${courseId}/learners`} variant="light">
                  {t('gradebook.toLearners')}
                </Button>
              }
            />
          )
        ) : (
          <Table.ScrollContainer minWidth={420 + items.length * 120} type="native" tabIndex={0} role="region" aria-label={t('gradebook.tableLabel')}>
            <Table verticalSpacing="xs" withColumnBorders data-testid="gradebook" style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col" style={STICKY}>
                    {t('gradebook.columns.learner')}
                  </Table.Th>
                  {items.map((it) => (
                    <Table.Th key={it.lessonId} scope="col" style={{ minWidth: 110, textAlign: 'right' }}>
                      <Text size="sm" fw={600} lineClamp={2}>
                        {it.title}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {t(`gradebook.types.${it.type}`)}
                        {it.required ? ` · ${t('gradebook.required')}` : ''}
                      </Text>
                    </Table.Th>
                  ))}
                  {categories.map((c) => (
                    <Table.Th key={c.id} scope="col" style={{ textAlign: 'right' }}>
                      {c.name} ({formatPercent(c.weight, lang)})
                    </Table.Th>
                  ))}
                  <Table.Th scope="col" style={{ textAlign: 'right' }}>
                    {t('gradebook.columns.final')}
                  </Table.Th>
                  <Table.Th scope="col">{t('gradebook.columns.result')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r) => (
                  <Table.Tr key={r.userId} data-testid="gradebook-row">
                    <Table.Th scope="row" style={STICKY}>
                      <Text size="sm" fw={500}>
                        {r.name}
                      </Text>
                      <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
                        {r.email}
                      </Text>
                    </Table.Th>
                    {items.map((it) => {
                      const cell = r.cells[indexOf.get(it.lessonId)!]!;
                      return (
                        <Table.Td key={it.lessonId} title={cell.overrideReason ?? undefined}>
                          <OverrideCell
                            courseId={courseId}
                            learner={r}
                            lessonId={it.lessonId}
                            itemTitle={it.title}
                            current={cell.percent}
                            overridden={cell.overridden}
                            canOverride
                            valueText={cellText(cell, lang, t)}
                          >
                            <CellValue cell={cell} lang={lang} />
                          </OverrideCell>
                        </Table.Td>
                      );
                    })}
                    {categories.map((c) => (
                      <Table.Td key={c.id} style={{ textAlign: 'right' }}>
                        <Text size="sm">{formatPercent(r.categories.find((x) => x.categoryId === c.id)?.percent, lang)}</Text>
                      </Table.Td>
                    ))}
                    <Table.Td title={r.finalOverrideReason ?? undefined}>
                      <OverrideCell
                        courseId={courseId}
                        learner={r}
                        lessonId={null}
                        itemTitle={t('gradebook.columns.final')}
                        current={r.finalPercent}
                        overridden={r.finalOverridden}
                        canOverride
                        valueText={`${formatPercent(r.finalPercent, lang)}${r.finalOverridden ? `, ${t('gradebook.overridden')}` : ''}`}
                      >
                        <Text size="sm" fw={700} data-testid="final-percent">
                          {formatPercent(r.finalPercent, lang)}
                          {r.finalOverridden && <span aria-hidden="true"> *</span>}
                        </Text>
                      </OverrideCell>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={r.passed ? 'green' : 'red'}>
                        {r.passed ? t('gradebook.pass') : t('gradebook.fail')}
                      </Badge>
                      {r.requiredItems > 0 && (
                        <Text size="xs" c="dimmed">
                          {r.requiredItemsPassed ? t('gradebook.requiredPassed') : t('gradebook.requiredMissing')}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {list.hasNextPage && (
          <Group justify="center">
            <Button variant="default" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
              {t('gradebook.loadMore')}
            </Button>
          </Group>
        )}
      </Stack>
      {setup && <GradebookSettings courseId={courseId} setup={setup} canEdit={course.can.edit} />}
      <Modal opened={history} onClose={() => setHistory(false)} title={t('gradebook.history.title')} size="xl" closeButtonProps={{ 'aria-label': t('app.close') }}>
        {history && <OverrideHistory courseId={courseId} />}
      </Modal>
    </Stack>
  );
}
