import { ActionIcon, Badge, Button, Group, Menu, Modal, Progress, Select, SimpleGrid, Skeleton, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../../api';
import { bodyFieldErrors, confirmAction, EmptyState, ErrorState, formatDate, formatNumber, LoadMore, notify, notifyError } from '../../../components/common';
import { type Enrollment, type EnrollmentPage, ENROLLMENT_STATUSES, type EnrollmentStatus, endOfDayIso, rosterKeys, toDateInput } from './types';

const STATUS_COLORS: Record<EnrollmentStatus, string> = { active: 'blue', completed: 'green', expired: 'orange', revoked: 'red' };

function DotsIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" focusable="false">
      <circle cx="5" cy="12" r="2" />
      <circle cx="12" cy="12" r="2" />
      <circle cx="19" cy="12" r="2" />
    </svg>
  );
}

const learnerName = (e: Enrollment, fallback: string) => e.learner?.name || e.learner?.email || fallback;

function ExpiryModal({ courseId, enrollment, onClose }: { courseId: string; enrollment: Enrollment; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const name = learnerName(enrollment, t('roster.learners.unknownLearner'));
  const [value, setValue] = useState(toDateInput(enrollment.expiresAt));
  const [error, setError] = useState<string | undefined>();
  const save = useMutation({
    mutationFn: (expiresAt: string | null) =>
      call<Enrollment>(
        api.PATCH('/api/v1/courses/{courseId}/enrollments/{enrollmentId}', { params: { path: { courseId, enrollmentId: enrollment.id } }, body: { expiresAt } }),
      ),
    onSuccess: () => {
      notify({ color: 'green', message: t('roster.learners.expirySaved', { name }) });
      void qc.invalidateQueries({ queryKey: ['roster', courseId, 'list'] });
      onClose();
    },
    onError: (e) => {
      const f = bodyFieldErrors(e);
      if (f.expiresAt) setError(f.expiresAt);
      else notifyError(e, t);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(value ? endOfDayIso(value) : null);
  };
  return (
    <Modal opened onClose={onClose} title={t('roster.learners.expiryTitle', { name })} closeButtonProps={{ 'aria-label': t('app.close') }}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            type="date"
            label={t('roster.learners.expiryLabel')}
            description={t('roster.learners.expiryHint')}
            value={value}
            onChange={(e) => setValue(e.currentTarget.value)}
            error={error}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('roster.learners.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RowActions({ courseId, enrollment, onExpiry }: { courseId: string; enrollment: Enrollment; onExpiry: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const name = learnerName(enrollment, t('roster.learners.unknownLearner'));
  const refresh = () => void qc.invalidateQueries({ queryKey: ['roster', courseId, 'list'] });
  const revoke = useMutation({
    mutationFn: () =>
      call<Enrollment>(api.DELETE('/api/v1/courses/{courseId}/enrollments/{enrollmentId}', { params: { path: { courseId, enrollmentId: enrollment.id } } })),
    onSuccess: () => {
      notify({ color: 'green', message: t('roster.learners.revoked', { name }) });
      refresh();
    },
    onError: (e) => notifyError(e, t),
  });
  const restore = useMutation({
    mutationFn: () =>
      call<Enrollment>(
        api.PATCH('/api/v1/courses/{courseId}/enrollments/{enrollmentId}', { params: { path: { courseId, enrollmentId: enrollment.id } }, body: { status: 'active' } }),
      ),
    onSuccess: () => {
      notify({ color: 'green', message: t('roster.learners.restored', { name }) });
      refresh();
    },
    onError: (e) => notifyError(e, t),
  });
  const askRevoke = async () => {
    const ok = await confirmAction({
      title: t('roster.learners.revokeTitle'),
      message: t('roster.learners.revokeMessage', { name }),
      confirmLabel: t('roster.learners.revoke'),
    });
    if (ok) revoke.mutate();
  };
  const busy = revoke.isPending || restore.isPending;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={t('roster.learners.actionsFor', { name })} loading={busy} disabled={busy}>
          <DotsIcon />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {enrollment.status === 'revoked' ? (
          <Menu.Item onClick={() => restore.mutate()}>{t('roster.learners.restore')}</Menu.Item>
        ) : (
          <Menu.Item color="red" onClick={() => void askRevoke()}>
            {t('roster.learners.revoke')}
          </Menu.Item>
        )}
        <Menu.Item onClick={onExpiry}>{t('roster.learners.changeExpiry')}</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/** The course's learners with their progress: search, status filter, "load more", row actions. */
export function RosterList({ courseId, canManage }: { courseId: string; canManage: boolean }) {
  const { t, i18n } = useTranslation();
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 250);
  const [status, setStatus] = useState<EnrollmentStatus | null>(null);
  const [editing, setEditing] = useState<Enrollment | null>(null);
  const filters = { search: debounced || undefined, status: status ?? undefined };
  const list = useInfiniteQuery({
    queryKey: rosterKeys.list(courseId, filters),
    queryFn: ({ pageParam }) =>
      call<EnrollmentPage>(
        api.GET('/api/v1/courses/{courseId}/enrollments', { params: { path: { courseId }, query: { ...filters, limit: 25, cursor: pageParam ?? undefined } } }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = !!(debounced || status);
  const clear = () => {
    setQ('');
    setStatus(null);
  };
  const unknown = t('roster.learners.unknownLearner');

  return (
    <Stack component="section" aria-labelledby="learners-heading" gap="sm">
      <Title order={2} id="learners-heading" size="h3">
        {t('roster.learners.heading')}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2 }} role="search">
        <TextInput type="search" label={t('roster.learners.search')} placeholder={t('roster.learners.searchPlaceholder')} value={q} onChange={(e) => setQ(e.currentTarget.value)} />
        <Select
          label={t('roster.learners.status')}
          placeholder={t('roster.learners.anyStatus')}
          clearable
          value={status}
          onChange={(v) => setStatus(v as EnrollmentStatus | null)}
          data={ENROLLMENT_STATUSES.map((s) => ({ value: s, label: t(`roster.statuses.${s}`) }))}
        />
      </SimpleGrid>
      <Text size="sm" c="dimmed" aria-live="polite">
        {list.isSuccess ? t('roster.learners.count', { count: items.length }) + (list.hasNextPage ? '+' : '') : ''}
      </Text>
      {list.isPending ? (
        <Stack gap="xs" aria-hidden="true">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} height={48} />
          ))}
        </Stack>
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        filtered ? (
          <EmptyState
            title={t('roster.learners.emptyFiltered')}
            hint={t('roster.learners.emptyFilteredHint')}
            action={
              <Button variant="light" onClick={clear}>
                {t('roster.learners.clearFilters')}
              </Button>
            }
          />
        ) : (
          <EmptyState title={t('roster.learners.empty')} hint={t('roster.learners.emptyHint')} />
        )
      ) : (
        <Table.ScrollContainer minWidth={860} type="native" tabIndex={0} role="region" aria-label={t('roster.learners.heading')}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="roster" style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('roster.learners.columns.learner')}</Table.Th>
                <Table.Th scope="col">{t('roster.learners.columns.progress')}</Table.Th>
                <Table.Th scope="col">{t('roster.learners.columns.status')}</Table.Th>
                <Table.Th scope="col">{t('roster.learners.columns.enrolled')}</Table.Th>
                <Table.Th scope="col">{t('roster.learners.columns.lastActivity')}</Table.Th>
                <Table.Th scope="col">{t('roster.learners.columns.expires')}</Table.Th>
                {canManage && <Table.Th scope="col">{t('roster.learners.columns.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((e) => {
                const name = learnerName(e, unknown);
                const pct = t('progress.percent', { percent: formatNumber(e.progress.percent) });
                return (
                  <Table.Tr key={e.id} data-testid="roster-row">
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {e.learner?.name || unknown}
                      </Text>
                      {e.learner && (
                        <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
                          {e.learner.email}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td miw={160}>
                      <Progress.Root size="sm">
                        <Progress.Section value={e.progress.percent} aria-label={t('roster.learners.progressOf', { name })} aria-valuetext={pct} />
                      </Progress.Root>
                      <Text size="xs" mt={4}>
                        {pct} · {t('roster.learners.lessonsDone', { completed: e.progress.completedLessons, total: e.progress.totalLessons })}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={STATUS_COLORS[e.status]}>
                        {t(`roster.statuses.${e.status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDate(e.enrolledAt, i18n.language)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{e.lastActivityAt ? formatDate(e.lastActivityAt, i18n.language) : t('roster.learners.never')}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{e.expiresAt ? formatDate(e.expiresAt, i18n.language) : t('roster.learners.noExpiry')}</Text>
                    </Table.Td>
                    {canManage && (
                      <Table.Td>
                        <RowActions courseId={courseId} enrollment={e} onExpiry={() => setEditing(e)} />
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMore query={list} label={t('roster.learners.loadMore')} />
      {editing && <ExpiryModal courseId={courseId} enrollment={editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}
