import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../kernel/events/index.js';
import { createTestApp, type Session, type TestApp } from '../../../test/harness.js';
import { UserProfileUpdated } from '../identity.events.js';

let t: TestApp;
let me: Session;
let other: Session;
beforeAll(async () => {
  t = await createTestApp();
  me = await t.signUp('grace@example.com', { name: 'Grace' });
  other = await t.signUp('other@example.com', { name: 'Other' });
});
afterAll(() => t?.close());

const profileOf = async (userId: string) =>
  (await t.query('SELECT u.name, p.locale, p.timezone, p.bio FROM users u JOIN user_profiles p ON p.user_id = u.id WHERE u.id = $1', [userId]))[0];

describe('my profile', () => {
  it('shows my account and profile', async () => {
    const res = await t.http('GET', '/api/v1/me', { as: me });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: me.userId,
      name: 'Grace',
      email: 'grace@example.com',
      emailVerified: false,
      locale: 'en',
      timezone: 'UTC',
      bio: '',
      platformRole: 'user',
      twoFactorEnabled: false,
      activeOrganizationId: null,
    });
    expect((await t.http('GET', '/api/v1/me')).status).toBe(401);
  });

  it('changes name, locale (canonicalised), time zone and bio, and says so with an event', async () => {
    const emit = vi.spyOn(t.app.get(EventBus), 'emit');
    const res = await t.http('PATCH', '/api/v1/me', {
      as: me,
      body: { name: 'Grace Hopper', locale: 'pt-br', timezone: 'America/Sao_Paulo', bio: 'Compilers.' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Grace Hopper', locale: 'pt-BR', timezone: 'America/Sao_Paulo', bio: 'Compilers.' });
    expect(emit).toHaveBeenCalledWith(expect.anything(), UserProfileUpdated, { userId: me.userId, name: 'Grace Hopper', locale: 'pt-BR', timezone: 'America/Sao_Paulo' });
    emit.mockRestore();
    expect((await t.http('PATCH', '/api/v1/me', { as: me, body: { bio: '' } })).body).toMatchObject({ bio: '', name: 'Grace Hopper', locale: 'pt-BR' });
    // Someone else's profile is untouched.
    expect(await profileOf(other.userId)).toEqual({ name: 'Other', locale: 'en', timezone: 'UTC', bio: '' });
  });

  it('refuses bad input with 400 problem+json and changes nothing', async () => {
    const before = await profileOf(me.userId);
    for (const body of [
      {},
      { name: '' },
      { name: 'Eve\r\nBcc: everyone@example.com' },
      { name: 'evil\u202egnp.exe' },
      { locale: 'english please' },
      { locale: 'xx-!!' },
      { timezone: 'Mars/Olympus_Mons' },
      { timezone: '../../etc/passwd' },
      { bio: 'x'.repeat(2001) },
      { email: 'new@example.com' },
      { name: 'Ok', role: 'admin' },
    ]) {
      const res = await t.http('PATCH', '/api/v1/me', { as: me, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe('validation_failed');
    }
    expect(await profileOf(me.userId)).toEqual(before);
    expect((await t.http('PATCH', '/api/v1/me', { body: { name: 'Anon' } })).status).toBe(401);
  });
});
