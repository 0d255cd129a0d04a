import { useEffect, useState } from 'react';
import { io } from 'socket.io-client';
import type { ImportSummary } from './types';

/**
 * Live import status pushed by the server (`enrollment.import` to the signed-in user's room), by
 * import id. `connected` is false until the socket is up (and when it drops), so callers fall back
 * to polling.
 */
export function useImportEvents(enabled: boolean): { connected: boolean; latest: Record<string, ImportSummary> } {
  const [connected, setConnected] = useState(false);
  const [latest, setLatest] = useState<Record<string, ImportSummary>>({});
  useEffect(() => {
    if (!enabled) return;
    const socket = io({ path: '/socket.io', withCredentials: true });
    socket.on('connect', () => setConnected(true));
    socket.on('disconnect', () => setConnected(false));
    socket.on('connect_error', () => setConnected(false));
    socket.on('enrollment.import', (e: ImportSummary) => {
      setLatest((prev) => {
        const old = prev[e.id];
        // events can overtake each other across nodes: keep the furthest state
        if (old && (old.processed > e.processed || (old.status === 'completed' && e.status !== 'completed'))) return prev;
        return { ...prev, [e.id]: e };
      });
    });
    return () => {
      socket.disconnect();
      setConnected(false);
    };
  }, [enabled]);
  return { connected, latest };
}
