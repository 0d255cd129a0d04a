import { existsSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';

export const LANGUAGES = ['python', 'javascript', 'c', 'cpp', 'java'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * How to build and run a program in each language inside the sandbox. Compiled languages compile
 * in one sandbox and print the artifact on stdout (a binary, or a tar of Java classes), which the
 * run sandboxes receive as a file: each test case runs in a fresh sandbox from the same artifact.
 */
export interface LanguageSpec {
  id: Language;
  label: string;
  /** the learner's source file name in the work directory */
  source: string;
  /** present for compiled languages: prints the artifact on stdout, diagnostics on stderr */
  compile?: { argv: string[]; artifact: string };
  /** the program; `memoryMb` sizes runtime heaps (Node, the JVM) */
  run(memoryMb: number): string[];
  /** RLIMIT_AS for a run: runtimes that reserve address space up front get headroom above the memory limit */
  addressSpace(memoryMb: number): number;
  /** processes/threads a run needs (the JVM and Node start threads of their own) */
  processes: number;
  /** host binaries the spec needs; the language is offered only when all exist */
  requires: string[];
  /** extra read-only host paths (e.g. the JDK's configuration under /etc) */
  readOnly?: string[];
}

const MB = 1024 * 1024;

function firstExisting(...candidates: string[]): string | null {
  for (const c of candidates) if (existsSync(c)) return c;
  return null;
}

/** A JDK's home under /usr/lib/jvm (its java and javac, real paths), when one is installed. */
function findJdk(): { java: string; javac: string; etc: string[] } | null {
  const javac = firstExisting('/usr/bin/javac');
  if (javac) {
    const real = realpathSync(javac);
    const home = path.dirname(path.dirname(real));
    const java = path.join(home, 'bin/java');
    if (real.startsWith('/usr/') && existsSync(java)) return { java, javac: real, etc: jdkEtc() };
  }
  if (!existsSync('/usr/lib/jvm')) return null;
  for (const d of readdirSync('/usr/lib/jvm')) {
    const home = path.join('/usr/lib/jvm', d);
    if (existsSync(path.join(home, 'bin/javac')) && existsSync(path.join(home, 'bin/java'))) {
      return { java: path.join(home, 'bin/java'), javac: path.join(home, 'bin/javac'), etc: jdkEtc() };
    }
  }
  return null;
}

/** Debian's JDK keeps its conf/ files under /etc/java-N-openjdk (symlinked from the JDK home). */
function jdkEtc(): string[] {
  if (!existsSync('/etc')) return [];
  return readdirSync('/etc')
    .filter((d) => /^java-\d+-openjdk$/.test(d))
    .map((d) => `/etc/${d}`);
}

export function languageSpecs(): LanguageSpec[] {
  const python = firstExisting('/usr/bin/python3', '/usr/local/bin/python3');
  const node = firstExisting('/usr/bin/node', '/usr/local/bin/node');
  const gcc = firstExisting('/usr/bin/gcc');
  const gxx = firstExisting('/usr/bin/g++');
  const jdk = findJdk();
  const specs: LanguageSpec[] = [];
  if (python)
    specs.push({
      id: 'python',
      label: 'Python 3',
      source: 'main.py',
      run: () => [python, '-I', '-B', 'main.py'],
      addressSpace: (mb) => (mb + 64) * MB,
      processes: 16,
      requires: [python],
    });
  if (node)
    specs.push({
      id: 'javascript',
      label: 'JavaScript (Node.js)',
      source: 'main.js',
      run: (mb) => [node, `--max-old-space-size=${Math.max(16, mb)}`, '--max-semi-space-size=4', '--disallow-code-generation-from-strings', 'main.js'],
      // V8 reserves its heap cage and code range up front
      addressSpace: (mb) => (mb + 2048) * MB,
      processes: 32,
      requires: [node],
    });
  if (gcc)
    specs.push({
      id: 'c',
      label: 'C (GCC, C17)',
      source: 'main.c',
      compile: { argv: ['/bin/sh', '-c', `${gcc} -std=c17 -O2 -pipe -o main main.c -lm >&2 && cat main`], artifact: 'main' },
      run: () => ['./main'],
      addressSpace: (mb) => (mb + 16) * MB,
      processes: 16,
      requires: [gcc, '/bin/sh'],
    });
  if (gxx)
    specs.push({
      id: 'cpp',
      label: 'C++ (GCC, C++17)',
      source: 'main.cpp',
      compile: { argv: ['/bin/sh', '-c', `${gxx} -std=c++17 -O2 -pipe -o main main.cpp >&2 && cat main`], artifact: 'main' },
      run: () => ['./main'],
      addressSpace: (mb) => (mb + 32) * MB,
      processes: 16,
      requires: [gxx, '/bin/sh'],
    });
  if (jdk) {
    const jvmFlags = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto', '-XX:CompressedClassSpaceSize=64m', '-XX:ReservedCodeCacheSize=64m', '-XX:MaxMetaspaceSize=128m'];
    specs.push({
      id: 'java',
      label: 'Java',
      source: 'Main.java',
      compile: {
        argv: ['/bin/sh', '-c', `${jdk.javac} -J-Xmx256m ${jvmFlags.map((f) => `-J${f}`).join(' ')} -encoding UTF-8 -d classes Main.java >&2 && cd classes && tar cf - .`],
        artifact: 'classes.tar',
      },
      run: (mb) => ['/bin/sh', '-c', `mkdir classes && tar xf classes.tar -C classes && exec ${jdk.java} -Xmx${Math.max(16, mb)}m -Xss16m ${jvmFlags.join(' ')} -cp classes Main`],
      addressSpace: (mb) => (mb + 1024) * MB,
      processes: 64,
      requires: [jdk.java, jdk.javac, '/bin/sh'],
      readOnly: jdk.etc,
    });
  }
  return specs;
}

/** Limits for the compile step (compilers are trusted more than programs, but still sandboxed). */
export const COMPILE_LIMITS = {
  cpuMs: 20_000,
  wallMs: 30_000,
  addressSpaceBytes: 2048 * MB,
  processes: 64,
  fileSizeBytes: 64 * MB,
  outputBytes: 64 * MB,
  workDirBytes: 128 * MB,
};
