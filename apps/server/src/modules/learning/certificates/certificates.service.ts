import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { and, count, desc, eq, isNull, lt } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import { type RequestContext, requireUser } from '../../../kernel/auth/index.js';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database, inTransaction, type Tx } from '../../../kernel/db/index.js';
import { Mailer } from '../../../kernel/email/index.js';
import { Conflict, Forbidden, NotFound } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { STORAGE, type Storage, UploadService, UrlSigner } from '../../../kernel/storage/index.js';
import { OrganizationsService, UsersService } from '../../identity/index.js';
import { type CourseInfo, CoursesService } from '../courses/index.js';
import { renderCertificatePdf } from './certificate-pdf.js';
import type { Certificate, CertificateTemplate, PublicCertificate, PutTemplate, TemplateEnvelope } from './certificates.dto.js';
import { RenderCertificateJob } from './certificates.jobs.js';
import { certificates, certificateTemplates } from './certificates.schema.js';
import { buildCredential, signCredential } from './open-badge.js';
import { SigningKeys } from './signing-keys.js';

type TemplateRow = typeof certificateTemplates.$inferSelect;
type CertificateRow = typeof certificates.$inferSelect;

export const SIGNATURE_TYPES = ['image/png', 'image/jpeg'] as const;
export const SIGNATURE_MAX_BYTES = 1024 * 1024;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** LYC-XXXX-XXXX: 40 random bits in Crockford base32, easy to read aloud and type. */
export function newCertificateCode(): string {
  const b = randomBytes(8);
  const chars = [...b].map((x) => CROCKFORD[x & 31]).join('');
  return `LYC-${chars.slice(0, 4)}-${chars.slice(4, 8)}`;
}

