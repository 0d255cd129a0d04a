import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface TestServer {
  baseUrl: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** Written into a template data directory once its server has seeded it and shut down cleanly. */
export const TEMPLATE_MARKER = '.e2e-template-ready';

/**
 * Starts the built server (`apps/server/dist/main.js serve`) on a free port with a fresh data
 * directory: embedded PostgreSQL starts and the demo data is seeded. The build is the caller's job.
 *
 * When `E2E_TEMPLATE_DIR` names a data directory that a server has already seeded and shut down
 * cleanly (`e2e/run.mjs` makes one per run), the fresh directory starts as a copy of it: the same
 * demo data, database and processed demo video, without paying for migrations, the seed and the
 * ffmpeg run in every spec file. `keepDataDir` leaves the directory in place on stop (to make such
 * a template).
 */
export async function startServer(extraEnv: NodeJS.ProcessEnv = {}, opts: { dataDir?: string; keepDataDir?: boolean } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'lyceum-e2e-'));
  // mkdtemp makes the directory 0700; running as root, PostgreSQL runs as the `postgres` user and must reach it
  chmodSync(dataDir, 0o755);
  const template = process.env.E2E_TEMPLATE_DIR;
  if (!opts.dataDir && template && existsSync(path.join(template, TEMPLATE_MARKER))) {
    // cp -a keeps the owner and modes PostgreSQL insists on (its data directory is the postgres user's, 0700)
    execFileSync('cp', ['-a', `${template}/.`, dataDir]);
    rmSync(path.join(dataDir, TEMPLATE_MARKER));
  }
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const log: string[] = [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: baseUrl,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'true',
    RATE_LIMIT_AUTH_PER_MINUTE: '200',
    ...extraEnv,
  };
  delete env.DATABASE_URL; // always the embedded PostgreSQL in DATA_DIR
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'apps/server/dist/main.js'), 'serve'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    log.push(chunk.toString());
    if (log.length > 200) log.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + 180_000;
  let ready = false;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`${baseUrl}/health/ready`);
      if (res.ok) {
        ready = true;
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }

  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    if (!opts.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  if (!ready) {
    await stop();
    throw new Error(`the server did not become ready:\n${log.join('')}`);
  }
  return { baseUrl, dataDir, stop };
}

/**
 * The URL of a started server's embedded database (the port it wrote to DATA_DIR/pg-port), for a
 * journey that must move time in the data, e.g. an attempt's deadline.
 */
export function databaseUrl(server: TestServer): string {
  const port = readFileSync(path.join(server.dataDir, 'pg-port'), 'utf8').trim();
  return `postgres://lyceum:lyceum@127.0.0.1:${port}/lyceum`;
}
