#!/usr/bin/env node
// `npm run test:e2e`: builds the server and the web app when stale, then runs every e2e/*.e2e.ts
// with node:test in real Chromium. Each spec file starts its own server on embedded PostgreSQL.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

if (process.env.E2E_JSON_OUT) rmSync(process.env.E2E_JSON_OUT, { force: true });

const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  // a build that fails counts as one failed test, so CI's totals show it
  if (process.env.E2E_JSON_OUT) writeFileSync(process.env.E2E_JSON_OUT, JSON.stringify({ passed: 0, failed: 1 }) + '\n');
  process.exit(build.status ?? 1);
}
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.e2e.ts') && (only.length === 0 || only.some((o) => f.includes(o))))
  .map((f) => path.join('e2e', f));

// One seeded data directory for the run; every spec file's server starts from a copy of it.
const template = mkdtempSync(path.join(tmpdir(), 'lyceum-e2e-template-'));
const made = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'lib/make-template.ts'), template], { cwd: root, stdio: 'inherit' });
if (made.status !== 0) process.stderr.write('e2e: the template data directory could not be made; each spec file seeds its own\n');

const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${path.join(here, 'count-reporter.mjs')}`,
    '--test-reporter-destination=stderr',
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: made.status === 0 ? { ...process.env, E2E_TEMPLATE_DIR: template } : process.env },
);
rmSync(template, { recursive: true, force: true });
process.exit(result.status ?? 1);
