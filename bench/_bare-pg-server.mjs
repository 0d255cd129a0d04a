// Baseline for cold-start: embedded PostgreSQL on the same data dir + a bare HTTP /ready.
import http from 'node:http';
import path from 'node:path';
import pino from 'pino';

const { startEmbeddedPostgres } = await import('../apps/server/dist/kernel/db/embedded-postgres.js');
const pg = (await import('pg')).default;
const dataDir = process.env.DATA_DIR;
const handle = await startEmbeddedPostgres({ dir: path.join(dataDir, 'pg'), log: pino({ level: 'warn' }) });
const client = new pg.Client({ connectionString: handle.url });
await client.connect();
const server = http.createServer(async (req, res) => {
  await client.query('SELECT 1');
  res.end('ok');
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGINT', async () => {
  server.close();
  await client.end();
  await handle.stop();
  process.exit(0);
});
