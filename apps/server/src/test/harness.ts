import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import pino, { type Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { inject } from 'vitest';
import { loadConfig, type AppConfig } from '../kernel/config/index.js';
import { JobsService } from '../kernel/jobs/index.js';
import { boot, type Runtime } from '../runtime.js';

const TEMPLATE_DB = 'lyceum_template';

export interface TestApp {
  rt: Runtime;
  app: NestFastifyApplication;
  config: AppConfig;
  databaseUrl: string;
  dataDir: string;
  /** http://127.0.0.1:<port> when booted with `{ listen: true }` (real sockets: websockets, HTTP clients) */
  url?: string;
  /** runs every due job to completion (workers are off in tests) */
  drain(): Promise<void>;
  /** an HTTP call through Fastify's inject: the full stack without a socket */
  http(method: string, url: string, opts?: { body?: unknown; headers?: Record<string, string>; as?: Session }): Promise<HttpResult>;
  signUp(email: string, opts?: { name?: string; password?: string }): Promise<Session>;
  signIn(email: string, password?: string): Promise<Session>;
  /** signs up a new user and makes them a member of `orgId` with `role` (test setup, straight into the table) */
  joinAs(email: string, orgId: string, role: string, name?: string): Promise<Session>;
  /** emails written under <DATA_DIR>/mail (run `drain()` first: a job sends them), oldest first */
  mails(to?: string): Mail[];
  query<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface Session {
  userId: string;
  email: string;
  cookie: string;
  token: string;
  /** headers to act as this user, optionally in an organization */
  headers(orgId?: string): Record<string, string>;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test convenience
  text: string;
}

export interface Mail {
  to: string;
  subject: string;
  /** the decoded text/plain body */
  text: string;
}

export interface TestAppOptions {
  /**
   * Boot on this existing database (for example a second app on the first one's data, to test a
   * restart) instead of a fresh clone; close() then leaves the database for its creator to drop.
   */
  databaseUrl?: string;
  /** the app's pino logger (default: silent) */
  logger?: Logger;
  /** also listen on 127.0.0.1, on a free port (see `TestApp.url`) */
  listen?: boolean;
}

export const PASSWORD = 'correct-horse-battery';

function decodeMimeBody(body: string, encoding: string): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const soft = body.replace(/=\r?\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i++) {
      const hex = soft.slice(i + 1, i + 3);
      if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(...Buffer.from(soft[i]!, 'utf8'));
      }
    }
    return Buffer.from(bytes).toString('utf8');
  }
  return body;
}

/** RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`) in a header, as nodemailer writes non-ASCII or long subjects. */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?[^?]+\?([QqBb])\?([^?]*)\?=/g, (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B' ? decodeMimeBody(text, 'base64') : decodeMimeBody(text.replace(/_/g, ' '), 'quoted-printable'),
    );
}

/** Reads the .eml files the offline mailer wrote (single-part text messages). */
function readMails(dataDir: string): Mail[] {
  const dir = path.join(dataDir, 'mail');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  return files.map((f) => {
    const raw = readFileSync(path.join(dir, f), 'utf8');
    const split = raw.indexOf('\n\n');
    const head = raw.slice(0, split).replace(/\n[ \t]+/g, ' ');
    const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
    const to = header('To').replace(/^.*<([^>]+)>.*$/, '$1');
    return { to, subject: decodeEncodedWords(header('Subject')), text: decodeMimeBody(raw.slice(split + 2), header('Content-Transfer-Encoding').toLowerCase()) };
  });
}

async function createDatabaseFromTemplate(adminUrl: string): Promise<string> {
  const name = `t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE ${TEMPLATE_DB}`);
        break;
      } catch (err) {
        // Two files cloning at the same instant can collide on the template; retry briefly.
        if (attempt > 20 || !/being accessed by other users/.test((err as Error).message)) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = '/' + name;
  return u.toString();
}

async function dropDatabase(adminUrl: string, url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Boots the whole app on its own database cloned from the migrated template. */
export async function createTestApp(env: Record<string, string> = {}, opts: TestAppOptions = {}): Promise<TestApp> {
  const adminUrl = inject('adminUrl');
  const ownsDatabase = !opts.databaseUrl;
  const databaseUrl = opts.databaseUrl ?? (await createDatabaseFromTemplate(adminUrl));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lyceum-test-data-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    PUBLIC_URL: 'http://localhost:3000',
    AUTH_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'silent',
    RUN_WORKERS: 'false',
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
    DATABASE_POOL_MAX: '5',
    ...(opts.listen ? { PORT: '0', HOST: '127.0.0.1' } : {}),
    ...env,
  });
  const rt = await boot({ config, logger: opts.logger ?? pino({ level: 'silent' }), listen: Boolean(opts.listen), workers: false, migrate: false, databaseUrl });
  const app = rt.app;

  const http: TestApp['http'] = async (method, url, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.as?.headers() ?? {}), ...(opts.headers ?? {}) };
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
    });
    let body: unknown = undefined;
    try {
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.statusCode, headers: res.headers, body, text: res.body };
  };

  const sessionFrom = (email: string, userId: string, token: string, cookie: string): Session => ({
    userId,
    email,
    token,
    cookie,
    headers: (orgId?: string) => ({ cookie, ...(orgId ? { 'x-organization-id': orgId } : {}) }),
  });

  const cookieOf = (h: HttpResult) => {
    const raw = h.headers['set-cookie'];
    const list = Array.isArray(raw) ? raw : raw ? [String(raw)] : [];
    return list.map((c) => c.split(';')[0]).join('; ');
  };

  const t: TestApp = {
    rt,
    app,
    config,
    databaseUrl,
    dataDir,
    url: rt.url?.replace('//localhost:', '//127.0.0.1:'),
    drain: () => app.get(JobsService).drain(),
    http,
    async signUp(email, opts = {}) {
      const res = await http('POST', '/api/auth/sign-up/email', {
        body: { email, password: opts.password ?? PASSWORD, name: opts.name ?? email.split('@')[0] },
      });
      if (res.status !== 200) throw new Error(`sign-up failed: ${res.status} ${res.text}`);
      return sessionFrom(email, res.body.user.id, res.body.token, cookieOf(res));
    },
    async signIn(email, password = PASSWORD) {
      const res = await http('POST', '/api/auth/sign-in/email', { body: { email, password } });
      if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${res.text}`);
      return sessionFrom(email, res.body.user.id, res.body.token, cookieOf(res));
    },
    async joinAs(email, orgId, role, name) {
      const s = await t.signUp(email, name ? { name } : {});
      await rt.pool.query('INSERT INTO memberships (id, organization_id, user_id, role) VALUES ($1, $2, $3, $4)', [uuidv7(), orgId, s.userId, role]);
      return s;
    },
    mails(to) {
      const all = readMails(dataDir);
      return to ? all.filter((m) => m.to.toLowerCase() === to.toLowerCase()) : all;
    },
    async query(sql, params) {
      const r = await rt.pool.query(sql, params);
      return r.rows;
    },
    async close() {
      await rt.close();
      if (ownsDatabase) await dropDatabase(adminUrl, databaseUrl);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}
