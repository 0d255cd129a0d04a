import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Why a run was stopped from the outside (cancel), as opposed to ffmpeg failing on its own. */
export class RunAborted extends Error {
  constructor() {
    super('The run was stopped.');
    this.name = 'RunAborted';
  }
}

export interface RunOptions {
  signal?: AbortSignal;
  /** called with every complete stdout line (ffmpeg -progress pipe:1 writes key=value lines) */
  onLine?: (line: string) => void;
  /** bytes of stderr kept for the error message (the tail) */
  stderrLimit?: number;
}

/**
 * Runs a binary without a shell (arguments are never interpolated into a command line), collects
 * stdout/stderr, and kills it with SIGKILL when `signal` aborts.
 */
export function runProcess(bin: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new RunAborted());
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const limit = opts.stderrLimit ?? 64 * 1024;
    let stdout = '';
    let stderr = '';
    let pending = '';
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      child.kill('SIGKILL');
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (!opts.onLine) {
        stdout += chunk;
        return;
      }
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        opts.onLine(pending.slice(0, nl).trim());
        pending = pending.slice(nl + 1);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-limit);
    });
    child.on('error', (err) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code, signal) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (aborted) return reject(new RunAborted());
      resolve({ code, signal, stdout, stderr });
    });
  });
}
