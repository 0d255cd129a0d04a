import { createHash } from 'node:crypto';
import { type CallHandler, createParamDecorator, type ExecutionContext, Inject, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { DB, type Database } from '../db/index.js';
import { Conflict, Invalid, Unprocessable } from '../errors/index.js';
import { idempotencyKeys } from './idempotency.schema.js';

const KEY_RE = /^[A-Za-z0-9_.:-]{8,255}$/;
const TTL_MS = 24 * 3600 * 1000;
/** how long a running request's claim holds without renewal (it renews every third of it) */
export const IDEMPOTENCY_LEASE_MS = 60_000;
const AFTER_BODY = 'lyceum:idempotency-after-body';

/**
 * The hook a handler marked `@IdempotentAfterBody()` gets (through `@Idempotency()`) when the
 * request carries an Idempotency-Key: its body is a stream only the handler reads (multipart), so
 * the handler supplies what identifies the request once it has read it, before it records anything.
 */
export interface IdempotencyFingerprint {
  /**
   * True when an earlier request with this key has finished: this one is a retry whose answer is the
   * stored one (or a 422), so limits that only matter for a new write (free quota) need not apply.
   */
  readonly replaying: boolean;
  /**
   * A stable id of this key in its scope (caller, method, route), for a handler that records it
   * with what it creates: a request re-run after the first one died between committing and
   * storing its answer then finds what the first one made instead of making it twice.
   */
  readonly key: string;
  /**
   * Supplies what identifies the request in place of its body (e.g. the file's SHA-256 and the
   * form fields). On a retry it throws: a 422 problem when the key's first request was different,
   * or the signal that makes the interceptor answer the stored response. The handler must undo
   * what it did before (remove a stored file) and let the throw through.
   */
  supply(request: unknown): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: IdempotencyFingerprint;
  }
}

/** Marks a POST handler that reads its body itself and supplies its fingerprint (see IdempotencyFingerprint). */
export const IdempotentAfterBody = (): MethodDecorator => SetMetadata(AFTER_BODY, true);

/** Injects the request's IdempotencyFingerprint hook, or null when it has no Idempotency-Key. */
export const Idempotency = createParamDecorator((_: unknown, host: ExecutionContext): IdempotencyFingerprint | null => {
  return host.switchToHttp().getRequest<FastifyRequest>().idempotency ?? null;
});

/** The 2xx status already set on the reply (Nest sets the route's before the handler runs; a handler may change it). */
function answeredStatus(reply: FastifyReply): number | undefined {
  const code = reply.statusCode;
  return code >= 200 && code < 300 ? code : undefined;
}

/** Thrown by `supply()` on a retry of a finished request: the interceptor answers the stored response. */
class StoredAnswer {
  constructor(
    readonly status: number,
    readonly response: unknown,
  ) {}
}

