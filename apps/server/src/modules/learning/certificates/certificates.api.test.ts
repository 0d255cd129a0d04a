import { generateKeyPairSync } from 'node:crypto';
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFString } from 'pdf-lib';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../kernel/events/index.js';
import { DB, type Database, inTransaction } from '../../../kernel/db/index.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type Member } from '../enrollment/enrollment.fixtures.js';
import { CourseCompleted } from '../learning.events.js';
import { QR_BOX, qrModules } from './certificate-pdf.js';
import { embeddedGlyphs, extractPdfText } from './pdf-text.fixtures.js';
import { CODE_PATTERN } from './certificates.dto.js';
import { CertificatesService } from './certificates.service.js';

let t: TestApp;
let owner: Member;
let instructor: Member;
let learner: Member;
let other: Member; // a second learner of the same organization
let member: Member; // a learner who is not staff
let stranger: Member; // owner of another organization
let course: BuiltCourse;
let bare: BuiltCourse; // a course without a certificate template

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const multipart = (name: string, type: string, data: Buffer) => {
  const boundary = '----lyceum' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
};

const template = { title: 'Certificate of completion', issuerName: 'Lyceum Test Academy', signerName: 'Grace Hopper', signerTitle: 'Dean', description: 'Twelve hours of study.' };
const tplUrl = (c = course) => `/api/v1/courses/${c.id}/certificate-template`;

async function complete(as: Member, c: BuiltCourse): Promise<void> {
  const en = await t.http("POST", `/api/v1/courses/${c.id}/enroll`, { as, headers: as.h() });
  expect(en.status, en.text).toBe(201);
  for (const lessonId of Object.values(c.lessons)) {
    const res = await t.http('POST', `/api/v1/me/courses/${c.id}/lessons/${lessonId}/complete`, { as, headers: as.h() });
    expect(res.status, res.text).toBe(200);
  }
  await t.drain();
  await t.drain();
}

/** The PDF's text as a reader extracts it (one line per text run), and its first page's raw content stream. */
async function pdfText(bytes: Uint8Array): Promise<{ doc: PDFDocument; text: string; content: string }> {
  const doc = await PDFDocument.load(bytes);
  const page = doc.getPage(0);
  const contents = page.node.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray().map((r) => doc.context.lookup(r)) : [contents];
  let content = '';
  for (const s of streams) if (s instanceof PDFRawStream) content += Buffer.from(decodePDFRawStream(s).decode()).toString('latin1');
  const text = (await extractPdfText(bytes)).lines.join('\n');
  return { doc, text, content };
}

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOrg(t, 'Certs');
  instructor = await addMember(t, owner.orgId, 'instructor');
  learner = await addMember(t, owner.orgId, 'learner', { name: 'Ada Lovelace' });
  other = await addMember(t, owner.orgId, 'learner', { name: 'Alan Turing' });
  member = await addMember(t, owner.orgId, 'learner');
  stranger = await createOrg(t, 'Elsewhere');
  course = await buildCourse(t, instructor, { title: 'Analytical Engines', visibility: 'organization' });
  bare = await buildCourse(t, instructor, { title: 'No Certificate', visibility: 'organization' });
});
afterAll(() => t?.close());

