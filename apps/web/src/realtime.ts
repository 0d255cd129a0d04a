import { useEffect, useRef, useState } from 'react';
import type { Socket } from 'socket.io-client';

let socket: Promise<Socket> | null = null;

/**
 * The app's one Socket.IO connection (same origin, the session cookie authenticates it), opened
 * on first use and loaded on demand so pages without live updates do not ship the client.
 */
export function realtimeSocket(): Promise<Socket> {
  socket ??= import('socket.io-client').then(({ io }) => io({ path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'] }));
  return socket;
}

/** Closes the connection (on sign-out: the next user opens a new one with their own session). */
export function closeRealtime(): void {
  const s = socket;
  socket = null;
  void s?.then((x) => x.disconnect());
}

/**
 * Calls `handler` for each `event` the server pushes to this user while the component is mounted;
 * `connected` tells whether pushes can arrive, so callers poll when they cannot.
 */
export function useRealtimeEvent<T>(event: string, handler: (data: T) => void, enabled = true): { connected: boolean } {
  const ref = useRef(handler);
  ref.current = handler;
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!enabled) return;
    let s: Socket | null = null;
    let cancelled = false;
    const onEvent = (data: T) => ref.current(data);
    const onConnect = () => setConnected(true);
    const onDisconnect = () => setConnected(false);
    void realtimeSocket().then((sock) => {
      if (cancelled) return;
      s = sock;
      sock.on(event, onEvent);
      sock.on('connect', onConnect);
      sock.on('disconnect', onDisconnect);
      setConnected(sock.connected);
    });
    return () => {
      cancelled = true;
      s?.off(event, onEvent);
      s?.off('connect', onConnect);
      s?.off('disconnect', onDisconnect);
    };
  }, [event, enabled]);
  return { connected };
}
