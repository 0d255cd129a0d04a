import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import { DB, type Database, type DbOrTx, type Tx } from '../db/index.js';
import { defineJob, JobsService } from '../jobs/index.js';
import { eventReceipts } from './events.schema.js';

export interface EventDef<P> {
  readonly name: string;
  readonly schema: z.ZodType<P>;
}

export function defineEvent<S extends z.ZodType>(name: string, schema: S): EventDef<z.infer<S>> {
  if (!/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/.test(name)) throw new Error(`Invalid event name "${name}"`);
  return { name, schema: schema as z.ZodType<z.infer<S>> };
}

export interface EventEnvelope<P> {
  eventId: string;
  name: string;
  occurredAt: string;
  data: P;
}

export interface EventContext {
  eventId: string;
  occurredAt: Date;
  /** the transaction the handler's writes must use: the receipt commits with them */
  tx: Tx;
}

export type EventHandler<P> = (data: P, ctx: EventContext) => Promise<void>;

const envelope = z.object({
  eventId: z.uuid(),
  name: z.string(),
  occurredAt: z.iso.datetime({ offset: true }),
  data: z.unknown(),
});

/**
 * Transactional, at-least-once domain events on graphile-worker: `emit` adds one job per
 * subscriber inside the caller's transaction; each handler runs in its own transaction together
 * with a receipt row, so a redelivered event is skipped.
 */
@Injectable()
export class EventBus {
  private readonly subscribers = new Map<string, { subscriber: string; job: string }[]>();

  constructor(
    private readonly jobs: JobsService,
    @Inject(DB) private readonly db: Database,
  ) {}

  subscribe<P>(event: EventDef<P>, subscriber: string, handler: EventHandler<P>): void {
    const jobName = `event:${event.name}:${subscriber}`;
    const def = defineJob(jobName, envelope, { maxAttempts: 12 });
    this.jobs.registry.handle(def, async (env) => {
      const data = event.schema.parse(env.data);
      await this.db.transaction(async (tx) => {
        const fresh = await tx
          .insert(eventReceipts)
          .values({ eventId: env.eventId, subscriber })
          .onConflictDoNothing()
          .returning({ id: eventReceipts.eventId });
        if (fresh.length === 0) return; // handled before: at-least-once becomes exactly-once
        await handler(data, { eventId: env.eventId, occurredAt: new Date(env.occurredAt), tx });
      });
    });
    const list = this.subscribers.get(event.name) ?? [];
    if (list.some((s) => s.subscriber === subscriber)) throw new Error(`${subscriber} subscribes to ${event.name} twice`);
    list.push({ subscriber, job: jobName });
    this.subscribers.set(event.name, list);
  }

  /** Records the event for every subscriber inside `tx`; returns the event id. */
  async emit<P>(tx: DbOrTx, event: EventDef<P>, data: P): Promise<string> {
    const parsed = event.schema.parse(data);
    const env: EventEnvelope<P> = { eventId: uuidv7(), name: event.name, occurredAt: new Date().toISOString(), data: parsed };
    for (const s of this.subscribers.get(event.name) ?? []) {
      await this.jobs.enqueue(tx, { name: s.job, schema: envelope, maxAttempts: 12 }, env);
    }
    return env.eventId;
  }

  subscribersOf(eventName: string): string[] {
    return (this.subscribers.get(eventName) ?? []).map((s) => s.subscriber);
  }
}
