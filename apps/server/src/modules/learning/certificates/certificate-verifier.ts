import { Inject, Injectable } from '@nestjs/common';
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database } from '../../../kernel/db/index.js';
import { NotFound } from '../../../kernel/errors/index.js';
import { OrganizationsService } from '../../identity/index.js';
import type { CredentialVerification, IssuerProfile, Jwks, PublicCertificate, VerificationOutcome } from './certificates.dto.js';
import { renderBadgeSvg } from './badge-image.js';
import { certificates } from './certificates.schema.js';
import { CertificatesService } from './certificates.service.js';
import { OB_CONTEXT, type OpenBadgeCredential, peekJwt, sameJson, VC_CONTEXT, verifyJwt } from './open-badge.js';
import { SigningKeys } from './signing-keys.js';

type Verification = z.input<typeof CredentialVerification>;

const MESSAGES: Record<VerificationOutcome, string> = {
  valid: 'The credential is authentic and the certificate is valid.',
  revoked: 'The credential is authentic, but the issuer revoked the certificate.',
  signature_invalid: "The signature does not match the issuer's key: the credential was changed or signed by someone else.",
  unknown_issuer: 'The credential names an issuer this server does not know.',
  expired: 'The credential has expired.',
  not_yet_valid: 'The credential is not valid yet.',
  malformed: 'This is not an Open Badges credential (a JWT-VC or its JSON).',
  not_found: 'No certificate matches this credential.',
  mismatch: 'The credential differs from the one the issuer signed: it was changed.',
};
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Public checks: a certificate by its id (the QR page), and an Open Badges credential by its signature. */
@Injectable()
export class CertificateVerifier {
  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly certs: CertificatesService,
    private readonly keys: SigningKeys,
    private readonly orgs: OrganizationsService,
  ) {}

  async byCode(code: string): Promise<z.input<typeof PublicCertificate>> {
    const [row] = await this.db.select().from(certificates).where(eq(certificates.code, code));
    if (!row) throw new NotFound('Certificate', 'certificate_not_found');
    return this.certs.presentPublic(row);
  }

  /** The achievement image of a certificate's Open Badge (public, like the verification page). */
  async badgeSvg(certificateId: string): Promise<string> {
    const [row] = await this.db
      .select({ courseTitle: certificates.courseTitle, title: certificates.title, issuerName: certificates.issuerName })
      .from(certificates)
      .where(eq(certificates.id, certificateId));
    if (!row) throw new NotFound('Certificate', 'certificate_not_found');
    return renderBadgeSvg(row);
  }

  /** The organization an issuer id (`<PUBLIC_URL>/api/v1/issuers/<orgId>`) names, or null. */
  private orgOfIssuer(iss: string): string | null {
    const m = new RegExp(`^${this.config.publicUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/api/v1/issuers/(${UUID})$`).exec(iss);
    return m ? m[1]! : null;
  }

  private fail(outcome: VerificationOutcome): Verification {
    return { valid: false, outcome, message: MESSAGES[outcome], certificate: null, issuer: null };
  }

  async verify(input: string | Record<string, unknown>): Promise<Verification> {
    let value: unknown = input;
    if (typeof value === 'string' && value.startsWith('{')) {
      try {
        value = JSON.parse(value);
      } catch {
        return this.fail('malformed');
      }
    }
    if (typeof value === 'string') return this.verifyJwt(value.trim());
    if (!value || typeof value !== 'object' || Array.isArray(value)) return this.fail('malformed');
    const obj = value as Record<string, unknown>;
    const types = Array.isArray(obj.type) ? obj.type : [obj.type];
    // a VC 2.0 enveloped credential carries the JWT in a data: URL
    if (types.includes('EnvelopedVerifiableCredential') && typeof obj.id === 'string') {
      const m = /^data:application\/(?:vc\+jwt|jwt),(.+)$/.exec(obj.id);
      return m ? this.verifyJwt(m[1]!) : this.fail('malformed');
    }
    if (!types.includes('OpenBadgeCredential')) return this.fail('malformed');
    return this.verifyJson(obj);
  }

  private async verifyJwt(jwt: string): Promise<Verification> {
    const peek = peekJwt(jwt);
    if (!peek) return this.fail('malformed');
    const orgId = this.orgOfIssuer(peek.iss);
    const key = orgId ? await this.keys.publicKey(orgId) : null;
    if (!orgId || !key) return this.fail('unknown_issuer');
    const checked = await verifyJwt(jwt, key.key, peek.iss);
    if (!checked.ok) return this.fail(checked.problem);
    return this.outcomeFor(orgId, checked.vc);
  }

  /**
   * The credential's JSON without its JWT: authentic when it is exactly what the issuer signed,
   * which the stored JWT (checked against the organization's key) proves.
   */
  private async verifyJson(vc: Record<string, unknown>): Promise<Verification> {
    const m = typeof vc.id === 'string' ? new RegExp(`^urn:uuid:(${UUID})$`).exec(vc.id) : null;
    if (!m) return this.fail('malformed');
    const [row] = await this.db.select().from(certificates).where(eq(certificates.id, m[1]!));
    if (!row) return this.fail('not_found');
    const issuerId = this.certs.issuerId(row.organizationId);
    const key = await this.keys.publicKey(row.organizationId);
    if (!key) return this.fail('unknown_issuer');
    const checked = await verifyJwt(row.credentialJwt, key.key, issuerId);
    if (!checked.ok) return this.fail(checked.problem);
    if (!sameJson(vc, checked.vc)) return this.fail('mismatch');
    return this.outcomeFor(row.organizationId, checked.vc);
  }

  private async outcomeFor(orgId: string, vc: OpenBadgeCredential): Promise<Verification> {
    const m = new RegExp(`^urn:uuid:(${UUID})$`).exec(vc.id);
    const [row] = m ? await this.db.select().from(certificates).where(and(eq(certificates.id, m[1]!), eq(certificates.organizationId, orgId))) : [];
    if (!row) return this.fail('not_found');
    const org = (await this.orgs.summaries([orgId])).get(orgId);
    const outcome: VerificationOutcome = row.revokedAt ? 'revoked' : 'valid';
    return {
      valid: outcome === 'valid',
      outcome,
      message: MESSAGES[outcome],
      certificate: this.certs.presentPublic(row),
      issuer: { id: this.certs.issuerId(orgId), name: org?.name ?? row.issuerName },
    };
  }

  async issuerProfile(orgId: string): Promise<z.input<typeof IssuerProfile>> {
    const org = (await this.orgs.summaries([orgId])).get(orgId);
    if (!org || !(await this.keys.publicKey(orgId))) throw new NotFound('Issuer');
    return { '@context': [VC_CONTEXT, OB_CONTEXT], id: this.certs.issuerId(orgId), type: ['Profile'], name: org.name, url: this.config.publicUrl };
  }

  async jwks(orgId: string): Promise<z.input<typeof Jwks>> {
    const key = await this.keys.publicKey(orgId);
    if (!key) throw new NotFound('Issuer');
    return { keys: [{ ...key.jwk, kid: key.kid, alg: 'EdDSA', use: 'sig' }] };
  }
}
