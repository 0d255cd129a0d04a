import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';

const apps: TestApp[] = [];
afterAll(async () => {
  // The second app first: the first one owns (and drops) the database.
  for (const a of apps.reverse()) await a.close();
});

describe('sessions across a restart', () => {
  it('a cookie, a bearer token and an API key from before the restart still work after it', async () => {
    const first = await createTestApp();
    apps.push(first);
    const s = await first.signUp('restart@example.com');
    const key = await first.http('POST', '/api/v1/me/api-keys', { as: s, body: { name: 'ci' } });
    expect(key.status).toBe(201);
    await first.rt.close();

    const second = await createTestApp({}, { databaseUrl: first.databaseUrl });
    apps.push(second);
    const byCookie = await second.http('GET', '/api/v1/me', { headers: { cookie: s.cookie } });
    expect(byCookie.status).toBe(200);
    expect(byCookie.body.id).toBe(s.userId);
    expect((await second.http('GET', '/api/v1/me', { headers: { authorization: `Bearer ${s.token}` } })).status).toBe(200);
    expect((await second.http('GET', '/api/v1/me', { headers: { authorization: `Bearer ${key.body.key}` } })).status).toBe(200);
  });
});