/**
 * Stripe-style Idempotency-Key for POSTs: the first request with a key claims it, its response is
 * stored, and a retry with the same key and body gets the same answer instead of a second create.
 * A retry while the first is still running gets 409; the same key with another body gets 422.
 * The running request renews a lease on its claim; when it dies before answering, the claim of an
 * `@IdempotentAfterBody` handler is taken over by the next retry once the lease has run out (the
 * handler finds what the dead request committed through `key`); other claims answer 409 until the
 * key expires, since re-running them could create twice.
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
    const afterBody = Reflect.getMetadata(AFTER_BODY, context.getHandler()) === true;
    const hashOf = (body: unknown) => createHash('sha256').update(req.url).update(JSON.stringify(body ?? null)).digest('hex');
    const scope = `${req.ctx?.actor?.userId ?? 'anon:' + req.ip} ${req.method} ${req.routeOptions.url ?? req.url}`;
    const thisKey = and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));
    // an after-body request claims the key before its body is read (null hash: not known yet)
    let requestHash = afterBody ? null : hashOf(req.body);
    await this.db.delete(idempotencyKeys).where(and(thisKey, lt(idempotencyKeys.createdAt, new Date(Date.now() - TTL_MS))));
    const domainKey = createHash('sha256').update(`${scope}\n${key}`).digest('hex');
    const lease = () => new Date(Date.now() + IDEMPOTENCY_LEASE_MS);
    const claimed = await this.db.insert(idempotencyKeys).values({ scope, key, requestHash, lockedUntil: lease() }).onConflictDoNothing().returning();
    /** the fingerprint a taken-over claim's first request supplied (it must match) */
    let firstHash: string | null = null;
    if (claimed.length === 0) {
      const [prior] = await this.db.select().from(idempotencyKeys).where(thisKey);
      if (!prior) throw new Conflict('That Idempotency-Key is being used by another request; retry shortly.', 'idempotency_in_progress');
      if (!afterBody && prior.requestHash !== requestHash) throw reused();
      // The first request died before it answered (its lease ran out): this retry takes its place.
      // Only after-body handlers opt in: they record `key` with what they create, so a re-run finds
      // what the first run committed. Others keep answering 409 until the key expires.
      const [taken] =
        afterBody && prior.status === null
          ? await this.db
              .update(idempotencyKeys)
              .set({ lockedUntil: lease() })
              .where(and(thisKey, isNull(idempotencyKeys.status), or(lt(idempotencyKeys.lockedUntil, sql`now()`), and(isNull(idempotencyKeys.lockedUntil), lt(idempotencyKeys.createdAt, new Date(Date.now() - IDEMPOTENCY_LEASE_MS))))))
              .returning()
          : [];
      if (!taken) {
        if (afterBody) return this.retryAfterBody(next, reply, prior, hashOf, domainKey);
        if (prior.status === null) throw inProgress();
        void reply.status(prior.status).header('idempotent-replayed', 'true');
        return prior.response;
      }
      firstHash = taken.requestHash;
    }
    if (afterBody) {
      req.idempotency = {
        // a taken-over claim whose first request got as far as its fingerprint may have stored it
        replaying: firstHash !== null,
        key: domainKey,
        supply: async (body) => {
          const hash = hashOf(body);
          if (firstHash !== null && hash !== firstHash) throw reused();
          requestHash = hash;
          await this.db.update(idempotencyKeys).set({ requestHash }).where(and(thisKey, isNull(idempotencyKeys.status)));
        },
      };
    }
    const renew = setInterval(() => {
      void this.db
        .update(idempotencyKeys)
        .set({ lockedUntil: lease() })
        .where(and(thisKey, isNull(idempotencyKeys.status)))
        .catch(() => undefined);
    }, IDEMPOTENCY_LEASE_MS / 3);
    renew.unref();
    try {
      const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
      if (requestHash === null) throw new Error(`${context.getClass().name}.${context.getHandler().name} is @IdempotentAfterBody but did not supply its fingerprint`);
      await this.db
        .update(idempotencyKeys)
        // the status the handler answered (one that sets its own with @Res({ passthrough: true }) is replayed with it too)
        .set({ requestHash, status: answeredStatus(reply) ?? (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ?? 201, response: (result ?? null) as object })
        .where(thisKey);
      return result;
    } catch (err) {
      // A failed request does not consume the key: the client may retry it.
      await this.db.delete(idempotencyKeys).where(thisKey);
      throw err;
    } finally {
      clearInterval(renew);
    }
  }

  /**
   * A retry of an after-body request: while the first runs it is 409 at once (before its body is
   * read); after, the handler reads the body and supplies its fingerprint, which answers 422 or the
   * stored response. The key stays the first request's whatever happens here.
   */
  private async retryAfterBody(next: CallHandler, reply: FastifyReply, prior: typeof idempotencyKeys.$inferSelect, hashOf: (body: unknown) => string, key: string): Promise<unknown> {
    const { status, requestHash, response } = prior;
    if (status === null || requestHash === null) throw inProgress();
    reply.request.idempotency = {
      replaying: true,
      key,
      supply: async (body) => {
        if (hashOf(body) !== requestHash) throw reused();
        throw new StoredAnswer(status, response);
      },
    };
    try {
      await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (err) {
      if (!(err instanceof StoredAnswer)) throw err;
      void reply.status(err.status).header('idempotent-replayed', 'true');
      return err.response;
    }
    throw new Error('An @IdempotentAfterBody handler finished a retry without supplying its fingerprint');
  }
}

function reused(): Unprocessable {
  return new Unprocessable('That Idempotency-Key was used with a different request.', 'idempotency_key_reused');
}

function inProgress(): Conflict {
  return new Conflict('A request with this Idempotency-Key is still in progress.', 'idempotency_in_progress');
}
