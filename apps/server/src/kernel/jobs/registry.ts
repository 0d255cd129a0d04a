import type { z } from 'zod';

export interface JobContext {
  jobId: string;
  attempt: number;
  maxAttempts: number;
}

export interface JobDef<P> {
  readonly name: string;
  readonly schema: z.ZodType<P>;
  /** graphile-worker retries with exponential backoff up to this many attempts */
  readonly maxAttempts: number;
  readonly queue?: string;
}

export type JobHandler<P> = (payload: P, ctx: JobContext) => Promise<void>;

export function defineJob<S extends z.ZodType>(
  name: string,
  schema: S,
  opts: { maxAttempts?: number; queue?: string } = {},
): JobDef<z.infer<S>> {
  if (!/^[a-z][a-z0-9_.:-]*$/.test(name)) throw new Error(`Invalid job name "${name}"`);
  return { name, schema: schema as z.ZodType<z.infer<S>>, maxAttempts: opts.maxAttempts ?? 10, queue: opts.queue };
}

export interface CronEntry {
  job: JobDef<Record<string, unknown>>;
  /** five-field cron pattern, in UTC */
  pattern: string;
  payload?: Record<string, unknown>;
}

/**
 * The single map job name -> payload schema -> handler. Modules declare jobs and attach handlers
 * while Nest boots; `seal()` then fails the boot when a declared job has no handler.
 */
export class JobRegistry {
  private readonly defs = new Map<string, JobDef<unknown>>();
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly crons: CronEntry[] = [];
  private sealed = false;
  private handling = false;

  declare<P>(def: JobDef<P>): void {
    if (this.sealed && !this.defs.has(def.name) && !this.handling) throw new Error(`Job "${def.name}" declared after boot without a handler`);
    const existing = this.defs.get(def.name);
    if (existing && existing !== def) throw new Error(`Job "${def.name}" is declared twice`);
    this.defs.set(def.name, def as JobDef<unknown>);
  }

  /**
   * Declares the job and its handler together. Allowed after boot too (e.g. a test subscribing to
   * an event), since a job declared with its handler can never lack one.
   */
  handle<P>(def: JobDef<P>, handler: JobHandler<P>): void {
    this.handling = true;
    try {
      this.declare(def);
    } finally {
      this.handling = false;
    }
    if (this.handlers.has(def.name)) throw new Error(`Job "${def.name}" has two handlers`);
    this.handlers.set(def.name, handler as JobHandler<unknown>);
  }

  cron<P extends Record<string, unknown>>(def: JobDef<P>, pattern: string, payload?: P): void {
    if (this.sealed) throw new Error(`Cron for "${def.name}" added after boot`);
    this.declare(def);
    this.crons.push({ job: def as unknown as JobDef<Record<string, unknown>>, pattern, payload });
  }

  /** Throws when any declared job lacks a handler. Called once at boot. */
  seal(): void {
    const missing = [...this.defs.keys()].filter((n) => !this.handlers.has(n));
    if (missing.length) throw new Error(`Jobs declared without a handler: ${missing.join(', ')}`);
    this.sealed = true;
  }

  get(name: string): { def: JobDef<unknown>; handler: JobHandler<unknown> } | undefined {
    const def = this.defs.get(name);
    const handler = this.handlers.get(name);
    return def && handler ? { def, handler } : undefined;
  }

  isDeclared(name: string): boolean {
    return this.defs.has(name);
  }

  names(): string[] {
    return [...this.handlers.keys()];
  }

  cronEntries(): readonly CronEntry[] {
    return this.crons;
  }
}
