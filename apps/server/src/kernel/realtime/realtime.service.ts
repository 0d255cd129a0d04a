import type { IncomingHttpHeaders, Server as HttpServer } from 'node:http';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type ExtendedError, Server, type Socket } from 'socket.io';
import { type Actor, SESSION_RESOLVER, type SessionResolver } from '../auth/index.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { AppError } from '../errors/index.js';
import { ROOT_LOGGER } from '../kernel.module.js';
import { createRedis } from './redis.js';

export const SOCKET_PATH = '/socket.io';

/** Who is on the other end of a socket, fixed at connect time. */
export interface RealtimeClient {
  socketId: string;
  actor: Actor;
  /** the organization chosen at connect (`auth.orgId`, else the active one), when a member */
  orgId: string | null;
}

/** May this client join room `<prefix>:<id>`? Register with `allowJoin`. */
export type JoinPolicy = (client: RealtimeClient, id: string) => boolean | Promise<boolean>;

/** Handles a client -> server event; the return value is sent back in the acknowledgement. */
export type MessageHandler = (client: RealtimeClient, payload: unknown) => unknown;

/** What a client receives as acknowledgement of `join`, `leave` and handled events. */
export type Ack = { ok: true; data?: unknown } | { ok: false; error: { status: number; code: string; message: string } };

type SocketData = RealtimeClient;
type AppSocket = Socket<Record<string, (...args: unknown[]) => void>, Record<string, (...args: unknown[]) => void>, Record<string, never>, SocketData>;
type AppServer = Server<Record<string, (...args: unknown[]) => void>, Record<string, (...args: unknown[]) => void>, Record<string, never>, SocketData>;

const ROOM = /^([a-z][a-z0-9_-]{0,30}):([A-Za-z0-9_.-]{1,100})$/;
const RESERVED_EVENTS = new Set(['join', 'leave', 'connect', 'disconnect', 'disconnecting', 'error', 'connect_error', 'newListener', 'removeListener']);
const RESERVED_PREFIXES = new Set(['user', 'org']);

export const userRoom = (userId: string) => `user:${userId}`;
export const orgRoom = (orgId: string) => `org:${orgId}`;

function refusal(code: string, message: string): ExtendedError {
  const err: ExtendedError = new Error(message);
  err.data = { code, status: code === 'internal' ? 500 : 401 };
  return err;
}

/**
 * Socket.IO on the app's own HTTP server (path /socket.io). Every socket is authenticated at
 * connect through the identity module's SESSION_RESOLVER (a bearer session token or `lyk_` API key
 * in `auth.token`, or the session cookie from an allowed origin) and joins `user:<id>` and
 * `org:<active org>`. With REDIS_URL, emits fan out to every node (and from worker processes)
 * through `@socket.io/redis-adapter`.
 */
