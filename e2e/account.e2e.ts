import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertNoHorizontalScroll, checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 15_000;

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

/** RFC 6238 TOTP: HMAC-SHA1 over the 30 s step counter, dynamically truncated to 6 digits. */
function totp(key: Buffer, at = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** Quoted-printable soft line breaks and escapes, as nodemailer writes long lines. */
function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * The link (containing `marker`) in the newest email to `to` written after `since` files were
 * there; waits for the mail job to write it.
 */
async function linkFromMail(dataDir: string, to: string, marker: string, seen: Set<string>): Promise<string> {
  const dir = path.join(dataDir, 'mail');
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.eml') && !seen.has(f)).sort().reverse();
    } catch {
      // the directory appears with the first mail
    }
    for (const f of files) {
      const raw = readFileSync(path.join(dir, f), 'utf8');
      const headerEnd = raw.search(/\r?\n\r?\n/);
      const headers = raw.slice(0, headerEnd);
      if (!new RegExp(`^To:.*${to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'im').test(headers)) continue;
      const body = decodeQuotedPrintable(raw.slice(headerEnd));
      const link = body.match(/https?:\/\/[^\s"<>]+/g)?.find((u) => u.includes(marker));
      if (link) {
        seen.add(f);
        return link;
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no email to ${to} with a ${marker} link`);
}

// 1x1 transparent PNG
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

describe('account screens', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const email = `account-${Date.now()}@example.com`;
  let name = 'Ada Account';
  const passwords = ['first-password-2026', 'second-password-2026', 'third-password-2026'];
  const usedMails = new Set<string>();
  let totpKey: Buffer = Buffer.alloc(0);
  let backupCodes: string[] = [];

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(TIMEOUT);
    page = await context.newPage();
  });

  const step = stepper(() => page, 'account');

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const menu = () => page.getByRole('button', { name: `Account menu for ${name}` });
  const signOut = async () => {
    await menu().click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
  };
  const signInWithPassword = async (password: string) => {
    await page.goto('/sign-in');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(email);
    await page.getByRole('textbox', { name: 'Password' }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  step('signs up and confirms the email from the link in the mail', async () => {
    await page.goto('/sign-up');
    await page.getByLabel('Full name').fill(name);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('textbox', { name: 'Password' }).fill(passwords[0]!);
    await page.getByRole('button', { name: 'Create account' }).click();
    await menu().waitFor();

    // not verified yet: the profile says so and can send the link again
    await page.goto('/account');
    await page.getByRole('heading', { level: 1, name: 'Profile and settings' }).waitFor();
    await page.getByTestId('email-state').filter({ hasText: 'Not verified' }).waitFor();
    await page.getByRole('button', { name: 'Send the verification email again' }).click();
    await page.getByText(`We sent a new confirmation link to ${email}.`).waitFor();

    const link = await linkFromMail(server.dataDir, email, '/api/auth/verify-email', usedMails);
    assert.match(link, /callbackURL=%2Fverify-email/);
    await page.goto(link);
    await page.waitForURL(/\/verify-email$/);
    await page.getByText('Your email is verified').waitFor();
    assert.equal(await page.title(), 'Email confirmation · Lyceum');
    await checkA11y(page, 'verify email');
    await screenshot(page, 'account-verify-email');

    // a broken link lands on the same page with the error and a way to get a new one
    await page.goto('/api/auth/verify-email?token=forged&callbackURL=%2Fverify-email');
    await page.waitForURL(/\/verify-email\?error=/);
    await page.getByText('We could not verify your email').waitFor();
    // this account is verified already, so nothing is sent again
    await page.getByText(`${email} is verified already.`, { exact: false }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Send the verification email again' }).count(), 0);
    await checkA11y(page, 'verify email (error)');
  });

  step('edits the profile: name, time zone, language (the UI follows) and picture', async () => {
    await page.goto('/account');
    await page.getByTestId('email-state').filter({ hasText: 'Verified' }).waitFor();
    await checkA11y(page, 'profile');
    await screenshot(page, 'account-profile');

    name = 'Grace Account';
    await page.getByLabel('Full name').fill(name);
    await page.getByLabel('About you').fill('I learn things.');
    await page.locator('#profile-timezone').fill('Madrid');
    await page.getByRole('option', { name: 'Europe/Madrid' }).click();
    await page.locator('#profile-locale').click();
    await page.getByRole('option', { name: 'Español' }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();

    await page.getByRole('heading', { level: 1, name: 'Perfil y ajustes' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');
    await page.getByRole('button', { name: `Menú de la cuenta de ${name}` }).waitFor();
    const me = (await (await page.request.get('/api/v1/me')).json()) as { name: string; locale: string; timezone: string; bio: string };
    assert.deepEqual([me.name, me.locale, me.timezone, me.bio], [name, 'es', 'Europe/Madrid', 'I learn things.']);

    // and back to English, from the same form
    await page.locator('#profile-locale').click();
    await page.getByRole('option', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Guardar los cambios' }).click();
    await page.getByRole('heading', { level: 1, name: 'Profile and settings' }).waitFor();

    // the picture: upload, shown, removed after confirming
    await page.locator('input[type="file"]').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PNG });
    await page.getByText('Your profile picture was updated.').waitFor();
    await page.getByRole('img', { name: `Profile picture of ${name}` }).waitFor();
    await page.getByRole('button', { name: 'Remove the picture' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove the picture' }).click();
    await page.getByText('Your profile picture was removed.').waitFor();
    assert.equal(await page.getByRole('img', { name: `Profile picture of ${name}` }).count(), 0);
    assert.equal(((await (await page.request.get('/api/v1/me')).json()) as { image: string | null }).image, null);
  });

  step('changes the password', async () => {
    await page.goto('/account/security');
    await page.getByRole('heading', { level: 1, name: 'Password and security' }).waitFor();
    await page.getByLabel('Current password').fill('not-the-password');
    await page.getByRole('textbox', { name: 'New password', exact: true }).fill(passwords[1]!);
    await page.getByLabel('Repeat the new password').fill(passwords[1]!);
    await page.getByRole('button', { name: 'Change the password' }).click();
    await page.getByText('The password is not correct.').waitFor();

    await page.getByLabel('Current password').fill(passwords[0]!);
    await page.getByRole('button', { name: 'Change the password' }).click();
    await page.getByText('Your password was changed and your other devices were signed out.').waitFor();
    assert.equal(await page.getByLabel('Current password').inputValue(), '');
  });

  step('creates a personal API key, uses it, and revokes it', async () => {
    await page.getByText('You have no API keys yet.', { exact: false }).waitFor();
    await page.getByLabel('Key name').fill('CI script');
    await page.getByRole('button', { name: 'Create a key' }).click();
    const key = ((await page.getByTestId('new-api-key').textContent()) ?? '').trim();
    assert.match(key, /^lyk_/);
    await page.getByTestId('api-keys').getByText('CI script').waitFor();
    const me = await fetch(`${server.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { email: string }).email, email);

    await page.getByRole('button', { name: 'Revoke the key CI script' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('The key "CI script" was revoked.').waitFor();
    await page.getByTestId('api-keys').getByText('Revoked').waitFor();
    assert.equal((await fetch(`${server.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${key}` } })).status, 401);
  });

  step('turns on two-step verification with a TOTP app', async () => {
    await page.getByLabel('Your password').fill(passwords[1]!);
    await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
    await page.getByRole('img', { name: 'QR code to add Lyceum to an authenticator app' }).waitFor();
    const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
    assert.match(secret, /^[A-Z2-7]+=*$/);
    totpKey = base32Decode(secret);
    backupCodes = (await page.getByTestId('backup-codes').locator('li').allTextContents()).map((c) => c.trim());
    assert.ok(backupCodes.length >= 5, 'backup codes are shown');
    await page.getByRole('button', { name: 'Download the codes' }).waitFor();
    await checkA11y(page, 'security (2FA setup)');
    await screenshot(page, 'account-security-2fa-setup');

    await page.getByLabel('Code from the app').fill(totp(totpKey));
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await page.getByText('Two-step verification is on.').waitFor();
    await page.getByTestId('two-factor-state').filter({ hasText: 'On' }).waitFor();
    assert.equal(((await (await page.request.get('/api/v1/me')).json()) as { twoFactorEnabled: boolean }).twoFactorEnabled, true);
    await checkA11y(page, 'security');
    await screenshot(page, 'account-security');
  });

  step('signs in with the password and then the code', async () => {
    await signOut();
    await signInWithPassword(passwords[1]!);
    await page.getByRole('heading', { level: 1, name: 'Two-step verification' }).waitFor();
    assert.equal(await page.title(), 'Two-step verification · Lyceum');
    await checkA11y(page, 'sign in (second step)');
    await screenshot(page, 'account-sign-in-2fa');
    const current = totp(totpKey);
    await page.getByLabel('Authentication code').fill(current === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('This code is not correct or has expired.', { exact: false }).waitFor();
    await page.getByLabel('Authentication code').fill(totp(totpKey));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'My learning' }).waitFor();
    await menu().waitFor();
  });

  step('resets a forgotten password from the emailed link', async () => {
    await signOut();
    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor();
    await checkA11y(page, 'forgot password');

    // an unknown address gets the same answer: no account enumeration
    await page.getByLabel('Email').fill('nobody-here@example.com');
    await page.getByRole('button', { name: 'Send the reset link' }).click();
    await page.getByText('If an account exists for nobody-here@example.com', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Use another email' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send the reset link' }).click();
    await page.getByText(`If an account exists for ${email}`, { exact: false }).waitFor();
    await screenshot(page, 'account-forgot-password');

    const link = await linkFromMail(server.dataDir, email, '/api/auth/reset-password/', usedMails);
    await page.goto(link);
    await page.waitForURL(/\/reset-password\?token=/);
    await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    await checkA11y(page, 'reset password');
    await page.getByRole('textbox', { name: 'New password', exact: true }).fill(passwords[2]!);
    await page.getByLabel('Repeat the new password').fill('something-else-2026');
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await page.getByText('The two passwords are not the same.').waitFor();
    await page.getByLabel('Repeat the new password').fill(passwords[2]!);
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await page.getByText('Your password was changed. Sign in with the new password.').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();

    // the link works once
    await page.goto(link);
    await page.waitForURL(/\/reset-password\?error=INVALID_TOKEN/);
    await page.getByText('This link does not work').waitFor();
    await page.getByRole('link', { name: 'Ask for a new link' }).waitFor();

    // the old password no longer works; the new one does, with a backup code as second step
    await signInWithPassword(passwords[1]!);
    await page.getByText('The email or the password is not correct.').waitFor();
    await signInWithPassword(passwords[2]!);
    await page.getByRole('heading', { level: 1, name: 'Two-step verification' }).waitFor();
    await page.getByRole('button', { name: 'Use a backup code instead' }).click();
    await page.getByLabel('Backup code').fill(backupCodes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'My learning' }).waitFor();
  });

  step('creates organizations and switches between them from the account menu', async () => {
    const orgs = async () =>
      ((await (await page.request.get('/api/v1/me/organizations')).json()) as { items: { name: string; active: boolean }[] }).items;
    assert.equal((await orgs()).length, 0, 'a new account belongs to no organization');
    assert.equal(await page.getByRole('link', { name: 'Organization' }).count(), 0);

    for (const org of ['Alpha Guild', 'Beta Guild']) {
      await menu().click();
      await page.getByRole('menuitem', { name: 'Create an organization' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create an organization' });
      await dialog.waitFor();
      if (org === 'Alpha Guild') {
        await dialog.getByRole('button', { name: 'Create' }).click();
        await dialog.getByText('This field is required.').waitFor();
        await checkA11y(page, 'create organization');
        await screenshot(page, 'account-create-organization');
      }
      await dialog.getByLabel('Organization name').fill(org);
      await dialog.getByRole('button', { name: 'Create' }).click();
      await page.getByText(`Organization "${org}" created. You are now working in it.`).waitFor();
      await dialog.waitFor({ state: 'hidden' });
    }
    // the owner's nav follows the new permissions
    await page.getByRole('link', { name: 'Organization' }).first().waitFor();
    assert.deepEqual((await orgs()).find((o) => o.active)?.name, 'Beta Guild');

    // the menu works from the keyboard: it opens with focus on an item
    await menu().focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.getAttribute('role')?.startsWith('menuitem') ?? false);
    await page.keyboard.press('Escape');
    await page.getByRole('menu').waitFor({ state: 'hidden' });

    await menu().click();
    assert.equal(await page.getByRole('menuitemradio', { name: 'Beta Guild' }).getAttribute('aria-checked'), 'true');
    assert.equal(await page.getByRole('menuitemradio', { name: 'Alpha Guild' }).getAttribute('aria-checked'), 'false');
    await checkA11y(page, 'account menu');
    await screenshot(page, 'account-menu');
    await page.getByRole('menuitemradio', { name: 'Alpha Guild' }).click();
    await page.getByText('You are now working in Alpha Guild.').waitFor();
    assert.deepEqual((await orgs()).find((o) => o.active)?.name, 'Alpha Guild');
    await menu().click();
    await page.getByRole('menuitemradio', { name: 'Alpha Guild', checked: true }).waitFor();
    await page.getByRole('menuitemradio', { name: 'Beta Guild' }).click();
    await page.getByText('You are now working in Beta Guild.').waitFor();
    assert.deepEqual((await orgs()).find((o) => o.active)?.name, 'Beta Guild');
  });

  step('works at 375 px in the dark theme, and turns two-step verification off', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto('/account/security');
    await page.getByTestId('two-factor-state').filter({ hasText: 'On' }).waitFor();
    await page.getByTestId('api-keys').waitFor();
    await page.getByRole('button', { name: 'Toggle light and dark theme' }).click();
    assert.equal(await page.locator('html').getAttribute('data-mantine-color-scheme'), 'dark');
    await assertNoHorizontalScroll(page, 'the security page');
    await checkA11y(page, 'security (dark, 375 px)');
    await screenshot(page, 'account-security-375-dark');

    await page.getByLabel('Your password').fill(passwords[2]!);
    await page.getByRole('button', { name: 'Turn off two-step verification' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Turn off two-step verification' }).click();
    await page.getByText('Two-step verification is off.').waitFor();
    await page.getByTestId('two-factor-state').filter({ hasText: 'Off' }).waitFor();

    await page.goto('/account');
    await page.getByTestId('email-state').waitFor();
    await assertNoHorizontalScroll(page, 'the profile page');
    await checkA11y(page, 'profile (dark, 375 px)');
    await screenshot(page, 'account-profile-375-dark');
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
