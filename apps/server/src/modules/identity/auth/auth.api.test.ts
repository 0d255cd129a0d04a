import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../kernel/events/index.js';
import { createTestApp, PASSWORD, type TestApp } from '../../../test/harness.js';
import { UserRegistered } from '../identity.events.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

/** The first link in the newest mail to `to` whose subject matches. */
function linkIn(to: string, subject: RegExp): URL {
  const mail = t.mails(to).filter((m) => subject.test(m.subject)).at(-1);
  if (!mail) throw new Error(`no mail "${subject}" to ${to}`);
  const href = /https?:\/\/\S+/.exec(mail.text)?.[0];
  if (!href) throw new Error(`no link in mail "${mail.subject}"`);
  return new URL(href);
}

describe('email and password', () => {
  it('signs up, emits user.registered, signs out and in again', async () => {
    const emit = vi.spyOn(t.app.get(EventBus), 'emit');
    const s = await t.signUp('ada@example.com', { name: 'Ada Lovelace' });
    expect(emit).toHaveBeenCalledWith(expect.anything(), UserRegistered, { userId: s.userId, email: 'ada@example.com', name: 'Ada Lovelace' });
    emit.mockRestore();
    const [profile] = await t.query('SELECT locale, timezone FROM user_profiles WHERE user_id = $1', [s.userId]);
    expect(profile).toEqual({ locale: 'en', timezone: 'UTC' });

    expect((await t.http('GET', '/api/v1/me', { as: s })).body.email).toBe('ada@example.com');
    const out = await t.http('POST', '/api/auth/sign-out', { as: s, headers: { origin: 'http://localhost:3000' } });
    expect(out.status).toBe(200);
    expect((await t.http('GET', '/api/v1/me', { as: s })).status).toBe(401);

    const again = await t.signIn('ada@example.com');
    expect(again.userId).toBe(s.userId);
    expect((await t.http('GET', '/api/v1/me', { as: again })).status).toBe(200);
  });

  it('refuses a wrong password with problem+json and a human title', async () => {
    await t.signUp('wrong@example.com');
    const res = await t.http('POST', '/api/auth/sign-in/email', { body: { email: 'wrong@example.com', password: 'not-the-password' } });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 401, code: 'invalid_email_or_password', title: 'Authentication failed' });
  });

  it('refuses a duplicate email and a short password', async () => {
    await t.signUp('dup@example.com');
    const dup = await t.http('POST', '/api/auth/sign-up/email', { body: { email: 'dup@example.com', password: PASSWORD, name: 'Dup' } });
    expect(dup.status).toBeGreaterThanOrEqual(400);
    expect(dup.headers['content-type']).toContain('application/problem+json');
    const short = await t.http('POST', '/api/auth/sign-up/email', { body: { email: 'short@example.com', password: 'abc', name: 'S' } });
    expect(short.status).toBe(400);
    expect(short.body.code).toBe('password_too_short');
    expect(await t.query("SELECT 1 FROM users WHERE email = 'short@example.com'")).toHaveLength(0);
    const badName = await t.http('POST', '/api/auth/sign-up/email', { body: { email: 'crlf@example.com', password: PASSWORD, name: 'Eve\r\nBcc: all@example.com' } });
    expect(badName.status).toBe(400);
    expect(badName.body.code).toBe('invalid_name');
    expect(await t.query("SELECT 1 FROM users WHERE email = 'crlf@example.com'")).toHaveLength(0);
  });

  it('does not let a sign-up choose its platform role', async () => {
    const res = await t.http('POST', '/api/auth/sign-up/email', {
      body: { email: 'sneaky@example.com', password: PASSWORD, name: 'Sneaky', role: 'admin' },
    });
    const [row] = await t.query<{ role: string | null }>("SELECT role FROM users WHERE email = 'sneaky@example.com'");
    expect(res.status === 400 || row?.role === 'user').toBe(true);
    if (row) expect(row.role).toBe('user');
  });

  it("closes better-auth's update-user and ban routes, which Lyceum's own endpoints replace", async () => {
    const s = await t.signUp('closed@example.com', { name: 'Closed' });
    const res = await t.http('POST', '/api/auth/update-user', { as: s, body: { name: 'Renamed', image: 'javascript:alert(1)' } });
    expect(res.status).toBe(404);
    expect(res.body.detail).toContain('/api/v1/me');
    expect(await t.query('SELECT name, image FROM users WHERE id = $1', [s.userId])).toEqual([{ name: 'Closed', image: null }]);
    expect((await t.http('POST', '/api/auth/admin/ban-user', { as: s, body: { userId: s.userId } })).status).toBe(404);
  });

  it('accepts the session token as a bearer token on /api/v1', async () => {
    const s = await t.signUp('bearer@example.com');
    const res = await t.http('GET', '/api/v1/me', { headers: { authorization: `Bearer ${s.token}` } });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(s.userId);
    const bad = await t.http('GET', '/api/v1/me', { headers: { authorization: 'Bearer not-a-session-token' } });
    expect(bad.status).toBe(401);
  });
});

