import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../kernel/telemetry/logger.js';
import { createTestApp, PASSWORD, type TestApp } from '../../../test/harness.js';

let t: TestApp;
const lines: string[] = [];
const consoleCalls: unknown[][] = [];

beforeAll(async () => {
  // The production logger (its redaction and serializers), writing into memory at the most verbose level.
  const logger = createLogger('trace');
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = sink;
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void consoleCalls.push(args));
  }
  t = await createTestApp({ LOG_LEVEL: 'trace' }, { logger });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t?.close();
});

describe('logs', () => {
  it('never contain a password, through sign-up, failed and good sign-ins, 2FA and a reset', async () => {
    const email = 'logs@example.com';
    const s = await t.signUp(email);
    await t.http('POST', '/api/auth/sign-in/email', { body: { email, password: 'a-wrong-password-123' } });
    await t.signIn(email);
    await t.http('POST', '/api/auth/two-factor/enable', { as: s, body: { password: PASSWORD } });
    await t.http('POST', '/api/auth/request-password-reset', { body: { email, redirectTo: '/reset-password' } });
    await t.drain();
    const mail = t.mails(email).find((m) => /Reset/.test(m.subject))!;
    const token = /reset-password\/([^?\s]+)/.exec(mail.text)![1]!;
    expect((await t.http('GET', `/api/auth/reset-password/${token}?callbackURL=%2Freset-password`)).status).toBe(302);
    expect((await t.http('POST', '/api/auth/reset-password', { body: { token, newPassword: 'the-new-secret-phrase' } })).status).toBe(200);
    await t.http('POST', '/api/auth/sign-in/email', { body: { email, password: 'the-new-secret-phrase' } });

    const all = lines.join('') + JSON.stringify(consoleCalls);
    // The capture works: requests and better-auth's own warning are in it...
    expect(all).toContain('/api/auth/sign-in/email');
    expect(all).toMatch(/Invalid password/);
    // ...and no password, new or old, right or wrong, nor the reset token.
    for (const secret of [PASSWORD, 'a-wrong-password-123', 'the-new-secret-phrase', token]) expect(all).not.toContain(secret);
    // better-auth's lines go through pino, not the console.
    expect(JSON.stringify(consoleCalls)).not.toMatch(/Better Auth/);
  });
});
