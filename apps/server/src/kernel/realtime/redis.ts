import { Redis, type RedisOptions } from 'ioredis';

/**
 * An ioredis client for one purpose (the name shows in `CLIENT LIST`). `lazyConnect` so callers
 * decide when to connect and can fail boot on an unreachable Redis instead of queueing forever.
 */
export function createRedis(url: string, name: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    connectionName: `lyceum:${name}`,
    lazyConnect: true,
    connectTimeout: 5_000,
    ...extra,
  });
}

/** true when a Redis answers PING at `url` within `timeoutMs` (tests use it to skip, not to fail). */
export async function redisReachable(url: string, timeoutMs = 1_000): Promise<boolean> {
  const client = createRedis(url, 'probe', { connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
