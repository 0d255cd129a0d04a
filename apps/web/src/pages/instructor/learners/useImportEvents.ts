import { useState } from 'react';
import { useRealtimeEvent } from '../../../realtime';
import type { ImportSummary } from './types';

/**
 * Live import status pushed by the server (`enrollment.import` to the signed-in user's room), by
 * import id, over the app's one socket. `connected` is false until the socket is up (and when it
 * drops), so callers fall back to polling.
 */
export function useImportEvents(enabled: boolean): { connected: boolean; latest: Record<string, ImportSummary> } {
  const [latest, setLatest] = useState<Record<string, ImportSummary>>({});
  const { connected } = useRealtimeEvent<ImportSummary>(
    'enrollment.import',
    (e) =>
      setLatest((prev) => {
        const old = prev[e.id];
        // events can overtake each other across nodes: keep the furthest state
        if (old && (old.processed > e.processed || (old.status === 'completed' && e.status !== 'completed'))) return prev;
        return { ...prev, [e.id]: e };
      }),
    enabled,
  );
  return { connected: enabled && connected, latest };
}
