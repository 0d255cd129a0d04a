import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_CLIENT_DIR, clientSchemaSource, documentSource, openApiDocument } from './openapi.js';

describe('the OpenAPI document', () => {
  it('declares a success status for every operation (a bare `default` types the client as never)', async () => {
    const doc = await openApiDocument();
    const missing: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths)) {
      if (!p.startsWith('/api/v1/')) continue; // better-auth describes its own (redirects included)
      for (const [method, op] of Object.entries(ops as Record<string, { responses?: Record<string, unknown> }>)) {
        if (!op.responses) continue;
        if (!Object.keys(op.responses).some((code) => /^[23]\d\d$/.test(code))) missing.push(`${method.toUpperCase()} ${p}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('keeps nullable fields nullable (not arrays)', async () => {
    const doc = await openApiDocument();
    const schemas = doc.components?.schemas as Record<string, { properties?: Record<string, unknown> }>;
    const page = Object.entries(schemas).find(([name]) => name.startsWith('CatalogPageDto'))![1];
    expect(page.properties!.nextCursor).not.toMatchObject({ type: 'array' });
  });
});

describe('packages/api-client', () => {
  it('is generated from the current OpenAPI document (run `npm run api-client` when this fails)', async () => {
    const doc = await openApiDocument();
    expect(doc.openapi).toMatch(/^3\.1/);
    const committedDoc = await readFile(path.join(API_CLIENT_DIR, 'openapi.json'), 'utf8');
    expect(committedDoc, 'packages/api-client/openapi.json is stale').toBe(documentSource(doc));
    const committedSchema = await readFile(path.join(API_CLIENT_DIR, 'src/schema.ts'), 'utf8');
    expect(committedSchema, 'packages/api-client/src/schema.ts is stale').toBe(await clientSchemaSource(doc));
  });
});
