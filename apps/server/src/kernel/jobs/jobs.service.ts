import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import {
  Logger as GraphileLogger,
  parseCronItems,
  run,
  runOnce,
  type Runner,
  type Task,
  type TaskList,
} from 'graphile-worker';
import type pg from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { DB, type DbOrTx, PG_POOL } from '../db/index.js';
import { Metrics } from '../telemetry/metrics.js';
import { type JobDef, JobRegistry } from './registry.js';

export interface EnqueueOptions {
  runAt?: Date;
  /** graphile-worker job_key: a second enqueue with the same key replaces the pending job */
  jobKey?: string;
  priority?: number;
}

@Injectable()
export class JobsService implements OnApplicationShutdown {
  private readonly log = new Logger('jobs');
  private runner: Runner | null = null;
  readonly registry = new JobRegistry();

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(DB) private readonly db: DbOrTx,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Adds a job inside `tx` (or on its own when given the database), so the job exists exactly
   * when the caller's change commits.
   */
  async enqueue<P>(tx: DbOrTx, def: JobDef<P>, payload: P, opts: EnqueueOptions = {}): Promise<void> {
    if (!this.registry.isDeclared(def.name)) throw new Error(`Job "${def.name}" is not registered`);
    const data = def.schema.parse(payload);
    await tx.execute(sql`SELECT graphile_worker.add_job(
      ${def.name}::text,
      ${JSON.stringify(data)}::json,
      queue_name => ${def.queue ?? null}::text,
      run_at => ${opts.runAt?.toISOString() ?? null}::timestamptz,
      max_attempts => ${def.maxAttempts}::int,
      job_key => ${opts.jobKey ?? null}::text,
      priority => ${opts.priority ?? null}::int
    )`);
  }

  private taskList(): TaskList {
    const list: TaskList = {};
    for (const name of this.registry.names()) {
      const entry = this.registry.get(name)!;
      const task: Task = async (payload, helpers) => {
        const started = process.hrtime.bigint();
        try {
          const data = entry.def.schema.parse(payload);
          await entry.handler(data, {
            jobId: helpers.job.id,
            attempt: helpers.job.attempts,
            maxAttempts: helpers.job.max_attempts,
          });
          this.metrics.jobs.inc({ job: name, outcome: 'success' });
        } catch (err) {
          this.metrics.jobs.inc({ job: name, outcome: 'failure' });
          this.log.warn(`job ${name} #${helpers.job.id} attempt ${helpers.job.attempts} failed: ${(err as Error).message}`);
          throw err;
        } finally {
          this.metrics.jobDuration.observe({ job: name }, Number(process.hrtime.bigint() - started) / 1e9);
        }
      };
      list[name] = task;
    }
    return list;
  }

  private graphileLogger() {
    return new GraphileLogger((scope) => (level, message) => {
      if (level === 'error') this.log.error(message);
      else if (level === 'warning') this.log.warn(message);
      else this.log.debug?.(message);
      void scope;
    });
  }

  /** Starts the worker pool and cron; used by `serve` (single node) and `worker`. */
  async start(): Promise<void> {
    if (this.runner) return;
    this.registry.seal();
    this.runner = await run({
      pgPool: this.pool,
      taskList: this.taskList(),
      parsedCronItems: parseCronItems(
        this.registry.cronEntries().map((c) => ({
          task: c.job.name,
          match: c.pattern,
          payload: c.payload,
          identifier: c.job.name,
          options: { backfillPeriod: 0 },
        })),
      ),
      concurrency: this.config.WORKER_CONCURRENCY,
      noHandleSignals: true,
      pollInterval: 1000,
      logger: this.graphileLogger(),
    });
    this.runnerAlive = true;
    this.runner.promise.catch((err: unknown) => {
      this.runnerAlive = false;
      this.log.error(`job runner stopped: ${(err as Error).message}`);
    });
    this.log.log(`job workers started (${this.registry.names().length} tasks, concurrency ${this.config.WORKER_CONCURRENCY})`);
  }

  get running(): boolean {
    return this.runner !== null;
  }

  /**
   * Runs every job that is due now (and the jobs those enqueue), then returns once their
   * completions are written. Tests and scripts use it to drain queues.
   */
  async drain(): Promise<void> {
    this.registry.seal();
    const count = async (where: ReturnType<typeof sql>) => {
      const r = await this.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE ${where}`);
      return r.rows[0]?.n ?? 0;
    };
    for (let pass = 0; pass < 50; pass++) {
      await runOnce({ pgPool: this.pool, taskList: this.taskList(), logger: this.graphileLogger() });
      // graphile-worker writes "job done" asynchronously: wait until nothing is locked.
      for (let i = 0; i < 200 && (await count(sql`locked_at IS NOT NULL`)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      const due = await count(sql`run_at <= now() AND locked_at IS NULL AND attempts < max_attempts AND is_available`);
      if (due === 0) return;
    }
  }

  /** True when the job tables answer; used by /health/ready. */
  async healthy(): Promise<boolean> {
    try {
      await this.db.execute(sql`SELECT 1 FROM graphile_worker._private_jobs LIMIT 1`);
      return this.runner === null || this.runnerAlive;
    } catch {
      return false;
    }
  }

  private runnerAlive = true;

  async stop(): Promise<void> {
    if (!this.runner) return;
    const r = this.runner;
    this.runner = null;
    await r.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
