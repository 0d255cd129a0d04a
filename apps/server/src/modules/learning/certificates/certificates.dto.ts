import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';

const isoDate = z.iso.datetime({ offset: true });
/** LYC- and two groups of four from Crockford's alphabet (no I, L, O, U), case-insensitive. */
export const CODE_PATTERN = /^LYC-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

export const CourseParams = z.strictObject({ courseId: z.uuid() });
export class CertificateCourseParamsDto extends createZodDto(CourseParams) {}

export const CertificateParams = z.strictObject({ certificateId: z.uuid() });
export class CertificateParamsDto extends createZodDto(CertificateParams) {}

export const IssuerParams = z.strictObject({ organizationId: z.uuid() });
export class IssuerParamsDto extends createZodDto(IssuerParams) {}

export const VerifyParams = z.strictObject({
  code: z
    .string()
    .trim()
    .max(40)
    .transform((s) => s.toUpperCase())
    .pipe(z.string().regex(CODE_PATTERN, 'A certificate id looks like LYC-XXXX-XXXX.')),
});
export class VerifyParamsDto extends createZodDto(VerifyParams) {}

const line = (max: number) => z.string().trim().max(max);

export const PutTemplate = z.strictObject({
  title: line(120).min(1, 'Give the certificate a title.').default('Certificate of completion'),
  issuerName: line(160).min(1, 'Who issues the certificate?'),
  signerName: line(120).min(1, 'Who signs the certificate?'),
  signerTitle: line(120).default(''),
  description: line(500).default(''),
  criteria: line(2000).default(''),
});
export class PutCertificateTemplateDto extends createZodDto(PutTemplate) {}

export const CertificateTemplate = z.object({
  id: z.uuid(),
  courseId: z.uuid(),
  title: z.string(),
  issuerName: z.string(),
  signerName: z.string(),
  signerTitle: z.string(),
  description: z.string(),
  criteria: z.string(),
  /** a short-lived link to the signature image, when one was uploaded */
  signatureUrl: z.string().nullable(),
  updatedAt: isoDate,
});
export class CertificateTemplateDto extends createZodDto(CertificateTemplate) {}

export const TemplateEnvelope = z.object({
  /** null while the course has no certificate */
  template: CertificateTemplate.nullable(),
  /** how many certificates this course has issued */
  issuedCount: z.number().int(),
});
export class CertificateTemplateEnvelopeDto extends createZodDto(TemplateEnvelope) {}

export const CERTIFICATE_STATUSES = ['valid', 'revoked'] as const;

export const Certificate = z.object({
  id: z.uuid(),
  code: z.string(),
  organizationId: z.uuid(),
  courseId: z.uuid(),
  userId: z.uuid(),
  learnerName: z.string(),
  courseTitle: z.string(),
  title: z.string(),
  issuerName: z.string(),
  signerName: z.string(),
  signerTitle: z.string(),
  completedAt: isoDate,
  issuedAt: isoDate,
  status: z.enum(CERTIFICATE_STATUSES),
  revokedAt: isoDate.nullable(),
  revokedReason: z.string().nullable(),
  /** false until the PDF job ran */
  pdfReady: z.boolean(),
  /** a short-lived download link bound to the caller; null until the PDF is ready */
  pdfUrl: z.string().nullable(),
  /** the public verification page */
  verifyUrl: z.string(),
  /** the Open Badges achievement image (public SVG) */
  badgeImageUrl: z.string(),
});
export class CertificateDto extends createZodDto(Certificate) {}
export class CertificatePageDto extends createZodDto(pageOf(Certificate)) {}

export const ListQuery = z.strictObject({ ...pageQuery });
export class ListCertificatesQueryDto extends createZodDto(ListQuery) {}

export const Revoke = z.strictObject({ reason: z.string().trim().min(3, 'Say why the certificate is revoked.').max(500) });
export class RevokeCertificateDto extends createZodDto(Revoke) {}

export const Credential = z.object({
  /** the signed JWT-VC (`.jwt`) */
  jwt: z.string(),
  /** the Open Badges 3.0 credential it carries (`.json`) */
  credential: z.record(z.string(), z.unknown()),
  /** where the issuer's public keys are published */
  jwksUrl: z.string(),
});
export class OpenBadgeCredentialDto extends createZodDto(Credential) {}

export const PublicCertificate = z.object({
  code: z.string(),
  status: z.enum(CERTIFICATE_STATUSES),
  title: z.string(),
  learnerName: z.string(),
  courseTitle: z.string(),
  completedAt: isoDate,
  issuedAt: isoDate,
  issuerName: z.string(),
  signerName: z.string(),
  signerTitle: z.string(),
  revokedAt: isoDate.nullable(),
  revokedReason: z.string().nullable(),
});
export class PublicCertificateDto extends createZodDto(PublicCertificate) {}

export const VerifyCredential = z.strictObject({
  /** the JWT-VC, or the credential's JSON (as downloaded, or a VC 2.0 EnvelopedVerifiableCredential) */
  credential: z.union([z.string().trim().min(1, 'Paste a credential.').max(200_000), z.record(z.string(), z.unknown())]),
});
export class VerifyCredentialDto extends createZodDto(VerifyCredential) {}

export const VERIFICATION_OUTCOMES = ['valid', 'revoked', 'signature_invalid', 'unknown_issuer', 'expired', 'not_yet_valid', 'malformed', 'not_found', 'mismatch'] as const;
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];

export const CredentialVerification = z.object({
  valid: z.boolean(),
  outcome: z.enum(VERIFICATION_OUTCOMES),
  /** why, in a sentence */
  message: z.string(),
  /** the certificate the credential stands for, when it is one of ours and authentic */
  certificate: PublicCertificate.nullable(),
  issuer: z.object({ id: z.string(), name: z.string() }).nullable(),
});
export class CredentialVerificationDto extends createZodDto(CredentialVerification) {}

export const IssuerProfile = z.object({
  '@context': z.array(z.string()),
  id: z.string(),
  type: z.array(z.string()),
  name: z.string(),
  url: z.string(),
});
export class IssuerProfileDto extends createZodDto(IssuerProfile) {}

export const Jwks = z.object({
  keys: z.array(z.object({ kty: z.string(), crv: z.string(), x: z.string(), kid: z.string(), alg: z.string(), use: z.string() })),
});
export class JwksDto extends createZodDto(Jwks) {}
