import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, type KeyObject, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { calculateJwkThumbprint } from 'jose';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database, type DbOrTx } from '../../../kernel/db/index.js';
import { certificateSigningKeys } from './certificates.schema.js';

export interface PublicSigningKey {
  kid: string;
  jwk: { kty: string; crv: string; x: string };
  key: KeyObject;
}

export interface SigningKey extends PublicSigningKey {
  privateKey: KeyObject;
}

/**
 * Each organization's Ed25519 issuing key, made on first use. The private key is kept encrypted
 * (AES-256-GCM under a key derived from AUTH_SECRET for this purpose alone) and never leaves the
 * server; the public key is published as a JWKS.
 */
@Injectable()
export class SigningKeys {
  private readonly wrapKey: Buffer;

  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.wrapKey = Buffer.from(hkdfSync('sha256', config.authSecret, 'lyceum', 'certificates:signing-key-wrap', 32));
  }

  private seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.wrapKey, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return [iv, c.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
  }

  private open(sealed: string): string {
    const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
    const d = createDecipheriv('aes-256-gcm', this.wrapKey, iv!);
    d.setAuthTag(tag!);
    return Buffer.concat([d.update(body!), d.final()]).toString('utf8');
  }

  /** The organization's key pair, created (once, even under concurrent first uses) when missing. */
  async forSigning(organizationId: string, db: DbOrTx = this.db): Promise<SigningKey> {
    let [row] = await db.select().from(certificateSigningKeys).where(eq(certificateSigningKeys.organizationId, organizationId));
    if (!row) {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
      const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
      const kid = await calculateJwkThumbprint(publicJwk);
      await db
        .insert(certificateSigningKeys)
        .values({ organizationId, kid, publicJwk, privateKeyEnc: this.seal(privateKey.export({ format: 'pem', type: 'pkcs8' }) as string) })
        .onConflictDoNothing();
      [row] = await db.select().from(certificateSigningKeys).where(eq(certificateSigningKeys.organizationId, organizationId));
    }
    return {
      kid: row!.kid,
      jwk: row!.publicJwk,
      key: createPublicKey({ key: row!.publicJwk, format: 'jwk' }),
      privateKey: createPrivateKey(this.open(row!.privateKeyEnc)),
    };
  }

  /** The public key only; null when the organization never issued anything. */
  async publicKey(organizationId: string): Promise<PublicSigningKey | null> {
    const [row] = await this.db.select().from(certificateSigningKeys).where(eq(certificateSigningKeys.organizationId, organizationId));
    if (!row) return null;
    return { kid: row.kid, jwk: row.publicJwk, key: createPublicKey({ key: row.publicJwk, format: 'jwk' }) };
  }
}
