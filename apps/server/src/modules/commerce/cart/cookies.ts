import type { FastifyReply, FastifyRequest } from 'fastify';

/** The guest cart's id (set when an anonymous visitor first adds to the cart). */
export const GUEST_CART_COOKIE = 'lyceum_cart';
/** The affiliate attribution cookie (set by growth): its value is the referral code. */
export const REFERRAL_COOKIE = 'lyceum_ref';

export function readCookie(req: FastifyRequest, name: string): string | null {
  const raw = req.headers.cookie;
  if (typeof raw !== 'string') return null;
  for (const part of raw.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim()) || null;
      } catch {
        return null;
      }
    }
  }
  return null;
}

const REFERRAL_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** The referral code of the `lyceum_ref` cookie, when it has a code's shape (null otherwise). */
export function readReferralCookie(req: FastifyRequest): string | null {
  const ref = readCookie(req, REFERRAL_COOKIE);
  return ref && REFERRAL_RE.test(ref) ? ref : null;
}

export function setCookie(reply: FastifyReply, name: string, value: string, maxAgeSeconds: number, secure: boolean): void {
  const attrs = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSeconds}`];
  if (secure) attrs.push('Secure');
  const prior = reply.getHeader('set-cookie');
  const list = Array.isArray(prior) ? prior.map(String) : prior ? [String(prior)] : [];
  void reply.header('set-cookie', [...list, attrs.join('; ')]);
}
