import { Logger } from '@nestjs/common';
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/server';
import pg from 'pg';
import { createPool } from '../../../kernel/db/index.js';

/** The channel on which nodes ask each other to let go of an upload (`release`) or say it is free. */
const CHANNEL = 'tus_upload_locks';
/** how often a waiting request tries the lock again when no "free" notice arrived */
const RETRY_MS = 250;

type Notice = { op: 'release' | 'free'; id: string };

const key = (id: string) => `tus:${id}`;

/**
 * A @tus/server Locker for several app nodes sharing one upload directory: an upload's lock is a
 * PostgreSQL session-level advisory lock, held on a connection of a small dedicated pool for as
 * long as the request holding it runs (a crashed node drops its connections, and its locks with
 * them). A request that finds the lock taken asks the holder, on whichever node it runs, to let go
 * (NOTIFY `release`, which calls the holder's `requestRelease`: tus then ends that request after
 * its drain time) and tries again until it gets the lock, its request is aborted or the timeout.
 */
export class PgLocker implements Locker {
  private readonly log = new Logger('PgLocker');
  readonly pool: pg.Pool;
  /** release callbacks of the locks held on this node, to answer a `release` notice from any node */
  readonly held = new Map<string, RequestRelease>();
  /** requests on this node waiting for an upload, woken by a `free` notice */
  private readonly waiting = new Map<string, Set<() => void>>();
  private listener: pg.Client | null = null;
  private listening: Promise<void> | null = null;
  private closed = false;

  readonly acquireTimeoutMs: number;

  constructor(
    private readonly connectionString: string,
    opts: { connections: number; acquireTimeoutMs?: number },
  ) {
    this.pool = createPool(connectionString, opts.connections);
    this.acquireTimeoutMs = opts.acquireTimeoutMs ?? 30_000;
  }

  newLock(id: string): Lock {
    return new PgLock(id, this);
  }

  /** Listens for the other nodes' notices, from the first lock on (a lost connection is reopened then). */
  listen(): Promise<void> {
    this.listening ??= this.connectListener().catch((err: unknown) => {
      this.listening = null;
      throw err;
    });
    return this.listening;
  }

  private async connectListener(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      const notice = JSON.parse(msg.payload) as Notice;
      if (notice.op === 'release') void this.held.get(notice.id)?.();
      else for (const wake of this.waiting.get(notice.id) ?? []) wake();
    });
    client.on('error', (err) => {
      this.log.warn(`lock notices connection lost: ${err.message}`);
      if (this.listener === client) this.listener = null;
      this.listening = null;
      void client.end().catch(() => undefined);
      if (!this.closed) setTimeout(() => void this.listen().catch((e: Error) => this.log.warn(`reconnecting: ${e.message}`)), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listening?.catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
    await this.pool.end();
  }

  async notify(op: Notice['op'], id: string): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ op, id } satisfies Notice)]);
  }

  /** Resolves on a `free` notice for `id`, after `ms`, or when `signal` aborts. */
  waitFree(id: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiting.get(id) ?? new Set();
      this.waiting.set(id, set);
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0) this.waiting.delete(id);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }
}

class PgLock implements Lock {
  private client: pg.PoolClient | null = null;
  private release: RequestRelease | null = null;
  private onLost: (() => void) | null = null;

  constructor(
    private readonly id: string,
    private readonly locker: PgLocker,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const deadline = Date.now() + this.locker.acquireTimeoutMs;
    await this.locker.listen();
    const client = await this.locker.pool.connect();
    try {
      for (;;) {
        if (signal.aborted || Date.now() >= deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
        const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [key(this.id)]);
        if (r.rows[0]?.ok === true) break;
        // taken: ask its holder to finish, then try again when it says the upload is free
        await this.locker.notify('release', this.id);
        await this.locker.waitFree(this.id, Math.min(RETRY_MS, deadline - Date.now()), signal);
      }
    } catch (err) {
      client.release();
      throw err;
    }
    this.client = client;
    this.release = requestRelease;
    this.locker.held.set(this.id, requestRelease);
    // the lock went with a lost connection: the request holding it must stop writing
    this.onLost = () => void requestRelease();
    client.once('error', this.onLost);
  }

  async unlock(): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('Releasing an unlocked lock!');
    this.client = null;
    if (this.onLost) client.off('error', this.onLost);
    this.onLost = null;
    if (this.locker.held.get(this.id) === this.release) this.locker.held.delete(this.id);
    this.release = null;
    try {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key(this.id)]);
      client.release();
    } catch (err) {
      // a broken connection has dropped the lock already; the pool must not reuse it
      client.release(err as Error);
    }
    await this.locker.notify('free', this.id).catch(() => undefined);
  }
}
