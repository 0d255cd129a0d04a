import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DB, type Database } from '../../../../kernel/db/index.js';
import { Forbidden, NotFound, sendProblem } from '../../../../kernel/errors/index.js';
import { isValidStorageKey, parseRange, RangeNotSatisfiable, STORAGE, type Storage } from '../../../../kernel/storage/index.js';
import { HlsKeyVault } from '../hls-keys.js';
import { videoCaptions, videos } from '../video.schema.js';
import { playbackSessions } from './playback.schema.js';
import { PlaybackService, STREAM_PREFIX } from './playback.service.js';
import { StreamTokens } from './stream-token.js';

const TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  mpd: 'application/dash+xml',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  m4a: 'audio/mp4',
  ts: 'video/mp2t',
  aac: 'audio/aac',
  vtt: 'text/vtt; charset=utf-8',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};
/** An output never changes under its outputId, and the token is in the path: media objects may be cached forever. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Playlists and manifests (and editable captions) are re-read soon. */
const SHORT = 'public, max-age=10';

export function streamContentType(path: string): string | null {
  const ext = /\.([a-z0-9]+)$/.exec(path)?.[1];
  return ext ? (TYPES[ext] ?? null) : null;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/**
 * `GET /api/v1/stream/<token>/<path>`: manifests, playlists, segments, captions, storyboard and the
 * AES-128 key of a video, for one live playback session. Registered straight on Fastify so bytes
 * stream without buffering, and with no cookie involved: the token is the credential, so it works
 * behind any CDN. Every request checks the signature, the expiry, and that the session is live and
 * still the token's viewer's and video's.
 */
@Injectable()
export class StreamRoute implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(DB) private readonly db: Database,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly tokens: StreamTokens,
    private readonly playback: PlaybackService,
    private readonly keys: HlsKeyVault,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.route({
      method: ['GET', 'HEAD'],
      // a wildcard, not `:token/*`: the token is longer than Fastify's default maxParamLength
      url: `${STREAM_PREFIX}*`,
      exposeHeadRoute: false,
      handler: async (req, reply) => {
        try {
          return await this.serve(req, reply);
        } catch (err) {
          sendProblem(reply, req, err);
          return reply;
        }
      },
    });
  }

  private async serve(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const rest = (req.params as { '*'?: string })['*'] ?? '';
    const slash = rest.indexOf('/');
    const claims = this.tokens.verify(slash > 0 ? rest.slice(0, slash) : rest);
    const path = slash > 0 ? rest.slice(slash + 1) : '';
    const [row] = await this.db
      .select({ s: playbackSessions, output: videos.output, key: videos.encryptionKey, status: videos.status })
      .from(playbackSessions)
      .innerJoin(videos, eq(videos.id, playbackSessions.videoId))
      .where(eq(playbackSessions.id, claims.sessionId));
    if (!row || row.s.userId !== claims.userId || row.s.videoId !== claims.videoId) {
      throw new Forbidden('This stream link belongs to another viewer, session or video.', 'stream_token_foreign');
    }
    if (!this.playback.isLive(row.s)) throw new Forbidden('This playback session has ended; reload the player.', 'session_ended');
    if (row.status !== 'ready' || !row.output) throw new NotFound('Video');
    void reply.header('x-content-type-options', 'nosniff').header('access-control-allow-origin', '*');

    if (path === 'key' || path.endsWith('/key')) {
      // The HLS AES-128 key: for this live session only, never stored by any cache.
      if (!row.output.encrypted || !row.key) throw new NotFound('Key');
      const key = this.keys.open(row.key);
      return reply.header('content-type', 'application/octet-stream').header('cache-control', 'no-store').header('content-length', String(key.length)).send(key);
    }

    const caption = /^captions\/([A-Za-z0-9-]{2,35})\.vtt$/.exec(path);
    if (caption) {
      const [c] = await this.db
        .select({ vtt: videoCaptions.vtt })
        .from(videoCaptions)
        .where(and(eq(videoCaptions.videoId, claims.videoId), eq(videoCaptions.language, caption[1]!)));
      if (c) {
        const body = Buffer.from(c.vtt, 'utf8');
        const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
        void reply.header('content-type', TYPES.vtt!).header('cache-control', SHORT).header('etag', etag);
        if (etagMatches(req.headers['if-none-match'], etag)) return reply.code(304).send();
        return reply.header('content-length', String(body.length)).send(req.method === 'HEAD' ? undefined : body);
      }
    }

    const type = streamContentType(path);
    const key = row.output.prefix + path;
    if (!type || !isValidStorageKey(key)) throw new NotFound('Stream file');
    const info = await this.storage.head(key);
    if (!info) throw new NotFound('Stream file');
    const playlist = path.endsWith('.m3u8') || path.endsWith('.mpd') || path.endsWith('.vtt');
    void reply
      .header('content-type', type)
      .header('accept-ranges', 'bytes')
      .header('cache-control', playlist ? SHORT : IMMUTABLE)
      .header('etag', info.etag)
      .header('last-modified', info.lastModified.toUTCString());
    if (etagMatches(req.headers['if-none-match'], info.etag)) return reply.code(304).send();

    const ifRange = req.headers['if-range'];
    const range = parseRange(ifRange && ifRange !== info.etag ? undefined : req.headers.range, info.size);
    if (range === 'unsatisfiable') {
      return reply.code(416).header('content-range', `bytes */${info.size}`).header('content-length', '0').send();
    }
    if (req.method === 'HEAD') {
      if (range) void reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${info.size}`);
      return reply.header('content-length', String(range ? range.end - range.start + 1 : info.size)).send();
    }
    let obj;
    try {
      obj = await this.storage.get(key, range ? { range } : {});
    } catch (err) {
      if (err instanceof RangeNotSatisfiable) {
        return reply.code(416).header('content-range', `bytes */${info.size}`).header('content-length', '0').send();
      }
      throw err;
    }
    if (!obj) throw new NotFound('Stream file');
    if (obj.range) {
      void reply.code(206).header('content-range', `bytes ${obj.range.start}-${obj.range.end}/${obj.size}`);
      void reply.header('content-length', String(obj.range.end - obj.range.start + 1));
    } else {
      void reply.header('content-length', String(obj.size));
    }
    return reply.send(obj.body);
  }
}
