import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertNoHorizontalScroll, checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 15_000;
const ADMIN = { email: 'admin@lyceum.local', password: 'lyceum-admin-2026' };

/** The body of an .eml file with quoted-printable soft breaks and escapes undone. */
function decodeQuotedPrintable(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Waits for the newest email to `to` in the server's mail folder and returns the invitation link in it. */
async function invitationLinkFor(dataDir: string, to: string): Promise<string> {
  const dir = path.join(dataDir, 'mail');
  const deadline = Date.now() + TIMEOUT;
  while (Date.now() < deadline) {
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
    } catch {
      files = [];
    }
    for (const f of files.reverse()) {
      const text = decodeQuotedPrintable(readFileSync(path.join(dir, f), 'utf8'));
      if (!text.toLowerCase().includes(to.toLowerCase())) continue;
      const link = /https?:\/\/[^\s"<>]+\/invitations\/[A-Za-z0-9_-]+/.exec(text)?.[0];
      if (link) return link;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no invitation email to ${to} in ${dir}`);
}

describe('admin journey', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let adminContext: BrowserContext;
  let memberContext: BrowserContext;
  let page: Page;
  let member: Page;
  const stamp = Date.now();
  const email = `invitee-${stamp}@example.com`;
  const name = 'Iris Invitee';
  const password = 'invited-and-happy-2026';
  let link = '';

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    adminContext = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    adminContext.setDefaultTimeout(TIMEOUT);
    page = await adminContext.newPage();
    memberContext = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    memberContext.setDefaultTimeout(TIMEOUT);
    member = await memberContext.newPage();
  });

  /** A step of the journey; on failure screenshots of both browsers go to e2e/artifacts/. */
  const step = stepper(() => [page, member], 'admin');

  after(async () => {
    await browser?.close();
    await server?.stop();
  });


  step('the admin signs in and invites a new email as a learner', async () => {
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole('button', { name: /^Account menu for/ }).waitFor();
    await page.getByRole('link', { name: 'Organization' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Organization settings' }).waitFor();
    await page.getByRole('link', { name: 'Invitations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Invitations' }).waitFor();
    assert.equal(await page.title(), 'Invitations · Lyceum');

    // nothing typed: the message is beside the field
    await page.getByRole('button', { name: 'Send invitations' }).click();
    await page.getByText('Enter at least one email address.').waitFor();

    await page.getByRole('textbox', { name: 'Email addresses' }).fill(email);
    assert.equal(await page.getByRole('combobox', { name: 'Role' }).inputValue(), 'Learner');
    await page.getByRole('button', { name: 'Send invitations' }).click();
    await page.getByText('Invitation sent.').waitFor();
    const row = page.getByTestId('invitation-row').filter({ hasText: email });
    await row.getByText('Pending').waitFor();
    await row.getByText('Learner').waitFor();
    await checkA11y(page, 'invitations');
    await screenshot(page, 'admin-invitations');

    // a second invitation, revoked after confirming, leaves the pending list
    const other = `revoked-${stamp}@example.com`;
    await page.getByRole('textbox', { name: 'Email addresses' }).fill(other);
    await page.getByRole('button', { name: 'Send invitations' }).click();
    const otherRow = page.getByTestId('invitation-row').filter({ hasText: other });
    await otherRow.waitFor();
    await otherRow.getByRole('button', { name: `Revoke the invitation for ${other}` }).click();
    await page.getByRole('dialog', { name: 'Revoke this invitation?' }).getByRole('button', { name: 'Revoke invitation' }).click();
    await page.getByText(`The invitation for ${other} was revoked.`).waitFor();
    await otherRow.waitFor({ state: 'detached' });
    await page.getByTestId('invitation-filter').getByText('Revoked', { exact: true }).click();
    await page.getByTestId('invitation-row').filter({ hasText: other }).getByText('Revoked', { exact: true }).waitFor();
    await page.getByTestId('invitation-filter').getByText('Pending', { exact: true }).click();
    await page.getByTestId('invitation-row').filter({ hasText: email }).waitFor();

    // several at once: the one that cannot be invited says why, the others are sent
    const third = `third-${stamp}@example.com`;
    await page.getByRole('textbox', { name: 'Email addresses' }).fill(`instructor@lyceum.local, ${third}`);
    await page.getByRole('button', { name: 'Send invitations' }).click();
    await page.getByRole('alert').filter({ hasText: 'Some invitations were not sent' }).getByText(/instructor@lyceum\.local: .*already a member/).waitFor();
    await page.getByTestId('invitation-row').filter({ hasText: third }).waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Email addresses' }).inputValue(), 'instructor@lyceum.local');
  });

  step('the invitee opens the emailed link, signs up with that email and accepts', async () => {
    link = await invitationLinkFor(server.dataDir, email);
    assert.ok(link.startsWith(server.baseUrl), `the link points at the app: ${link}`);
    await member.goto(link);
    await member.getByRole('heading', { level: 1, name: 'Join Lyceum Academy' }).waitFor();
    await member.getByText(/invited you to join Lyceum Academy as Learner/).waitFor();
    assert.equal(await member.title(), 'Invitation · Lyceum');
    await checkA11y(member, 'invitation (signed out)');
    await screenshot(member, 'admin-invitation-signed-out');

    // the revoked invitation's link says so and offers nothing to accept
    await member.goto(await invitationLinkFor(server.dataDir, `revoked-${stamp}@example.com`));
    await member.getByText('This invitation was revoked').waitFor();
    assert.equal(await member.getByRole('link', { name: 'Create an account' }).count(), 0);
    await checkA11y(member, 'invitation (revoked)');

    await member.goto(link);
    await member.getByRole('link', { name: 'Create an account' }).click();
    await member.getByRole('heading', { level: 1, name: 'Create your account' }).waitFor();
    await member.getByLabel('Full name').fill(name);
    await member.getByLabel('Email').fill(email);
    await member.getByRole('textbox', { name: 'Password' }).fill(password);
    await member.getByRole('button', { name: 'Create account' }).click();
    // back on the invitation, now signed in
    await member.getByRole('button', { name: 'Accept the invitation' }).waitFor();
    assert.match(member.url(), /\/invitations\//);
    await checkA11y(member, 'invitation (signed in)');
    await member.getByRole('button', { name: 'Accept the invitation' }).click();
    await member.getByText('Welcome to Lyceum Academy!').waitFor();
    await member.getByRole('heading', { level: 1, name: 'Catalog' }).waitFor();
    assert.equal(new URL(member.url()).pathname, '/');

    // a learner has no teaching rights yet
    assert.equal(await member.getByRole('link', { name: 'Teach' }).count(), 0);
    assert.equal((await member.request.get('/api/v1/courses')).status(), 403);

    // the used link now says so
    await member.goto(link);
    await member.getByText('This invitation was already accepted').waitFor();
  });

  step('the admin sees the new member and makes them an instructor', async () => {
    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByRole('heading', { level: 1, name: 'Members' }).waitFor();
    await page.getByTestId('member-row').first().waitFor();
    await page.getByRole('searchbox', { name: 'Search members' }).pressSequentially('invitee-', { delay: 30 });
    const row = page.getByTestId('member-row').filter({ hasText: email });
    await row.waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="member-row"]').length === 1);
    await checkA11y(page, 'members');
    await screenshot(page, 'admin-members');

    // raising needs no confirmation; lowering an administrator asks first
    const roleSelect = row.getByRole('combobox', { name: `Role of ${name}` });
    await roleSelect.click();
    await page.getByRole('option', { name: 'Administrator', exact: true }).click();
    await page.getByText(`${name} is now Administrator.`).waitFor();
    await roleSelect.click();
    await page.getByRole('option', { name: 'Instructor', exact: true }).click();
    const lower = page.getByRole('dialog', { name: 'Lower this role?' });
    await lower.getByText(`${name} goes from Administrator to Instructor`).waitFor();
    await lower.getByRole('button', { name: 'Change the role' }).click();
    await page.getByText(`${name} is now Instructor.`).waitFor();
    assert.equal(await roleSelect.inputValue(), 'Instructor');

    // removing the only owner (the admin) is not offered; lowering an owner asks first. The seeded
    // instructor is not an owner, so check the guard on the admin's own row instead: it has no select.
    const own = page.getByTestId('member-row').filter({ hasText: ADMIN.email });
    await page.getByRole('searchbox', { name: 'Search members' }).fill('');
    await own.waitFor();
    assert.equal(await own.getByRole('combobox').count(), 0, 'one cannot change one’s own role');

    // removing a member asks first, and the member is gone after a reload
    const leo = page.getByTestId('member-row').filter({ hasText: 'learner@lyceum.local' });
    await leo.getByRole('button', { name: 'Remove Leo Learner' }).click();
    await page.getByRole('dialog', { name: 'Remove this member?' }).getByRole('button', { name: 'Remove member' }).click();
    await page.getByText('Leo Learner was removed from the organization.').waitFor();
    await page.reload();
    await own.waitFor();
    assert.equal(await page.getByTestId('member-row').filter({ hasText: 'learner@lyceum.local' }).count(), 0);
  });

  step('the admin creates a custom role with a couple of permissions', async () => {
    await page.getByRole('link', { name: 'Roles' }).click();
    await page.getByRole('heading', { level: 1, name: 'Roles' }).waitFor();
    await page.getByTestId('builtin-role').first().waitFor();
    await page.getByText('No custom roles yet').waitFor();
    await checkA11y(page, 'roles');

    await page.getByRole('button', { name: 'New role' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New role' });
    await dialog.waitFor();
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Course reviewer');
    assert.equal(await dialog.getByRole('textbox', { name: 'Key' }).inputValue(), 'course_reviewer');
    await dialog.getByRole('checkbox', { name: /See every course of the organization/ }).check();
    await dialog.getByRole('checkbox', { name: /See enrollments and learners/ }).check();
    await checkA11y(page, 'role editor');
    await screenshot(page, 'admin-role-editor');
    await dialog.getByRole('button', { name: 'Create role' }).click();
    await page.getByText('The role "Course reviewer" was created.').waitFor();
    const card = page.getByTestId('custom-role').filter({ hasText: 'Course reviewer' });
    await card.getByText('See every course of the organization, drafts included').waitFor();
    await card.getByText("See enrollments and learners' progress in courses you teach").waitFor();
    await screenshot(page, 'admin-roles');

    // it is stored: after a reload it is still there
    await page.reload();
    await page.getByTestId('custom-role').filter({ hasText: 'Course reviewer' }).waitFor();

    // edit: drop a permission and describe it
    await card.getByRole('button', { name: 'Edit the role Course reviewer' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit the role Course reviewer' });
    await edit.getByRole('textbox', { name: 'Description' }).fill('Reads every course to review it');
    await edit.getByRole('checkbox', { name: /See enrollments and learners/ }).uncheck();
    await edit.getByRole('button', { name: 'Save role' }).click();
    await page.getByText('The role "Course reviewer" was saved.').waitFor();
    await card.getByText('Reads every course to review it').waitFor();
    await card.getByText("See enrollments and learners' progress in courses you teach").waitFor({ state: 'detached' });

    // a second role, deleted after confirming
    await page.getByRole('button', { name: 'New role' }).first().click();
    await page.getByRole('dialog', { name: 'New role' }).getByRole('textbox', { name: 'Name' }).fill('Temporary helper');
    await page.getByRole('dialog', { name: 'New role' }).getByRole('button', { name: 'Create role' }).click();
    const temp = page.getByTestId('custom-role').filter({ hasText: 'Temporary helper' });
    await temp.getByText('No administrative permissions').waitFor();
    await temp.getByRole('button', { name: 'Delete the role Temporary helper' }).click();
    await page.getByRole('dialog', { name: 'Delete this role?' }).getByRole('button', { name: 'Delete role' }).click();
    await page.getByText('The role "Temporary helper" was deleted.').waitFor();
    await temp.waitFor({ state: 'detached' });
    await page.reload();
    await card.waitFor();
    assert.equal(await page.getByTestId('custom-role').count(), 1);
  });

  step('the member, after a reload, has the new rights', async () => {
    await member.goto('/');
    await member.getByRole('link', { name: 'Teach' }).first().waitFor();
    assert.equal((await member.request.get('/api/v1/courses')).status(), 200);
  });

  step('the admin edits the organization settings; a bad website is refused beside the field', async () => {
    await page.getByRole('link', { name: 'Organization' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Organization settings' }).waitFor();
    const website = page.getByRole('textbox', { name: 'Website' });
    await website.fill('not a website');
    const refused = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/api/v1/organizations/'));
    await page.getByRole('button', { name: 'Save settings' }).click();
    const res = await refused;
    assert.equal(res.status(), 400, await res.text());
    // the server's field error shows under the field
    await page.waitForFunction(() => document.querySelector('input[type="url"]')?.getAttribute('aria-invalid') === 'true');
    const errorId = (await website.getAttribute('aria-describedby'))?.split(' ').find((id) => id.endsWith('-error'));
    assert.ok(errorId, 'the field points at its error message');
    assert.ok(((await page.locator(`[id="${errorId}"]`).textContent()) ?? '').length > 0);
    await website.fill('https://academy.example.org');
    await page.getByRole('switch', { name: 'Allow self-enrollment' }).check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('The settings are saved.').waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Organization settings' }).waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Website' }).inputValue(), 'https://academy.example.org');
    assert.equal(await page.getByRole('switch', { name: 'Allow self-enrollment' }).isChecked(), true);
    await checkA11y(page, 'organization settings');
    await screenshot(page, 'admin-organization');
  });

  step('the platform admin suspends the member, who then cannot sign in, and reactivates them', async () => {
    await page.getByRole('link', { name: 'Platform admin' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await page.getByTestId('user-row').first().waitFor();
    await page.getByRole('searchbox', { name: 'Search users' }).pressSequentially('iris', { delay: 40 });
    const row = page.getByTestId('user-row').filter({ hasText: email });
    await row.waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="user-row"]').length === 1);
    await row.getByText('Active').waitFor();
    await checkA11y(page, 'users');

    await row.getByRole('button', { name: `Suspend ${name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Suspend ${name}?` });
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('Testing the suspension');
    await checkA11y(page, 'suspend dialog');
    await dialog.getByRole('button', { name: 'Suspend account' }).click();
    await page.getByText(`${name}'s account is suspended.`).waitFor();
    await row.getByText('Suspended').waitFor();
    await row.getByText('Reason: Testing the suspension').waitFor();
    await screenshot(page, 'admin-users');

    // the member's session is gone and signing in is refused
    assert.equal((await member.request.get('/api/v1/me')).status(), 401);
    await memberContext.clearCookies();
    await signIn(member, email, password);
    await member.getByRole('alert').filter({ hasText: /./ }).first().waitFor();
    assert.equal(await member.getByRole('button', { name: `Account menu for ${name}` }).count(), 0);

    await row.getByRole('button', { name: `Reactivate ${name}` }).click();
    await page.getByText(`${name}'s account is active again.`).waitFor();
    await row.getByText('Active').waitFor();
    await signIn(member, email, password);
    await member.getByRole('button', { name: `Account menu for ${name}` }).waitFor();
  });

  step('the admin pages work at 375 px in the dark theme and in Spanish', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto('/admin/members');
    await page.getByRole('heading', { level: 1, name: 'Members' }).waitFor();
    await page.getByTestId('member-row').first().waitFor();
    await assertNoHorizontalScroll(page, 'the members page');
    await page.getByRole('button', { name: 'Toggle light and dark theme' }).click();
    await page.getByRole('combobox', { name: 'Language' }).selectOption('es');
    await page.getByRole('heading', { level: 1, name: 'Miembros' }).waitFor();
    await checkA11y(page, 'members (es, dark, 375 px)');
    await screenshot(page, 'admin-members-375-dark-es');
    await page.goto('/admin/roles');
    await page.getByRole('heading', { level: 1, name: 'Roles' }).waitFor();
    await page.getByTestId('builtin-role').first().waitFor();
    await assertNoHorizontalScroll(page, 'the roles page');
    await checkA11y(page, 'roles (es, dark, 375 px)');
    await page.getByRole('combobox', { name: 'Idioma' }).selectOption('en');
  });
});
