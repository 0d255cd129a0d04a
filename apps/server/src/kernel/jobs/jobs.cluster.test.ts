import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { DB, type Database } from '../db/index.js';
import { defineJob } from './registry.js';
import { JobsService } from './jobs.service.js';

const Ping = defineJob('test.cluster-ping', z.object({ n: z.number().int() }));

let a: TestApp;
let b: TestApp;
const runs: { node: string; n: number }[] = [];

beforeAll(async () => {
  a = await createTestApp({ WORKER_CONCURRENCY: '3' });
  b = await createTestApp({ WORKER_CONCURRENCY: '3' }, { databaseUrl: a.databaseUrl });
  for (const [node, t] of [
    ['a', a],
    ['b', b],
  ] as const) {
    const jobs = t.app.get(JobsService);
    jobs.registry.handle(Ping, async ({ n }) => {
      runs.push({ node, n });
      await new Promise((r) => setTimeout(r, 5));
    });
    await jobs.start();
  }
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

describe('jobs on two nodes sharing one database', () => {
  it('run each job exactly once', async () => {
    const db = a.app.get<symbol, Database>(DB);
    await db.transaction(async (tx) => {
      for (let n = 0; n < 60; n++) await a.app.get(JobsService).enqueue(tx, Ping, { n });
    });
    const deadline = Date.now() + 20_000;
    while (runs.length < 60 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300)); // a duplicate would show up now
    expect(runs.map((r) => r.n).sort((x, y) => x - y)).toEqual([...Array(60).keys()]);
    const left = await a.query<{ n: number }>(`SELECT count(*)::int AS n FROM graphile_worker._private_jobs`);
    expect(left[0]!.n).toBe(0);
  });
});
