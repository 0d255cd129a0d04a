import { Badge, Button, Group, NumberInput, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api';
import { bodyFieldErrors, ErrorState, notify, notifyError } from '../../components/common';
import { formatDateTime, type WaitlistEntryPage, type WaitlistStatus } from './model';

/** Course editor: the seat limit, the claim window and the waitlist in order. */
export function CapacityCard({ courseId }: { courseId: string }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const status = useQuery({ queryKey: ['waitlist', courseId, 'staff'], queryFn: () => call<WaitlistStatus>(api.GET('/api/v1/courses/{courseId}/capacity', { params: { path: { courseId } } })) });
  const line = useQuery({ queryKey: ['waitlist', courseId, 'line'], queryFn: () => call<WaitlistEntryPage>(api.GET('/api/v1/courses/{courseId}/waitlist', { params: { path: { courseId }, query: { limit: 100 } } })) });
  const [capacity, setCapacity] = useState<number | ''>('');
  const [hours, setHours] = useState<number>(48);
  useEffect(() => {
    if (!status.data) return;
    setCapacity(status.data.capacity ?? '');
    setHours(status.data.claimWindowHours ?? 48);
  }, [status.data]);
  const save = useMutation({
    mutationFn: () => call<WaitlistStatus>(api.PUT('/api/v1/courses/{courseId}/capacity', { params: { path: { courseId } }, body: { capacity: capacity === '' ? null : capacity, claimWindowHours: hours } })),
    onSuccess: async () => {
      notify({ color: 'green', message: t('growth.waitlist.saved') });
      await qc.invalidateQueries({ queryKey: ['waitlist', courseId] });
    },
    onError: (e) => notifyError(e, t),
  });
  const errors = bodyFieldErrors(save.error);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="capacity-heading">
      <Stack>
        <Title order={2} size="h3" id="capacity-heading">
          {t('growth.waitlist.staffTitle')}
        </Title>
        {status.isError && <ErrorState error={status.error} onRetry={() => void status.refetch()} />}
        {status.data && (
          <Text size="sm" c="dimmed">
            {status.data.capacity === null ? t('growth.waitlist.noLimit') : t('growth.waitlist.seats', { taken: status.data.seatsTaken + status.data.seatsHeld, capacity: status.data.capacity })}
          </Text>
        )}
        <Group align="flex-start" grow wrap="wrap">
          <NumberInput
            label={t('growth.waitlist.capacity')}
            description={t('growth.waitlist.capacityHint')}
            min={0}
            allowDecimal={false}
            value={capacity}
            onChange={(v) => setCapacity(v === '' ? '' : Number(v))}
            error={errors['body.capacity']}
          />
          <NumberInput label={t('growth.waitlist.claimWindow')} min={1} max={720} allowDecimal={false} value={hours} onChange={(v) => setHours(Number(v) || 1)} error={errors['body.claimWindowHours']} />
        </Group>
        <Group>
          <Button onClick={() => save.mutate()} loading={save.isPending}>
            {t('growth.waitlist.save')}
          </Button>
        </Group>
        <Title order={3} size="h4">
          {t('growth.waitlist.lineTitle')}
        </Title>
        {line.isError ? (
          <ErrorState error={line.error} onRetry={() => void line.refetch()} />
        ) : !line.data?.items.length ? (
          <Text size="sm" c="dimmed">
            {t('growth.waitlist.emptyLine')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={420}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('growth.waitlist.name')}</Table.Th>
                  <Table.Th>{t('growth.waitlist.email')}</Table.Th>
                  <Table.Th>{t('growth.waitlist.status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {line.data.items.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>{e.name}</Table.Td>
                    <Table.Td>{e.email}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={e.status === 'offered' ? 'green' : 'gray'}>
                        {e.status === 'offered' && e.offerExpiresAt
                          ? t('growth.waitlist.statusOffered', { date: formatDateTime(e.offerExpiresAt, i18n.language) })
                          : t('growth.waitlist.statusWaiting', { position: e.position })}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}