describe('email verification', () => {
  it('sends a link by job that verifies the address', async () => {
    const s = await t.signUp('verify@example.com');
    expect((await t.http('GET', '/api/v1/me', { as: s })).body.emailVerified).toBe(false);
    expect(t.mails('verify@example.com')).toHaveLength(0); // a job sends it
    await t.drain();
    const link = linkIn('verify@example.com', /Confirm your email/);
    expect(link.pathname).toBe('/api/auth/verify-email');
    const res = await t.http('GET', link.pathname + link.search);
    expect([200, 302]).toContain(res.status);
    expect((await t.http('GET', '/api/v1/me', { as: s })).body.emailVerified).toBe(true);
  });

  it('refuses a forged token', async () => {
    const res = await t.http('GET', '/api/auth/verify-email?token=forged');
    expect(res.status === 401 || res.status === 400 || (res.status === 302 && /error=/.test(String(res.headers.location)))).toBe(true);
  });
});

describe('password reset', () => {
  it('mails a link, sets the new password and revokes old sessions', async () => {
    const old = await t.signUp('reset@example.com');
    const other = await t.signIn('reset@example.com');
    const req = await t.http('POST', '/api/auth/request-password-reset', { body: { email: 'reset@example.com', redirectTo: '/reset-password' } });
    expect(req.status).toBe(200);
    await t.drain();
    const link = linkIn('reset@example.com', /Reset your Lyceum password/);
    const token = link.pathname.split('/').at(-1)!;
    // The link lands on the web app's reset page with the token.
    const landing = await t.http('GET', link.pathname + link.search);
    expect(landing.status).toBe(302);
    expect(String(landing.headers.location)).toContain(`token=${token}`);

    const newPassword = 'a-brand-new-passphrase';
    const reset = await t.http('POST', '/api/auth/reset-password', { body: { token, newPassword } });
    expect(reset.status).toBe(200);
    expect((await t.http('GET', '/api/v1/me', { as: old })).status).toBe(401);
    expect((await t.http('GET', '/api/v1/me', { as: other })).status).toBe(401);
    const oldPw = await t.http('POST', '/api/auth/sign-in/email', { body: { email: 'reset@example.com', password: PASSWORD } });
    expect(oldPw.status).toBe(401);
    const fresh = await t.signIn('reset@example.com', newPassword);
    expect((await t.http('GET', '/api/v1/me', { as: fresh })).status).toBe(200);
    // The token is single-use.
    const again = await t.http('POST', '/api/auth/reset-password', { body: { token, newPassword: 'yet-another-passphrase' } });
    expect(again.status).toBe(400);
  });

  it('answers the same for an unknown address and sends nothing', async () => {
    const res = await t.http('POST', '/api/auth/request-password-reset', { body: { email: 'nobody@example.com', redirectTo: '/reset-password' } });
    expect(res.status).toBe(200);
    await t.drain();
    expect(t.mails('nobody@example.com')).toHaveLength(0);
  });
});

describe('lockout', () => {
  it(`locks the account after LOGIN_LOCKOUT_ATTEMPTS failures, and a password reset unlocks it`, async () => {
    const email = 'locked@example.com';
    await t.signUp(email);
    for (let i = 0; i < t.config.LOGIN_LOCKOUT_ATTEMPTS; i++) {
      const res = await t.http('POST', '/api/auth/sign-in/email', { body: { email, password: `wrong-${i}-password` } });
      expect(res.status).toBe(401);
    }
    // Even the right password is refused now, with the same answer for any casing of the address.
    const locked = await t.http('POST', '/api/auth/sign-in/email', { body: { email: 'Locked@Example.com', password: PASSWORD } });
    expect(locked.status).toBe(429);
    expect(locked.headers['content-type']).toContain('application/problem+json');
    expect(locked.body.code).toBe('account_locked');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);

    await t.http('POST', '/api/auth/request-password-reset', { body: { email, redirectTo: '/reset-password' } });
    await t.drain();
    const token = linkIn(email, /Reset your Lyceum password/).pathname.split('/').at(-1)!;
    expect((await t.http('POST', '/api/auth/reset-password', { body: { token, newPassword: 'unlocked-passphrase' } })).status).toBe(200);
    expect((await t.http('POST', '/api/auth/sign-in/email', { body: { email, password: 'unlocked-passphrase' } })).status).toBe(200);
  });

  it('a success clears earlier failures', async () => {
    const email = 'clears@example.com';
    await t.signUp(email);
    for (let i = 0; i < t.config.LOGIN_LOCKOUT_ATTEMPTS - 1; i++) {
      await t.http('POST', '/api/auth/sign-in/email', { body: { email, password: 'wrong-password' } });
    }
    await t.signIn(email);
    const res = await t.http('POST', '/api/auth/sign-in/email', { body: { email, password: 'wrong-password' } });
    expect(res.status).toBe(401);
    await t.signIn(email);
  });
});
