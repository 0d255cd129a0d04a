import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database } from '../../../kernel/db/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { Mailer } from '../../../kernel/email/index.js';
import type { Actor, Membership, SessionResolver } from '../../../kernel/auth/index.js';
import { NotFound, sendProblem, TooManyRequests } from '../../../kernel/errors/index.js';
import { AccessService } from '../access/access.service.js';
import { UserRegistered } from '../identity.events.js';
import { userProfiles } from '../users/users.schema.js';
import { apiKeys, signInFailures, users } from './auth.schema.js';
import { type BetterAuth, createBetterAuth } from './better-auth.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const API_KEY_PREFIX = 'lyk_';

/**
 * better-auth routes that would change what Lyceum's own endpoints own (profile fields, suspension)
 * without their validation and events: closed, pointing to the endpoint that does the job.
 */
const REPLACED_AUTH_ROUTES: Record<string, string> = {
  '/api/auth/update-user': 'PATCH /api/v1/me and PUT /api/v1/me/avatar',
  '/api/auth/admin/ban-user': 'POST /api/v1/admin/users/{id}/suspend',
  '/api/auth/admin/unban-user': 'POST /api/v1/admin/users/{id}/reactivate',
};

const AUTH_TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Authentication failed',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  422: 'Unprocessable',
  429: 'Too many requests',
};

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * better-auth behind Lyceum's HTTP layer: mounts /api/auth/*, converts its errors to
 * problem+json, locks accounts after repeated failed sign-ins, and resolves callers for the guard.
 */
