import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';

export const VC_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

/** The facts an Open Badges credential is made from (copied onto the certificate at issue time). */
export interface BadgeFacts {
  certificateId: string;
  code: string;
  templateId: string;
  learnerName: string;
  learnerEmail: string;
  courseTitle: string;
  title: string;
  description: string;
  criteria: string;
  issuerName: string;
  issuedAt: Date;
  completedAt: Date;
}

export interface IssuerRefs {
  /** the issuer profile's URL, also the JWT's `iss` */
  issuerId: string;
  /** the organization's public site (the app's public URL) */
  url: string;
  /** the public verification page of this certificate */
  verifyUrl: string;
  /** a URL of the achievement's image, when the template has a signature image to show */
  imageUrl: string | null;
}

export type OpenBadgeCredential = Record<string, unknown> & { id: string; credentialSubject: Record<string, unknown> };

/**
 * The Open Badges 3.0 `OpenBadgeCredential` (a W3C VC 2.0 JSON-LD document). The learner is
 * identified by a salted SHA-256 hash of their email (an OB 3.0 IdentityObject), never the address.
 */
export function buildCredential(f: BadgeFacts, refs: IssuerRefs, salt = randomBytes(16).toString('hex')): OpenBadgeCredential {
  const identityHash = 'sha256$' + createHash('sha256').update(f.learnerEmail.trim().toLowerCase() + salt).digest('hex');
  const achievement: Record<string, unknown> = {
    id: `urn:uuid:${f.templateId}`,
    type: ['Achievement'],
    achievementType: 'Certificate',
    name: f.courseTitle,
    description: f.description || `${f.title}: ${f.courseTitle}`,
    criteria: { narrative: f.criteria || `Completed every required lesson of "${f.courseTitle}".` },
  };
  if (refs.imageUrl) achievement.image = { id: refs.imageUrl, type: 'Image' };
  return {
    '@context': [VC_CONTEXT, OB_CONTEXT],
    id: `urn:uuid:${f.certificateId}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: `${f.title}: ${f.courseTitle}`,
    description: `${f.learnerName} completed "${f.courseTitle}" on ${f.completedAt.toISOString().slice(0, 10)}. Certificate ${f.code}, verify at ${refs.verifyUrl}`,
    issuer: { id: refs.issuerId, type: ['Profile'], name: f.issuerName, url: refs.url },
    validFrom: f.issuedAt.toISOString(),
    credentialSubject: {
      type: ['AchievementSubject'],
      name: f.learnerName,
      activityEndDate: f.completedAt.toISOString(),
      identifier: [{ type: 'IdentityObject', identityType: 'emailAddress', hashed: true, identityHash, salt }],
      achievement,
    },
  };
}

/** Signs the credential as a JWT-VC (OB 3.0 §8.2: the credential in the `vc` claim, EdDSA). */
export async function signCredential(credential: OpenBadgeCredential, key: { kid: string; privateKey: KeyObject }, issuerId: string): Promise<string> {
  const validFrom = new Date(String(credential.validFrom));
  return new SignJWT({ vc: credential })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: `${issuerId}#${key.kid}` })
    .setIssuer(issuerId)
    .setJti(credential.id)
    .setNotBefore(Math.floor(validFrom.getTime() / 1000))
    .setIssuedAt(Math.floor(validFrom.getTime() / 1000))
    .sign(key.privateKey);
}

export type CredentialProblem = 'malformed' | 'unknown_issuer' | 'signature_invalid' | 'expired' | 'not_yet_valid';

/** The unverified parts of a JWT-VC, enough to find the issuer's key; null when it is not one. */
export function peekJwt(jwt: string): { iss: string; kid: string | undefined; vc: OpenBadgeCredential } | null {
  try {
    const header = decodeProtectedHeader(jwt);
    const payload = decodeJwt(jwt);
    const vc = payload.vc as OpenBadgeCredential | undefined;
    if (header.alg !== 'EdDSA' || typeof payload.iss !== 'string' || !vc || typeof vc !== 'object' || typeof vc.id !== 'string') return null;
    return { iss: payload.iss, kid: header.kid, vc };
  } catch {
    return null;
  }
}

/** Checks the signature (EdDSA only), the validity window and that `iss` and the credential's issuer agree. */
export async function verifyJwt(jwt: string, key: KeyObject, issuerId: string, now = new Date()): Promise<{ ok: true; vc: OpenBadgeCredential } | { ok: false; problem: CredentialProblem }> {
  let vc: OpenBadgeCredential;
  try {
    const { payload } = await jwtVerify(jwt, key, { algorithms: ['EdDSA'], issuer: issuerId, currentDate: now });
    vc = payload.vc as OpenBadgeCredential;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_JWT_EXPIRED') return { ok: false, problem: 'expired' };
    if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && (e as { claim?: string }).claim === 'nbf') return { ok: false, problem: 'not_yet_valid' };
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return { ok: false, problem: 'signature_invalid' };
    return { ok: false, problem: code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? 'unknown_issuer' : 'malformed' };
  }
  const issuer = vc.issuer as { id?: string } | string | undefined;
  const vcIssuer = typeof issuer === 'string' ? issuer : issuer?.id;
  if (vcIssuer !== issuerId) return { ok: false, problem: 'unknown_issuer' };
  if (typeof vc.validUntil === 'string' && new Date(vc.validUntil).getTime() < now.getTime()) return { ok: false, problem: 'expired' };
  if (typeof vc.validFrom === 'string' && new Date(vc.validFrom).getTime() > now.getTime() + 60_000) return { ok: false, problem: 'not_yet_valid' };
  return { ok: true, vc };
}

/** Deep equality of two JSON values, key order aside. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
