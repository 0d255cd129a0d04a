import { Alert, Button, Stack, Text } from '@mantine/core';
import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { notify, notifyError } from '../../components/common';
import { formatDateTime, type SeatOffer } from './model';

/** What a learner sees of one line (a course's or a cohort's): seats, their place, their offer. */
export interface LineState {
  capacity: number | null;
  seatsTaken: number;
  seatsHeld: number;
  offer: SeatOffer | null;
  entry: { status: string; position: number | null } | null;
}

/** The words of a line: the course's and a cohort's differ. */
export interface LineTexts {
  seats: string | null;
  full: string;
  position: (position: number | null) => string;
  offer: (date: string) => string;
  join: string;
  leave: string;
  claim: string;
}

interface Action {
  mutate: () => void;
  isPending: boolean;
}
/** The buttons' side of a line (what `useLineActions` returns). */
export interface LineActions {
  join: Action;
  leave: Action;
  claim: Action;
  busy: boolean;
}

/**
 * Join / leave / claim of a line, with the shared notices: the course's waitlist and each
 * cohort's. `onClaimed` runs after a successful claim (enroll, go to checkout, refresh).
 */
export function useLineActions<S>(opts: { queryKey: QueryKey; join: () => Promise<S>; leave: () => Promise<unknown>; claim: () => Promise<S>; onJoined?: (s: S) => void; onClaimed: (s: S) => Promise<void> }): LineActions {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const join = useMutation({
    mutationFn: opts.join,
    onSuccess: async (s) => {
      notify({ color: 'green', message: t('growth.waitlist.joined') });
      if (opts.onJoined) opts.onJoined(s);
      else await qc.invalidateQueries({ queryKey: opts.queryKey });
    },
    onError: (e) => notifyError(e, t),
  });
  const leave = useMutation({
    mutationFn: opts.leave,
    onSuccess: async () => {
      notify({ message: t('growth.waitlist.left') });
      await qc.invalidateQueries({ queryKey: opts.queryKey });
    },
    onError: (e) => notifyError(e, t),
  });
  const claim = useMutation({
    mutationFn: opts.claim,
    onSuccess: (s) => opts.onClaimed(s),
    onError: async (e) => {
      notifyError(e, t);
      await qc.invalidateQueries({ queryKey: opts.queryKey });
    },
  });
  return {
    join: { mutate: () => join.mutate(), isPending: join.isPending },
    leave: { mutate: () => leave.mutate(), isPending: leave.isPending },
    claim: { mutate: () => claim.mutate(), isPending: claim.isPending },
    busy: join.isPending || leave.isPending || claim.isPending,
  };
}

/** A full line: the offer with its Claim button, the learner's place, or Join; and Leave while in it. */
export function WaitlistLine({ state, texts, actions }: { state: LineState; texts: LineTexts; actions: LineActions }) {
  const { i18n } = useTranslation();
  const { offer, entry } = state;
  return (
    <Stack gap="sm">
      {texts.seats && (
        <Text size="sm" c="dimmed">
          {texts.seats}
        </Text>
      )}
      {offer ? (
        <>
          <Alert color="green" variant="light" role="status">
            {texts.offer(formatDateTime(offer.expiresAt, i18n.language))}
          </Alert>
          <Button onClick={() => actions.claim.mutate()} loading={actions.claim.isPending} disabled={actions.busy}>
            {texts.claim}
          </Button>
        </>
      ) : entry?.status === 'waiting' ? (
        <Alert variant="light" role="status">
          {texts.position(entry.position)}
        </Alert>
      ) : (
        <>
          <Alert color="yellow" variant="light">
            {texts.full}
          </Alert>
          <Button onClick={() => actions.join.mutate()} loading={actions.join.isPending} disabled={actions.busy}>
            {texts.join}
          </Button>
        </>
      )}
      {entry && (
        <Button variant="default" onClick={() => actions.leave.mutate()} loading={actions.leave.isPending} disabled={actions.busy}>
          {texts.leave}
        </Button>
      )}
    </Stack>
  );
}
