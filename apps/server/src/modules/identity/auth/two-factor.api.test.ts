import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type HttpResult, PASSWORD, type TestApp } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

function base32Decode(input: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of input.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`bad base32 character ${c}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits), written from the RFC. */
function totp(key: Buffer, at = Date.now(), step = 30, digits = 6): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / step)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(bin).padStart(digits, '0');
}

it('computes the RFC 6238 test vector', () => {
  // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits).
  expect(totp(Buffer.from('12345678901234567890'), 59_000, 30, 8)).toBe('94287082');
});

function cookiesOf(res: HttpResult): string {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [String(raw)] : [];
  return list
    .map((c) => c.split(';')[0]!)
    .filter((c) => !c.endsWith('='))
    .join('; ');
}

describe('TOTP two-factor', () => {
  it('once enabled, sign-in needs the code from the authenticator', async () => {
    const email = 'totp@example.com';
    const s = await t.signUp(email);
    const wrongPw = await t.http('POST', '/api/auth/two-factor/enable', { as: s, body: { password: 'not-my-password' } });
    expect(wrongPw.status).toBe(400);

    const enable = await t.http('POST', '/api/auth/two-factor/enable', { as: s, body: { password: PASSWORD } });
    expect(enable.status).toBe(200);
    expect(enable.body.backupCodes.length).toBeGreaterThan(0);
    const uri = new URL(enable.body.totpURI as string);
    expect(uri.protocol).toBe('otpauth:');
    const key = base32Decode(uri.searchParams.get('secret')!);

    // Not enabled until a first code proves the authenticator has the secret.
    expect((await t.http('GET', '/api/v1/me', { as: s })).body.twoFactorEnabled).toBe(false);
    const confirm = await t.http('POST', '/api/auth/two-factor/verify-totp', { as: s, body: { code: totp(key) } });
    expect(confirm.status).toBe(200);
    const confirmed = cookiesOf(confirm);
    expect((await t.http('GET', '/api/v1/me', { headers: { cookie: confirmed } })).body.twoFactorEnabled).toBe(true);

    // The password alone no longer gives a session.
    const first = await t.http('POST', '/api/auth/sign-in/email', { body: { email, password: PASSWORD } });
    expect(first.status).toBe(200);
    expect(first.body.twoFactorRedirect).toBe(true);
    expect(first.body.token).toBeUndefined();
    const pending = cookiesOf(first);
    expect(pending).not.toContain('lyceum.session_token');
    expect((await t.http('GET', '/api/v1/me', { headers: { cookie: pending } })).status).toBe(401);

    const wrong = await t.http('POST', '/api/auth/two-factor/verify-totp', {
      headers: { cookie: pending },
      body: { code: totp(key, Date.now() - 10 * 60_000) },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['content-type']).toContain('application/problem+json');

    const second = await t.http('POST', '/api/auth/two-factor/verify-totp', { headers: { cookie: pending }, body: { code: totp(key) } });
    expect(second.status).toBe(200);
    const session = cookiesOf(second);
    expect(session).toContain('lyceum.session_token');
    const me = await t.http('GET', '/api/v1/me', { headers: { cookie: session } });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(email);
  });

  it('a TOTP code without the password step gives nothing', async () => {
    const res = await t.http('POST', '/api/auth/two-factor/verify-totp', { body: { code: '123456' } });
    expect(res.status).toBe(401);
  });
});
