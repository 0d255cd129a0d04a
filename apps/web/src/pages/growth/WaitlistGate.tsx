import { Alert, Button, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, call } from '../../api';
import { notify, notifyError } from '../../components/common';
import { useRealtimeEvent } from '../../realtime';
import { cartKey } from '../commerce/model';
import { formatDateTime, SEAT_OFFER_EVENT, type SeatOffer, waitlistKey, type WaitlistStatus } from './model';

/**
 * On the course page of a signed-in learner who is not enrolled: the enroll button (children)
 * while seats are free; when the course is full, the waitlist (join, position, leave) and a
 * pending seat offer with its Claim button.
 */
export function WaitlistGate({ courseId, onEnrolled, children }: { courseId: string; onEnrolled: () => Promise<unknown>; children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const key = waitlistKey(courseId);
  const status = useQuery({ queryKey: key, queryFn: () => call<WaitlistStatus>(api.GET('/api/v1/courses/{courseId}/waitlist/me', { params: { path: { courseId } } })) });
  useRealtimeEvent<SeatOffer>(SEAT_OFFER_EVENT, (offer) => {
    if (offer.courseId !== courseId) return;
    notify({ color: 'green', message: t('growth.waitlist.offerArrived', { course: offer.courseTitle }) });
    void qc.invalidateQueries({ queryKey: key });
  });
  const update = (s: WaitlistStatus) => qc.setQueryData(key, s);
  const join = useMutation({
    mutationFn: () => call<WaitlistStatus>(api.POST('/api/v1/courses/{courseId}/waitlist', { params: { path: { courseId } } })),
    onSuccess: (s) => {
      update(s);
      notify({ color: 'green', message: t('growth.waitlist.joined') });
    },
    onError: (e) => notifyError(e, t),
  });
  const leave = useMutation({
    mutationFn: () => call<unknown>(api.DELETE('/api/v1/courses/{courseId}/waitlist', { params: { path: { courseId } } })),
    onSuccess: async () => {
      notify({ message: t('growth.waitlist.left') });
      await qc.invalidateQueries({ queryKey: key });
    },
    onError: (e) => notifyError(e, t),
  });
  const claim = useMutation({
    mutationFn: () => call<WaitlistStatus>(api.POST('/api/v1/courses/{courseId}/waitlist/claim', { params: { path: { courseId } } })),
    onSuccess: async (s) => {
      update(s);
      if (s.paymentRequired && !s.enrolled) {
        // a paid course: the claim put it in the cart; the offer holds the seat while they pay
        notify({ color: 'green', message: t('growth.waitlist.claimedPay') });
        await qc.invalidateQueries({ queryKey: cartKey });
        navigate('/checkout');
        return;
      }
      notify({ color: 'green', message: t('growth.waitlist.claimed') });
      await onEnrolled();
    },
    onError: async (e) => {
      notifyError(e, t);
      await qc.invalidateQueries({ queryKey: key });
    },
  });

  const s = status.data;
  if (!s || (!s.full && !s.offer && !s.entry)) return <>{children}</>;
  const busy = join.isPending || leave.isPending || claim.isPending;
  return (
    <Stack gap="sm" data-testid="waitlist">
      {s.capacity !== null && (
        <Text size="sm" c="dimmed">
          {t('growth.waitlist.seats', { taken: s.seatsTaken + s.seatsHeld, capacity: s.capacity })}
        </Text>
      )}
      {s.offer ? (
        <>
          <Alert color="green" variant="light" role="status">
            {t('growth.waitlist.offer', { date: formatDateTime(s.offer.expiresAt, i18n.language) })}
          </Alert>
          <Button onClick={() => claim.mutate()} loading={claim.isPending} disabled={busy}>
            {s.paymentRequired ? t('growth.waitlist.claimAndPay') : t('growth.waitlist.claim')}
          </Button>
        </>
      ) : s.entry?.status === 'waiting' ? (
        <Alert variant="light" role="status">
          {t('growth.waitlist.position', { position: s.entry.position })}
        </Alert>
      ) : (
        <>
          <Alert color="yellow" variant="light">
            {t('growth.waitlist.full')}
          </Alert>
          <Button onClick={() => join.mutate()} loading={join.isPending} disabled={busy}>
            {t('growth.waitlist.join')}
          </Button>
        </>
      )}
      {s.entry && (
        <Button variant="default" onClick={() => leave.mutate()} loading={leave.isPending} disabled={busy}>
          {t('growth.waitlist.leave')}
        </Button>
      )}
    </Stack>
  );
}