@Injectable()
export class RealtimeService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private server: AppServer | null = null;
  private redis: { pub: Redis; sub: Redis } | null = null;
  private closed = false;
  private readonly joinPolicies = new Map<string, JoinPolicy>();
  private readonly handlers = new Map<string, MessageHandler>();
  private readonly allowedOrigins: Set<string>;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.allowedOrigins = new Set([config.publicUrl, ...config.CORS_ORIGINS]);
  }

  async onApplicationBootstrap(): Promise<void> {
    const httpServer = this.adapterHost.httpAdapter?.getHttpServer() as HttpServer | undefined;
    if (httpServer) await this.attach(httpServer);
  }

  /** the Socket.IO server, for what this service does not cover; null before bootstrap and after shutdown */
  get io(): AppServer | null {
    return this.closed ? null : this.server;
  }

  /** Attaches to `httpServer` (listening or not yet). Called once at bootstrap. */
  async attach(httpServer: HttpServer): Promise<void> {
    if (this.server) throw new Error('RealtimeService is already attached');
    const io: AppServer = new Server({
      path: SOCKET_PATH,
      serveClient: false,
      maxHttpBufferSize: 100_000,
      cors: { origin: [...this.allowedOrigins], credentials: true },
    });
    if (this.config.REDIS_URL) await this.useRedis(io, this.config.REDIS_URL);
    io.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (err: ExtendedError) => next(err),
      );
    });
    io.on('connection', (socket) => this.onConnection(socket));
    io.attach(httpServer);
    this.server = io;
  }

  private async useRedis(io: AppServer, url: string): Promise<void> {
    const pub = createRedis(url, 'realtime-pub', { maxRetriesPerRequest: 2 });
    const sub = createRedis(url, 'realtime-sub');
    for (const c of [pub, sub]) c.on('error', (err: Error) => this.logger.warn({ err: err.message }, 'realtime redis error'));
    await Promise.all([pub.connect(), sub.connect()]);
    // The adapter ignores publish()'s promise; a Redis blip must not become an unhandled rejection.
    const publish = pub.publish.bind(pub);
    Object.assign(pub, {
      publish: (channel: string, message: string | Buffer) =>
        publish(channel, message).catch((err: Error) => {
          this.logger.warn({ err: err.message, channel }, 'realtime publish failed');
          return 0;
        }),
    });
    io.adapter(createAdapter(pub, sub, { key: 'lyceum:io' }));
    // Commands run in order: once PING answers, the adapter's PSUBSCRIBE is in effect, so this node
    // receives other nodes' emits from the moment boot completes.
    await sub.ping();
    this.redis = { pub, sub };
  }

  private async authenticate(socket: AppSocket): Promise<void> {
    const headers = this.credentials(socket);
    if (!headers) throw refusal('unauthenticated', 'Sign in to continue.');
    let resolved;
    try {
      const resolver = this.moduleRef.get<SessionResolver>(SESSION_RESOLVER, { strict: false });
      resolved = await resolver.resolve(headers);
    } catch (err) {
      this.logger.error({ err }, 'realtime: resolving the session failed');
      throw refusal('internal', 'Something went wrong on our side.');
    }
    if (!resolved) throw refusal('unauthenticated', 'Sign in to continue.');
    socket.data = { socketId: socket.id, actor: resolved.actor, orgId: resolved.membership?.orgId ?? null };
  }

  /**
   * The headers the session resolver understands. A token in `auth` (not ambient) is accepted from
   * any origin; the cookie only from the app's own origins, so another site cannot open a socket
   * riding on a visitor's session.
   */
  private credentials(socket: AppSocket): IncomingHttpHeaders | null {
    const { auth, headers: h } = socket.handshake;
    const a = (auth ?? {}) as Record<string, unknown>;
    const headers: IncomingHttpHeaders = {};
    const token = typeof a.token === 'string' ? a.token.replace(/^Bearer\s+/i, '').trim() : '';
    if (token) headers.authorization = `Bearer ${token}`;
    else if (typeof h.authorization === 'string') headers.authorization = h.authorization;
    else if (typeof h.cookie === 'string' && h.cookie) {
      if (h.origin && !this.allowedOrigins.has(h.origin)) return null;
      headers.cookie = h.cookie;
    } else return null;
    const org = typeof a.orgId === 'string' ? a.orgId : h['x-organization-id'];
    if (typeof org === 'string') headers['x-organization-id'] = org;
    return headers;
  }

  private onConnection(socket: AppSocket): void {
    const client = socket.data;
    void socket.join(userRoom(client.actor.userId));
    if (client.orgId) void socket.join(orgRoom(client.orgId));

    socket.on('join', (room: unknown, ack?: unknown) => {
      void this.respond(ack, async () => {
        const { prefix, id } = this.parseRoom(room);
        const policy = this.joinPolicies.get(prefix);
        if (!policy || !(await policy(client, id))) throw new RealtimeRefusal(403, 'room_forbidden', 'You may not join this room.');
        await socket.join(`${prefix}:${id}`);
        return { room: `${prefix}:${id}` };
      });
    });
    socket.on('leave', (room: unknown, ack?: unknown) => {
      void this.respond(ack, async () => {
        const { prefix, id } = this.parseRoom(room);
        if (RESERVED_PREFIXES.has(prefix)) throw new RealtimeRefusal(403, 'room_forbidden', 'This room cannot be left.');
        await socket.leave(`${prefix}:${id}`);
        return { room: `${prefix}:${id}` };
      });
    });
    for (const [event, handler] of this.handlers) {
      socket.on(event, (payload: unknown, ack?: unknown) => {
        void this.respond(ack, async () => handler(client, payload));
      });
    }
  }

  private parseRoom(room: unknown): { prefix: string; id: string } {
    const m = typeof room === 'string' ? ROOM.exec(room) : null;
    if (!m) throw new RealtimeRefusal(400, 'room_invalid', 'A room is named "<kind>:<id>".');
    return { prefix: m[1]!, id: m[2]! };
  }

  private async respond(ack: unknown, work: () => Promise<unknown>): Promise<void> {
    let reply: Ack;
    try {
      const data = await work();
      reply = data === undefined ? { ok: true } : { ok: true, data };
    } catch (err) {
      if (err instanceof RealtimeRefusal || err instanceof AppError) {
        reply = { ok: false, error: { status: err.status, code: err.code, message: err.message } };
      } else {
        this.logger.error({ err }, 'realtime handler failed');
        reply = { ok: false, error: { status: 500, code: 'internal', message: 'Something went wrong on our side.' } };
      }
    }
    if (typeof ack === 'function') (ack as (r: Ack) => void)(reply);
  }

  /**
   * Lets clients `emit('join', '<prefix>:<id>', ack)` when `policy` says yes. `user` and `org` rooms
   * are joined automatically and cannot be asked for. Register in `onModuleInit`.
   */
  allowJoin(prefix: string, policy: JoinPolicy): void {
    if (!/^[a-z][a-z0-9_-]{0,30}$/.test(prefix) || RESERVED_PREFIXES.has(prefix)) throw new Error(`Invalid room prefix "${prefix}"`);
    if (this.joinPolicies.has(prefix)) throw new Error(`Room prefix "${prefix}" already has a join policy`);
    this.joinPolicies.set(prefix, policy);
  }

  /**
   * Handles a client -> server event (e.g. `typing`). Throw an AppError to refuse: the client's
   * acknowledgement gets `{ ok: false, error: { status, code, message } }`. Register in `onModuleInit`.
   */
  handle(event: string, handler: MessageHandler): void {
    if (RESERVED_EVENTS.has(event) || !/^[A-Za-z][A-Za-z0-9:._-]{0,63}$/.test(event)) throw new Error(`Event name "${event}" is reserved or invalid`);
    if (this.handlers.has(event)) throw new Error(`Event "${event}" already has a handler`);
    this.handlers.set(event, handler);
  }

  private emitter(): AppServer | null {
    if (this.closed) return null; // shutting down: late emits (a job finishing) are dropped
    if (!this.server) throw new Error('RealtimeService is not attached yet (emit after application bootstrap)');
    return this.server;
  }

  /** Sends `event` to every socket of a user, on every node. */
  toUser(userId: string, event: string, data?: unknown): void {
    this.toRoom(userRoom(userId), event, data);
  }

  /** Sends `event` to every socket connected in an organization, on every node. */
  toOrg(orgId: string, event: string, data?: unknown): void {
    this.toRoom(orgRoom(orgId), event, data);
  }

  toRoom(room: string, event: string, data?: unknown): void {
    const io = this.emitter();
    if (!io) return;
    if (data === undefined) io.to(room).emit(event);
    else io.to(room).emit(event, data);
  }

  /** Every socket of `userId`, on every node, joins `room` (e.g. after the user enrolls). */
  joinRoom(userId: string, room: string): void {
    this.emitter()?.in(userRoom(userId)).socketsJoin(room);
  }

  leaveRoom(userId: string, room: string): void {
    this.emitter()?.in(userRoom(userId)).socketsLeave(room);
  }

  /** Closes every socket of a user, on every node (sign-out everywhere, ban, password change). */
  disconnectUser(userId: string): void {
    this.emitter()?.in(userRoom(userId)).disconnectSockets(true);
  }

  /**
   * Before the HTTP server closes: drop sockets (clients reconnect to another node), stop the
   * engine and Redis. `io.close()` is not used because it would also close Fastify's server.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const io = this.server;
    if (io) {
      io.local.disconnectSockets(true);
      io.engine.close();
      await Promise.resolve(io.of('/').adapter.close()).catch(() => undefined);
    }
    if (this.redis) {
      const { pub, sub } = this.redis;
      await Promise.all([pub.quit().catch(() => pub.disconnect()), sub.quit().catch(() => sub.disconnect())]);
    }
  }
}

class RealtimeRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
