import { Anchor, Group, SegmentedControl, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api';
import { EmptyState, ErrorState, PageLoading, usePageTitle } from '../../components/common';
import { usePermissions } from '../../session';
import type { components } from '@lyceum/api-client';
import { formatMoney, type RevenueReport } from './model';
import { perDay, RevenueChart, type Series } from './RevenueChart';

type CourseSummaryPage = components['schemas']['CourseSummaryPageDto_Output'];

type GroupBy = 'organization' | 'course' | 'instructor';
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Revenue per day: admins by organization, course or instructor; instructors their own share. */
export function RevenuePage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('growth.revenue.title'));
  const perms = usePermissions();
  const admin = perms.can('revenue.read_all');
  const [from, setFrom] = useState(isoDay(new Date(Date.now() - 29 * 86_400_000)));
  const [to, setTo] = useState(isoDay(new Date()));
  const [chosen, setGroupBy] = useState<GroupBy>('organization');
  const groupBy: GroupBy = admin ? chosen : 'instructor';
  const [courseId, setCourseId] = useState<string | null>(null);
  const [chosenCurrency, setCurrency] = useState<string | null>(null);
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) && from <= to;
  const courses = useQuery({ queryKey: ['revenue', 'courses'], queryFn: () => call<CourseSummaryPage>(api.GET('/api/v1/courses', { params: { query: { limit: 100 } } })) });
  const report = useQuery({
    queryKey: ['revenue', from, to, groupBy, courseId],
    queryFn: () => call<RevenueReport>(api.GET('/api/v1/revenue', { params: { query: { from, to, groupBy, ...(courseId ? { courseId } : {}) } } })),
    enabled: valid && !perms.isLoading,
  });
  const money = (n: number | null, c: string) => (n === null ? '' : formatMoney(n, c, i18n.language));
  const currencies = [...new Set(report.data?.items.map((r) => r.currency) ?? [])].sort();
  const currency = chosenCurrency && currencies.includes(chosenCurrency) ? chosenCurrency : (currencies.includes('USD') ? 'USD' : currencies[0]);
  const series: Series[] = groupBy === 'instructor' ? ['share'] : ['sales', 'refunds', 'net', 'share'];
  const csvQuery = `from=${from}&to=${to}&groupBy=${groupBy}${courseId ? `&courseId=${courseId}` : ''}`;
  return (
    <Stack maw={1040}>
      <Title order={1}>{t('growth.revenue.title')}</Title>
      {!admin && <Text>{t('growth.revenue.ownShare')}</Text>}
      <Group align="flex-end" wrap="wrap">
        <TextInput type="date" label={t('growth.revenue.from')} value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        <TextInput type="date" label={t('growth.revenue.to')} value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        {admin && (
          <Stack gap={4}>
            <Text size="sm" fw={500} id="revenue-group">
              {t('growth.revenue.groupBy')}
            </Text>
            <SegmentedControl
              aria-labelledby="revenue-group"
              value={chosen}
              onChange={(v) => setGroupBy(v as GroupBy)}
              data={(['organization', 'course', 'instructor'] as const).map((g) => ({ value: g, label: t(`growth.revenue.groups.${g}`) }))}
            />
          </Stack>
        )}
        <Select
          label={t('growth.revenue.courseFilter')}
          placeholder={t('growth.revenue.allCourses')}
          data={(courses.data?.items ?? []).map((c) => ({ value: c.id, label: c.title }))}
          value={courseId}
          onChange={setCourseId}
          clearable
          searchable
          w={260}
        />
        {currencies.length > 1 && (
          <Select label={t('growth.revenue.currency')} data={currencies} value={currency ?? null} onChange={setCurrency} allowDeselect={false} w={120} />
        )}
        {valid && (
          <Anchor href={`/api/v1/revenue/report.csv?${csvQuery}`} download>
            {t('growth.revenue.downloadCsv')}
          </Anchor>
        )}
      </Group>
      {report.isPending ? (
        <PageLoading />
      ) : report.isError ? (
        <ErrorState error={report.error} onRetry={() => void report.refetch()} />
      ) : report.data.items.length === 0 ? (
        <EmptyState title={t('growth.revenue.empty')} />
      ) : (
        <>
        {currency && <RevenueChart points={perDay(report.data.items, currency, from, to)} currency={currency} series={series} />}
        <Table.ScrollContainer minWidth={520}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('growth.revenue.day')}</Table.Th>
                {groupBy === 'course' && <Table.Th>{t('growth.revenue.course')}</Table.Th>}
                {groupBy === 'instructor' && <Table.Th>{t('growth.revenue.instructor')}</Table.Th>}
                <Table.Th>{t('growth.revenue.currency')}</Table.Th>
                {groupBy !== 'instructor' && <Table.Th>{t('growth.revenue.series.sales')}</Table.Th>}
                {groupBy !== 'instructor' && <Table.Th>{t('growth.revenue.series.refunds')}</Table.Th>}
                {groupBy !== 'instructor' && <Table.Th>{t('growth.revenue.series.net')}</Table.Th>}
                <Table.Th>{t('growth.revenue.share')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {report.data.items.map((r) => (
                <Table.Tr key={`${r.day}-${r.currency}-${r.courseId ?? ''}-${r.instructorId ?? ''}`}>
                  <Table.Td>{r.day}</Table.Td>
                  {groupBy === 'course' && <Table.Td>{r.courseTitle}</Table.Td>}
                  {groupBy === 'instructor' && <Table.Td>{r.instructorName}</Table.Td>}
                  <Table.Td>{r.currency}</Table.Td>
                  {groupBy !== 'instructor' && <Table.Td>{money(r.salesMinor, r.currency)}</Table.Td>}
                  {groupBy !== 'instructor' && <Table.Td>{money(r.refundsMinor, r.currency)}</Table.Td>}
                  {groupBy !== 'instructor' && <Table.Td>{money(r.grossMinor, r.currency)}</Table.Td>}
                  <Table.Td>{money(r.instructorShareMinor, r.currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        </>
      )}
    </Stack>
  );
}