describe('certificate templates', () => {
  it('refuses bad input, non-editors, other organizations and anonymous callers, writing nothing', async () => {
    for (const body of [{}, { ...template, issuerName: '' }, { ...template, signerName: 'x'.repeat(500) }, { ...template, surprise: true }]) {
      const res = await t.http('PUT', tplUrl(), { as: instructor, headers: instructor.h(), body });
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect((await t.http('PUT', tplUrl(), { as: member, headers: member.h(), body: template })).status).toBe(403);
    expect((await t.http('PUT', tplUrl(), { as: stranger, headers: stranger.h(), body: template })).status).toBe(404);
    expect((await t.http('PUT', tplUrl(), { body: template })).status).toBe(401);
    expect((await t.http('GET', tplUrl(), { as: member, headers: member.h() })).status).toBe(403);
    expect((await t.http('GET', tplUrl(), { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect(await count(t, 'SELECT count(*) AS n FROM certificate_templates')).toBe(0);
    const none = await t.http('GET', tplUrl(), { as: instructor, headers: instructor.h() });
    expect(none.body).toEqual({ template: null, issuedCount: 0 });
  });

  it('saves the template, then a sniffed PNG signature; other files are refused', async () => {
    const sig = multipart('sig.png', 'image/png', PNG);
    const early = await t.app.inject({ method: 'PUT', url: `${tplUrl()}/signature`, headers: { ...instructor.h(), 'content-type': sig.contentType }, payload: sig.payload });
    expect(early.statusCode).toBe(409);
    const res = await t.http('PUT', tplUrl(), { as: instructor, headers: instructor.h(), body: template });
    expect(res.status).toBe(200);
    expect(res.body.template).toMatchObject({ ...template, criteria: '', signatureUrl: null });
    const fake = multipart('sig.png', 'image/png', Buffer.from('%PDF-1.4 not a png at all'));
    const bad = await t.app.inject({ method: 'PUT', url: `${tplUrl()}/signature`, headers: { ...instructor.h(), 'content-type': fake.contentType }, payload: fake.payload });
    expect(bad.statusCode).toBe(415);
    const byLearner = await t.app.inject({ method: 'PUT', url: `${tplUrl()}/signature`, headers: { ...member.h(), 'content-type': sig.contentType }, payload: sig.payload });
    expect(byLearner.statusCode).toBe(403);
    const byStranger = await t.app.inject({ method: 'PUT', url: `${tplUrl()}/signature`, headers: { ...stranger.h(), 'content-type': sig.contentType }, payload: sig.payload });
    expect(byStranger.statusCode).toBe(404);
    const ok = await t.app.inject({ method: 'PUT', url: `${tplUrl()}/signature`, headers: { ...instructor.h(), 'content-type': sig.contentType }, payload: sig.payload });
    expect(ok.statusCode).toBe(200);
    const url = ok.json().template.signatureUrl as string;
    expect(url).toMatch(/^\/files\/org\/.+\.png\?/);
    const img = await t.app.inject({ method: 'GET', url, headers: instructor.h() });
    expect(img.rawPayload.equals(PNG)).toBe(true);
  });

  it('previews a watermarked PDF for staff only', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${tplUrl()}/preview`, headers: instructor.h() });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const { text } = await pdfText(res.rawPayload);
    expect(text).toContain('PREVIEW - NOT A CERTIFICATE');
    expect(text).toContain('Analytical Engines');
    expect((await t.http('GET', `${tplUrl()}/preview`, { as: member, headers: member.h() })).status).toBe(403);
    expect((await t.http('GET', `${tplUrl(bare)}/preview`, { as: instructor, headers: instructor.h() })).status).toBe(404);
  });
});

let certId: string;
let code: string;

describe('issuing on course completion', () => {
  it('issues one certificate, renders its PDF in a job and emails the learner', async () => {
    await complete(learner, course);
    const mine = await t.http('GET', '/api/v1/me/certificates', { as: learner, headers: learner.h() });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(1);
    const c = mine.body.items[0];
    expect(c).toMatchObject({ learnerName: 'Ada Lovelace', courseTitle: 'Analytical Engines', issuerName: 'Lyceum Test Academy', signerName: 'Grace Hopper', status: 'valid', pdfReady: true });
    expect(c.code).toMatch(CODE_PATTERN);
    expect(c.verifyUrl).toBe(`${t.config.publicUrl}/verify/${c.code}`);
    certId = c.id;
    code = c.code;
    const mail = t.mails(learner.email).find((m) => m.subject.includes('certificate'));
    expect(mail?.text).toContain(code);
    expect(mail?.text).toContain(`${t.config.publicUrl}/my-certificates`);
  });

  it('a replayed or duplicated completion event issues nothing more', async () => {
    const [e] = await t.query<{ id: string; completed_at: Date }>('SELECT id, completed_at FROM enrollments WHERE user_id = $1 AND course_id = $2', [learner.userId, course.id]);
    const bus = t.app.get(EventBus);
    const db = t.app.get<symbol, Database>(DB);
    for (let i = 0; i < 2; i++) {
      await inTransaction(db, (tx) =>
        bus.emit(tx, CourseCompleted, { organizationId: owner.orgId, courseId: course.id, userId: learner.userId, enrollmentId: e!.id, completedAt: new Date().toISOString() }),
      );
    }
    await t.drain();
    await t.drain();
    expect(await count(t, 'SELECT count(*) AS n FROM certificates WHERE user_id = $1', [learner.userId])).toBe(1);
    expect(t.mails(learner.email).filter((m) => m.subject.includes('certificate'))).toHaveLength(1);
    // the render job run again (a retry) leaves the PDF and sends no second email
    const [before] = await t.query<{ pdf_key: string }>('SELECT pdf_key FROM certificates WHERE id = $1', [certId]);
    await t.app.get(CertificatesService).renderPdf(certId);
    await t.drain();
    const [after] = await t.query<{ pdf_key: string }>('SELECT pdf_key FROM certificates WHERE id = $1', [certId]);
    expect(after!.pdf_key).toBe(before!.pdf_key);
    expect(t.mails(learner.email).filter((m) => m.subject.includes('certificate'))).toHaveLength(1);
  });

  it('an issued certificate keeps what it certified when the template changes later', async () => {
    const res = await t.http('PUT', tplUrl(), { as: instructor, headers: instructor.h(), body: { ...template, signerName: 'Someone Else' } });
    expect(res.status).toBe(200);
    expect(res.body.issuedCount).toBe(1);
    const c = await t.http('GET', `/api/v1/certificates/${certId}`, { as: learner, headers: learner.h() });
    expect(c.body.signerName).toBe('Grace Hopper');
    await t.http('PUT', tplUrl(), { as: instructor, headers: instructor.h(), body: template });
  });

  it('a course without a template issues none', async () => {
    await complete(other, bare);
    expect(await count(t, 'SELECT count(*) AS n FROM certificates WHERE course_id = $1', [bare.id])).toBe(0);
    const mine = await t.http('GET', '/api/v1/me/certificates', { as: other, headers: other.h() });
    expect(mine.body.items).toEqual([]);
  });

  it('the PDF is a real PDF with the learner, the course, the id and a QR code of the verification URL', async () => {
    const c = await t.http('GET', `/api/v1/certificates/${certId}`, { as: learner, headers: learner.h() });
    expect(c.status).toBe(200);
    const file = await t.app.inject({ method: 'GET', url: c.body.pdfUrl, headers: learner.h() });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // the link is bound to the learner: someone else holding it gets nothing
    expect((await t.app.inject({ method: 'GET', url: c.body.pdfUrl, headers: other.h() })).statusCode).toBe(403);
    const { doc, text, content } = await pdfText(file.rawPayload);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getTitle()).toContain(code);
    for (const s of ['Ada Lovelace', 'Analytical Engines', `Certificate ID ${code}`, 'Issued by Lyceum Test Academy', 'Grace Hopper', 'Dean']) expect(text).toContain(s);
    const verifyUrl = `${t.config.publicUrl}/verify/${code}`;
    // the QR modules drawn on the page are exactly the QR code of the verification URL
    const qr = qrModules(verifyUrl);
    const cell = QR_BOX.width / qr.size;
    const drawn = new Set<number>();
    for (const m of content.matchAll(/(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re/g)) {
      const [x, y, w] = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (Math.abs(w - cell) > 0.01 || x < QR_BOX.x - 0.01) continue;
      const col = Math.round((x - QR_BOX.x) / cell);
      const row = Math.round((QR_BOX.y + QR_BOX.width - y) / cell) - 1;
      drawn.add(row * qr.size + col);
    }
    const expected = new Set(qr.dark.flatMap((d, i) => (d ? [i] : [])));
    expect(drawn).toEqual(expected);
    // and the QR area links to the same URL
    const annots = doc.getPage(0).node.lookup(PDFName.of('Annots'), PDFArray);
    const action = (doc.context.lookup(annots.get(0)) as PDFDict).lookup(PDFName.of('A'), PDFDict);
    expect((action.lookup(PDFName.of('URI')) as PDFString).decodeText()).toBe(verifyUrl);
    // the signature image is embedded
    expect(content).toMatch(/\/Image-\w+ Do|\/\w+ Do/);
  });

  it('staff list the course certificates; learners, strangers and anonymous callers may not', async () => {
    const list = await t.http('GET', `/api/v1/courses/${course.id}/certificates`, { as: instructor, headers: instructor.h() });
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([certId]);
    expect((await t.http('GET', `/api/v1/courses/${course.id}/certificates`, { as: member, headers: member.h() })).status).toBe(403);
    expect((await t.http('GET', `/api/v1/courses/${course.id}/certificates`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('GET', `/api/v1/courses/${course.id}/certificates`)).status).toBe(401);
    expect((await t.http('GET', `/api/v1/certificates/${certId}`, { as: other, headers: other.h() })).status).toBe(404);
    expect((await t.http('GET', `/api/v1/certificates/${certId}`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('GET', `/api/v1/certificates/${certId}/credential`, { as: other, headers: other.h() })).status).toBe(404);
    expect((await t.http('GET', `/api/v1/certificates/${certId}`, { as: instructor, headers: instructor.h() })).status).toBe(200);
  });
});

describe('Open Badges 3.0 and verification', () => {
  let jwt: string;
  let credential: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test

  it('the credential is an OpenBadgeCredential signed by the organization (EdDSA JWT-VC) and its key is published', async () => {
    const res = await t.http('GET', `/api/v1/certificates/${certId}/credential`, { as: learner, headers: learner.h() });
    expect(res.status).toBe(200);
    jwt = res.body.jwt;
    credential = res.body.credential;
    expect(credential['@context']).toEqual(['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']);
    expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(credential.issuer).toMatchObject({ id: `${t.config.publicUrl}/api/v1/issuers/${owner.orgId}`, type: ['Profile'] });
    expect(credential.credentialSubject.achievement).toMatchObject({ type: ['Achievement'], name: 'Analytical Engines', description: 'Twelve hours of study.' });
    expect(credential.credentialSubject.achievement.criteria.narrative).toBeTruthy();
    // the achievement's image: a public SVG badge with the course title, served by the certificate's id
    const image = credential.credentialSubject.achievement.image;
    expect(image).toEqual({ id: `${t.config.publicUrl}/api/v1/certificates/${certId}/badge.svg`, type: 'Image' });
    const badgePath = new URL(image.id).pathname;
    const svg = await t.app.inject({ method: 'GET', url: badgePath });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.headers['content-security-policy']).toContain("default-src 'none'");
    expect(svg.body).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.body).toContain('>Analytical</text>');
    expect(svg.body).toContain('>Engines</text>');
    expect(svg.body).toContain('<title>');
    expect(svg.body).not.toContain('Ada Lovelace');
    expect(svg.body).not.toMatch(/<script|href=/i);
    const mine = await t.http('GET', `/api/v1/certificates/${certId}`, { as: learner, headers: learner.h() });
    expect(mine.body.badgeImageUrl).toBe(image.id);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/certificates/01900000-0000-7000-8000-000000000000/badge.svg' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/certificates/not-a-uuid/badge.svg' })).statusCode).toBe(400);
    expect(credential.credentialSubject.name).toBe('Ada Lovelace');
    const id = credential.credentialSubject.identifier[0];
    expect(id).toMatchObject({ type: 'IdentityObject', identityType: 'emailAddress', hashed: true });
    expect(JSON.stringify(res.body)).not.toContain(learner.email);
    expect(new Date(credential.validFrom).getTime()).toBeGreaterThan(0);
    const header = JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString());
    expect(header.alg).toBe('EdDSA');
    const jwks = await t.http('GET', `/api/v1/issuers/${owner.orgId}/jwks`);
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect(JSON.stringify(jwks.body)).not.toMatch(/"d"/);
    const issuer = await t.http('GET', `/api/v1/issuers/${owner.orgId}`);
    expect(issuer.body).toMatchObject({ id: credential.issuer.id, type: ['Profile'] });
    // the private key is stored encrypted, never as a PEM
    const [k] = await t.query<{ private_key_enc: string }>('SELECT private_key_enc FROM certificate_signing_keys WHERE organization_id = $1', [owner.orgId]);
    expect(k!.private_key_enc).not.toContain('PRIVATE KEY');
    expect((await t.http('GET', `/api/v1/issuers/${stranger.orgId}/jwks`)).status).toBe(404);
  });

  it('the public page answers valid with the facts, and nothing more', async () => {
    const res = await t.http('GET', `/api/v1/verify/${code.toLowerCase()}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code, status: 'valid', learnerName: 'Ada Lovelace', courseTitle: 'Analytical Engines', issuerName: 'Lyceum Test Academy', revokedAt: null });
    const json = JSON.stringify(res.body);
    for (const secret of [learner.email, learner.userId, owner.orgId, certId]) expect(json).not.toContain(secret);
    expect((await t.http('GET', '/api/v1/verify/LYC-0000-0000')).status).toBe(404);
    expect((await t.http('GET', '/api/v1/verify/not-an-id')).status).toBe(400);
  });

  it('verifies the JWT, its JSON and an enveloped credential', async () => {
    for (const c of [jwt, credential, JSON.stringify(credential), { '@context': ['https://www.w3.org/ns/credentials/v2'], type: 'EnvelopedVerifiableCredential', id: `data:application/vc+jwt,${jwt}` }]) {
      const res = await t.http('POST', '/api/v1/verify/credential', { body: { credential: c } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ valid: true, outcome: 'valid', certificate: { code, learnerName: 'Ada Lovelace' } });
    }
  });

  it('refuses a tampered credential, one signed with another organization key and junk', async () => {
    const verify = async (c: unknown) => (await t.http('POST', '/api/v1/verify/credential', { body: { credential: c } })).body;
    // the name changed in the JWT payload, the signature kept
    const [h, p, s] = jwt.split('.');
    const original = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.vc.credentialSubject.name = 'Mallory';
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    expect(await verify(tampered)).toMatchObject({ valid: false, outcome: 'signature_invalid', certificate: null });
    // the name changed in the JSON
    expect(await verify({ ...credential, credentialSubject: { ...credential.credentialSubject, name: 'Mallory' } })).toMatchObject({ valid: false, outcome: 'mismatch' });
    // the same claims signed with another organization's key
    await complete(await strangerLearnerWithCertificate(), strangerCourse!);
    const strangerKeyRow = await t.query<{ organization_id: string }>('SELECT organization_id FROM certificate_signing_keys WHERE organization_id = $1', [stranger.orgId]);
    expect(strangerKeyRow).toHaveLength(1);
    const forged = await signWithOrgKey(stranger.orgId, original);
    expect(await verify(forged)).toMatchObject({ valid: false, outcome: 'signature_invalid' });
    // signed with a key nobody published
    const { privateKey } = generateKeyPairSync('ed25519');
    const rogue = await new SignJWT({ vc: credential }).setProtectedHeader({ alg: 'EdDSA' }).setIssuer(credential.issuer.id).sign(privateKey);
    expect(await verify(rogue)).toMatchObject({ valid: false, outcome: 'signature_invalid' });
    expect(await verify('not.a.jwt')).toMatchObject({ valid: false, outcome: 'malformed' });
    expect(await verify({ hello: 'world' })).toMatchObject({ valid: false, outcome: 'malformed' });
    const unknownIssuer = await new SignJWT({ vc: { ...credential, issuer: { id: 'https://evil.example/issuer' } } }).setProtectedHeader({ alg: 'EdDSA' }).setIssuer('https://evil.example/issuer').sign(privateKey);
    expect(await verify(unknownIssuer)).toMatchObject({ valid: false, outcome: 'unknown_issuer' });
    const expired = await signWithOrgKey(owner.orgId, { ...original, exp: Math.floor(Date.now() / 1000) - 60 });
    expect(await verify(expired)).toMatchObject({ valid: false, outcome: 'expired' });
    expect((await t.http('POST', '/api/v1/verify/credential', { body: {} })).status).toBe(400);
  });

  it('staff revoke with a reason; learners may not; verification then says revoked', async () => {
    expect((await t.http('POST', `/api/v1/certificates/${certId}/revoke`, { as: learner, headers: learner.h(), body: { reason: 'I want to' } })).status).toBe(403);
    expect((await t.http('POST', `/api/v1/certificates/${certId}/revoke`, { as: stranger, headers: stranger.h(), body: { reason: 'Because' } })).status).toBe(404);
    expect((await t.http('POST', `/api/v1/certificates/${certId}/revoke`, { body: { reason: 'Because' } })).status).toBe(401);
    expect((await t.http('POST', `/api/v1/certificates/${certId}/revoke`, { as: instructor, headers: instructor.h(), body: { reason: '' } })).status).toBe(400);
    expect(await count(t, 'SELECT count(*) AS n FROM certificates WHERE revoked_at IS NOT NULL')).toBe(0);
    const res = await t.http('POST', `/api/v1/certificates/${certId}/revoke`, { as: instructor, headers: instructor.h(), body: { reason: 'Academic misconduct' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'revoked', revokedReason: 'Academic misconduct' });
    expect((await t.http('POST', `/api/v1/certificates/${certId}/revoke`, { as: instructor, headers: instructor.h(), body: { reason: 'Again' } })).status).toBe(409);
    const page = await t.http('GET', `/api/v1/verify/${code}`);
    expect(page.body).toMatchObject({ status: 'revoked', revokedReason: 'Academic misconduct' });
    expect(page.body.revokedAt).toBeTruthy();
    const check = await t.http('POST', '/api/v1/verify/credential', { body: { credential: jwt } });
    expect(check.body).toMatchObject({ valid: false, outcome: 'revoked', certificate: { status: 'revoked' } });
  });
});

let strangerCourse: BuiltCourse | undefined;
/** A learner of the other organization, on a course with a template, so that organization gets a key. */
async function strangerLearnerWithCertificate(): Promise<Member> {
  const instr = await addMember(t, stranger.orgId, 'instructor');
  strangerCourse = await buildCourse(t, instr, { title: 'Elsewhere 101', visibility: 'organization' });
  expect((await t.http('PUT', tplUrl(strangerCourse), { as: instr, headers: instr.h(), body: template })).status).toBe(200);
  return addMember(t, stranger.orgId, 'learner');
}

/** Signs claims with an organization's own key, through the module's key store. */
async function signWithOrgKey(orgId: string, claims: Record<string, unknown>): Promise<string> {
  const { SigningKeys } = await import('./signing-keys.js');
  const key = await t.app.get(SigningKeys).forSigning(orgId);
  return new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: key.kid }).sign(key.privateKey);
}

describe('certificates in Chinese, Japanese and Korean', () => {
  it('a learner named in three CJK scripts gets a PDF whose name, course and issuer are drawn with real glyphs', async () => {
    const name = '王小明 山田太郎 김민준';
    const courseTitle = '日本語入門：ひらがなとカタカナ';
    const issuerName = '國立臺灣大學 서울대학교';
    const cjkLearner = await addMember(t, owner.orgId, 'learner', { name });
    const cjk = await buildCourse(t, instructor, { title: courseTitle, visibility: 'organization' });
    const tpl = await t.http('PUT', tplUrl(cjk), { as: instructor, headers: instructor.h(), body: { ...template, issuerName, signerName: '李小龍' } });
    expect(tpl.status, tpl.text).toBe(200);
    await complete(cjkLearner, cjk);
    const mine = await t.http('GET', '/api/v1/me/certificates', { as: cjkLearner, headers: cjkLearner.h() });
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).toMatchObject({ learnerName: name, courseTitle, issuerName, pdfReady: true });
    const file = await t.app.inject({ method: 'GET', url: mine.body.items[0].pdfUrl, headers: cjkLearner.h() });
    expect(file.statusCode).toBe(200);
    const glyphs = await embeddedGlyphs(file.rawPayload);
    for (const ch of new Set([...`${name}${courseTitle}${issuerName}李小龍`].filter((c) => c.trim()))) {
      const painted = glyphs.filter((g) => g.text === ch);
      expect(painted.length, `glyph for ${ch}`).toBeGreaterThan(0);
      expect(painted.every((g) => g.drawn), `outline for ${ch}`).toBe(true);
    }
    expect(glyphs.some((g) => g.text === '\uFFFD' || !g.drawn)).toBe(false);
    const { text } = await pdfText(file.rawPayload);
    const flat = text.replace(/\s/g, '');
    for (const s of [name, courseTitle, `Issued by ${issuerName}`]) expect(flat).toContain(s.replace(/\s/g, ''));
  });
});

describe('public verification limits', () => {
  it('rate-limits the public verification page per client', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 65; i++) statuses.push((await t.http('GET', `/api/v1/verify/LYC-0000-000${i % 10}`)).status);
    expect(statuses).toContain(429);
    expect(statuses.slice(0, 40).every((s) => s === 404)).toBe(true);
  });
});
