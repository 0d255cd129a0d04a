import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';

/** AES-128: the content key of an encrypted HLS output is 16 bytes. */
export const HLS_KEY_BYTES = 16;
const IV = 12;
const TAG = 16;

/**
 * The per-video HLS AES-128 content keys, kept encrypted at rest in `videos.encryption_key`:
 * AES-256-GCM under a key derived from AUTH_SECRET for this purpose alone (HKDF), stored as
 * iv (12) | tag (16) | ciphertext (16). A database dump alone does not give the keys; the kernel has
 * no shared secret store, so this follows the certificates module's signing-key wrap.
 */
@Injectable()
export class HlsKeyVault {
  private readonly wrapKey: Buffer;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'authSecret'>) {
    this.wrapKey = Buffer.from(hkdfSync('sha256', config.authSecret, 'lyceum', 'video:hls-key-wrap', 32));
  }

  /** A fresh random content key. */
  newKey(): Buffer {
    return randomBytes(HLS_KEY_BYTES);
  }

  seal(key: Buffer): Buffer {
    if (key.length !== HLS_KEY_BYTES) throw new Error(`an HLS AES-128 key is ${HLS_KEY_BYTES} bytes, not ${key.length}`);
    const iv = randomBytes(IV);
    const c = createCipheriv('aes-256-gcm', this.wrapKey, iv);
    const body = Buffer.concat([c.update(key), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }

  /** The content key of a sealed value; throws when it was sealed under another secret or altered. */
  open(sealed: Buffer): Buffer {
    if (sealed.length !== IV + TAG + HLS_KEY_BYTES) throw new Error('not a sealed HLS key');
    const d = createDecipheriv('aes-256-gcm', this.wrapKey, sealed.subarray(0, IV));
    d.setAuthTag(sealed.subarray(IV, IV + TAG));
    return Buffer.concat([d.update(sealed.subarray(IV + TAG)), d.final()]);
  }
}
