import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { Logger as GraphileLogger, runMigrations } from 'graphile-worker';

/** Where drizzle-kit writes the committed SQL migrations (apps/server/drizzle). */
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../drizzle');

/** Applies Lyceum's SQL migrations, then graphile-worker's own schema. Safe to run repeatedly. */
export async function migrateDatabase(url: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    // Serialise concurrent migrators (two nodes booting at once).
    const client = await pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(7242001)');
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
      await runMigrations({ pgPool: pool, logger: quietGraphileLogger });
    } finally {
      await client.query('SELECT pg_advisory_unlock(7242001)').catch(() => undefined);
      client.release();
    }
  } finally {
    await pool.end();
  }
}

export const quietGraphileLogger = new GraphileLogger(() => () => undefined);
