import { type DynamicModule, Global, Module } from '@nestjs/common';
import type pg from 'pg';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from './config/index.js';
import * as schema from '../db-schema.js';
import { createDatabase, DB, PG_POOL } from './db/index.js';
import { EventBus } from './events/index.js';
import { JobsService } from './jobs/index.js';
import { Metrics } from './telemetry/metrics.js';
import { HealthController } from './telemetry/health.controller.js';
import { Mailer } from './email/index.js';
import { IdempotencyInterceptor } from './http/idempotency.interceptor.js';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

export interface KernelRuntime {
  config: AppConfig;
  pool: pg.Pool;
  logger: Logger;
}

/** Infrastructure every module uses: config, database, jobs, events, storage, mail, metrics. */
@Global()
@Module({})
export class KernelModule {
  static forRoot(rt: KernelRuntime): DynamicModule {
    return {
      module: KernelModule,
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: rt.config },
        { provide: PG_POOL, useValue: rt.pool },
        { provide: ROOT_LOGGER, useValue: rt.logger },
        { provide: DB, useValue: createDatabase(rt.pool, schema) },
        Metrics,
        JobsService,
        EventBus,
        Mailer,
        IdempotencyInterceptor,
      ],
      exports: [APP_CONFIG, PG_POOL, ROOT_LOGGER, DB, Metrics, JobsService, EventBus, Mailer, IdempotencyInterceptor],
    };
  }
}
