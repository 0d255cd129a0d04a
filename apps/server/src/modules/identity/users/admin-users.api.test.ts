import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../kernel/events/index.js';
import { createTestApp, PASSWORD, type Session, type TestApp } from '../../../test/harness.js';
import { UserSuspended } from '../identity.events.js';

let t: TestApp;
let root: Session;
let user: Session;
beforeAll(async () => {
  t = await createTestApp();
  root = await t.signUp('root@example.com', { name: 'Root Admin' });
  await t.query("UPDATE users SET role = 'admin' WHERE id = $1", [root.userId]);
  user = await t.signUp('mallory@example.com', { name: 'Mallory' });
  for (const n of ['Zed', 'Yan', 'Xia']) await t.signUp(`${n.toLowerCase()}@example.org`, { name: n });
});
afterAll(() => t?.close());

describe('platform admin: users', () => {
  it('lists and searches every account, paged', async () => {
    const all = await t.http('GET', '/api/v1/admin/users?limit=2', { as: root });
    expect(all.status).toBe(200);
    expect(all.body.items.map((u: { email: string }) => u.email)).toEqual(['root@example.com', 'mallory@example.com']);
    expect(all.body.items[0].platformRole).toBe('admin');
    const next = await t.http('GET', `/api/v1/admin/users?limit=2&cursor=${all.body.nextCursor}`, { as: root });
    expect(next.body.items.map((u: { name: string }) => u.name)).toEqual(['Zed', 'Yan']);
    const byDomain = await t.http('GET', '/api/v1/admin/users?q=example.org', { as: root });
    expect(byDomain.body.items.map((u: { name: string }) => u.name)).toEqual(['Zed', 'Yan', 'Xia']);
    const byName = await t.http('GET', '/api/v1/admin/users?q=MALL', { as: root });
    expect(byName.body.items.map((u: { id: string }) => u.id)).toEqual([user.userId]);
  });

  it('suspending revokes sessions, refuses sign-in and API keys; reactivating lifts it', async () => {
    const key = (await t.http('POST', '/api/v1/me/api-keys', { as: user, body: { name: 'bot' } })).body.key as string;
    const other = await t.signIn('mallory@example.com');
    const emit = vi.spyOn(t.app.get(EventBus), 'emit');
    const res = await t.http('POST', `/api/v1/admin/users/${user.userId}/suspend`, { as: root, body: { reason: 'spam' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.userId, suspended: true, suspendedReason: 'spam' });
    expect(emit).toHaveBeenCalledWith(expect.anything(), UserSuspended, { userId: user.userId, by: root.userId, reason: 'spam' });
    emit.mockRestore();

    expect(await t.query('SELECT 1 FROM sessions WHERE user_id = $1', [user.userId])).toHaveLength(0);
    expect((await t.http('GET', '/api/v1/me', { as: user })).status).toBe(401);
    expect((await t.http('GET', '/api/v1/me', { as: other })).status).toBe(401);
    expect((await t.http('GET', '/api/v1/me', { headers: { authorization: `Bearer ${other.token}` } })).status).toBe(401);
    expect((await t.http('GET', '/api/v1/me', { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    const signIn = await t.http('POST', '/api/auth/sign-in/email', { body: { email: 'mallory@example.com', password: PASSWORD } });
    expect(signIn.status).toBe(403);
    expect(signIn.body.code).toBe('banned_user');
    expect((await t.query<{ suspended_at: Date | null }>('SELECT suspended_at FROM user_profiles WHERE user_id = $1', [user.userId]))[0]!.suspended_at).not.toBeNull();

    const back = await t.http('POST', `/api/v1/admin/users/${user.userId}/reactivate`, { as: root });
    expect(back.status).toBe(200);
    expect(back.body.suspended).toBe(false);
    const again = await t.signIn('mallory@example.com');
    expect((await t.http('GET', '/api/v1/me', { as: again })).status).toBe(200);
  });

  it('suspends without a body too, but never the admin themself', async () => {
    const victim = await t.signUp('noreason@example.com');
    const res = await t.http('POST', `/api/v1/admin/users/${victim.userId}/suspend`, { as: root });
    expect(res.status).toBe(200);
    expect(res.body.suspendedReason).toBeNull();
    const self = await t.http('POST', `/api/v1/admin/users/${root.userId}/suspend`, { as: root, body: {} });
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('cannot_suspend_self');
    expect((await t.http('POST', '/api/v1/admin/users/0190a0a0-0000-7000-8000-000000000000/suspend', { as: root })).status).toBe(404);
  });

  it('non-admins get 403 and anonymous callers 401, and nothing changes', async () => {
    const mallory = await t.signIn('mallory@example.com'); // the earlier suspension ended her old sessions
    for (const [as, status] of [
      [mallory, 403],
      [undefined, 401],
    ] as const) {
      const list = await t.http('GET', '/api/v1/admin/users', { as });
      expect(list.status).toBe(status);
      if (status === 403) expect(list.body.code).toBe('platform_admin_only');
      expect((await t.http('POST', `/api/v1/admin/users/${root.userId}/suspend`, { as, body: {} })).status).toBe(status);
      expect((await t.http('POST', `/api/v1/admin/users/${root.userId}/reactivate`, { as })).status).toBe(status);
    }
    // An organization owner is not a platform admin.
    expect((await t.http('POST', '/api/v1/organizations', { as: mallory, body: { name: 'Mallory Corp' } })).status).toBe(201);
    expect((await t.http('GET', '/api/v1/admin/users', { as: mallory })).status).toBe(403);
    expect((await t.query<{ banned: boolean }>('SELECT banned FROM users WHERE id = $1', [root.userId]))[0]!.banned).toBe(false);
  });

  it('bad input is a 400 problem and writes nothing', async () => {
    const target = await t.signUp('target@example.com');
    for (const body of [{ reason: '' }, { reason: 'x'.repeat(501) }, { reason: 'ok', until: 'tomorrow' }]) {
      const res = await t.http('POST', `/api/v1/admin/users/${target.userId}/suspend`, { as: root, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await t.http('POST', '/api/v1/admin/users/not-a-uuid/suspend', { as: root, body: {} })).status).toBe(400);
    expect((await t.http('GET', '/api/v1/admin/users?limit=-1', { as: root })).status).toBe(400);
    expect((await t.http('GET', '/api/v1/admin/users?role=admin', { as: root })).status).toBe(400);
    expect((await t.query<{ banned: boolean }>('SELECT banned FROM users WHERE id = $1', [target.userId]))[0]!.banned).toBe(false);
  });
});
