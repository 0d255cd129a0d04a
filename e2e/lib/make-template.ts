// Seeds one data directory for a whole e2e run: starts the built server on it (embedded
// PostgreSQL, migrations, the demo data with its video processed by ffmpeg), stops it cleanly and
// marks it ready. Each spec file's server then starts from a copy (see startServer).
// Usage: node --import tsx e2e/lib/make-template.ts <dir>
import { writeFileSync } from 'node:fs';
import { startServer, TEMPLATE_MARKER } from './server.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: make-template.ts <dir>');
const server = await startServer({}, { dataDir: dir, keepDataDir: true });
await server.stop();
writeFileSync(`${dir}/${TEMPLATE_MARKER}`, new Date().toISOString() + '\n');
