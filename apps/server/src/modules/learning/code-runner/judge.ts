import { COMPILE_LIMITS, type Language, type LanguageSpec } from './languages.js';
import type { BubblewrapSandbox, SandboxLimits, SandboxResult } from './sandbox.js';

export const VERDICTS = ['accepted', 'wrong_answer', 'time_limit', 'memory_limit', 'output_limit', 'runtime_error', 'compile_error'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const COMPARE_MODES = ['exact', 'trim_trailing', 'ignore_whitespace'] as const;
/**
 * exact: byte for byte; trim_trailing: ignore trailing spaces on each line and trailing blank
 * lines (the usual judge default); ignore_whitespace: compare the sequences of tokens.
 */
export type CompareMode = (typeof COMPARE_MODES)[number];

export interface JudgeTest {
  id: string;
  stdin: string;
  expectedStdout: string;
  points: number;
}

export interface JudgeLimits {
  timeLimitMs: number;
  memoryLimitMb: number;
}

export interface TestOutcome {
  testId: string;
  verdict: Exclude<Verdict, 'compile_error'>;
  timeMs: number;
  exitCode: number | null;
  signal: string | null;
  /** what the program printed (cut), kept for visible tests only by the caller */
  stdout: string;
  stderr: string;
}

export interface JudgeOutcome {
  verdict: Verdict;
  compileOutput: string | null;
  tests: TestOutcome[];
  /** sum of the points of accepted tests */
  score: number;
  maxScore: number;
}

/** Output kept per test for the learner (and cut further when presented). */
const KEPT_OUTPUT = 64 * 1024;
const MB = 1024 * 1024;

export function normalize(text: string, mode: CompareMode): string {
  const unix = text.replace(/\r\n?/g, '\n');
  if (mode === 'exact') return unix;
  if (mode === 'ignore_whitespace') return unix.split(/\s+/).filter(Boolean).join(' ');
  return unix
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n+$/, '');
}

export function outputMatches(actual: string, expected: string, mode: CompareMode): boolean {
  return normalize(actual, mode) === normalize(expected, mode);
}

const MEMORY_PATTERNS = [/MemoryError/, /std::bad_alloc/, /JavaScript heap out of memory/, /java\.lang\.OutOfMemoryError/, /Cannot allocate memory/, /out of memory/i];

/** The verdict of one run against one test (pure: the sandbox result is the only input). */
export function classifyRun(r: SandboxResult, limits: JudgeLimits, expected: string, mode: CompareMode): TestOutcome['verdict'] {
  if (r.termination === 'output_limit') return 'output_limit';
  if (r.termination === 'wall_timeout' || r.signal === 'SIGXCPU') return 'time_limit';
  const stderr = r.stderr.toString('utf8');
  if (r.signal === 'SIGKILL' && r.wallMs >= limits.timeLimitMs) return 'time_limit';
  if ((r.exitCode !== 0 || r.signal) && MEMORY_PATTERNS.some((p) => p.test(stderr))) return 'memory_limit';
  if (r.signal === 'SIGXFSZ') return 'output_limit';
  if (r.signal || r.exitCode !== 0) return 'runtime_error';
  if (r.wallMs > limits.timeLimitMs) return 'time_limit';
  return outputMatches(r.stdout.toString('utf8'), expected, mode) ? 'accepted' : 'wrong_answer';
}

/** The submission's verdict: the first failing test's, else accepted. */
export function overallVerdict(tests: TestOutcome[]): Verdict {
  return tests.find((t) => t.verdict !== 'accepted')?.verdict ?? 'accepted';
}

export function runLimits(spec: LanguageSpec, limits: JudgeLimits): SandboxLimits {
  return {
    cpuMs: limits.timeLimitMs,
    // the wall clock allows for start-up and for waiting on I/O; CPU is what RLIMIT_CPU caps
    wallMs: limits.timeLimitMs * 2 + 1000,
    addressSpaceBytes: spec.addressSpace(limits.memoryLimitMb),
    processes: spec.processes,
    fileSizeBytes: 8 * MB,
    outputBytes: 8 * MB,
    workDirBytes: 32 * MB,
  };
}

/**
 * Compiles (when the language needs it) and runs every test in its own fresh sandbox, one after
 * another. Throws SandboxUnavailable when no sandbox can be made: the caller must not fall back.
 */
export async function judge(
  sandbox: BubblewrapSandbox,
  spec: LanguageSpec,
  code: string,
  tests: JudgeTest[],
  limits: JudgeLimits,
  mode: CompareMode,
  slot = 0,
): Promise<JudgeOutcome> {
  const maxScore = tests.reduce((s, t) => s + t.points, 0);
  let files = [{ name: spec.source, content: code }] as { name: string; content: string | Buffer; executable?: boolean }[];
  let compileOutput: string | null = null;
  if (spec.compile) {
    const c = await sandbox.run({ argv: spec.compile.argv, files, limits: COMPILE_LIMITS, slot });
    compileOutput = c.stderr.toString('utf8').slice(0, KEPT_OUTPUT);
    if (c.termination !== 'exited' || c.exitCode !== 0 || c.signal || c.stdout.length === 0) {
      const why = c.termination === 'wall_timeout' ? 'The compiler ran out of time.' : c.termination === 'output_limit' ? 'The compiler output is too large.' : '';
      return { verdict: 'compile_error', compileOutput: [compileOutput, why].filter(Boolean).join('\n'), tests: [], score: 0, maxScore };
    }
    files = [{ name: spec.compile.artifact, content: c.stdout, executable: true }];
  }
  const rl = runLimits(spec, limits);
  const outcomes: TestOutcome[] = [];
  for (const t of tests) {
    const r = await sandbox.run({ argv: spec.run(limits.memoryLimitMb), files, stdin: t.stdin, limits: rl, slot });
    outcomes.push({
      testId: t.id,
      verdict: classifyRun(r, limits, t.expectedStdout, mode),
      timeMs: Math.round(r.wallMs),
      exitCode: r.exitCode,
      signal: r.signal,
      stdout: r.stdout.subarray(0, KEPT_OUTPUT).toString('utf8'),
      stderr: r.stderr.subarray(0, KEPT_OUTPUT).toString('utf8'),
    });
  }
  const score = outcomes.reduce((s, o, i) => s + (o.verdict === 'accepted' ? tests[i]!.points : 0), 0);
  return { verdict: overallVerdict(outcomes), compileOutput, tests: outcomes, score, maxScore };
}

export type { Language };
