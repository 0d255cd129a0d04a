// cold-start: time from `npm start` (scripts/start.mjs, already built) to a 200 on /health/ready,
// with existing data. Baseline: a bare Node script that starts the same embedded PostgreSQL on
// the same data and answers /ready after `SELECT 1` — the part of the start no app can avoid.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alternate, freePort, median, report, round2, waitFor } from './_lib.js';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lyceum-bench-cold-'));
chmodSync(dataDir, 0o755);

async function timeStart(cmd: string[], env: Record<string, string>, readyPath: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, cmd, {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitFor(`http://127.0.0.1:${port}${readyPath}`, 120_000, 20);
    return performance.now() - t0;
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
  }
}

const ours = () => timeStart([path.join(root, 'scripts/start.mjs')], {}, '/health/ready');
const baseline = () => timeStart([path.join(root, 'bench/_bare-pg-server.mjs')], {}, '/ready');

try {
  await ours(); // first run: initdb, migrate, seed — not measured
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const r = await alternate(rounds, ours, baseline);
  const o = median(r.ours);
  const b = median(r.baseline);
  report({ bench: 'cold-start', unit: 'ms', ours: Math.round(o), baseline: Math.round(b), ratio: round2(o / b), overhead_ms: Math.round(o - b), aim_ms: 10_000, rounds });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
