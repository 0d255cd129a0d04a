import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_RESOLVER, type SessionResolver } from '../auth/index.js';
import { NotFound } from '../errors/index.js';
import { parseRange } from './http-range.js';
import { isValidStorageKey, RangeNotSatisfiable, STORAGE, type Storage } from './storage.port.js';
import { type FileQuery, type SignedGrant, UrlSigner } from './url-signer.js';

/** Types a browser may render in place; anything else (HTML, SVG, scripts...) is always a download. */
const INLINE_SAFE = /^(image\/(png|jpeg|gif|webp|avif|bmp|x-icon|vnd\.microsoft\.icon)|video\/[a-z0-9.+-]+|audio\/[a-z0-9.+-]+|application\/pdf|text\/plain|text\/vtt|application\/vnd\.apple\.mpegurl|application\/x-mpegurl|application\/dash\+xml)(;|$)/;

const PRIVATE_MAX_AGE = 3600;
const PUBLIC_MAX_AGE = 7 * 86400;

/** RFC 6266 Content-Disposition with an ASCII fallback and the exact UTF-8 name. */
export function contentDisposition(type: 'inline' | 'attachment', filename: string | null): string {
  if (!filename) return type;
  const clean = filename.replace(/[\u0000-\u001f\u007f"\\/]/g, '_').slice(0, 200);
  const ascii = clean.replace(/[^\x20-\x7e]/g, '_');
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/**
 * `GET /files/<key>?exp=&sig=`: the only door private objects leave through. Registered straight on
 * Fastify (outside /api/v1 and Nest's pipes) so bytes stream without buffering; the signature and
 * expiry are checked on every request, before storage is touched.
 */
@Injectable()
export class FilesRoute implements OnModuleInit {
  private resolver: SessionResolver | null = null;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly signer: UrlSigner,
    @Inject(STORAGE) private readonly storage: Storage,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    // HEAD is routed here too (not Fastify's generated HEAD route, which would read the whole body).
    fastify.route({ method: ['GET', 'HEAD'], url: '/files/*', exposeHeadRoute: false, handler: (req, reply) => this.serve(req, reply) });
  }

  private async callerId(req: FastifyRequest): Promise<string | null> {
    // Kernel code must not import the identity module; its resolver is looked up at runtime.
    this.resolver ??= this.moduleRef.get<SessionResolver>(SESSION_RESOLVER, { strict: false });
    const resolved = await this.resolver.resolve(req.headers);
    return resolved?.actor.userId ?? null;
  }

  private async serve(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const key = (req.params as { '*'?: string })['*'] ?? '';
    const grant = await this.signer.verify(key, req.query as FileQuery, () => this.callerId(req));
    // A valid signature implies a valid key (sign() refuses others); checked again all the same.
    if (!isValidStorageKey(key)) throw new NotFound('File');
    const info = await this.storage.head(key);
    if (!info) throw new NotFound('File');

    this.commonHeaders(reply, grant, info.contentType);
    void reply.header('etag', info.etag).header('last-modified', info.lastModified.toUTCString());

    if (etagMatches(req.headers['if-none-match'], info.etag)) return reply.code(304).send();

    const ifRange = req.headers['if-range'];
    const rangeHeader = ifRange && ifRange !== info.etag ? undefined : req.headers.range;
    const range = parseRange(rangeHeader, info.size);
    if (range === 'unsatisfiable') {
      return reply.code(416).header('content-range', `bytes */${info.size}`).header('content-length', '0').send();
    }
    if (req.method === 'HEAD') {
      const length = range ? range.end - range.start + 1 : info.size;
      if (range) void reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${info.size}`);
      return reply.header('content-length', String(length)).send();
    }
    let obj;
    try {
      obj = await this.storage.get(key, range ? { range } : {});
    } catch (err) {
      // The object shrank between head and get.
      if (err instanceof RangeNotSatisfiable) {
        return reply.code(416).header('content-range', `bytes */${info.size}`).header('content-length', '0').send();
      }
      throw err;
    }
    if (!obj) throw new NotFound('File');
    if (obj.range) {
      void reply.code(206).header('content-range', `bytes ${obj.range.start}-${obj.range.end}/${obj.size}`);
      void reply.header('content-length', String(obj.range.end - obj.range.start + 1));
    } else {
      void reply.header('content-length', String(obj.size));
    }
    return reply.send(obj.body);
  }

  private commonHeaders(reply: FastifyReply, grant: SignedGrant, contentType: string): void {
    const remaining = Math.max(0, Math.floor((grant.expiresAt.getTime() - Date.now()) / 1000));
    const safe = INLINE_SAFE.test(contentType);
    const disposition = !safe ? 'attachment' : (grant.disposition ?? 'inline');
    void reply
      .header('content-type', contentType)
      .header('accept-ranges', 'bytes')
      .header('content-disposition', contentDisposition(disposition, grant.filename))
      .header(
        'cache-control',
        grant.public ? `public, max-age=${Math.min(remaining, PUBLIC_MAX_AGE)}` : `private, max-age=${Math.min(remaining, PRIVATE_MAX_AGE)}`,
      )
      .header('x-content-type-options', 'nosniff');
    // PDFs keep the app's policy (the browser's viewer breaks in a sandbox); anything else a browser
    // might open is sandboxed so it can never run script on the app's origin.
    if (!contentType.startsWith('application/pdf')) {
      void reply.header('content-security-policy', "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox");
    }
    if (grant.boundTo) void reply.header('vary', 'cookie, authorization');
  }
}
