import { mkdirSync, chmodSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { migrateDatabase, startEmbeddedPostgres, type EmbeddedHandle } from '../kernel/db/index.js';

export const TEMPLATE_DB = 'lyceum_template';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
  }
}

let embedded: EmbeddedHandle | undefined;
let dir: string | undefined;

/** One PostgreSQL for the whole run (embedded unless TEST_DATABASE_URL), with a migrated template. */
export async function setup(project: TestProject): Promise<void> {
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    // PostgreSQL runs as the `postgres` user when we are root: its directory must be reachable.
    dir = path.join(os.tmpdir(), `lyceum-test-pg-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
    embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'data'), log: pino({ level: 'warn' }), persistent: false });
    adminUrl = embedded.url;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = '/' + TEMPLATE_DB;
  await migrateDatabase(u.toString());
  project.provide('adminUrl', adminUrl);
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
