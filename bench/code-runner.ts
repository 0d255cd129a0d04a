// code-runner: what the sandbox costs. (1) hello world in Python, Node.js and C run through
// Lyceum's bubblewrap sandbox (namespaces, rlimits, tmpfs, output pipes) against the same program
// spawned directly, alternating, median per language: `overhead_ms`. (2) 100 submissions of a
// ~100 ms CPU task judged through the run-slot pool with one slot per core, against the ideal
// (100 x task time / cores, the task time measured directly): `throughput_ratio`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import type { judge as judgeFn } from '../apps/server/src/modules/learning/code-runner/judge.js';
import type { languageSpecs as languageSpecsFn, LanguageSpec } from '../apps/server/src/modules/learning/code-runner/languages.js';
import type { BubblewrapSandbox as Sandbox } from '../apps/server/src/modules/learning/code-runner/sandbox.js';
import type { SlotPool as Pool } from '../apps/server/src/modules/learning/code-runner/slots.js';
import { alternate, median, report, round2 } from './_lib.js';

// the built server, as the other benchmarks use it (ADR 0005)
const dist = path.resolve(import.meta.dirname, '../apps/server/dist/modules/learning/code-runner');
const { judge } = (await import(path.join(dist, 'judge.js'))) as { judge: typeof judgeFn };
const { languageSpecs } = (await import(path.join(dist, 'languages.js'))) as { languageSpecs: typeof languageSpecsFn };
const { BubblewrapSandbox } = (await import(path.join(dist, 'sandbox.js'))) as { BubblewrapSandbox: typeof Sandbox };
const { SlotPool } = (await import(path.join(dist, 'slots.js'))) as { SlotPool: typeof Pool };

const specs = languageSpecs();
const sandbox = new BubblewrapSandbox({ extraReadOnly: specs.flatMap((s) => s.readOnly ?? []) });
const check = sandbox.selfTest();
if (!check.ok) {
  process.stderr.write(`code-runner bench: ${check.reason}\n`);
  process.exit(1);
}
const spec = (id: string) => specs.find((s) => s.id === id) as LanguageSpec;
const dir = mkdtempSync(path.join(tmpdir(), 'lyceum-bench-code-'));
const rounds = Number(process.env.BENCH_ROUNDS ?? 21);
const limits = { timeLimitMs: 2000, memoryLimitMb: 256 };

const hello: Record<string, string> = {
  python: 'print("hello")\n',
  javascript: 'console.log("hello")\n',
  c: '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n',
};

function runDirect(argv: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // the environment the sandbox gives programs, so both sides start the same way
    const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: cwd, LANG: 'C.UTF-8', TMPDIR: tmpdir() };
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.stdin.on('error', () => undefined);
    child.stdin.end('');
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - t0));
  });
}

try {
  const perLanguage: Record<string, { sandbox_ms: number; direct_ms: number; overhead_ms: number }> = {};
  for (const id of ['python', 'javascript', 'c']) {
    const s = spec(id);
    const cwd = path.join(dir, id);
    spawnSync('mkdir', ['-p', cwd]);
    writeFileSync(path.join(cwd, s.source), hello[id]!);
    let files: { name: string; content: string | Buffer; executable?: boolean }[] = [{ name: s.source, content: hello[id]! }];
    let directArgv = s.run(limits.memoryLimitMb);
    if (s.compile) {
      // compile once, outside the measurement: both sides run the same binary
      const c = await sandbox.run({ argv: s.compile.argv, files, limits: { cpuMs: 20_000, wallMs: 30_000, addressSpaceBytes: 2 << 30, processes: 64, fileSizeBytes: 64 << 20, outputBytes: 64 << 20, workDirBytes: 128 << 20 } });
      writeFileSync(path.join(cwd, s.compile.artifact), c.stdout, { mode: 0o755 });
      files = [{ name: s.compile.artifact, content: c.stdout, executable: true }];
      directArgv = [path.join(cwd, s.compile.artifact)];
    } else {
      directArgv = directArgv.map((a) => (a === s.source ? path.join(cwd, s.source) : a));
    }
    const rl = { cpuMs: 2000, wallMs: 5000, addressSpaceBytes: s.addressSpace(limits.memoryLimitMb), processes: s.processes, fileSizeBytes: 8 << 20, outputBytes: 8 << 20, workDirBytes: 32 << 20 };
    const r = await alternate(
      rounds,
      async () => (await sandbox.run({ argv: s.run(limits.memoryLimitMb), files, limits: rl })).wallMs,
      () => runDirect(directArgv, cwd),
    );
    const o = median(r.ours);
    const b = median(r.baseline);
    perLanguage[id] = { sandbox_ms: round2(o), direct_ms: round2(b), overhead_ms: round2(o - b) };
  }
  const overhead = median(Object.values(perLanguage).map((v) => v.overhead_ms));

  // throughput: a Python loop of ~100 ms CPU, 100 submissions, one run slot per core
  const cores = availableParallelism();
  const taskFile = path.join(dir, 'task.py');
  const task = 'import time\nend = time.process_time() + 0.1\nwhile time.process_time() < end:\n    pass\nprint("done")\n';
  writeFileSync(taskFile, task);
  const direct: number[] = [];
  for (let i = 0; i < 7; i++) direct.push(await runDirect(['/usr/bin/python3', taskFile], dir));
  const taskMs = median(direct);
  const pool = new SlotPool(cores);
  const n = 100;
  const t0 = performance.now();
  const verdicts = await Promise.all(
    Array.from({ length: n }, async () => {
      const slot = await pool.acquire();
      try {
        return (await judge(sandbox, spec('python'), task, [{ id: 't', stdin: '', expectedStdout: 'done\n', points: 1 }], limits, 'trim_trailing', slot)).verdict;
      } finally {
        pool.release(slot);
      }
    }),
  );
  const wall = performance.now() - t0;
  const ideal = (n * taskMs) / cores;
  const accepted = verdicts.filter((v) => v === 'accepted').length;
  report({
    bench: 'code-runner',
    unit: 'ms',
    ours: round2(median(Object.values(perLanguage).map((v) => v.sandbox_ms))),
    baseline: round2(median(Object.values(perLanguage).map((v) => v.direct_ms))),
    ratio: round2(median(Object.values(perLanguage).map((v) => v.sandbox_ms / v.direct_ms))),
    overhead_ms: overhead,
    aim_overhead_ms: 10,
    per_language: perLanguage,
    throughput_submissions: n,
    throughput_cores: cores,
    throughput_task_ms: round2(taskMs),
    throughput_wall_ms: Math.round(wall),
    throughput_ideal_ms: Math.round(ideal),
    throughput_ratio: round2(ideal / wall),
    aim_throughput_ratio: 0.7,
    throughput_accepted: accepted,
    rounds,
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
