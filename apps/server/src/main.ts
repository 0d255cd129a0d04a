#!/usr/bin/env node
import 'reflect-metadata';
import { ConfigError, loadConfig } from './kernel/config/index.js';
import { migrateDatabase } from './kernel/db/index.js';
import { createLogger } from './kernel/telemetry/logger.js';
import { boot, resolveDatabase, type Runtime } from './runtime.js';

const USAGE = `Usage: lyceum <command>

Commands:
  serve     run the API, the web app and (unless RUN_WORKERS=false) the job workers  (default)
  worker    run only the job workers and cron
  migrate   apply database migrations and exit
  seed      create the demo organization, users and course (idempotent) and exit
  openapi   write the OpenAPI document and the typed client into packages/api-client
`;

function onSignals(stop: () => Promise<void>, log: { info: (m: string) => void; error: (o: object, m: string) => void }): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.info(`${signal} again: exiting now`);
      process.exit(130);
    }
    stopping = true;
    log.info(`${signal}: shutting down (draining requests, stopping workers, then PostgreSQL)`);
    stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

async function main(): Promise<void> {
  const command = process.argv[2] ?? 'serve';
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`lyceum: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL, Boolean(process.stdout.isTTY) && config.NODE_ENV !== 'production');
  switch (command) {
    case 'serve':
    case 'worker': {
      const rt: Runtime = await boot({
        config,
        logger,
        listen: command === 'serve',
        workers: command === 'worker' ? true : config.RUN_WORKERS,
      });
      onSignals(() => rt.close(), logger);
      if (command === 'serve') logger.info(`Lyceum is ready at ${config.publicUrl} (API docs: ${config.publicUrl}/api/docs)`);
      else logger.info('Lyceum worker running');
      return;
    }
    case 'migrate': {
      const db = await resolveDatabase(config, logger);
      try {
        await migrateDatabase(db.url);
        logger.info('migrations applied');
      } finally {
        await db.embedded?.stop();
      }
      return;
    }
    case 'seed': {
      const rt = await boot({ config, logger, listen: false, workers: false, migrate: true, seed: false });
      try {
        const { seedDemo } = await import('./seed.js');
        await seedDemo(rt.app, { force: true, log: logger });
      } finally {
        await rt.close();
      }
      return;
    }
    case 'openapi': {
      const { writeApiClient } = await import('./openapi/openapi.js');
      await writeApiClient();
      logger.info('packages/api-client regenerated');
      return;
    }
    default:
      process.stderr.write(`lyceum: unknown command "${command}"\n\n${USAGE}`);
      process.exit(64);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`lyceum: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
