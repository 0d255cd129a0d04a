import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/index.js';
import { ProblemFilter } from '../errors/index.js';
import { Metrics } from '../telemetry/metrics.js';
import { PinoNestLogger } from '../telemetry/logger.js';
import { createHash } from 'node:crypto';
import { createRedis } from '../realtime/redis.js';

export const API_PREFIX = 'api/v1';

export interface HttpAppOptions {
  config: AppConfig;
  logger: Logger;
  /** directory of the built web app (apps/web/dist); served at / when it exists */
  webDist?: string;
}

/** Which caller a rate-limit bucket belongs to: the credential when there is one, else the IP. */
function rateKey(req: { headers: Record<string, string | string[] | undefined>; ip: string }): string {
  const auth = req.headers.authorization;
  const cookie = typeof req.headers.cookie === 'string' ? /lyceum\.session_token=([^;]+)/.exec(req.headers.cookie)?.[1] : undefined;
  const cred = (typeof auth === 'string' ? auth : undefined) ?? cookie;
  return cred ? 'u:' + createHash('sha256').update(cred).digest('base64url').slice(0, 22) : 'ip:' + req.ip;
}

/** Operations served outside Nest (better-auth's routes) that belong in the same document. */
export interface OpenApiExtension {
  paths: NonNullable<OpenAPIObject['paths']>;
  schemas: Record<string, unknown>;
}

export function buildOpenApi(app: NestFastifyApplication, extension?: OpenApiExtension): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Lyceum API')
    .setDescription(
      'The Lyceum learning platform API. Sign in through `/api/auth/*` (better-auth): cookie sessions for browsers, ' +
        '`Authorization: Bearer <session token>` or `Authorization: Bearer lyk_<api key>` for clients. ' +
        'Choose the organization with the `X-Organization-Id` header (otherwise the active one). ' +
        'Errors are RFC 9457 `application/problem+json` with a stable `code`.',
    )
    .setVersion('1.0')
    .setOpenAPIVersion('3.1.0')
    .addBearerAuth()
    .addCookieAuth('lyceum.session_token')
    .addGlobalParameters({ name: 'X-Organization-Id', in: 'header', required: false, schema: { type: 'string', format: 'uuid' } })
    .build();
  const raw = SwaggerModule.createDocument(app, config);
  restoreNullablePrimitives(raw);
  const doc = cleanupOpenApiDoc(raw, { version: '3.1' });
  if (extension) {
    doc.paths = { ...extension.paths, ...doc.paths };
    const schemas = (doc.components ??= {}).schemas ?? {};
    for (const [name, schema] of Object.entries(extension.schemas)) {
      if (schemas[name]) throw new Error(`OpenAPI schema "${name}" is defined twice`);
      schemas[name] = schema as never;
    }
    doc.components.schemas = schemas;
  }
  return doc;
}

export async function createHttpApp(root: DynamicModule, opts: HttpAppOptions): Promise<NestFastifyApplication> {
  const { config, logger } = opts;
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    trustProxy: config.TRUST_PROXY,
    bodyLimit: 2 * 1024 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
  } as ConstructorParameters<typeof FastifyAdapter>[0]);
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    rawBody: true, // provider webhooks verify signatures over the exact bytes (req.rawBody)
  });
  const fastify = app.getHttpAdapter().getInstance();

  fastify.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', String(req.id));
  });
  const metrics = app.get(Metrics);
  fastify.addHook('onResponse', async (req, reply) => {
    metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        frameSrc: ["'self'", 'https:'],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  const allowed = new Set([config.publicUrl, ...config.CORS_ORIGINS]);
  await app.register(cors, {
    origin: (origin, cb) => cb(null, !origin || allowed.has(origin)),
    credentials: true,
    exposedHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed'],
  });
  // Shared counters across nodes when Redis is configured; otherwise each process counts alone.
  let rateStore: { redis: ReturnType<typeof createRedis>; nameSpace: string; skipOnError: boolean } | undefined;
  if (config.REDIS_URL) {
    const redis = createRedis(config.REDIS_URL, 'rate-limit', { connectTimeout: 1_000, maxRetriesPerRequest: 1 });
    redis.on('error', (err) => logger.warn({ err: err.message }, 'rate-limit redis error'));
    await redis.connect();
    fastify.addHook('onClose', async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
    // Fail open: with Redis down, requests go through unlimited rather than all failing.
    rateStore = { redis, nameSpace: 'lyceum:rl:', skipOnError: true };
  }
  await app.register(rateLimit, {
    ...(rateStore ?? {}),
    global: true,
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: '1 minute',
    keyGenerator: rateKey,
    allowList: (req) => req.url.startsWith('/health/') || req.url === '/metrics',
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      message: `Too many requests; try again in ${Math.ceil(ctx.ttl / 1000)} s.`,
    }),
  });

  // Files stream through UploadService, which enforces each route's own limit (<= UPLOAD_MAX_BYTES).
  await app.register(multipart, {
    limits: { fileSize: config.UPLOAD_MAX_BYTES + 1, files: 1, fields: 20, fieldNameSize: 100, fieldSize: 64 * 1024, parts: 25, headerPairs: 100 },
  });

  // Errors raised by Fastify itself (bad JSON, body too large) reach Nest's error handler, which
  // hands them to the global ProblemFilter: every error leaves as problem+json.

  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics'] });

  const webDist = opts.webDist;
  if (webDist && existsSync(path.join(webDist, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: webDist,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      setHeaders: (res, filePath) => {
        if (filePath.includes(`${path.sep}assets${path.sep}`)) void res.header('cache-control', 'public, max-age=31536000, immutable');
        else void res.header('cache-control', 'no-cache');
      },
    });
  }
  if (webDist && existsSync(path.join(webDist, 'index.html'))) ProblemFilter.spaIndexDir = webDist;

  return app;
}

/**
 * Mounts /api/openapi.json and the interactive docs at /api/docs. The document is built on the
 * first request for it, not at boot: turning every zod schema into JSON Schema is about a third
 * of the server's start-up CPU, and most processes (workers, test servers) never serve it.
 */
export function mountApiDocs(app: NestFastifyApplication, extension?: OpenApiExtension): void {
  SwaggerModule.setup('api/docs', app, () => buildOpenApi(app, extension), {
    jsonDocumentUrl: 'api/openapi.json',
    customSiteTitle: 'Lyceum API',
    useGlobalPrefix: false,
  });
}

type JsonSchema = { type?: unknown; items?: JsonSchema; properties?: Record<string, JsonSchema>; [k: string]: unknown };
const NESTJS_ZOD_EMPTY_TYPE = 'x-nestjs_zod-empty-type';

/**
 * zod >= 4.5 writes a nullable primitive as `type: ["string", "null"]`; @nestjs/swagger reads a
 * type array as "array of", so `nextCursor: string | null` became `string[]` in the document and
 * the generated client (nestjs-zod issue #473). nestjs-zod marks such properties, and a real array
 * always has `type: "array"` from zod, so a marked array property is turned back into the nullable
 * primitive it was. Remove when nestjs-zod normalises it itself.
 */
function restoreNullablePrimitives(doc: OpenAPIObject): void {
  for (const schema of Object.values(doc.components?.schemas ?? {}) as JsonSchema[]) {
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      if (prop[NESTJS_ZOD_EMPTY_TYPE] !== true || prop.type !== 'array' || !prop.items || typeof prop.items.type !== 'string') continue;
      const { type: _t, items, ...rest } = prop;
      void _t;
      schema.properties![name] = { ...rest, ...items, type: [items.type, 'null'] };
    }
  }
}
