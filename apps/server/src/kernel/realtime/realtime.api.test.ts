import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';
import { Forbidden } from '../errors/index.js';
import { type Ack, RealtimeService } from './realtime.service.js';

let t: TestApp;
let realtime: RealtimeService;
let alice: Session;
let bob: Session;
const open: ClientSocket[] = [];

interface ConnectOptions {
  auth?: Record<string, string>;
  headers?: Record<string, string>;
  transports?: ('websocket' | 'polling')[];
}

function client(opts: ConnectOptions = {}): ClientSocket {
  const socket = connectClient(t.url!, {
    path: '/socket.io',
    transports: opts.transports ?? ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 5_000,
    ...(opts.auth ? { auth: opts.auth } : {}),
    ...(opts.headers ? { extraHeaders: opts.headers } : {}),
  });
  open.push(socket);
  return socket;
}

/** Connects, resolving with the socket, or rejecting with the server's refusal. */
function connect(opts: ConnectOptions = {}): Promise<ClientSocket> {
  const socket = client(opts);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

function refusal(opts: ConnectOptions): Promise<Error & { data?: { code?: string } }> {
  return connect(opts).then(
    () => {
      throw new Error('the server accepted a socket it should have refused');
    },
    (err: Error & { data?: { code?: string } }) => err,
  );
}

function next<T = unknown>(socket: ClientSocket, event: string, ms = 3_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${ms} ms`)), ms);
    socket.once(event, (data: T) => {
      clearTimeout(timer);
      resolve(data);
    });
  });
}

/** Resolves true if `event` arrives within `ms`, false otherwise (for "must NOT receive"). */
function arrives(socket: ClientSocket, event: string, ms = 300): Promise<boolean> {
  return next(socket, event, ms).then(
    () => true,
    () => false,
  );
}

const emitAck = (socket: ClientSocket, event: string, ...args: unknown[]) => socket.timeout(3_000).emitWithAck(event, ...args) as Promise<Ack>;

beforeAll(async () => {
  t = await createTestApp({}, { listen: true });
  realtime = t.app.get(RealtimeService);
  alice = await t.signUp('alice-rt@example.com');
  bob = await t.signUp('bob-rt@example.com');
  realtime.allowJoin('course', (_client, id) => id.startsWith('open-'));
  realtime.handle('echo', (c, payload) => {
    if (payload === 'forbidden') throw new Forbidden('Not this one.', 'echo_refused');
    return { from: c.actor.userId, payload };
  });
});
afterEach(() => {
  for (const s of open.splice(0)) s.disconnect();
});
afterAll(() => t?.close());

describe('realtime (Socket.IO on the app server)', () => {
  it('refuses sockets without credentials, with a bad token, or with a cookie from another origin', async () => {
    const none = await refusal({});
    expect(none.message).toBe('Sign in to continue.');
    expect(none.data?.code).toBe('unauthenticated');
    expect((await refusal({ auth: { token: 'not-a-session-token' } })).data?.code).toBe('unauthenticated');
    expect((await refusal({ auth: { token: 'lyk_not_a_real_key_0000000000000000000000000' } })).data?.code).toBe('unauthenticated');
    expect((await refusal({ headers: { cookie: alice.cookie, origin: 'https://evil.example' } })).data?.code).toBe('unauthenticated');
  });

  it('authenticates a bearer session token and delivers toUser only to that user', async () => {
    const a = await connect({ auth: { token: alice.token } });
    const b = await connect({ auth: { token: bob.token } });
    const got = next(a, 'notification');
    const bobGot = arrives(b, 'notification');
    realtime.toUser(alice.userId, 'notification', { title: 'Welcome' });
    expect(await got).toEqual({ title: 'Welcome' });
    expect(await bobGot).toBe(false);
  });

  it('authenticates the session cookie (same origin) over long-polling too', async () => {
    const a = await connect({ headers: { cookie: alice.cookie, origin: t.config.publicUrl }, transports: ['polling'] });
    const got = next(a, 'ping-user');
    realtime.toUser(alice.userId, 'ping-user', 1);
    expect(await got).toBe(1);
  });

  it('authenticates a lyk_ API key', async () => {
    const created = await t.http('POST', '/api/v1/me/api-keys', { as: bob, body: { name: 'socket script' } });
    expect(created.status).toBe(201);
    const b = await connect({ auth: { token: created.body.key } });
    const got = next(b, 'hello');
    realtime.toUser(bob.userId, 'hello', 'api key');
    expect(await got).toBe('api key');
  });

  it('joins the active organization room: toOrg reaches members only', async () => {
    const org = await t.http('POST', '/api/v1/organizations', { as: alice, body: { name: 'Realtime School' } });
    expect(org.status).toBe(201);
    const a = await connect({ auth: { token: alice.token, orgId: org.body.id } });
    const b = await connect({ auth: { token: bob.token, orgId: org.body.id } });
    const got = next(a, 'org-news');
    const bobGot = arrives(b, 'org-news');
    realtime.toOrg(org.body.id, 'org-news', { n: 1 });
    expect(await got).toEqual({ n: 1 });
    expect(await bobGot).toBe(false);
  });

  it('lets clients join only rooms a policy allows, and handles client events with acks', async () => {
    const a = await connect({ auth: { token: alice.token } });
    expect(await emitAck(a, 'join', 'course:open-1')).toEqual({ ok: true, data: { room: 'course:open-1' } });
    expect(await emitAck(a, 'join', 'course:closed-1')).toMatchObject({ ok: false, error: { status: 403, code: 'room_forbidden' } });
    expect(await emitAck(a, 'join', `user:${bob.userId}`)).toMatchObject({ ok: false, error: { code: 'room_forbidden' } });
    expect(await emitAck(a, 'join', 'nonsense')).toMatchObject({ ok: false, error: { status: 400, code: 'room_invalid' } });
    const got = next(a, 'lesson');
    realtime.toRoom('course:open-1', 'lesson', 'published');
    expect(await got).toBe('published');

    expect(await emitAck(a, 'echo', 'hi')).toEqual({ ok: true, data: { from: alice.userId, payload: 'hi' } });
    expect(await emitAck(a, 'echo', 'forbidden')).toEqual({ ok: false, error: { status: 403, code: 'echo_refused', message: 'Not this one.' } });
  });

  it('server-side joinRoom and disconnectUser act on all of a user\'s sockets', async () => {
    const a1 = await connect({ auth: { token: alice.token } });
    const a2 = await connect({ auth: { token: alice.token } });
    realtime.joinRoom(alice.userId, 'course:secret-9');
    const got1 = next(a1, 'x');
    const got2 = next(a2, 'x');
    realtime.toRoom('course:secret-9', 'x', 42);
    expect([await got1, await got2]).toEqual([42, 42]);
    const gone1 = next<string>(a1, 'disconnect');
    const gone2 = next<string>(a2, 'disconnect');
    realtime.disconnectUser(alice.userId);
    expect([await gone1, await gone2]).toEqual(['io server disconnect', 'io server disconnect']);
  });

  it('shares the port with the HTTP API', async () => {
    const res = await fetch(`${t.url}/health/live`);
    expect(res.status).toBe(200);
  });

  it('closes sockets cleanly when the app shuts down', async () => {
    const a = await connect({ auth: { token: alice.token } });
    const gone = next<string>(a, 'disconnect', 5_000);
    await t.rt.close();
    expect(await gone).toMatch(/io server disconnect|transport close/);
    // late emits (a job finishing during shutdown) are dropped, not thrown
    expect(() => realtime.toUser(alice.userId, 'late', 1)).not.toThrow();
  });
});
