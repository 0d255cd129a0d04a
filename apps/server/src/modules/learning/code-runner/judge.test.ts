import { describe, expect, it } from 'vitest';
import { classifyRun, normalize, outputMatches, overallVerdict, type TestOutcome } from './judge.js';
import type { SandboxResult } from './sandbox.js';

const limits = { timeLimitMs: 1000, memoryLimitMb: 64 };
const result = (over: Partial<SandboxResult>): SandboxResult => ({
  termination: 'exited',
  exitCode: 0,
  signal: null,
  stdout: Buffer.from('5\n'),
  stderr: Buffer.alloc(0),
  wallMs: 20,
  ...over,
});

describe('output comparison', () => {
  it('exact compares byte for byte, apart from CRLF line ends', () => {
    expect(outputMatches('5\r\n', '5\n', 'exact')).toBe(true);
    expect(outputMatches('5 \n', '5\n', 'exact')).toBe(false);
    expect(outputMatches('5', '5\n', 'exact')).toBe(false);
  });
  it('trim_trailing ignores trailing spaces per line and trailing blank lines, not leading ones', () => {
    expect(outputMatches('1 2  \n3\t\n\n\n', '1 2\n3\n', 'trim_trailing')).toBe(true);
    expect(outputMatches(' 1 2\n3\n', '1 2\n3\n', 'trim_trailing')).toBe(false);
    expect(outputMatches('1  2\n', '1 2\n', 'trim_trailing')).toBe(false);
  });
  it('ignore_whitespace compares the tokens', () => {
    expect(outputMatches('1   2\n\n 3 ', '1 2 3', 'ignore_whitespace')).toBe(true);
    expect(outputMatches('12 3', '1 2 3', 'ignore_whitespace')).toBe(false);
    expect(normalize('\n a \t b \n', 'ignore_whitespace')).toBe('a b');
  });
});

describe('verdicts', () => {
  it('accepted and wrong answer', () => {
    expect(classifyRun(result({}), limits, '5', 'trim_trailing')).toBe('accepted');
    expect(classifyRun(result({ stdout: Buffer.from('6\n') }), limits, '5', 'trim_trailing')).toBe('wrong_answer');
  });
  it('time limit: the wall clock, SIGXCPU from RLIMIT_CPU, or a slow correct answer', () => {
    expect(classifyRun(result({ termination: 'wall_timeout', exitCode: null }), limits, '5', 'exact')).toBe('time_limit');
    expect(classifyRun(result({ exitCode: null, signal: 'SIGXCPU' }), limits, '5', 'exact')).toBe('time_limit');
    expect(classifyRun(result({ exitCode: null, signal: 'SIGKILL', wallMs: 1500 }), limits, '5', 'exact')).toBe('time_limit');
    expect(classifyRun(result({ wallMs: 1200 }), limits, '5\n', 'exact')).toBe('time_limit');
  });
  it('memory limit from the runtime messages of each language', () => {
    for (const msg of ['MemoryError', "terminate called after throwing an instance of 'std::bad_alloc'", 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', 'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space']) {
      expect(classifyRun(result({ exitCode: 1, stderr: Buffer.from(msg) }), limits, '5', 'exact'), msg).toBe('memory_limit');
    }
  });
  it('output limit, runtime error', () => {
    expect(classifyRun(result({ termination: 'output_limit', exitCode: null }), limits, '5', 'exact')).toBe('output_limit');
    expect(classifyRun(result({ exitCode: null, signal: 'SIGXFSZ' }), limits, '5', 'exact')).toBe('output_limit');
    expect(classifyRun(result({ exitCode: 1, stderr: Buffer.from('ZeroDivisionError') }), limits, '5', 'exact')).toBe('runtime_error');
    expect(classifyRun(result({ exitCode: null, signal: 'SIGSEGV' }), limits, '5', 'exact')).toBe('runtime_error');
  });
  it('the submission takes the first failing verdict', () => {
    const t = (verdict: TestOutcome['verdict']): TestOutcome => ({ testId: verdict, verdict, timeMs: 1, exitCode: 0, signal: null, stdout: '', stderr: '' });
    expect(overallVerdict([t('accepted'), t('accepted')])).toBe('accepted');
    expect(overallVerdict([t('accepted'), t('time_limit'), t('wrong_answer')])).toBe('time_limit');
    expect(overallVerdict([])).toBe('accepted');
  });
});
