// Shared by api-catalog and api-course: boots Lyceum (built) on a fresh embedded PostgreSQL,
// creates real courses through the HTTP API, clones them in SQL up to the wanted count, and
// records the exact SQL statements Lyceum runs for one request so a bare Fastify + pg handler can
// replay the identical statements as the baseline.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { freePort } from './_lib.js';

const dist = path.resolve(import.meta.dirname, '../apps/server/dist');
const { startEmbeddedPostgres, migrateDatabase } = await import(path.join(dist, 'kernel/db/index.js'));
const { loadConfig } = await import(path.join(dist, 'kernel/config/index.js'));
const { boot } = await import(path.join(dist, 'runtime.js'));

export interface Fixture {
  oursUrl: string;
  pool: pg.Pool;
  courseIds: string[];
  capture(url: string): Promise<{ text: string; values: unknown[] }[]>;
  close(): Promise<void>;
}

async function api(base: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + url, {
    method,
    headers: { origin: base, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${url} -> ${res.status} ${text}`);
  return { json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const TOPICS = ['Python', 'Statistics', 'Watercolor', 'Guitar', 'Spanish', 'Kubernetes', 'Photography', 'Accounting', 'Rust', 'Nutrition'];
const LEVELS = ['beginner', 'intermediate', 'advanced', 'all'];

/**
 * Lyceum (built) on a fresh embedded PostgreSQL, migrated, no workers, no rate limits, listening on a
 * free port. `env` adds or overrides settings. `close()` stops both and removes the data directory.
 */
export async function startBenchServer(name: string, env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `lyceum-bench-${name}-`));
  chmodSync(dataDir, 0o755);
  const embedded = await startEmbeddedPostgres({ dir: path.join(dataDir, 'pg'), log: pino({ level: 'warn' }), persistent: false });
  const admin = new pg.Client({ connectionString: embedded.url });
  await admin.connect();
  await admin.query('CREATE DATABASE bench');
  await admin.end();
  const url = new URL(embedded.url);
  url.pathname = '/bench';
  const databaseUrl = url.toString();
  await migrateDatabase(databaseUrl);
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: 'bench-secret-bench-secret-bench-secret-00',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '100000000',
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
    RUN_WORKERS: 'false',
    SEED_DEMO: 'false',
    ...env,
  });
  // Request logs off: the baselines log nothing either.
  const rt = await boot({ config, logger: pino({ level: 'warn' }), listen: true, workers: false, migrate: false, databaseUrl });
  const base = `http://127.0.0.1:${port}`;
  const close = async () => {
    await rt.close();
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { dataDir, databaseUrl, base, rt, embedded, close };
}

export async function createFixture(totalCourses: number, realCourses = 40): Promise<Fixture> {
  const { dataDir, databaseUrl, base, rt, embedded } = await startBenchServer('api');

  const signUp = await api(base, 'POST', '/api/auth/sign-up/email', { email: 'bench@lyceum.local', password: 'bench-password-1', name: 'Bench Instructor' });
  const auth = { authorization: `Bearer ${signUp.json.token}` };
  const org = await api(base, 'POST', '/api/v1/organizations', { name: 'Bench Academy', slug: 'bench-academy' }, auth);
  const h = { ...auth, 'x-organization-id': org.json.id };
  const courseIds: string[] = [];
  for (let i = 0; i < realCourses; i++) {
    const topic = TOPICS[i % TOPICS.length]!;
    const c = await api(base, 'POST', '/api/v1/courses', {
      title: `${topic} from scratch, part ${i + 1}`,
      subtitle: `A practical ${topic.toLowerCase()} course with exercises`,
      description: `# ${topic}\n\nLearn ${topic.toLowerCase()} step by step. This course covers the fundamentals, common pitfalls and a final project.`,
      language: i % 3 === 0 ? 'es' : 'en',
      level: LEVELS[i % LEVELS.length],
      category: topic,
      tags: [topic.toLowerCase(), i % 2 ? 'career' : 'hobby'],
      visibility: 'public',
      isFree: true,
    }, h);
    for (let s = 0; s < 3; s++) {
      const sec = await api(base, 'POST', `/api/v1/courses/${c.json.id}/sections`, { title: `Module ${s + 1}` }, h);
      for (let l = 0; l < 4; l++) {
        await api(base, 'POST', `/api/v1/courses/${c.json.id}/sections/${sec.json.id}/lessons`, {
          title: `Lesson ${s + 1}.${l + 1}`,
          type: 'text',
          body: { markdown: `Lesson ${s + 1}.${l + 1} of ${topic}.` },
          isPreview: l === 0,
        }, h);
      }
    }
    await api(base, 'POST', `/api/v1/courses/${c.json.id}/publish`, {}, h);
    courseIds.push(c.json.id);
  }
  // Clone the published rows in SQL up to the wanted count (catalog list reads only `courses`).
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const copies = Math.ceil((totalCourses - realCourses) / realCourses);
  const cols = (
    await pool.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'courses' ORDER BY ordinal_position`)
  ).rows.map((r) => r.column_name);
  const expr = (c: string) => {
    if (c === 'id') return 'gen_random_uuid()';
    if (c === 'slug') return `c.slug || '-' || g`;
    if (c === 'first_published_at' || c === 'published_at' || c === 'created_at') return `c.${c} - g * interval '1 minute'`;
    if (c === 'learner_count') return `(g * 7919) % 5000`;
    return `c.${c}`;
  };
  await pool.query(
    `INSERT INTO courses (${cols.map((c) => `"${c}"`).join(', ')})
     SELECT ${cols.map(expr).join(', ')} FROM courses c CROSS JOIN generate_series(1, ${copies}) g
     WHERE c.id = ANY($1::uuid[])`,
    [courseIds],
  );
  await pool.query('ANALYZE');

  return {
    oursUrl: base,
    pool,
    courseIds,
    async capture(u: string) {
      const seen: { text: string; values: unknown[] }[] = [];
      const original = rt.pool.query.bind(rt.pool);
      (rt.pool as { query: unknown }).query = (q: unknown, values?: unknown) => {
        const text = typeof q === 'string' ? q : (q as { text: string }).text;
        const vals = (typeof q === 'object' && q && 'values' in q ? (q as { values: unknown[] }).values : (values as unknown[])) ?? [];
        seen.push({ text, values: vals });
        return (original as (a: unknown, b?: unknown) => unknown)(q, values);
      };
      try {
        await api(base, 'GET', u);
      } finally {
        (rt.pool as { query: unknown }).query = original;
      }
      return seen;
    },
    async close() {
      await pool.end();
      await rt.close();
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A bare Fastify + pg server whose one route runs the given statements in order, answering the last rows as JSON. */
export async function bareServer(pool: pg.Pool, statements: { text: string; values: unknown[] }[]): Promise<{ url: string; close(): Promise<void> }> {
  const app: FastifyInstance = Fastify({ logger: false });
  app.get('/bare', async () => {
    let rows: unknown[] = [];
    for (const s of statements) rows = (await pool.query(s.text, s.values)).rows;
    return { items: rows };
  });
  const port = await freePort();
  await app.listen({ port, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${port}/bare`, close: () => app.close() };
}

/**
 * One API benchmark: Lyceum's GET `path` against a bare Fastify + pg handler replaying the SQL
 * statements Lyceum ran for that request, alternating, median of the rounds, one JSON line.
 */
export async function runApiBench(name: string, pathOf: (fx: Fixture) => string): Promise<void> {
  const { alternate, median, report, round2 } = await import('./_lib.js');
  const { load } = await import('./_load.js');
  const total = Number(process.env.BENCH_COURSES ?? 10_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const fx = await createFixture(total);
  try {
    const path = pathOf(fx);
    const statements = await fx.capture(path);
    const bare = await bareServer(fx.pool, statements);
    try {
      await load(fx.oursUrl + path, 2);
      await load(bare.url, 2);
      const r = await alternate(rounds, () => load(fx.oursUrl + path, seconds), () => load(bare.url, seconds));
      const ours = median(r.ours.map((x) => x.rps));
      const baseline = median(r.baseline.map((x) => x.rps));
      report({
        bench: name,
        unit: 'req/s',
        ours: Math.round(ours),
        baseline: Math.round(baseline),
        ratio: round2(ours / baseline),
        p95_ms: median(r.ours.map((x) => x.p95)),
        baseline_p95_ms: median(r.baseline.map((x) => x.p95)),
        errors: [...r.ours, ...r.baseline].reduce((a, x) => a + x.errors, 0),
        courses: total,
        statements: statements.length,
        aim_ratio: 0.8,
      });
    } finally {
      await bare.close();
    }
  } finally {
    await fx.close();
  }
}