@Injectable()
export class AuthService implements SessionResolver, OnModuleInit {
  private readonly log = new Logger('auth');
  readonly auth: BetterAuth;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DB) private readonly db: Database,
    private readonly events: EventBus,
    private readonly mailer: Mailer,
    private readonly access: AccessService,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.auth = createBetterAuth(config, db, {
      sendVerificationEmail: (user, url) =>
        this.mailer.enqueue(this.db, {
          to: user.email,
          subject: 'Confirm your email for Lyceum',
          text: `Hello ${user.name},\n\nConfirm your email address by opening this link:\n\n${url}\n\nIf you did not sign up for Lyceum, ignore this message.\n`,
        }),
      sendResetPassword: (user, url) =>
        this.mailer.enqueue(this.db, {
          to: user.email,
          subject: 'Reset your Lyceum password',
          text: `Hello ${user.name},\n\nReset your password by opening this link (valid for one hour):\n\n${url}\n\nIf you did not ask for this, ignore this message: your password stays as it is.\n`,
        }),
      onPasswordReset: async (user) => {
        // The lockout message points people at a reset: a new password unlocks the account.
        await this.db.delete(signInFailures).where(eq(signInFailures.email, user.email.toLowerCase()));
      },
      log: (level, message, args) => {
        // Only messages and error texts: better-auth may pass request data in the extra arguments.
        const errors = args.filter((a): a is Error => a instanceof Error).map((e) => `${e.name}: ${e.message}`);
        const line = errors.length ? `${message} (${errors.join('; ')})` : message;
        if (level === 'error') this.log.error(line);
        else if (level === 'warn') this.log.warn(line);
        else this.log.debug(line);
      },
      onUserCreated: async (user) => {
        await this.db.transaction(async (tx) => {
          await tx.insert(userProfiles).values({ userId: user.id }).onConflictDoNothing();
          await this.events.emit(tx, UserRegistered, { userId: user.id, email: user.email, name: user.name });
        });
      },
    });
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const handler = (req: FastifyRequest, reply: FastifyReply) => this.handle(req, reply);
    fastify.route({
      method: ['POST'],
      url: '/api/auth/sign-in/*',
      config: { rateLimit: { max: this.config.RATE_LIMIT_AUTH_PER_MINUTE, timeWindow: '1 minute' } },
      handler,
    });
    for (const p of ['/api/auth/sign-up/*', '/api/auth/forget-password', '/api/auth/request-password-reset', '/api/auth/two-factor/*']) {
      fastify.route({
        method: ['GET', 'POST'],
        url: p,
        config: { rateLimit: { max: this.config.RATE_LIMIT_AUTH_PER_MINUTE, timeWindow: '1 minute' } },
        handler,
      });
    }
    fastify.route({ method: ['GET', 'POST'], url: '/api/auth/*', handler });
  }

  private async handle(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const url = new URL(req.url, this.config.publicUrl);
    const replacedBy = REPLACED_AUTH_ROUTES[url.pathname];
    if (replacedBy) return sendProblem(reply, req, new NotFound(`This route (use ${replacedBy} instead)`, 'route_not_found'));
    const signInEmail = url.pathname === '/api/auth/sign-in/email' && req.method === 'POST';
    const email = signInEmail ? String((req.body as { email?: unknown } | undefined)?.email ?? '').trim().toLowerCase() : '';
    if (email) {
      const locked = await this.lockedFor(email);
      if (locked > 0) {
        return sendProblem(reply, req, new TooManyRequests(`Too many failed sign-ins. Try again in ${Math.ceil(locked / 60)} minute(s), or reset your password.`, locked, 'account_locked'));
      }
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined) continue;
      headers.set(k, Array.isArray(v) ? v.join(', ') : String(v));
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.body !== undefined;
    const response = await this.auth.handler(
      new Request(url.toString(), { method: req.method, headers, body: hasBody ? JSON.stringify(req.body) : undefined }),
    );
    if (email) await this.recordSignIn(email, response.status < 400);
    void reply.status(response.status);
    response.headers.forEach((value, key) => {
      if (key === 'set-cookie' || key === 'content-length') return;
      void reply.header(key, value);
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length) void reply.header('set-cookie', cookies);
    const text = await response.text();
    if (response.status >= 400) {
      let body: { code?: string; message?: string } = {};
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        /* not JSON */
      }
      const code = (body.code ?? 'auth_error').toLowerCase();
      return void reply
        .type('application/problem+json')
        .send({
          type: `https://lyceum.dev/problems/${code}`,
          title: AUTH_TITLES[response.status] ?? 'Authentication error',
          status: response.status,
          detail: body.message ?? 'The request was refused.',
          code,
          instance: url.pathname,
          requestId: String(req.id),
        });
    }
    return void reply.send(text);
  }

  /**
   * better-auth's routes as OpenAPI paths under /api/auth, with their schemas prefixed `Auth`, so
   * sign-up, sign-in and the rest appear in /api/docs and the generated client.
   */
  async openApiExtension(): Promise<{ paths: Record<string, never>; schemas: Record<string, unknown> }> {
    const doc = (await this.auth.api.generateOpenAPISchema()) as unknown as {
      paths: Record<string, Record<string, { tags?: string[] } & Record<string, unknown>>>;
      components?: { schemas?: Record<string, unknown> };
    };
    const rename = (v: unknown): unknown =>
      JSON.parse(JSON.stringify(v).replace(/"#\/components\/schemas\/([^"]+)"/g, '"#/components/schemas/Auth$1"'));
    const paths: Record<string, never> = {};
    for (const [p, ops] of Object.entries(doc.paths)) {
      if (p.startsWith('/open-api/') || REPLACED_AUTH_ROUTES[`/api/auth${p}`]) continue; // internal, or closed above
      const tagged = Object.fromEntries(Object.entries(ops).map(([m, op]) => [m, { ...op, tags: ['auth (better-auth)'] }]));
      paths[`/api/auth${p}`] = rename(tagged) as never;
    }
    const schemas = Object.fromEntries(Object.entries(doc.components?.schemas ?? {}).map(([k, v]) => [`Auth${k}`, rename(v)]));
    return { paths, schemas };
  }

  /** Seconds until the account unlocks, or 0. */
  private async lockedFor(email: string): Promise<number> {
    const [row] = await this.db.select().from(signInFailures).where(eq(signInFailures.email, email));
    if (!row?.lockedUntil) return 0;
    return Math.max(0, Math.ceil((row.lockedUntil.getTime() - Date.now()) / 1000));
  }

  private async recordSignIn(email: string, ok: boolean): Promise<void> {
    if (ok) {
      await this.db.delete(signInFailures).where(eq(signInFailures.email, email));
      return;
    }
    const windowMs = this.config.LOGIN_LOCKOUT_MINUTES * 60_000;
    const max = this.config.LOGIN_LOCKOUT_ATTEMPTS;
    // One statement, so racing failures from several nodes count correctly.
    await this.db.execute(sql`
      INSERT INTO sign_in_failures (email, failures, first_failure_at)
      VALUES (${email}, 1, now())
      ON CONFLICT (email) DO UPDATE SET
        failures = CASE WHEN sign_in_failures.first_failure_at < now() - make_interval(secs => ${windowMs / 1000})
                        THEN 1 ELSE sign_in_failures.failures + 1 END,
        first_failure_at = CASE WHEN sign_in_failures.first_failure_at < now() - make_interval(secs => ${windowMs / 1000})
                        THEN now() ELSE sign_in_failures.first_failure_at END,
        locked_until = CASE WHEN sign_in_failures.first_failure_at >= now() - make_interval(secs => ${windowMs / 1000})
                              AND sign_in_failures.failures + 1 >= ${max}
                        THEN now() + make_interval(secs => ${windowMs / 1000}) ELSE sign_in_failures.locked_until END`);
  }

  async resolve(headers: IncomingHttpHeaders): Promise<{ actor: Actor; membership: Membership | null } | null> {
    const authz = headers.authorization;
    let actor: Actor | null = null;
    if (typeof authz === 'string' && authz.startsWith(`Bearer ${API_KEY_PREFIX}`)) {
      actor = await this.resolveApiKey(authz.slice('Bearer '.length).trim());
    } else if (authz || headers.cookie) {
      const h = new Headers();
      if (typeof authz === 'string') h.set('authorization', authz);
      if (typeof headers.cookie === 'string') h.set('cookie', headers.cookie);
      const session = await this.auth.api.getSession({ headers: h }).catch(() => null);
      if (session?.user && !session.user.banned) {
        actor = {
          userId: session.user.id,
          email: session.user.email,
          name: session.user.name,
          platformAdmin: session.user.role === 'admin',
          via: authz ? 'bearer' : 'session',
        };
      }
    }
    if (!actor) return null;
    const header = headers['x-organization-id'];
    const requested = typeof header === 'string' && UUID_RE.test(header) ? header : null;
    const membership = await this.access.membershipFor(actor.userId, requested);
    return { actor, membership };
  }

  private async resolveApiKey(key: string): Promise<Actor | null> {
    const now = new Date();
    const [row] = await this.db
      .select({ id: apiKeys.id, userId: users.id, email: users.email, name: users.name, role: users.role, banned: users.banned })
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId))
      .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now))));
    if (!row || row.banned) return null;
    // At most one write a minute per key, not one per request.
    await this.db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now.getTime() - 60_000)))));
    return { userId: row.userId, email: row.email, name: row.name, platformAdmin: row.role === 'admin', via: 'api_key' };
  }
}
