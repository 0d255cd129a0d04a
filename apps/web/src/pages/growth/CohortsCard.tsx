import { Badge, Button, Group, NumberInput, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api';
import { bodyFieldErrors, ErrorState, notify, notifyError } from '../../components/common';
import { type Cohort, type CohortPage, type CohortSeatsList, formatDateTime } from './model';

/** Course editor: the course's cohorts with their seats ("taken / limit") and waitlist size; new cohorts and seat limits. */
export function CohortsCard({ courseId, readOnly }: { courseId: string; readOnly: boolean }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: ['cohorts', courseId],
    queryFn: () => call<CohortPage>(api.GET('/api/v1/courses/{courseId}/cohorts', { params: { path: { courseId }, query: { limit: 100 } } })),
  });
  const seats = useQuery({
    queryKey: ['cohorts', courseId, 'seats'],
    queryFn: () => call<CohortSeatsList>(api.GET('/api/v1/courses/{courseId}/cohort-seats', { params: { path: { courseId } } })),
  });
  const [name, setName] = useState('');
  const [startsOn, setStartsOn] = useState('');
  const [capacity, setCapacity] = useState<number | ''>('');
  const refresh = () => qc.invalidateQueries({ queryKey: ['cohorts', courseId] });
  const create = useMutation({
    mutationFn: () =>
      call<Cohort>(
        api.POST('/api/v1/courses/{courseId}/cohorts', {
          params: { path: { courseId } },
          body: { name, startsAt: startsOn ? new Date(`${startsOn}T00:00:00Z`).toISOString() : '', capacity: capacity === '' ? null : capacity },
        }),
      ),
    onSuccess: async () => {
      notify({ color: 'green', message: t('growth.cohorts.created') });
      setName('');
      setStartsOn('');
      setCapacity('');
      await refresh();
    },
    onError: (e) => notifyError(e, t),
  });
  const errors = bodyFieldErrors(create.error);
  const seatsOf = new Map((seats.data?.items ?? []).map((s) => [s.cohortId, s]));
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="cohorts-heading">
      <Stack>
        <Title order={2} size="h3" id="cohorts-heading">
          {t('growth.cohorts.title')}
        </Title>
        {list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : !list.data?.items.length ? (
          <Text size="sm" c="dimmed">
            {t('growth.cohorts.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={520}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('growth.cohorts.name')}</Table.Th>
                  <Table.Th>{t('growth.cohorts.startsAt')}</Table.Th>
                  <Table.Th>{t('growth.cohorts.seats')}</Table.Th>
                  <Table.Th>{t('growth.cohorts.waitlist')}</Table.Th>
                  {!readOnly && <Table.Th>{t('growth.cohorts.capacity')}</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.map((c) => (
                  <CohortRow key={c.id} courseId={courseId} cohort={c} waiting={seatsOf.get(c.id)?.waitlistSize ?? 0} readOnly={readOnly} lang={i18n.language} onSaved={refresh} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {!readOnly && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate();
            }}
          >
            <Stack gap="xs">
              <Title order={3} size="h4">
                {t('growth.cohorts.newTitle')}
              </Title>
              <Group align="flex-start" grow wrap="wrap">
                <TextInput label={t('growth.cohorts.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors['body.name']} />
                <TextInput
                  label={t('growth.cohorts.startsAt')}
                  type="date"
                  required
                  value={startsOn}
                  onChange={(e) => setStartsOn(e.currentTarget.value)}
                  error={errors['body.startsAt']}
                />
                <NumberInput
                  label={t('growth.cohorts.capacity')}
                  description={t('growth.cohorts.capacityHint')}
                  min={0}
                  allowDecimal={false}
                  value={capacity}
                  onChange={(v) => setCapacity(v === '' ? '' : Number(v))}
                  error={errors['body.capacity']}
                />
              </Group>
              <Group>
                <Button type="submit" loading={create.isPending}>
                  {t('growth.cohorts.create')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Stack>
    </Paper>
  );
}

function CohortRow(props: { courseId: string; cohort: Cohort; waiting: number; readOnly: boolean; lang: string; onSaved: () => Promise<void> }) {
  const { t } = useTranslation();
  const { cohort } = props;
  const [capacity, setCapacity] = useState<number | ''>(cohort.capacity ?? '');
  const save = useMutation({
    mutationFn: () =>
      call<Cohort>(
        api.PATCH('/api/v1/courses/{courseId}/cohorts/{cohortId}', {
          params: { path: { courseId: props.courseId, cohortId: cohort.id } },
          body: { capacity: capacity === '' ? null : capacity },
        }),
      ),
    onSuccess: async () => {
      notify({ color: 'green', message: t('growth.cohorts.saved') });
      await props.onSaved();
    },
    onError: (e) => notifyError(e, t),
  });
  return (
    <Table.Tr>
      <Table.Td>{cohort.name}</Table.Td>
      <Table.Td>{formatDateTime(cohort.startsAt, props.lang)}</Table.Td>
      <Table.Td>{cohort.capacity === null ? t('growth.cohorts.seatsNoLimit', { taken: cohort.seatsTaken }) : t('growth.cohorts.seatsOf', { taken: cohort.seatsTaken, capacity: cohort.capacity })}</Table.Td>
      <Table.Td>
        <Badge variant="light" color={props.waiting ? 'orange' : 'gray'}>
          {t('growth.cohorts.waiting', { count: props.waiting })}
        </Badge>
      </Table.Td>
      {!props.readOnly && (
        <Table.Td>
          <Group gap="xs" wrap="nowrap">
            <NumberInput
              aria-label={t('growth.cohorts.capacityOf', { name: cohort.name })}
              min={0}
              allowDecimal={false}
              w={100}
              value={capacity}
              onChange={(v) => setCapacity(v === '' ? '' : Number(v))}
              error={bodyFieldErrors(save.error)['body.capacity']}
            />
            <Button size="xs" variant="light" onClick={() => save.mutate()} loading={save.isPending}>
              {t('growth.cohorts.save')}
            </Button>
          </Group>
        </Table.Td>
      )}
    </Table.Tr>
  );
}
