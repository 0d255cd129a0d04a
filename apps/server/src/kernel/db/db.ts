import pg from 'pg';
import { drizzle, type NodePgDatabase, type NodePgTransaction } from 'drizzle-orm/node-postgres';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
// Type-only: the runtime schema object is passed in by the composition root, so that module
// schema files can import kernel/db helpers without an import cycle.
import type * as schema from '../../db-schema.js';

export type Schema = typeof schema;
export type Database = NodePgDatabase<Schema>;
export type Tx = NodePgTransaction<Schema, ExtractTablesWithRelations<Schema>>;
/** Either the pool-backed database or an open transaction: services accept both. */
export type DbOrTx = Database | Tx;

export function createPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 30_000 });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // A checked-out client that loses its connection errors on the query that uses it; the extra
  // 'error' event must not crash the process (graphile-worker asks for this handler too).
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

export function createDatabase(pool: pg.Pool, tables: Schema): Database {
  return drizzle(pool, { schema: tables });
}

/**
 * Runs `fn` in a transaction, or inside the caller's one when `outer` is already a transaction,
 * so services can call each other and commit as one unit.
 */
export async function inTransaction<T>(db: DbOrTx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (isTx(db)) return fn(db);
  return (db as Database).transaction(fn);
}

function isTx(db: DbOrTx): db is Tx {
  return typeof (db as Tx).rollback === 'function';
}
