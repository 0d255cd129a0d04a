import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './test/harness.js';

/**
 * Every /api/v1 operation in the OpenAPI document refuses an anonymous caller with 401 problem+json,
 * except the few that are public on purpose (listed here, so adding one is a visible decision).
 */
const PUBLIC = new Set([
  'GET /api/v1/catalog/courses',
  'GET /api/v1/catalog/courses/{idOrSlug}',
  'GET /api/v1/catalog/courses/{id}/lessons/{lessonId}/preview',
  'GET /api/v1/invitations/{token}',
  'GET /api/v1/verify/{code}',
  'POST /api/v1/verify/credential',
  'GET /api/v1/issuers/{organizationId}',
  'GET /api/v1/issuers/{organizationId}/jwks',
  // the Open Badges achievement image (no learner data in it)
  'GET /api/v1/certificates/{certificateId}/badge.svg',
  // shop windows and the guest cart: prices are public, a guest cart lives on a cookie and merges at sign-in
  'GET /api/v1/courses/{id}/pricing',
  'GET /api/v1/bundles/{bundleId}',
  'GET /api/v1/courses/{id}/bundles',
  'GET /api/v1/cart',
  'POST /api/v1/cart/items',
  'DELETE /api/v1/cart/items/{itemId}',
  'POST /api/v1/checkout/quote',
  'GET /api/v1/payments/providers',
  // the provider calls this; the Stripe signature is its credential
  'POST /api/v1/payments/stripe/webhook',
  // referral links: record the click and set the attribution cookie
  'GET /api/v1/ref/{code}',
  'POST /api/v1/ref/{code}/visit',
]);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

describe('anonymous callers', () => {
  it('are refused by every non-public operation', async () => {
    const doc = (await t.http('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const id = '01a201d8-a88a-751d-ba3b-091d4b9304eb';
    const wrong: string[] = [];
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/v1/')) continue; // /api/auth/* is better-auth's, sign-in included
      for (const method of Object.keys(ops)) {
        const key = `${method.toUpperCase()} ${path}`;
        if (PUBLIC.has(key)) continue;
        const url = path.replace(/\{[^}]+\}/g, id);
        const res = await t.http(method.toUpperCase(), url, method === 'get' || method === 'delete' ? {} : { body: {} });
        checked++;
        if (res.status !== 401 || !String(res.headers['content-type']).includes('application/problem+json')) wrong.push(`${key} -> ${res.status}`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
  });

  it('can reach the public operations', async () => {
    expect((await t.http('GET', '/api/v1/catalog/courses')).status).toBe(200);
  });
});
