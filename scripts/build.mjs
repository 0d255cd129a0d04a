#!/usr/bin/env node
// Builds what is stale: the server (tsc) and, when present, the web app (vite).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestMtime(dir, skip = new Set(['node_modules', 'dist', '.lyceum'])) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  if (!statSync(dir).isDirectory()) return statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p, skip) : statSync(p).mtimeMs);
  }
  return newest;
}

function buildIfStale(name, sourceDirs, stamp, command, args) {
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  const source = Math.max(...sourceDirs.map((d) => newestMtime(path.join(root, d))));
  if (built >= source) return;
  process.stdout.write(`lyceum: building ${name}...\n`);
  try {
    execFileSync(command, args, { cwd: root, stdio: 'inherit' });
  } catch {
    process.stderr.write(`lyceum: building ${name} failed (see the errors above).\n`);
    process.exit(1);
  }
  writeFileSync(stamp, new Date().toISOString() + '\n');
}

export function buildAll() {
  if (!existsSync(path.join(root, 'node_modules'))) {
    process.stderr.write('lyceum: dependencies are missing; run `npm ci` first.\n');
    process.exit(1);
  }

  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  buildIfStale(
    'the server',
    ['apps/server/src', 'apps/server/tsconfig.json', 'apps/server/tsconfig.build.json'],
    path.join(root, 'apps/server/dist/.build-stamp'),
    npx,
    ['tsc', '-p', 'apps/server/tsconfig.build.json'],
  );
  if (existsSync(path.join(root, 'apps/web/package.json'))) {
    buildIfStale(
      'the web app',
      ['apps/web/src', 'apps/web/index.html', 'apps/web/vite.config.ts', 'packages/api-client/src'],
      path.join(root, 'apps/web/dist/.build-stamp'),
      'npm',
      ['run', 'build', '-w', 'apps/web'],
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) buildAll();
