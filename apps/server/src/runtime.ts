import path from 'node:path';
import { fileURLToPath } from 'node:url';
import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { type AppConfig, loadConfig } from './kernel/config/index.js';
import { createPool, type EmbeddedHandle, migrateDatabase, startEmbeddedPostgres } from './kernel/db/index.js';
import { createHttpApp, mountApiDocs } from './kernel/http/create-app.js';
import { JobsService } from './kernel/jobs/index.js';
import { AuthService } from './modules/identity/index.js';
import { createLogger } from './kernel/telemetry/logger.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** apps/web/dist, relative to apps/server/{src,dist} */
export const DEFAULT_WEB_DIST = path.resolve(here, '../../web/dist');

export interface Runtime {
  app: NestFastifyApplication;
  config: AppConfig;
  pool: pg.Pool;
  logger: Logger;
  databaseUrl: string;
  /** http://host:port when listening */
  url?: string;
  close(): Promise<void>;
}

/** Ensures the named database exists on the server behind `adminUrl`. */
async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  const u = new URL(adminUrl);
  u.pathname = '/' + name;
  return u.toString();
}

/** Starts (when needed) the embedded PostgreSQL and returns a URL to Lyceum's database. */
export async function resolveDatabase(config: AppConfig, logger: Logger): Promise<{ url: string; embedded?: EmbeddedHandle }> {
  if (!config.embedded) return { url: config.DATABASE_URL! };
  const embedded = await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'pg'), log: logger });
  const url = await ensureDatabase(embedded.url, 'lyceum');
  return { url, embedded };
}

export interface BootOptions {
  config?: AppConfig;
  logger?: Logger;
  /** bind the HTTP port (serve) or not (worker, tests using inject) */
  listen?: boolean;
  /** run the job workers in this process */
  workers?: boolean;
  /** apply migrations at boot (always in embedded mode) */
  migrate?: boolean;
  databaseUrl?: string;
  webDist?: string;
  /** seed the demo data when not yet seeded (default: embedded mode with SEED_DEMO) */
  seed?: boolean;
}

export async function boot(opts: BootOptions = {}): Promise<Runtime> {
  const config = opts.config ?? loadConfig();
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL, Boolean(process.stdout.isTTY) && config.NODE_ENV !== 'production');
  let embedded: EmbeddedHandle | undefined;
  let databaseUrl = opts.databaseUrl;
  if (!databaseUrl) {
    const db = await resolveDatabase(config, logger);
    databaseUrl = db.url;
    embedded = db.embedded;
  }
  const stopEmbedded = async () => {
    if (embedded) await embedded.stop();
  };
  try {
    if (opts.migrate ?? config.embedded) {
      await migrateDatabase(databaseUrl);
      logger.info('database migrated');
    }
    const pool = createPool(databaseUrl, config.DATABASE_POOL_MAX);
    const app = await createHttpApp(AppModule.forRoot({ config, pool, logger }), {
      config,
      logger,
      webDist: opts.webDist ?? config.WEB_DIST ?? DEFAULT_WEB_DIST,
    });
    mountApiDocs(app, await app.get(AuthService).openApiExtension());
    await app.init();
    const jobs = app.get(JobsService);
    jobs.registry.seal();
    if (opts.seed ?? (config.embedded && config.SEED_DEMO)) {
      const { seedDemo } = await import('./seed.js');
      await seedDemo(app, { log: logger });
    }
    let url: string | undefined;
    if (opts.listen) {
      await app.listen({ port: config.PORT, host: config.HOST });
      const addr = app.getHttpServer().address();
      const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
      url = `http://localhost:${port}`;
    }
    if (opts.workers ?? config.RUN_WORKERS) await jobs.start();
    let closed = false;
    return {
      app,
      config,
      pool,
      logger,
      databaseUrl,
      url,
      async close() {
        if (closed) return;
        closed = true;
        await app.close(); // drains HTTP, stops workers (onApplicationShutdown)
        await pool.end();
        await stopEmbedded();
      },
    };
  } catch (err) {
    await stopEmbedded();
    throw err;
  }
}
