import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenAPIObject } from '@nestjs/swagger';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import pino from 'pino';
import { AppModule } from '../app.module.js';
import { loadConfig } from '../kernel/config/index.js';
import { createPool } from '../kernel/db/index.js';
import { AuthService } from '../modules/identity/index.js';
import { buildOpenApi, createHttpApp } from '../kernel/http/create-app.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** packages/api-client, from apps/server/{src,dist}/openapi */
export const API_CLIENT_DIR = path.resolve(here, '../../../../packages/api-client');

/**
 * Builds the OpenAPI document from the controllers without touching a database: the pool points
 * nowhere and nothing queries it while the app only initialises.
 */
export async function openApiDocument(): Promise<OpenAPIObject> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: 'postgres://openapi@127.0.0.1:9/openapi',
    AUTH_SECRET: 'openapi-generation-only-secret-0000000000',
    PUBLIC_URL: 'http://localhost:3000',
    LOG_LEVEL: 'silent',
    RUN_WORKERS: 'false',
  });
  const logger = pino({ level: 'silent' });
  const pool = createPool(config.DATABASE_URL!, 1);
  const app = await createHttpApp(AppModule.forRoot({ config, pool, logger }), { config, logger });
  try {
    await app.init();
    return buildOpenApi(app, await app.get(AuthService).openApiExtension());
  } finally {
    await app.close();
    await pool.end();
  }
}

export async function clientSchemaSource(doc: OpenAPIObject): Promise<string> {
  const ast = await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0], { alphabetize: true });
  return COMMENT_HEADER + astToString(ast);
}

export function documentSource(doc: OpenAPIObject): string {
  return JSON.stringify(doc, null, 2) + '\n';
}

/** Writes packages/api-client/openapi.json and src/schema.ts. */
export async function writeApiClient(): Promise<void> {
  const doc = await openApiDocument();
  await writeFile(path.join(API_CLIENT_DIR, 'openapi.json'), documentSource(doc));
  await writeFile(path.join(API_CLIENT_DIR, 'src/schema.ts'), await clientSchemaSource(doc));
}
