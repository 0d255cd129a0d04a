import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type JudgeOutcome, judge } from './judge.js';
import { type Language, languageSpecs } from './languages.js';
import { BubblewrapSandbox, SandboxUnavailable } from './sandbox.js';

/*
 * The escape tests: untrusted programs that try to leave the sandbox or take the host down, run
 * through the real bubblewrap. CI installs bubblewrap (and sets REQUIRE_SANDBOX=1, so a missing
 * sandbox fails there instead of skipping).
 */

const specs = languageSpecs();
// a uid range of its own, so "nothing is left running" can be checked by uid while other files run
const UID_BASE = 62000;
const sandbox = new BubblewrapSandbox({ uidBase: UID_BASE, extraReadOnly: specs.flatMap((s) => s.readOnly ?? []) });
const asRoot = process.getuid?.() === 0;
/** processes of the sandbox's uid still alive on the host (root only: otherwise runs use our own uid) */
function leftovers(): number {
  if (!asRoot) return 0;
  // zombies (already dead, waiting for the host's init to reap them) run nothing and do not count
  const out = execFileSync('/bin/sh', ['-c', `ps -o stat= -u ${UID_BASE} || true`]).toString().trim();
  return out ? out.split('\n').filter((st) => !st.trim().startsWith('Z')).length : 0;
}
const available = sandbox.selfTest().ok;
const spec = (id: Language) => specs.find((s) => s.id === id)!;
const limits = { timeLimitMs: 1000, memoryLimitMb: 128 };
const echoTest = [{ id: 't', stdin: '2 3\n', expectedStdout: '5\n', points: 1 }];

const hostDir = mkdtempSync(path.join(tmpdir(), 'lyceum-escape-'));
afterAll(() => rmSync(hostDir, { recursive: true, force: true }));

async function py(code: string, stdin = ''): Promise<JudgeOutcome> {
  return judge(sandbox, spec('python'), code, [{ id: 't', stdin, expectedStdout: 'never printed', points: 1 }], limits, 'trim_trailing');
}

describe('the sandbox refuses to run code it cannot contain', () => {
  it('throws SandboxUnavailable (and runs nothing) when bubblewrap cannot start', async () => {
    const missing = new BubblewrapSandbox({ bwrapPath: path.join(hostDir, 'no-such-bwrap') });
    expect(missing.selfTest()).toMatchObject({ ok: false });
    const marker = path.join(hostDir, 'ran-outside');
    await expect(missing.run({ argv: ['/bin/sh', '-c', `touch ${marker}`], files: [], limits: { cpuMs: 1000, wallMs: 2000, addressSpaceBytes: 1 << 28, processes: 8, fileSizeBytes: 1 << 20, outputBytes: 1 << 16, workDirBytes: 1 << 20 } })).rejects.toBeInstanceOf(SandboxUnavailable);
    expect(existsSync(marker)).toBe(false);
  });

  it('bubblewrap is present where the sandbox is required', () => {
    if (process.env.REQUIRE_SANDBOX === '1') expect(sandbox.selfTest()).toEqual({ ok: true });
  });
});

describe.skipIf(!available)('programs in every installed language', () => {
  const programs: Record<Language, string> = {
    python: 'a, b = map(int, input().split())\nprint(a + b)\n',
    javascript: 'const [a, b] = require("fs").readFileSync(0, "utf8").trim().split(/\\s+/).map(Number);\nconsole.log(a + b);\n',
    c: '#include <stdio.h>\nint main(void) { int a, b; if (scanf("%d %d", &a, &b) != 2) return 1; printf("%d\\n", a + b); return 0; }\n',
    cpp: '#include <iostream>\nint main() { int a, b; std::cin >> a >> b; std::cout << a + b << "\\n"; }\n',
    java: 'import java.util.Scanner;\npublic class Main { public static void main(String[] args) { Scanner s = new Scanner(System.in); System.out.println(s.nextInt() + s.nextInt()); } }\n',
  };
  for (const s of specs) {
    it(`${s.label}: accepted`, async () => {
      const o = await judge(sandbox, s, programs[s.id], echoTest, limits, 'trim_trailing');
      expect(o.verdict, o.tests[0]?.stderr ?? o.compileOutput ?? '').toBe('accepted');
      expect(o.score).toBe(1);
    });
  }

  it('wrong answer, runtime error and compile error', async () => {
    expect((await judge(sandbox, spec('python'), 'print(6)', echoTest, limits, 'trim_trailing')).verdict).toBe('wrong_answer');
    expect((await judge(sandbox, spec('python'), 'raise SystemExit(3)', echoTest, limits, 'trim_trailing')).verdict).toBe('runtime_error');
    const c = await judge(sandbox, spec('c'), 'int main( {', echoTest, limits, 'trim_trailing');
    expect(c.verdict).toBe('compile_error');
    expect(c.compileOutput).toMatch(/error/);
    expect(c.tests).toEqual([]);
  });

  it('memory limit: a program that allocates past the limit', async () => {
    expect((await py('x = bytearray(600 * 1024 * 1024)\nprint(len(x))')).verdict).toBe('memory_limit');
    const cpp = await judge(sandbox, spec('cpp'), '#include <vector>\nint main() { std::vector<char> v(1ull << 31); return v[7]; }', echoTest, limits, 'trim_trailing');
    expect(cpp.verdict).toBe('memory_limit');
  });
});

