import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { assertNoHorizontalScroll, checkA11y, launchBrowser, screenshot } from './lib/browser.js';
import { signIn, stepper } from './lib/journey.js';
import { startServer, type TestServer } from './lib/server.js';

const TIMEOUT = 20_000;

describe('certificate journey', { timeout: 600_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let instructor: BrowserContext;
  let learner: BrowserContext;
  let staffPage: Page;
  let page: Page;
  let courseId = '';
  let code = '';
  let jwt = '';
  const learnerName = `Ada Verifier ${Date.now().toString(36)}`;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    instructor = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    instructor.setDefaultTimeout(TIMEOUT);
    staffPage = await instructor.newPage();
    page = staffPage;
  });

  const step = stepper(() => page);

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  step('the instructor sets a certificate template on "Learn to Learn"', async () => {
    const catalog = await instructor.request.get('/api/v1/catalog/courses?q=learn');
    const course = ((await catalog.json()) as { items: { id: string; title: string }[] }).items.find((c) => c.title === 'Learn to Learn');
    assert.ok(course, 'the demo course is in the catalog');
    courseId = course.id;
    await signIn(page, 'instructor@lyceum.local', 'lyceum-instructor-2026');
    await page.getByRole('button', { name: /^Account menu for/ }).waitFor();
    await page.goto(`/teach/courses/${courseId}`);
    await page.getByRole('heading', { level: 1, name: 'Learn to Learn' }).waitFor();
    await page.getByRole('link', { name: 'Certificate', exact: true }).click();
    await page.waitForURL(new RegExp(`/teach/courses/${courseId}/certificate$`));
    await page.getByText('This course does not issue certificates yet.').waitFor();
    await page.getByText('No certificates issued yet.').waitFor();
    assert.equal(await page.title(), 'Certificate · Learn to Learn · Lyceum');

    // a required field left empty: the server's message shows beside it, nothing is saved
    await page.getByRole('button', { name: 'Start issuing certificates' }).click();
    await page.getByText('Who issues the certificate?').waitFor();
    await page.getByRole('textbox', { name: 'Issued by' }).fill('Lyceum Academy');
    await page.getByRole('textbox', { name: 'Signer name' }).fill('Grace Hopper');
    await page.getByRole('textbox', { name: 'Signer title' }).fill('Dean of Studies');
    await page.getByRole('textbox', { name: 'Description (optional)' }).fill('Five short lessons on how to study.');
    await page.getByRole('button', { name: 'Start issuing certificates' }).click();
    await page.locator('.mantine-Notification-root').filter({ hasText: 'Certificate template saved.' }).first().waitFor();

    const signature = await QRCode.toBuffer('signature', { width: 160, margin: 1 });
    await page.locator('input[name="signature"]').setInputFiles({ name: 'signature.png', mimeType: 'image/png', buffer: signature });
    await page.getByTestId('signature-image').waitFor();
    await page.getByRole('button', { name: 'Preview PDF' }).click();
    await page.getByTestId('preview-link').waitFor();
    await checkA11y(page, 'certificate template');
    await screenshot(page, 'certificate-template');
  });

  step('a learner completes the course and sees the certificate', async () => {
    learner = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 1280, height: 900 } });
    learner.setDefaultTimeout(TIMEOUT);
    page = await learner.newPage();
    await page.goto('/sign-up');
    await page.getByLabel('Full name').fill(learnerName);
    await page.getByLabel('Email').fill(`verifier-${Date.now()}@example.com`);
    await page.getByRole('textbox', { name: 'Password' }).fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('button', { name: `Account menu for ${learnerName}` }).waitFor();
    await page.goto('/my-certificates');
    await page.getByText('No certificates yet').waitFor();
    await checkA11y(page, 'my certificates (empty)');

    await page.goto(`/courses/learn-to-learn`);
    await page.getByRole('button', { name: /^Enroll/ }).click();
    await page.getByRole('button', { name: 'Start learning' }).click();
    await page.waitForURL(/\/learn\/[^/]+\/lessons\//);
    await page.getByRole('button', { name: 'Mark as complete' }).waitFor();
    const total = await page.getByTestId('sidebar-lesson').count();
    for (let i = 0; i < total; i++) {
      await page.locator('[data-testid="lesson-completed"], button:has-text("Mark as complete")').first().waitFor();
      const title = (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
      const mark = page.getByRole('button', { name: 'Mark as complete' });
      if (await mark.isVisible()) await mark.click();
      await page.getByTestId('lesson-completed').waitFor();
      if (i < total - 1) {
        await page.getByRole('button', { name: 'Next lesson →' }).click();
        await page.waitForFunction((old) => document.querySelector('h1')?.textContent !== old, title);
      }
    }
    await page.getByText('Congratulations, you completed the course!').waitFor();

    await page.getByRole('button', { name: `Account menu for ${learnerName}` }).click();
    await page.getByRole('menuitem', { name: 'My certificates' }).click();
    await page.getByRole('heading', { level: 1, name: 'My certificates' }).waitFor();
    const card = page.getByTestId('certificate-card').filter({ hasText: 'Learn to Learn' });
    await card.getByRole('link', { name: 'Download PDF: Learn to Learn' }).waitFor({ timeout: 60_000 });
    code = ((await card.getByText(/Certificate ID: LYC-/).textContent()) ?? '').replace('Certificate ID: ', '').trim();
    assert.match(code, /^LYC-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    // the Open Badge's image: the SVG badge is served publicly and shows in the card
    const badgeImg = card.getByRole('img', { name: 'Open Badge for Learn to Learn' });
    await badgeImg.waitFor();
    await page.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await badgeImg.elementHandle());
    const svg = await page.request.get((await badgeImg.getAttribute('src'))!, { headers: { cookie: '' } });
    assert.equal(svg.status(), 200);
    assert.match(svg.headers()['content-type'] ?? '', /^image\/svg\+xml/);
    assert.match(await svg.text(), />Learn to Learn</);
    await checkA11y(page, 'my certificates');
    await screenshot(page, 'my-certificates');
  });

  step('downloads the PDF and the Open Badge', async () => {
    const card = page.getByTestId('certificate-card').filter({ hasText: 'Learn to Learn' });
    const [pdf] = await Promise.all([page.waitForEvent('download'), card.getByRole('link', { name: 'Download PDF: Learn to Learn' }).click()]);
    assert.equal(pdf.suggestedFilename(), `certificate-${code}.pdf`);
    const bytes = readFileSync((await pdf.path())!);
    assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
    const [badge] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Signed badge (.jwt): Learn to Learn' }).click()]);
    assert.equal(badge.suggestedFilename(), `open-badge-${code}.jwt`);
    jwt = readFileSync((await badge.path())!, 'utf8');
    assert.equal(jwt.split('.').length, 3);
    const [json] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Open Badge (.json): Learn to Learn' }).click()]);
    const credential = JSON.parse(readFileSync((await json.path())!, 'utf8')) as { type: string[]; credentialSubject: { name: string } };
    assert.deepEqual(credential.type, ['VerifiableCredential', 'OpenBadgeCredential']);
    assert.equal(credential.credentialSubject.name, learnerName);
  });

  step('the verification page says valid, and the credential verifies', async () => {
    await page.getByRole('link', { name: 'Verification page: Learn to Learn' }).click();
    await page.waitForURL(new RegExp(`/verify/${code}$`));
    const status = page.getByTestId('verify-status');
    await status.waitFor();
    assert.equal(await status.getAttribute('data-status'), 'valid');
    await page.getByText(learnerName).first().waitFor();
    await page.getByRole('textbox', { name: 'Credential' }).fill(jwt);
    await page.getByRole('button', { name: 'Verify credential' }).click();
    const result = page.getByTestId('credential-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-outcome'), 'valid');
    await checkA11y(page, 'verification page');
    await screenshot(page, 'verify-valid');

    // a visitor who is not signed in opens the same page at phone width; a changed credential is refused
    const visitor = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US', viewport: { width: 375, height: 800 } });
    try {
      const anon = await visitor.newPage();
      await anon.goto(`/verify/${code}`);
      await anon.locator('[data-testid="verify-status"][data-status="valid"]').waitFor({ timeout: TIMEOUT });
      await assertNoHorizontalScroll(anon, 'verification page at 375 px');
      const [h, p, s] = jwt.split('.');
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as { vc: { credentialSubject: { name: string } } };
      claims.vc.credentialSubject.name = 'Mallory';
      await anon.getByRole('textbox', { name: 'Credential' }).fill(`${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`);
      await anon.getByRole('button', { name: 'Verify credential' }).click();
      await anon.locator('[data-testid="credential-result"][data-outcome="signature_invalid"]').waitFor({ timeout: TIMEOUT });
      await checkA11y(anon, 'verification page, refused credential, 375 px');
      await screenshot(anon, 'verify-refused-375');
    } finally {
      await visitor.close();
    }
  });

  step('the instructor revokes it and the page says revoked', async () => {
    page = staffPage;
    await page.goto(`/teach/courses/${courseId}/certificate`);
    const row = page.getByTestId('issued-table').getByRole('row').filter({ hasText: learnerName });
    await row.getByRole('button', { name: `Revoke: ${learnerName}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this certificate?' });
    await dialog.getByRole('button', { name: 'Revoke certificate' }).click();
    await dialog.getByText('Say why the certificate is revoked.').waitFor();
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('Issued to the wrong account');
    await checkA11y(page, 'revoke dialog');
    await dialog.getByRole('button', { name: 'Revoke certificate' }).click();
    await page.locator('.mantine-Notification-root').filter({ hasText: `Certificate ${code} revoked.` }).first().waitFor();
    await row.getByText('Revoked').waitFor();
    await screenshot(page, 'certificate-revoked-staff');

    page = await learner.newPage();
    await page.goto(`/verify/${code}`);
    await page.locator('[data-testid="verify-status"][data-status="revoked"]').waitFor();
    await page.getByText('Reason: Issued to the wrong account').waitFor();
    await page.getByRole('textbox', { name: 'Credential' }).fill(jwt);
    await page.getByRole('button', { name: 'Verify credential' }).click();
    await page.locator('[data-testid="credential-result"][data-outcome="revoked"]').waitFor();
    await checkA11y(page, 'verification page, revoked');
    await screenshot(page, 'verify-revoked');
  });
});
