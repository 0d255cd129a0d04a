import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps, uuidv7Pk } from '../../../kernel/db/index.js';

/*
 * The certificates module owns these tables. Course, enrollment, user and organization ids point
 * into other modules and carry no foreign key.
 */

/** What a course's certificate says: one template per course (the active one). */
export const certificateTemplates = pgTable(
  'certificate_templates',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    /** the heading, e.g. "Certificate of completion" */
    title: text('title').notNull(),
    issuerName: text('issuer_name').notNull(),
    signerName: text('signer_name').notNull(),
    signerTitle: text('signer_title').notNull().default(''),
    description: text('description').notNull().default(''),
    criteria: text('criteria').notNull().default(''),
    /** the signature image in storage (PNG or JPEG, sniffed on upload) */
    signatureKey: text('signature_key'),
    signatureContentType: text('signature_content_type'),
    updatedBy: uuid('updated_by').notNull(),
    ...timestamps(),
  },
  (t) => [uniqueIndex('certificate_templates_course_uq').on(t.courseId), index('certificate_templates_org_idx').on(t.organizationId)],
);

/**
 * An issued certificate: the facts are copied from the template, the course and the learner at
 * issue time, so what it certifies never changes afterwards. One per enrollment.
 */
export const certificates = pgTable(
  'certificates',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    courseId: uuid('course_id').notNull(),
    enrollmentId: uuid('enrollment_id').notNull(),
    userId: uuid('user_id').notNull(),
    templateId: uuid('template_id').notNull(),
    /** the human-friendly public id, LYC-XXXX-XXXX */
    code: text('code').notNull(),
    learnerName: text('learner_name').notNull(),
    learnerEmail: text('learner_email').notNull(),
    courseTitle: text('course_title').notNull(),
    title: text('title').notNull(),
    issuerName: text('issuer_name').notNull(),
    signerName: text('signer_name').notNull(),
    signerTitle: text('signer_title').notNull(),
    description: text('description').notNull(),
    criteria: text('criteria').notNull(),
    signatureKey: text('signature_key'),
    completedAt: timestamp('completed_at', { withTimezone: true }).notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
    /** the rendered PDF in storage; null until the render job ran */
    pdfKey: text('pdf_key'),
    /** the Open Badges 3.0 credential as signed (JWT-VC, EdDSA) */
    credentialJwt: text('credential_jwt').notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedReason: text('revoked_reason'),
    revokedBy: uuid('revoked_by'),
  },
  (t) => [
    uniqueIndex('certificates_enrollment_uq').on(t.enrollmentId),
    uniqueIndex('certificates_code_uq').on(t.code),
    index('certificates_org_course_idx').on(t.organizationId, t.courseId, t.id),
    index('certificates_user_idx').on(t.userId, t.id),
    check('certificates_revoked_ck', sql`(${t.revokedAt} IS NULL) = (${t.revokedReason} IS NULL)`),
  ],
);

/** An organization's Ed25519 issuing key; the private half is encrypted with a key derived from AUTH_SECRET. */
export const certificateSigningKeys = pgTable('certificate_signing_keys', {
  organizationId: uuid('organization_id').primaryKey(),
  kid: text('kid').notNull(),
  publicJwk: jsonb('public_jwk').$type<{ kty: string; crv: string; x: string }>().notNull(),
  /** AES-256-GCM: iv.tag.ciphertext (base64url) of the PKCS#8 PEM */
  privateKeyEnc: text('private_key_enc').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
