import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/harness.js';

let t: TestApp;
let alice: Session;
let bob: Session;
beforeAll(async () => {
  t = await createTestApp();
  alice = await t.signUp('alice@example.com');
  bob = await t.signUp('bob@example.com');
});
afterAll(() => t?.close());

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('personal API keys', () => {
  it('shows the key once, stores only its SHA-256, and the key authenticates', async () => {
    const res = await t.http('POST', '/api/v1/me/api-keys', { as: alice, body: { name: 'laptop script' } });
    expect(res.status).toBe(201);
    const { key, id, prefix } = res.body as { key: string; id: string; prefix: string };
    expect(key).toMatch(/^lyk_[A-Za-z0-9_-]{40,}$/);
    expect(key.startsWith(prefix)).toBe(true);
    const [row] = await t.query<{ key_hash: string }>('SELECT key_hash FROM api_keys WHERE id = $1', [id]);
    expect(row!.key_hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(JSON.stringify(await t.query('SELECT * FROM api_keys'))).not.toContain(key);

    const me = await t.http('GET', '/api/v1/me', { headers: bearer(key) });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(alice.userId);
    const [used] = await t.query<{ last_used_at: Date | null }>('SELECT last_used_at FROM api_keys WHERE id = $1', [id]);
    expect(used!.last_used_at).not.toBeNull();

    const list = await t.http('GET', '/api/v1/me/api-keys', { as: alice });
    expect(list.status).toBe(200);
    expect(list.body.items.map((k: { id: string }) => k.id)).toContain(id);
    expect(JSON.stringify(list.body)).not.toContain(key);
  });

  it('a revoked key stops working at once', async () => {
    const { body } = await t.http('POST', '/api/v1/me/api-keys', { as: alice, body: { name: 'to revoke' } });
    expect((await t.http('GET', '/api/v1/me', { headers: bearer(body.key) })).status).toBe(200);
    expect((await t.http('DELETE', `/api/v1/me/api-keys/${body.id}`, { as: alice })).status).toBe(204);
    const after = await t.http('GET', '/api/v1/me', { headers: bearer(body.key) });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('unauthenticated');
    const listed = (await t.http('GET', '/api/v1/me/api-keys', { as: alice })).body.items.find((k: { id: string }) => k.id === body.id);
    expect(listed.revokedAt).not.toBeNull();
    // Revoking again is harmless.
    expect((await t.http('DELETE', `/api/v1/me/api-keys/${body.id}`, { as: alice })).status).toBe(204);
  });

  it('an expired key is refused', async () => {
    const { body } = await t.http('POST', '/api/v1/me/api-keys', { as: alice, body: { name: 'short-lived', expiresInDays: 1 } });
    expect(body.expiresAt).not.toBeNull();
    await t.query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1", [body.id]);
    expect((await t.http('GET', '/api/v1/me', { headers: bearer(body.key) })).status).toBe(401);
  });

  it('refuses an Idempotency-Key, which would store the plaintext key', async () => {
    const res = await t.http('POST', '/api/v1/me/api-keys', { as: alice, body: { name: 'retry-safe' }, headers: { 'idempotency-key': 'create-key-0001' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('idempotency_not_supported');
    expect(await t.query("SELECT 1 FROM api_keys WHERE name = 'retry-safe'")).toHaveLength(0);
    expect(await t.query('SELECT 1 FROM idempotency_keys')).toHaveLength(0);
  });

  it('documents no Idempotency-Key header for creating a key (clients must not be told to send one)', async () => {
    const doc = (await t.http('GET', '/api/openapi.json')).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const params = doc.paths['/api/v1/me/api-keys']!.post!.parameters ?? [];
    expect(params.filter((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key')).toEqual([]);
  });

  it('a forged key is refused', async () => {
    expect((await t.http('GET', '/api/v1/me', { headers: bearer('lyk_' + 'x'.repeat(43)) })).status).toBe(401);
  });

  it('paginates newest first', async () => {
    const carol = await t.signUp('carol@example.com');
    for (const name of ['k1', 'k2', 'k3']) await t.http('POST', '/api/v1/me/api-keys', { as: carol, body: { name } });
    const p1 = await t.http('GET', '/api/v1/me/api-keys?limit=2', { as: carol });
    expect(p1.body.items.map((k: { name: string }) => k.name)).toEqual(['k3', 'k2']);
    const p2 = await t.http('GET', `/api/v1/me/api-keys?limit=2&cursor=${p1.body.nextCursor}`, { as: carol });
    expect(p2.body.items.map((k: { name: string }) => k.name)).toEqual(['k1']);
    expect(p2.body.nextCursor).toBeNull();
  });
});

describe('API key security', () => {
  it('anonymous callers get 401', async () => {
    expect((await t.http('POST', '/api/v1/me/api-keys', { body: { name: 'x' } })).status).toBe(401);
    expect((await t.http('GET', '/api/v1/me/api-keys')).status).toBe(401);
    expect((await t.http('DELETE', '/api/v1/me/api-keys/0190a0a0-0000-7000-8000-000000000000')).status).toBe(401);
  });

  it("nobody sees or revokes another person's keys", async () => {
    const { body } = await t.http('POST', '/api/v1/me/api-keys', { as: alice, body: { name: 'mine' } });
    const list = await t.http('GET', '/api/v1/me/api-keys', { as: bob });
    expect(list.body.items.map((k: { id: string }) => k.id)).not.toContain(body.id);
    const del = await t.http('DELETE', `/api/v1/me/api-keys/${body.id}`, { as: bob });
    expect(del.status).toBe(404);
    expect((await t.http('GET', '/api/v1/me', { headers: bearer(body.key) })).status).toBe(200);
  });

  it('an API key cannot mint more keys', async () => {
    const { body } = await t.http('POST', '/api/v1/me/api-keys', { as: alice, body: { name: 'automation' } });
    const res = await t.http('POST', '/api/v1/me/api-keys', { headers: bearer(body.key), body: { name: 'child' } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('session_required');
  });

  it('bad input is a 400 problem and writes nothing', async () => {
    const before = await t.query('SELECT count(*)::int AS n FROM api_keys');
    for (const body of [{}, { name: '' }, { name: 'x', expiresInDays: 0 }, { name: 'x', extra: true }, { name: 'x', expiresInDays: 'soon' }]) {
      const res = await t.http('POST', '/api/v1/me/api-keys', { as: alice, body });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe('validation_failed');
    }
    expect((await t.http('DELETE', '/api/v1/me/api-keys/not-a-uuid', { as: alice })).status).toBe(400);
    expect((await t.http('GET', '/api/v1/me/api-keys?limit=1000', { as: alice })).status).toBe(400);
    expect((await t.http('GET', '/api/v1/me/api-keys?cursor=garbage', { as: alice })).status).toBe(400);
    expect(await t.query('SELECT count(*)::int AS n FROM api_keys')).toEqual(before);
  });
});