async function readAll(storage: Storage, key: string): Promise<Buffer | null> {
  const obj = await storage.get(key);
  if (!obj) return null;
  const chunks: Buffer[] = [];
  for await (const c of obj.body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Certificate templates (one per course), issuing on course completion (once per enrollment),
 * the PDF (rendered in a job), revocation, and the Open Badges 3.0 credential signed with the
 * organization's Ed25519 key. Verification lives in CertificateVerifier.
 */
@Injectable()
export class CertificatesService {
  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly uploads: UploadService,
    private readonly signer: UrlSigner,
    private readonly jobs: JobsService,
    private readonly mailer: Mailer,
    private readonly courses: CoursesService,
    private readonly users: UsersService,
    private readonly orgs: OrganizationsService,
    private readonly keys: SigningKeys,
  ) {}

  verifyUrl(code: string): string {
    return `${this.config.publicUrl}/verify/${code}`;
  }

  /** The public Open Badges achievement image of a certificate. */
  badgeUrl(certificateId: string): string {
    return `${this.config.publicUrl}/api/v1/certificates/${certificateId}/badge.svg`;
  }

  issuerId(organizationId: string): string {
    return `${this.config.publicUrl}/api/v1/issuers/${organizationId}`;
  }

  // ---- who may do what ----

  /** A course of the caller's organization; 404 across organizations and for strangers. */
  private async courseOfOrg(ctx: RequestContext, courseId: string): Promise<CourseInfo> {
    requireUser(ctx);
    const course = await this.courses.getCourseInfo(courseId);
    if (!course || course.organizationId !== ctx.membership?.orgId) throw new NotFound('Course');
    return course;
  }

  private async editableCourse(ctx: RequestContext, courseId: string): Promise<CourseInfo> {
    const course = await this.courseOfOrg(ctx, courseId);
    if (!this.courses.canEditCourse(ctx, course)) throw new Forbidden('You may not edit this course.', 'missing_permission');
    return course;
  }

  /** Staff of the course: its instructors and whoever may edit it. */
  private async staffCourse(ctx: RequestContext, courseId: string): Promise<CourseInfo> {
    const course = await this.courseOfOrg(ctx, courseId);
    if (!this.courses.canEditCourse(ctx, course) && !this.courses.canTeachCourse(ctx, course)) {
      throw new Forbidden("Only the course's staff see its certificates.", 'missing_permission');
    }
    return course;
  }

  // ---- templates ----

  private async templateOf(courseId: string, db: Database | Tx = this.db): Promise<TemplateRow | null> {
    const [row] = await db.select().from(certificateTemplates).where(eq(certificateTemplates.courseId, courseId));
    return row ?? null;
  }

  private presentTemplate(t: TemplateRow, viewerId: string): z.input<typeof CertificateTemplate> {
    return {
      id: t.id,
      courseId: t.courseId,
      title: t.title,
      issuerName: t.issuerName,
      signerName: t.signerName,
      signerTitle: t.signerTitle,
      description: t.description,
      criteria: t.criteria,
      signatureUrl: t.signatureKey ? this.signer.sign(t.signatureKey, { bindTo: viewerId, disposition: 'inline' }) : null,
      updatedAt: t.updatedAt.toISOString(),
    };
  }

  async getTemplate(ctx: RequestContext, courseId: string): Promise<z.input<typeof TemplateEnvelope>> {
    await this.staffCourse(ctx, courseId);
    const t = await this.templateOf(courseId);
    const [n] = await this.db.select({ n: count() }).from(certificates).where(eq(certificates.courseId, courseId));
    return { template: t ? this.presentTemplate(t, ctx.actor!.userId) : null, issuedCount: n?.n ?? 0 };
  }

  async putTemplate(ctx: RequestContext, courseId: string, body: z.output<typeof PutTemplate>): Promise<z.input<typeof TemplateEnvelope>> {
    const course = await this.editableCourse(ctx, courseId);
    const values = { ...body, updatedBy: ctx.actor!.userId };
    await this.db
      .insert(certificateTemplates)
      .values({ organizationId: course.organizationId, courseId, ...values })
      .onConflictDoUpdate({ target: certificateTemplates.courseId, set: { ...values, updatedAt: new Date() } });
    return this.getTemplate(ctx, courseId);
  }

  /** Stops issuing for the course; certificates already issued stay valid. */
  async deleteTemplate(ctx: RequestContext, courseId: string): Promise<void> {
    await this.editableCourse(ctx, courseId);
    const [gone] = await this.db.delete(certificateTemplates).where(eq(certificateTemplates.courseId, courseId)).returning();
    if (!gone) throw new NotFound('Certificate template');
  }

  async uploadSignature(ctx: RequestContext, courseId: string, req: FastifyRequest): Promise<z.input<typeof TemplateEnvelope>> {
    const course = await this.editableCourse(ctx, courseId);
    if (!(await this.templateOf(courseId))) throw new Conflict('Save the certificate settings before adding a signature.', 'template_missing');
    const file = await this.uploads.receive(req, {
      allowed: SIGNATURE_TYPES,
      maxBytes: SIGNATURE_MAX_BYTES,
      keyPrefix: `org/${course.organizationId}/certificates/${courseId}/signatures`,
    });
    // the previous image stays in storage: certificates issued with it still render from it
    const [updated] = await this.db
      .update(certificateTemplates)
      .set({ signatureKey: file.key, signatureContentType: file.contentType, updatedBy: ctx.actor!.userId, updatedAt: new Date() })
      .where(eq(certificateTemplates.courseId, courseId))
      .returning();
    if (!updated) {
      await this.storage.delete(file.key);
      throw new Conflict('The certificate settings were deleted meanwhile.', 'template_missing');
    }
    return this.getTemplate(ctx, courseId);
  }

  async removeSignature(ctx: RequestContext, courseId: string): Promise<z.input<typeof TemplateEnvelope>> {
    await this.editableCourse(ctx, courseId);
    const [updated] = await this.db
      .update(certificateTemplates)
      .set({ signatureKey: null, signatureContentType: null, updatedBy: ctx.actor!.userId, updatedAt: new Date() })
      .where(eq(certificateTemplates.courseId, courseId))
      .returning();
    if (!updated) throw new NotFound('Certificate template');
    return this.getTemplate(ctx, courseId);
  }

  /** A watermarked sample of the course's certificate, rendered from the saved template. */
  async previewPdf(ctx: RequestContext, courseId: string): Promise<Buffer> {
    const course = await this.staffCourse(ctx, courseId);
    const t = await this.templateOf(courseId);
    if (!t) throw new NotFound('Certificate template');
    const now = new Date();
    const signature = await this.signatureOf(t.signatureKey);
    const bytes = await renderCertificatePdf({
      code: 'LYC-PREV-IEW0',
      title: t.title,
      learnerName: ctx.actor!.name || 'Ada Lovelace',
      courseTitle: course.title,
      completedAt: now,
      issuedAt: now,
      issuerName: t.issuerName,
      signerName: t.signerName,
      signerTitle: t.signerTitle,
      description: t.description,
      verifyUrl: this.verifyUrl('LYC-PREV-IEW0'),
      signature,
      preview: true,
    });
    return Buffer.from(bytes);
  }

  private async signatureOf(key: string | null): Promise<{ bytes: Uint8Array; contentType: string } | null> {
    if (!key) return null;
    const obj = await this.storage.head(key);
    const bytes = obj ? await readAll(this.storage, key) : null;
    return bytes && obj ? { bytes, contentType: obj.contentType } : null;
  }

  // ---- issuing ----

  /**
   * `course.completed` subscriber, in the event's transaction: issues the course's certificate
   * when it has a template. Once per enrollment: the unique index makes a replayed or duplicated
   * event a no-op, on top of the event bus's receipt.
   */
  async onCourseCompleted(tx: Tx, e: { organizationId: string; courseId: string; userId: string; enrollmentId: string; completedAt: string }): Promise<void> {
    const tpl = await this.templateOf(e.courseId, tx);
    if (!tpl || tpl.organizationId !== e.organizationId) return;
    const [already] = await tx.select({ id: certificates.id }).from(certificates).where(eq(certificates.enrollmentId, e.enrollmentId));
    if (already) return;
    const course = await this.courses.getCourseInfo(e.courseId, tx);
    const learner = await this.users.me(e.userId, tx).catch(() => null);
    if (!course || !learner) return; // the course or the account is gone: nobody to certify
    const org = (await this.orgs.summaries([e.organizationId], tx)).get(e.organizationId);
    const key = await this.keys.forSigning(e.organizationId, tx);
    const issuerId = this.issuerId(e.organizationId);
    for (let attempt = 0; attempt < 5; attempt++) {
      const id = uuidv7();
      const code = newCertificateCode();
      const issuedAt = new Date();
      const completedAt = new Date(e.completedAt);
      const credential = buildCredential(
        {
          certificateId: id,
          code,
          templateId: tpl.id,
          learnerName: learner.name,
          learnerEmail: learner.email,
          courseTitle: course.title,
          title: tpl.title,
          description: tpl.description,
          criteria: tpl.criteria,
          issuerName: org?.name ?? tpl.issuerName,
          issuedAt,
          completedAt,
        },
        { issuerId, url: this.config.publicUrl, verifyUrl: this.verifyUrl(code), imageUrl: this.badgeUrl(id) },
      );
      const jwt = await signCredential(credential, key, issuerId);
      const [row] = await tx
        .insert(certificates)
        .values({
          id,
          organizationId: e.organizationId,
          courseId: e.courseId,
          enrollmentId: e.enrollmentId,
          userId: e.userId,
          templateId: tpl.id,
          code,
          learnerName: learner.name,
          learnerEmail: learner.email,
          courseTitle: course.title,
          title: tpl.title,
          issuerName: tpl.issuerName,
          signerName: tpl.signerName,
          signerTitle: tpl.signerTitle,
          description: tpl.description,
          criteria: tpl.criteria,
          signatureKey: tpl.signatureKey,
          completedAt,
          issuedAt,
          credentialJwt: jwt,
        })
        .onConflictDoNothing()
        .returning({ id: certificates.id });
      if (row) {
        await this.jobs.enqueue(tx, RenderCertificateJob, { certificateId: row.id });
        return;
      }
      const [raced] = await tx.select({ id: certificates.id }).from(certificates).where(eq(certificates.enrollmentId, e.enrollmentId));
      if (raced) return;
      // else the random code collided with another certificate's: draw again
    }
    throw new Error('Could not draw a unique certificate id in 5 attempts');
  }

  /** The render job: idempotent (a rendered certificate is left alone; the key is the same on retry). */
  async renderPdf(certificateId: string): Promise<void> {
    const [c] = await this.db.select().from(certificates).where(eq(certificates.id, certificateId));
    if (!c || c.pdfKey) return;
    const bytes = await renderCertificatePdf({
      code: c.code,
      title: c.title,
      learnerName: c.learnerName,
      courseTitle: c.courseTitle,
      completedAt: c.completedAt,
      issuedAt: c.issuedAt,
      issuerName: c.issuerName,
      signerName: c.signerName,
      signerTitle: c.signerTitle,
      description: c.description,
      verifyUrl: this.verifyUrl(c.code),
      signature: await this.signatureOf(c.signatureKey),
    });
    const key = `org/${c.organizationId}/certificates/issued/${c.id}.pdf`;
    await this.storage.put(key, Buffer.from(bytes), { contentType: 'application/pdf' });
    await inTransaction(this.db, async (tx) => {
      const [done] = await tx
        .update(certificates)
        .set({ pdfKey: key })
        .where(and(eq(certificates.id, c.id), isNull(certificates.pdfKey)))
        .returning({ id: certificates.id });
      if (!done) return;
      await this.mailer.enqueue(tx, {
        to: c.learnerEmail,
        subject: `Your certificate for "${c.courseTitle}"`,
        text:
          `Congratulations ${c.learnerName}!\n\nYour certificate for "${c.courseTitle}" (${c.code}) is ready.\n\n` +
          `Download it and its Open Badge: ${this.config.publicUrl}/my-certificates\n` +
          `Anyone can check it here: ${this.verifyUrl(c.code)}\n`,
      });
    });
  }

  // ---- reading, revoking ----

  present(c: CertificateRow, viewerId: string): z.input<typeof Certificate> {
    return {
      id: c.id,
      code: c.code,
      organizationId: c.organizationId,
      courseId: c.courseId,
      userId: c.userId,
      learnerName: c.learnerName,
      courseTitle: c.courseTitle,
      title: c.title,
      issuerName: c.issuerName,
      signerName: c.signerName,
      signerTitle: c.signerTitle,
      completedAt: c.completedAt.toISOString(),
      issuedAt: c.issuedAt.toISOString(),
      status: c.revokedAt ? 'revoked' : 'valid',
      revokedAt: c.revokedAt?.toISOString() ?? null,
      revokedReason: c.revokedReason,
      pdfReady: c.pdfKey !== null,
      pdfUrl: c.pdfKey ? this.signer.sign(c.pdfKey, { bindTo: viewerId, disposition: 'attachment', filename: `certificate-${c.code}.pdf` }) : null,
      verifyUrl: this.verifyUrl(c.code),
      badgeImageUrl: this.badgeUrl(c.id),
    };
  }

  presentPublic(c: CertificateRow): z.input<typeof PublicCertificate> {
    return {
      code: c.code,
      status: c.revokedAt ? 'revoked' : 'valid',
      title: c.title,
      learnerName: c.learnerName,
      courseTitle: c.courseTitle,
      completedAt: c.completedAt.toISOString(),
      issuedAt: c.issuedAt.toISOString(),
      issuerName: c.issuerName,
      signerName: c.signerName,
      signerTitle: c.signerTitle,
      revokedAt: c.revokedAt?.toISOString() ?? null,
      revokedReason: c.revokedReason,
    };
  }

  async listForCourse(ctx: RequestContext, courseId: string, q: { limit: number; cursor?: string }): Promise<Page<z.input<typeof Certificate>>> {
    const course = await this.staffCourse(ctx, courseId);
    const cursor = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(certificates)
      .where(and(eq(certificates.organizationId, course.organizationId), eq(certificates.courseId, courseId), cursor ? lt(certificates.id, String(cursor[0])) : undefined))
      .orderBy(desc(certificates.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.id], (r) => this.present(r, ctx.actor!.userId));
  }

  /** The caller's own certificates, in every organization, newest first. */
  async listMine(ctx: RequestContext, q: { limit: number; cursor?: string }): Promise<Page<z.input<typeof Certificate>>> {
    const u = requireUser(ctx);
    const cursor = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(certificates)
      .where(and(eq(certificates.userId, u.actor.userId), cursor ? lt(certificates.id, String(cursor[0])) : undefined))
      .orderBy(desc(certificates.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.id], (r) => this.present(r, u.actor.userId));
  }

  /** Its learner, or the course's staff in its organization; 404 for everyone else. */
  private async readable(ctx: RequestContext, certificateId: string): Promise<{ row: CertificateRow; staff: boolean }> {
    const u = requireUser(ctx);
    const [row] = await this.db.select().from(certificates).where(eq(certificates.id, certificateId));
    if (!row) throw new NotFound('Certificate');
    if (row.userId === u.actor.userId) return { row, staff: false };
    if (row.organizationId !== ctx.membership?.orgId) throw new NotFound('Certificate');
    const course = await this.courses.getCourseInfo(row.courseId);
    if (!course || (!this.courses.canTeachCourse(ctx, course) && !this.courses.canEditCourse(ctx, course))) throw new NotFound('Certificate');
    return { row, staff: true };
  }

  async get(ctx: RequestContext, certificateId: string): Promise<z.input<typeof Certificate>> {
    const { row } = await this.readable(ctx, certificateId);
    return this.present(row, ctx.actor!.userId);
  }

  async credential(ctx: RequestContext, certificateId: string): Promise<{ jwt: string; credential: Record<string, unknown>; jwksUrl: string }> {
    const { row } = await this.readable(ctx, certificateId);
    const payload = JSON.parse(Buffer.from(row.credentialJwt.split('.')[1]!, 'base64url').toString('utf8')) as { vc: Record<string, unknown> };
    return { jwt: row.credentialJwt, credential: payload.vc, jwksUrl: `${this.issuerId(row.organizationId)}/jwks` };
  }

  async revoke(ctx: RequestContext, certificateId: string, reason: string): Promise<z.input<typeof Certificate>> {
    const { row, staff } = await this.readable(ctx, certificateId);
    if (!staff) throw new Forbidden("Only the course's staff revoke certificates.", 'missing_permission');
    const [updated] = await this.db
      .update(certificates)
      .set({ revokedAt: new Date(), revokedReason: reason, revokedBy: ctx.actor!.userId })
      .where(and(eq(certificates.id, row.id), isNull(certificates.revokedAt)))
      .returning();
    if (!updated) throw new Conflict('This certificate is already revoked.', 'already_revoked');
    return this.present(updated, ctx.actor!.userId);
  }
}
