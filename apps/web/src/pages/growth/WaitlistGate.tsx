import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, call } from '../../api';
import { notify } from '../../components/common';
import { useRealtimeEvent } from '../../realtime';
import { cartKey } from '../commerce/model';
import { SEAT_OFFER_EVENT, type SeatOffer, waitlistKey, type WaitlistStatus } from './model';
import { useLineActions, WaitlistLine } from './WaitlistLine';

/**
 * On the course page of a signed-in learner who is not enrolled: the enroll button (children)
 * while seats are free; when the course is full, the waitlist (join, position, leave) and a
 * pending seat offer with its Claim button.
 */
export function WaitlistGate({ courseId, onEnrolled, children }: { courseId: string; onEnrolled: () => Promise<unknown>; children: ReactNode }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const key = waitlistKey(courseId);
  const status = useQuery({ queryKey: key, queryFn: () => call<WaitlistStatus>(api.GET('/api/v1/courses/{courseId}/waitlist/me', { params: { path: { courseId } } })) });
  useRealtimeEvent<SeatOffer>(SEAT_OFFER_EVENT, (offer) => {
    if (offer.courseId !== courseId || offer.cohortId) return;
    notify({ color: 'green', message: t('growth.waitlist.offerArrived', { course: offer.courseTitle }) });
    void qc.invalidateQueries({ queryKey: key });
  });
  const path = { params: { path: { courseId } } };
  const actions = useLineActions<WaitlistStatus>({
    queryKey: key,
    join: () => call<WaitlistStatus>(api.POST('/api/v1/courses/{courseId}/waitlist', path)),
    leave: () => call<unknown>(api.DELETE('/api/v1/courses/{courseId}/waitlist', path)),
    claim: () => call<WaitlistStatus>(api.POST('/api/v1/courses/{courseId}/waitlist/claim', path)),
    onJoined: (s) => qc.setQueryData(key, s),
    onClaimed: async (s) => {
      qc.setQueryData(key, s);
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
  });

  const s = status.data;
  if (!s || (!s.full && !s.offer && !s.entry)) return <>{children}</>;
  return (
    <div data-testid="waitlist">
      <WaitlistLine
        state={s}
        actions={actions}
        texts={{
          seats: s.capacity !== null ? t('growth.waitlist.seats', { taken: s.seatsTaken + s.seatsHeld, capacity: s.capacity }) : null,
          full: t('growth.waitlist.full'),
          position: (position) => t('growth.waitlist.position', { position }),
          offer: (date) => t('growth.waitlist.offer', { date }),
          join: t('growth.waitlist.join'),
          leave: t('growth.waitlist.leave'),
          claim: s.paymentRequired ? t('growth.waitlist.claimAndPay') : t('growth.waitlist.claim'),
        }}
      />
    </div>
  );
}
