import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../../kernel/config/index.js';
import { Forbidden } from '../../../../kernel/errors/index.js';

/** What a stream token grants: this viewer, in this playback session, of this video, until `exp` (unix s). */
export interface StreamClaims {
  sessionId: string;
  userId: string;
  videoId: string;
  exp: number;
}

const VERSION = 'lyceum-stream-v1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Path tokens for `/api/v1/stream/<token>/…`: `<sessionId>.<userId>.<videoId>.<exp>.<hmac>` in
 * base64url. The HMAC key is derived from AUTH_SECRET for this purpose only (HKDF), and covers every
 * claim, so the token cannot be moved to another viewer, session or video. Putting it in the path
 * keeps the relative URIs inside playlists working and makes it the only credential a CDN needs.
 */
@Injectable()
export class StreamTokens {
  private readonly key: Buffer;
  readonly ttlSeconds: number;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'authSecret' | 'PLAYBACK_TOKEN_TTL_SECONDS'>) {
    this.key = Buffer.from(hkdfSync('sha256', config.authSecret, 'lyceum', 'playback:stream-token', 32));
    this.ttlSeconds = config.PLAYBACK_TOKEN_TTL_SECONDS;
  }

  private mac(c: StreamClaims): Buffer {
    return createHmac('sha256', this.key).update(JSON.stringify([VERSION, c.sessionId, c.userId, c.videoId, c.exp])).digest().subarray(0, 24);
  }

  sign(claims: Omit<StreamClaims, 'exp'>, now = Date.now()): { token: string; expiresAt: Date } {
    const exp = Math.floor(now / 1000) + this.ttlSeconds;
    const c = { ...claims, exp };
    const payload = Buffer.from(`${c.sessionId}.${c.userId}.${c.videoId}.${exp}`).toString('base64url');
    return { token: `${payload}.${this.mac(c).toString('base64url')}`, expiresAt: new Date(exp * 1000) };
  }

  /** The claims of a genuine, unexpired token; 403 problem otherwise. */
  verify(token: string, now = Date.now()): StreamClaims {
    const dot = token.indexOf('.');
    if (dot < 1 || dot !== token.lastIndexOf('.')) throw new Forbidden('This stream link is invalid.', 'stream_token_invalid');
    const parts = Buffer.from(token.slice(0, dot), 'base64url').toString('utf8').split('.');
    const [sessionId, userId, videoId, expRaw] = parts;
    if (parts.length !== 4 || !UUID.test(sessionId!) || !UUID.test(userId!) || !UUID.test(videoId!) || !/^\d{1,12}$/.test(expRaw!)) {
      throw new Forbidden('This stream link is invalid.', 'stream_token_invalid');
    }
    const claims: StreamClaims = { sessionId: sessionId!, userId: userId!, videoId: videoId!, exp: Number(expRaw) };
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = this.mac(claims);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new Forbidden('This stream link is invalid.', 'stream_token_invalid');
    }
    if (claims.exp * 1000 <= now) throw new Forbidden('This stream link has expired; reload the player.', 'stream_token_expired');
    return claims;
  }
}
