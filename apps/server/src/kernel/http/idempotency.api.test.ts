import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';

let t: TestApp;
let owner: Session;
beforeAll(async () => {
  t = await createTestApp();
  owner = await t.signUp('owner@idem.test');
});
afterAll(() => t?.close());

const count = async () => Number((await t.query<{ n: string }>('SELECT count(*) AS n FROM organizations'))[0]!.n);

describe('Idempotency-Key', () => {
  it('creates once and replays the first answer on retry', async () => {
    const before = await count();
    const headers = { 'idempotency-key': 'create-org-0001' };
    const first = await t.http('POST', '/api/v1/organizations', { as: owner, headers, body: { name: 'Once Only' } });
    const again = await t.http('POST', '/api/v1/organizations', { as: owner, headers, body: { name: 'Once Only' } });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(await count()).toBe(before + 1);
  });

  it('refuses the same key with a different body, and a malformed key', async () => {
    const headers = { 'idempotency-key': 'create-org-0002' };
    expect((await t.http('POST', '/api/v1/organizations', { as: owner, headers, body: { name: 'First' } })).status).toBe(201);
    const other = await t.http('POST', '/api/v1/organizations', { as: owner, headers, body: { name: 'Second' } });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
    const bad = await t.http('POST', '/api/v1/organizations', { as: owner, headers: { 'idempotency-key': 'x' }, body: { name: 'Bad key' } });
    expect(bad.status).toBe(400);
  });

  it('does not keep the key when the request failed, so a corrected retry works', async () => {
    const headers = { 'idempotency-key': 'create-org-0003' };
    expect((await t.http('POST', '/api/v1/organizations', { as: owner, headers, body: { name: '' } })).status).toBe(400);
    expect((await t.http('POST', '/api/v1/organizations', { as: owner, headers, body: { name: 'Fixed' } })).status).toBe(201);
  });

  it('a claim left by a request that died is not re-run on a JSON route, lease or not: 409 until the key expires', async () => {
    const headers = { 'idempotency-key': 'create-org-0004' };
    const body = { name: 'Died Midway' };
    const first = await t.http('POST', '/api/v1/organizations', { as: owner, headers, body });
    expect(first.status).toBe(201);
    await t.query("UPDATE idempotency_keys SET status = NULL, response = NULL, locked_until = now() - interval '1 second' WHERE key = 'create-org-0004'");
    const before = await count();
    const retry = await t.http('POST', '/api/v1/organizations', { as: owner, headers, body });
    expect(retry.status).toBe(409);
    expect(retry.body.code).toBe('idempotency_in_progress');
    expect(await count()).toBe(before);
  });
});

describe('CORS', () => {
  it('allows the public URL and refuses other origins', async () => {
    const ok = await t.http('OPTIONS', '/api/v1/me', { headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'GET' } });
    expect(ok.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    const evil = await t.http('OPTIONS', '/api/v1/me', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });
});
