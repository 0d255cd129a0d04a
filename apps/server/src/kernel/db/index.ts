export { createPool, createDatabase, inTransaction } from './db.js';
export type { Database, Tx, DbOrTx, Schema } from './db.js';
export { migrateDatabase, MIGRATIONS_DIR } from './migrate.js';
export { startEmbeddedPostgres, freePort } from './embedded-postgres.js';
export type { EmbeddedHandle } from './embedded-postgres.js';
export { DB, PG_POOL } from './tokens.js';
export { uuidv7Pk, timestamps, createdAt, updatedAt } from './columns.js';
export { appMeta } from './meta.schema.js';
