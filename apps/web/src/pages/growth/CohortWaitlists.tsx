import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api';
import { notify } from '../../components/common';
import { useRealtimeEvent } from '../../realtime';
import { type CohortWaitlistStatus, type CohortWaitlistStatusList, cohortWaitlistsKey, formatDateTime, SEAT_OFFER_EVENT, type SeatOffer } from './model';
import { useLineActions, WaitlistLine } from './WaitlistLine';

/**
 * On the course page of an enrolled learner: the course's open cohorts with the seats left; a
 * full one offers its waitlist (join, place in line, leave) and, when a seat is offered, Claim,
 * which moves the learner's enrollment into the cohort.
 */
export function CohortWaitlists({ courseId }: { courseId: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const key = cohortWaitlistsKey(courseId);
  const list = useQuery({
    queryKey: key,
    queryFn: () => call<CohortWaitlistStatusList>(api.GET('/api/v1/courses/{courseId}/cohort-waitlists/me', { params: { path: { courseId } } })),
  });
  useRealtimeEvent<SeatOffer>(SEAT_OFFER_EVENT, (offer) => {
    if (offer.courseId !== courseId || !offer.cohortId) return;
    notify({ color: 'green', message: t('growth.cohorts.offerArrived', { cohort: offer.cohortName }) });
    void qc.invalidateQueries({ queryKey: key });
  });
  const items = list.data?.items ?? [];
  if (!items.length) return null;
  return (
    <Stack gap="sm" component="section" aria-labelledby="my-cohorts-heading" data-testid="cohort-waitlists">
      <Title order={2} size="h4" id="my-cohorts-heading">
        {t('growth.cohorts.title')}
      </Title>
      {items.map((c) => (
        <CohortLine key={c.cohortId} courseId={courseId} cohort={c} />
      ))}
    </Stack>
  );
}

function CohortLine({ courseId, cohort }: { courseId: string; cohort: CohortWaitlistStatus }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const key = cohortWaitlistsKey(courseId);
  const path = { params: { path: { courseId, cohortId: cohort.cohortId } } };
  const actions = useLineActions<CohortWaitlistStatus>({
    queryKey: key,
    join: () => call<CohortWaitlistStatus>(api.POST('/api/v1/courses/{courseId}/cohorts/{cohortId}/waitlist', path)),
    leave: () => call<unknown>(api.DELETE('/api/v1/courses/{courseId}/cohorts/{cohortId}/waitlist', path)),
    claim: () => call<CohortWaitlistStatus>(api.POST('/api/v1/courses/{courseId}/cohorts/{cohortId}/waitlist/claim', path)),
    onClaimed: async () => {
      notify({ color: 'green', message: t('growth.cohorts.claimed', { cohort: cohort.cohortName }) });
      await Promise.all([qc.invalidateQueries({ queryKey: key }), qc.invalidateQueries({ queryKey: ['outline', courseId] })]);
    },
  });
  const left = cohort.capacity === null ? null : Math.max(0, cohort.capacity - cohort.seatsTaken - cohort.seatsHeld);
  const inLine = !!cohort.entry || !!cohort.offer;
  return (
    <Paper withBorder p="sm" data-testid="cohort-line" aria-label={cohort.cohortName}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <div>
            <Text fw={600}>{cohort.cohortName}</Text>
            <Text size="xs" c="dimmed">
              {t('growth.cohorts.starts', { date: formatDateTime(cohort.startsAt, i18n.language) })}
            </Text>
          </div>
          {cohort.inCohort ? (
            <Badge color="green" variant="light">
              {t('growth.cohorts.yours')}
            </Badge>
          ) : (
            <Badge color={left === 0 ? 'orange' : 'gray'} variant="light">
              {left === null ? t('growth.cohorts.openSeats') : t('growth.cohorts.seatsLeft', { count: left })}
            </Badge>
          )}
        </Group>
        {!cohort.inCohort && cohort.enrolled && (cohort.full || inLine) && (
          <WaitlistLine
            state={cohort}
            actions={actions}
            texts={{
              seats: null,
              full: t('growth.cohorts.full'),
              position: (position) => t('growth.cohorts.position', { position }),
              offer: (date) => t('growth.cohorts.offer', { date }),
              join: t('growth.waitlist.join'),
              leave: t('growth.waitlist.leave'),
              claim: t('growth.cohorts.claim'),
            }}
          />
        )}
      </Stack>
    </Paper>
  );
}
