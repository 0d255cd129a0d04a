import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../test/harness.js';
import { RealtimeService } from './realtime.service.js';
import { redisReachable } from './redis.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisUp = await redisReachable(REDIS_URL);
if (!redisUp) console.warn(`SKIPPED realtime two-node tests: no Redis answers at ${REDIS_URL} (set TEST_REDIS_URL or start redis-server)`);

let nodeA: TestApp;
let nodeB: TestApp;
let alice: Session;
const sockets: ClientSocket[] = [];

function connectTo(node: TestApp, token: string, orgId?: string): Promise<ClientSocket> {
  const socket = connectClient(node.url!, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, auth: { token, ...(orgId ? { orgId } : {}) } });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
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

describe.skipIf(!redisUp)('realtime across two nodes sharing PostgreSQL and Redis', () => {
  beforeAll(async () => {
    nodeA = await createTestApp({ REDIS_URL }, { listen: true });
    nodeB = await createTestApp({ REDIS_URL }, { listen: true, databaseUrl: nodeA.databaseUrl });
    alice = await nodeA.signUp('alice-cluster@example.com');
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await nodeB?.close();
    await nodeA?.close();
  });

  it('an emit on node A reaches a socket connected to node B', async () => {
    const onB = await connectTo(nodeB, alice.token);
    const got = next(onB, 'notification');
    nodeA.app.get(RealtimeService).toUser(alice.userId, 'notification', { from: 'A' });
    expect(await got).toEqual({ from: 'A' });
  });

  it('org rooms, server-side joins and disconnects also cross nodes', async () => {
    const org = await nodeA.http('POST', '/api/v1/organizations', { as: alice, body: { name: 'Cluster School' } });
    expect(org.status).toBe(201);
    const onB = await connectTo(nodeB, alice.token, org.body.id);
    const rtA = nodeA.app.get(RealtimeService);

    const orgMsg = next(onB, 'org-news');
    rtA.toOrg(org.body.id, 'org-news', 'hello org');
    expect(await orgMsg).toBe('hello org');

    rtA.joinRoom(alice.userId, 'course:c1');
    const roomMsg = next(onB, 'lesson');
    // The join travels as a request on the adapter's channel; emit once it has landed on B.
    for (let i = 0; i < 50 && !nodeB.app.get(RealtimeService).io!.of('/').adapter.rooms.has('course:c1'); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    rtA.toRoom('course:c1', 'lesson', 'published');
    expect(await roomMsg).toBe('published');

    const gone = next<string>(onB, 'disconnect');
    rtA.disconnectUser(alice.userId);
    expect(await gone).toBe('io server disconnect');
  });
});
