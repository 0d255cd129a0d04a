import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_CLIENT_DIR, clientSchemaSource, documentSource, openApiDocument } from './openapi.js';

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
