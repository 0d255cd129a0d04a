import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import { redisReachable } from '../realtime/redis.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisUp = await redisReachable(REDIS_URL);
if (!redisUp) console.warn(`SKIPPED shared rate-limit tests: no Redis answers at ${REDIS_URL} (set TEST_REDIS_URL or start redis-server)`);

describe.skipIf(!redisUp)('rate limiting with REDIS_URL', () => {
  let a: TestApp;
  let b: TestApp;
  let solo: TestApp;
  beforeAll(async () => {
    a = await createTestApp({ REDIS_URL, RATE_LIMIT_PER_MINUTE: '5' });
    b = await createTestApp({ REDIS_URL, RATE_LIMIT_PER_MINUTE: '5' }, { databaseUrl: a.databaseUrl });
    solo = await createTestApp({ RATE_LIMIT_PER_MINUTE: '5' }, { databaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await solo?.close();
    await b?.close();
    await a?.close();
  });

  // A fresh credential per test gives a fresh bucket (keys are per credential), so runs never collide.
  const caller = () => ({ authorization: `Bearer rl-${randomUUID()}` });

  it('shares one budget across nodes', async () => {
    const who = caller();
    const statuses: number[] = [];
    for (const node of [a, b, a, b, a, b, a]) statuses.push((await node.http('GET', '/api/v1/me', { headers: who })).status);
    // 5 pass the limiter (and are refused by auth), then both nodes say 429
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const limited = await b.http('GET', '/api/v1/me', { headers: who });
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.body.code).toBe('rate_limited');
  });

  it('a node without Redis counts alone (the contrast that shows the store is shared)', async () => {
    const who = caller();
    for (let i = 0; i < 5; i++) expect((await a.http('GET', '/api/v1/me', { headers: who })).status).toBe(401);
    expect((await b.http('GET', '/api/v1/me', { headers: who })).status).toBe(429);
    expect((await solo.http('GET', '/api/v1/me', { headers: who })).status).toBe(401);
  });
});
