import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

describe('kernel http', () => {
  it('answers liveness and readiness', async () => {
    expect((await t.http('GET', '/health/live')).status).toBe(200);
    const ready = await t.http('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ database: 'ok', jobs: 'ok' });
  });

  it('gives problem+json with a request id for unknown routes', async () => {
    const res = await t.http('GET', '/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe('route_not_found');
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/organizations', headers: { 'content-type': 'application/json' }, payload: '{"name": ' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(JSON.parse(res.body).requestId).toBeDefined();
  });

  it('names the part of the request each validation error is about', async () => {
    const user = await t.signUp('validation@example.com');
    const body = await t.http('POST', '/api/v1/organizations', { as: user, body: { name: 'Fine', settings: { website: 'not a website' } } });
    expect(body.status).toBe(400);
    expect(body.body.code).toBe('validation_failed');
    expect(body.body.errors).toEqual([{ field: 'body.settings.website', message: expect.any(String) }]);
    const query = await t.http('GET', '/api/v1/me/organizations?limit=0', { as: user });
    expect(query.status).toBe(400);
    expect(query.body.errors).toEqual([{ field: 'query.limit', message: expect.any(String) }]);
    const param = await t.http('GET', '/api/v1/organizations/not-a-uuid', { as: user });
    expect(param.status).toBe(400);
    expect(param.body.errors).toEqual([{ field: 'param.id', message: expect.any(String) }]);
  });

  it('serves the OpenAPI 3.1 document', async () => {
    const res = await t.http('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\.1/);
  });

  it('exposes Prometheus metrics', async () => {
    await t.http('GET', '/health/live');
    const res = await t.http('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain('lyceum_http_request_duration_seconds');
    expect(res.text).toContain('lyceum_db_pool_connections');
  });

  it('sets security headers', async () => {
    const res = await t.http('GET', '/health/live');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeDefined();
  });
});
