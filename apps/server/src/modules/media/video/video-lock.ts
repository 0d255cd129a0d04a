import type pg from 'pg';

/** Another job holds this video's lock; graphile-worker retries later. */
export class VideoBusy extends Error {
  constructor(videoId: string) {
    super(`Another job is processing video ${videoId}; will retry.`);
    this.name = 'VideoBusy';
  }
}

/**
 * Runs `fn` holding the session-level advisory lock of one video on a dedicated connection, so
 * two jobs never work on the same video at once, on any node. A crashed process drops its
 * connection and with it the lock.
 */
export async function withVideoLock<T>(pool: pg.Pool, videoId: string, fn: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let locked = false;
  try {
    const r = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok`, [`video:${videoId}`]);
    locked = r.rows[0]?.ok === true;
    if (!locked) throw new VideoBusy(videoId);
    return await fn();
  } finally {
    if (locked) await client.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [`video:${videoId}`]).catch(() => undefined);
    client.release();
  }
}
