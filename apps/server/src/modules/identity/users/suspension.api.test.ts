import { io as connectClient, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, { listen: true });
});
afterAll(() => t?.close());

describe('suspension', () => {
  it('closes the suspended user\'s open websockets (through the user.suspended job)', async () => {
    const root = await t.signUp('root@platform.test');
    await t.query("UPDATE users SET role = 'admin' WHERE id = $1", [root.userId]);
    const admin = await t.signIn('root@platform.test');
    const user = await t.signUp('mallory@mail.test');
    const socket: Socket = connectClient(t.url!, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: user.token } });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const closed = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
      const res = await t.http('POST', `/api/v1/admin/users/${user.userId}/suspend`, { as: admin, body: { reason: 'spam' } });
      expect(res.status).toBeLessThan(300);
      expect(socket.connected).toBe(true); // nothing happens inside the request...
      await t.drain(); // ...the subscriber's job closes it
      expect(await closed).toBe('io server disconnect');
    } finally {
      socket.close();
    }
  });
});
