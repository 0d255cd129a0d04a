import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { Forbidden } from '../errors/index.js';
import { assertValidStorageKey } from './storage.port.js';

export const FILES_PATH = '/files/';

export interface SignOptions {
  /** lifetime; default SIGNED_URL_TTL_SECONDS, at most 7 days */
  ttlSeconds?: number;
  /** how the browser should present the file; default inline for safe types, attachment otherwise */
  disposition?: 'inline' | 'attachment';
  /** the name offered in Content-Disposition */
  filename?: string;
  /**
   * a user id: the URL then works only on a request authenticated as that user (cookie or bearer),
   * so a leaked link is useless to anyone else. The id itself is not written into the URL.
   */
  bindTo?: string;
}

export interface PublicSignOptions {
  disposition?: 'inline' | 'attachment';
  filename?: string;
}

/** What a verified URL allows; the files route uses it to shape the response. */
export interface SignedGrant {
  key: string;
  expiresAt: Date;
  disposition: 'inline' | 'attachment' | null;
  filename: string | null;
  /** signed with `signPublic`: shared caches may keep the response */
  public: boolean;
  /** the user the URL was bound to, when it was */
  boundTo: string | null;
}

export type FileQuery = Record<string, string | string[] | undefined>;

const MAX_PRIVATE_TTL = 7 * 86400;
const PUBLIC_TTL = 365 * 86400;
/** public URLs expire on a 30-day grid so the same object keeps the same URL (and cache entry) for weeks */
const PUBLIC_GRID = 30 * 86400;
const VERSION = 'lyceum-file-url-v1';

function one(q: FileQuery, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? undefined : v;
}

/**
 * Signs and checks download URLs of the form `/files/<key>?exp=<unix s>&sig=<base64url>` (plus `d`,
 * `fn`, `b`, `pub` when used). The HMAC-SHA256 key is derived from AUTH_SECRET for this purpose
 * alone (HKDF), so a signature here can never be replayed as a session or another token, and it
 * covers every parameter that changes the response.
 */
@Injectable()
export class UrlSigner {
  private readonly key: Buffer;
  private readonly defaultTtl: number;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'authSecret' | 'SIGNED_URL_TTL_SECONDS'>) {
    this.key = Buffer.from(hkdfSync('sha256', config.authSecret, 'lyceum', 'storage:signed-file-url', 32));
    this.defaultTtl = config.SIGNED_URL_TTL_SECONDS;
  }

  private mac(parts: { key: string; exp: number; d: string; fn: string; user: string; pub: boolean }): Buffer {
    const canonical = JSON.stringify([VERSION, parts.key, parts.exp, parts.d, parts.fn, parts.user, parts.pub ? 1 : 0]);
    return createHmac('sha256', this.key).update(canonical).digest();
  }

  private build(key: string, exp: number, opts: { disposition?: string; filename?: string; bindTo?: string; pub: boolean }): string {
    assertValidStorageKey(key);
    const d = opts.disposition === 'attachment' ? 'a' : opts.disposition === 'inline' ? 'i' : '';
    const fn = opts.filename ?? '';
    const sig = this.mac({ key, exp, d, fn, user: opts.bindTo ?? '', pub: opts.pub }).toString('base64url');
    const q = new URLSearchParams();
    q.set('exp', String(exp));
    if (d) q.set('d', d);
    if (fn) q.set('fn', fn);
    if (opts.bindTo) q.set('b', '1');
    if (opts.pub) q.set('pub', '1');
    q.set('sig', sig);
    return `${FILES_PATH}${key}?${q.toString()}`;
  }

  /** A private, short-lived download path for `key` (relative to the app's origin). */
  sign(key: string, opts: SignOptions = {}, now = Date.now()): string {
    const ttl = Math.min(Math.max(Math.floor(opts.ttlSeconds ?? this.defaultTtl), 1), MAX_PRIVATE_TTL);
    const exp = Math.floor(now / 1000) + ttl;
    return this.build(key, exp, { ...opts, pub: false });
  }

  /**
   * A long-lived path for objects meant to be seen by anyone with the page (course covers,
   * avatars): valid 11 to 12 months, stable for weeks so browsers and CDNs can cache it, served
   * with `cache-control: public`. Never use it for paid or personal content.
   */
  signPublic(key: string, opts: PublicSignOptions = {}, now = Date.now()): string {
    const exp = Math.ceil((Math.floor(now / 1000) + PUBLIC_TTL - PUBLIC_GRID) / PUBLIC_GRID) * PUBLIC_GRID;
    return this.build(key, exp, { ...opts, pub: true });
  }

  /**
   * Checks a request for `key` (already URL-decoded). `caller` is the authenticated user id, asked
   * for only when the URL is bound (`b=1`). Throws 403 problem errors; returns the grant.
   */
  async verify(key: string, query: FileQuery, caller: () => Promise<string | null>, now = Date.now()): Promise<SignedGrant> {
    const expRaw = one(query, 'exp');
    const sigRaw = one(query, 'sig');
    if (!expRaw || !sigRaw || !/^\d{1,12}$/.test(expRaw)) {
      throw new Forbidden('This file link is not signed.', 'signature_invalid');
    }
    const d = one(query, 'd') ?? '';
    const fn = one(query, 'fn') ?? '';
    const bound = one(query, 'b') === '1';
    const pub = one(query, 'pub') === '1';
    const exp = Number(expRaw);
    let user = '';
    if (bound) {
      user = (await caller()) ?? '';
      if (!user) throw new Forbidden('This file link works only for the signed-in user it was made for.', 'signature_invalid');
    }
    const expected = this.mac({ key, exp, d, fn, user, pub });
    const given = Buffer.from(sigRaw, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new Forbidden('This file link is invalid.', 'signature_invalid');
    }
    // Checked after the signature so an attacker learns nothing from editing `exp`.
    if (exp * 1000 <= now) throw new Forbidden('This file link has expired; reload the page to get a new one.', 'signature_expired');
    return {
      key,
      expiresAt: new Date(exp * 1000),
      disposition: d === 'a' ? 'attachment' : d === 'i' ? 'inline' : null,
      filename: fn || null,
      public: pub,
      boundTo: bound ? user : null,
    };
  }
}
