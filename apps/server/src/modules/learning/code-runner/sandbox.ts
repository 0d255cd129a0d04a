import { spawn, spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * Runs untrusted programs inside bubblewrap (Debian's `bwrap`): fresh user, PID, network, IPC, UTS
 * and cgroup namespaces (so no network at all), a read-only view of /usr and nothing else of the
 * host, a size-capped tmpfs as the work directory, rlimits set by `prlimit` on CPU seconds,
 * address space, processes, file size and open files, and a wall-clock timeout after which the
 * whole namespace is killed. Output is read through pipes and cut at a byte cap.
 *
 * When the server runs as root, each concurrent run slot uses its own unprivileged uid
 * (`CODE_RUNNER_UID_BASE + slot`), so the process limit counts only that run's processes and
 * nothing in the sandbox is root, even inside its own user namespace. Code is never run outside
 * the sandbox: when bwrap is missing or cannot start, `run` throws `SandboxUnavailable`.
 */

export interface SandboxLimits {
  /** CPU seconds (RLIMIT_CPU, whole seconds, rounded up) */
  cpuMs: number;
  /** wall-clock timeout for the whole sandbox */
  wallMs: number;
  /** address-space limit in bytes (RLIMIT_AS) */
  addressSpaceBytes: number;
  /** processes and threads (RLIMIT_NPROC) */
  processes: number;
  /** largest file the program may write (RLIMIT_FSIZE) */
  fileSizeBytes: number;
  /** stdout and stderr are each cut here, and the run is stopped */
  outputBytes: number;
  /** size of the tmpfs work directory */
  workDirBytes: number;
}

export interface SandboxFile {
  /** a plain file name inside the work directory */
  name: string;
  content: Buffer | string;
  executable?: boolean;
}

export interface SandboxRequest {
  /** the command inside the sandbox; argv[0] is an absolute path */
  argv: string[];
  files: SandboxFile[];
  stdin?: string | Buffer;
  limits: SandboxLimits;
  /** run slot (0 .. concurrency-1): picks the uid when running as root */
  slot?: number;
}

export type SandboxTermination =
  /** the program exited by itself (see exitCode / signal) */
  | 'exited'
  /** the wall-clock timeout fired */
  | 'wall_timeout'
  /** stdout or stderr passed the byte cap */
  | 'output_limit';

export interface SandboxResult {
  termination: SandboxTermination;
  exitCode: number | null;
  /** the signal that ended the program inside the sandbox (SIGXCPU, SIGKILL, SIGSEGV, ...) */
  signal: string | null;
  stdout: Buffer;
  stderr: Buffer;
  wallMs: number;
}

export class SandboxUnavailable extends Error {}

export const WORK_DIR = '/work';

/** Signals by number, for decoding the "killed by signal" status bwrap reports as 128 + n. */
const SIGNALS: Record<number, string> = { 4: 'SIGILL', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL', 11: 'SIGSEGV', 13: 'SIGPIPE', 15: 'SIGTERM', 24: 'SIGXCPU', 25: 'SIGXFSZ', 31: 'SIGSYS' };

export interface SandboxOptions {
  bwrapPath?: string;
  prlimitPath?: string;
  /** first uid used for run slots when running as root */
  uidBase?: number;
  /** extra host paths made visible read-only at the same place (e.g. a JDK's /etc config) */
  extraReadOnly?: string[];
}

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const p = path.join(dir, cmd);
    if (existsSync(p)) return p;
  }
  return null;
}

export class BubblewrapSandbox {
  readonly bwrap: string | null;
  readonly prlimit: string | null;
  private readonly uidBase: number;
  private readonly extraReadOnly: string[];
  private checked: { ok: true } | { ok: false; reason: string } | null = null;

  constructor(opts: SandboxOptions = {}) {
    this.bwrap = opts.bwrapPath ?? which('bwrap');
    this.prlimit = opts.prlimitPath ?? (existsSync('/usr/bin/prlimit') ? '/usr/bin/prlimit' : which('prlimit'));
    this.uidBase = opts.uidBase ?? 61000;
    this.extraReadOnly = (opts.extraReadOnly ?? []).filter((p) => existsSync(p));
  }

  /** Starts one sandboxed `true`; the reason it cannot run otherwise. Cached after the first call. */
  selfTest(): { ok: true } | { ok: false; reason: string } {
    if (this.checked) return this.checked;
    if (!this.bwrap) return (this.checked = { ok: false, reason: 'bubblewrap (bwrap) is not installed: install the Debian package "bubblewrap"' });
    if (!this.prlimit) return (this.checked = { ok: false, reason: 'prlimit (util-linux) is not installed' });
    const args = [...this.baseArgs(defaultProbeLimits()), '--', this.prlimit, '--nproc=16', '--', '/usr/bin/true'];
    const r = spawnSync(this.bwrap, args, { ...this.identity(0), timeout: 10_000, encoding: 'utf8' });
    if (r.error) return (this.checked = { ok: false, reason: `bubblewrap could not start: ${r.error.message}` });
    if (r.status !== 0) return (this.checked = { ok: false, reason: `bubblewrap could not create a sandbox: ${(r.stderr || '').trim() || `exit ${r.status}`}` });
    return (this.checked = { ok: true });
  }

  /** uid/gid for a slot: distinct unprivileged users when we are root, ourselves otherwise */
  private identity(slot: number): { uid?: number; gid?: number } {
    if (typeof process.getuid === 'function' && process.getuid() === 0) {
      const id = this.uidBase + slot;
      return { uid: id, gid: id };
    }
    return {};
  }

  private baseArgs(limits: SandboxLimits): string[] {
    const args = [
      '--unshare-all',
      '--die-with-parent',
      '--new-session',
      '--cap-drop',
      'ALL',
      '--ro-bind',
      '/usr',
      '/usr',
    ];
    // merged-/usr systems link /bin, /lib, ... into /usr; others get them bound read-only
    for (const dir of ['/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32']) {
      if (!existsSync(dir)) continue;
      let real: string;
      try {
        real = realpathSync(dir);
      } catch {
        continue;
      }
      if (real.startsWith('/usr/')) args.push('--symlink', real.slice(1), dir);
      else args.push('--ro-bind', dir, dir);
    }
    for (const p of this.extraReadOnly) args.push('--ro-bind', p, p);
    args.push(
      '--proc',
      '/proc',
      '--dev',
      '/dev',
      '--size',
      String(16 * 1024 * 1024),
      '--tmpfs',
      '/tmp',
      '--size',
      String(limits.workDirBytes),
      '--tmpfs',
      WORK_DIR,
      '--chdir',
      WORK_DIR,
      '--clearenv',
      '--setenv',
      'PATH',
      '/usr/local/bin:/usr/bin:/bin',
      '--setenv',
      'HOME',
      WORK_DIR,
      '--setenv',
      'LANG',
      'C.UTF-8',
      '--setenv',
      'TMPDIR',
      '/tmp',
      '--hostname',
      'sandbox',
      // everything but the two tmpfs (/work and /tmp) is read-only, the sandbox's own root included
      '--remount-ro',
      '/',
    );
    return args;
  }

  /** Runs one command in a fresh sandbox. Throws SandboxUnavailable when no sandbox can be made. */
  run(req: SandboxRequest): Promise<SandboxResult> {
    const check = this.selfTest();
    if (!check.ok) return Promise.reject(new SandboxUnavailable(check.reason));
    const { limits } = req;
    const fileArgs: string[] = [];
    // file contents travel through extra pipes (fd 3, 4, ...): bwrap copies them into the tmpfs
    req.files.forEach((f, i) => {
      if (!/^[A-Za-z0-9_.-]{1,100}$/.test(f.name)) throw new Error(`bad sandbox file name ${f.name}`);
      fileArgs.push('--file', String(3 + i), `${WORK_DIR}/${f.name}`);
      if (f.executable) fileArgs.push('--chmod', '0755', `${WORK_DIR}/${f.name}`);
    });
    const prlimitArgs = [
      this.prlimit!,
      `--cpu=${Math.max(1, Math.ceil(limits.cpuMs / 1000))}`,
      `--as=${limits.addressSpaceBytes}`,
      `--nproc=${limits.processes}`,
      `--fsize=${limits.fileSizeBytes}`,
      '--nofile=64',
      '--core=0',
      '--',
    ];
    const args = [...this.baseArgs(limits), ...fileArgs, '--', ...prlimitArgs, ...req.argv];
    const stdio: ('pipe' | 'ignore')[] = ['pipe', 'pipe', 'pipe', ...req.files.map(() => 'pipe' as const)];
    const started = performance.now();

    return new Promise<SandboxResult>((resolve, reject) => {
      const child = spawn(this.bwrap!, args, { ...this.identity(req.slot ?? 0), stdio, detached: true });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outLen = 0;
      let errLen = 0;
      let termination: SandboxTermination = 'exited';
      const kill = (why: SandboxTermination) => {
        if (termination === 'exited') termination = why;
        try {
          // bwrap leads its own process group; with --die-with-parent and a PID namespace, killing
          // it takes down every process the program started
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      };
      const timer = setTimeout(() => kill('wall_timeout'), limits.wallMs);
      child.stdout!.on('data', (c: Buffer) => {
        if (outLen >= limits.outputBytes) return;
        out.push(c);
        outLen += c.length;
        if (outLen > limits.outputBytes) kill('output_limit');
      });
      child.stderr!.on('data', (c: Buffer) => {
        if (errLen >= limits.outputBytes) return;
        err.push(c);
        errLen += c.length;
        if (errLen > limits.outputBytes) kill('output_limit');
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new SandboxUnavailable(`bubblewrap could not start: ${e.message}`));
      });
      // write the files and stdin; a program that exits without reading gives EPIPE, which is fine
      req.files.forEach((f, i) => {
        const w = child.stdio[3 + i] as NodeJS.WritableStream & { on(e: 'error', cb: () => void): void };
        w.on('error', () => undefined);
        w.end(f.content);
      });
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(req.stdin ?? '');
      child.on('close', (code, sig) => {
        clearTimeout(timer);
        const wallMs = performance.now() - started;
        let exitCode: number | null = code;
        let signal: string | null = sig;
        // bwrap reports a program killed by signal n as exit status 128 + n
        if (termination === 'exited' && code !== null && code > 128 && code - 128 in SIGNALS) {
          signal = SIGNALS[code - 128]!;
          exitCode = null;
        }
        if (termination !== 'exited') exitCode = null;
        resolve({
          termination,
          exitCode,
          signal,
          stdout: Buffer.concat(out).subarray(0, limits.outputBytes),
          stderr: Buffer.concat(err).subarray(0, limits.outputBytes),
          wallMs,
        });
      });
    });
  }
}

function defaultProbeLimits(): SandboxLimits {
  return { cpuMs: 1000, wallMs: 5000, addressSpaceBytes: 256 << 20, processes: 16, fileSizeBytes: 1 << 20, outputBytes: 1 << 16, workDirBytes: 1 << 20 };
}