describe.skipIf(!available)('escape tests', () => {
  it('has no network: connecting anywhere fails', async () => {
    const o = await py(
      'import socket\ntry:\n    socket.create_connection(("127.0.0.1", 5432), timeout=2)\n    print("CONNECTED")\nexcept OSError as e:\n    print("refused", e.errno)\n' +
        'import os\nprint(sorted(os.listdir("/sys/class/net")) if os.path.exists("/sys/class/net") else "no-sys")',
    );
    const out = o.tests[0]!.stdout;
    expect(out).toMatch(/^refused/);
    expect(out).not.toContain('CONNECTED');
  });

  it('cannot read /etc/shadow or anything else of the host outside /usr', async () => {
    const o = await py(
      'import os\nfor p in ["/etc/shadow", "/etc/passwd", "/root", "/home", "/var", ' + JSON.stringify(hostDir) + ']:\n    print(p, os.path.exists(p))\nprint(open("/etc/shadow").read())',
    );
    expect(o.verdict).toBe('runtime_error');
    expect(o.tests[0]!.stdout).toContain('/etc/shadow False');
    expect(o.tests[0]!.stdout).toContain(`${hostDir} False`);
    expect(o.tests[0]!.stderr).toMatch(/FileNotFoundError/);
  });

  it("cannot see another run's files: every run starts in an empty work directory", async () => {
    await py('open("secret.txt", "w").write("run one")\nprint("wrote")');
    const o = await py('import os\nprint(sorted(os.listdir(".")))\nprint(os.path.exists("secret.txt"))');
    expect(o.tests[0]!.stdout).toContain("['main.py']");
    expect(o.tests[0]!.stdout).toContain('False');
  });

  it('cannot write outside the work directory, and the host is unchanged', async () => {
    const target = path.join('/usr', `lyceum-escape-${Date.now()}`);
    const o = await py(
      `import errno\nfor p in [${JSON.stringify(target)}, "/etc/x", "/lyceum-root-file", ${JSON.stringify(path.join(hostDir, 'x'))}]:\n    try:\n        open(p, "w").write("x")\n        print("WROTE", p)\n    except OSError as e:\n        print("refused", p, errno.errorcode[e.errno])`,
    );
    expect(o.tests[0]!.stdout).not.toContain('WROTE');
    expect(existsSync(target)).toBe(false);
    expect(existsSync(path.join(hostDir, 'x'))).toBe(false);
  });

  it('a fork bomb is contained (runtime error or time limit) and the host keeps working', async () => {
    const o = await py('import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass');
    expect(['runtime_error', 'time_limit']).toContain(o.verdict);
    // the host still starts processes, and nothing of the bomb is left running
    expect(execFileSync('/bin/sh', ['-c', 'echo alive']).toString().trim()).toBe('alive');
    await new Promise((r) => setTimeout(r, 200));
    expect(leftovers()).toBe(0);
  });

  it('endless output is cut at the cap: output limit', async () => {
    const o = await py('while True:\n    print("spam" * 1000)');
    expect(o.verdict).toBe('output_limit');
    expect(o.tests[0]!.stdout.length).toBeLessThanOrEqual(64 * 1024);
  });

  it('a file larger than the limit cannot be written', async () => {
    const o = await py('with open("big", "wb") as f:\n    for _ in range(64):\n        f.write(b"x" * (1024 * 1024))\nprint("done")');
    expect(['output_limit', 'runtime_error']).toContain(o.verdict);
    expect(o.tests[0]!.stdout).not.toContain('done');
  });

  it('sleeping forever ends at the wall-clock limit; spinning forever at the CPU limit', async () => {
    const sleeper = await py('import time\ntime.sleep(3600)');
    expect(sleeper.verdict).toBe('time_limit');
    expect(sleeper.tests[0]!.timeMs).toBeLessThan(10_000);
    const spinner = await py('while True:\n    pass');
    expect(spinner.verdict).toBe('time_limit');
  });

  it('a program cannot leave a process behind: background children die with the run', async () => {
    const marker = path.join(hostDir, 'survivor');
    writeFileSync(marker, '');
    const o = await py('import os, time\nif os.fork() == 0:\n    time.sleep(30)\n    os._exit(0)\nprint("parent done")');
    expect(o.tests[0]!.stdout).toContain('parent done');
    await new Promise((r) => setTimeout(r, 200));
    expect(leftovers()).toBe(0);
  });
});
