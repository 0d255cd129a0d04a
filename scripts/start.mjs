#!/usr/bin/env node
// `npm start`: builds what is not built (server, and the web app when present), then runs
// `lyceum serve` in this process, so Ctrl-C reaches the server's own graceful shutdown.
import path from 'node:path';
import { buildAll, root } from './build.mjs';

buildAll();
process.argv = [process.argv[0], path.join(root, 'apps/server/dist/main.js'), process.argv[2] ?? 'serve'];
await import(path.join(root, 'apps/server/dist/main.js'));
