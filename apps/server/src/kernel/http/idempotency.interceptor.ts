import { createHash } from 'node:crypto';
import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { and, eq, lt } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { DB, type Database } from '../db/index.js';
import { Conflict, Invalid, Unprocessable } from '../errors/index.js';
import { idempotencyKeys } from './idempotency.schema.js';

const KEY_RE = /^[A-Za-z0-9_.:-]{8,255}$/;
const TTL_MS = 24 * 3600 * 1000;

/**
 * Stripe-style Idempotency-Key for POSTs: the first request with a key claims it, its response is
 * stored, and a retry with the same key and body gets the same answer instead of a second create.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@Inject(DB) private readonly db: Database) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const header = req.headers['idempotency-key'];
    if (req.method !== 'POST' || header === undefined) return next.handle();
    return from(this.run(context, next, String(header)));
  }

  private async run(context: ExecutionContext, next: CallHandler, key: string): Promise<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    if (!KEY_RE.test(key)) {
      throw new Invalid('Idempotency-Key must be 8-255 characters of letters, digits, _ . : -', [{ field: 'header.idempotency-key', message: 'bad format' }]);
    }
    const scope = `${req.ctx?.actor?.userId ?? 'anon:' + req.ip} ${req.method} ${req.routeOptions.url ?? req.url}`;
    const requestHash = createHash('sha256').update(req.url).update(JSON.stringify(req.body ?? null)).digest('hex');
    await this.db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key), lt(idempotencyKeys.createdAt, new Date(Date.now() - TTL_MS))));
    const claimed = await this.db.insert(idempotencyKeys).values({ scope, key, requestHash }).onConflictDoNothing().returning();
    if (claimed.length === 0) {
      const [prior] = await this.db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
      if (!prior) throw new Conflict('That Idempotency-Key is being used by another request; retry shortly.', 'idempotency_in_progress');
      if (prior.requestHash !== requestHash) {
        throw new Unprocessable('That Idempotency-Key was used with a different request.', 'idempotency_key_reused');
      }
      if (prior.status === null) throw new Conflict('A request with this Idempotency-Key is still in progress.', 'idempotency_in_progress');
      void reply.status(prior.status).header('idempotent-replayed', 'true');
      return prior.response;
    }
    try {
      const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.db
        .update(idempotencyKeys)
        .set({ status: (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ?? 201, response: (result ?? null) as object })
        .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
      return result;
    } catch (err) {
      // A failed request does not consume the key: the client may retry it.
      await this.db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
      throw err;
    }
  }
}
