import path from 'node:path';
import { Readable } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { FileConfigstore, FileStore } from '@tus/file-store';
import { Server as TusServer, type Upload } from '@tus/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { and, eq } from 'drizzle-orm';
import { type OrgContext, type RequestContext, requirePermission, SESSION_RESOLVER, type SessionResolver } from '../../../kernel/auth/index.js';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database, PG_POOL } from '../../../kernel/db/index.js';
import { AppError, Invalid, NotFound, toProblem, Unauthenticated } from '../../../kernel/errors/index.js';
import { AssetIntake } from './asset-intake.service.js';
import { mediaAssets } from './library.schema.js';
import { PgLocker } from './pg-locker.js';

export const TUS_PATH = '/api/v1/media/uploads';
const UPLOAD_ID = /^[0-9a-f]{32}$/;
/** connections for upload locks, per node: as many PATCH/HEAD requests can hold or wait for one at once */
const LOCK_CONNECTIONS = 16;

/** A tus hook refusal: @tus/server sends `body` with `status_code`. */
interface TusRefusal {
  status_code: number;
  body: string;
}

function problemBody(err: AppError): TusRefusal {
  return { status_code: err.status, body: JSON.stringify(toProblem(err).problem) };
}

/** Turns @tus/server's plain-text refusals into problem+json with a stable code. */
function tusProblem(status: number, text: string, requestId: string): string {
  const detail = text.trim() || 'The upload request was refused.';
  const code =
    status === 409 ? 'upload_offset_mismatch' : status === 404 ? 'upload_not_found' : status === 410 ? 'upload_gone' : status === 412 ? 'tus_version_required' : status === 413 ? 'file_too_large' : 'upload_refused';
  const title = status === 409 ? 'Conflict' : status === 404 ? 'Not found' : 'Invalid upload request';
  return JSON.stringify({ type: `https://lyceum.dev/problems/${code}`, title, status, detail, code, requestId });
}

/**
 * The tus 1.0 endpoint for large files (`@tus/server` + `@tus/file-store`), mounted on Fastify under
 * /api/v1/media/uploads. In-flight parts live on local disk under DATA_DIR/uploads; a finished file
 * is sniffed, moved into Storage and recorded by AssetIntake. Every request is authenticated
 * (session cookie or bearer) and scoped to the caller's organization before tus sees it.
 *
 * Several nodes can serve it when they share DATA_DIR/uploads (a network volume): an upload's
 * info and offset are read from that directory on every request (the `.json` next to the part and
 * the part's size), and its lock is a PostgreSQL advisory lock (PgLocker), so a client may resume
 * on any node, and two nodes never write the same upload at once.
 */
@Injectable()
export class TusUploads implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('TusUploads');
  private resolver: SessionResolver | null = null;
  readonly directory: string;
  readonly store: FileStore;
  private readonly tus: TusServer;
  readonly locker: PgLocker;
  /** the caller of each request handed to tus, for its hooks */
  private readonly callers = new WeakMap<Request, OrgContext>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(DB) private readonly db: Database,
    @Inject(PG_POOL) pool: pg.Pool,
    private readonly intake: AssetIntake,
  ) {
    this.directory = path.join(config.dataDir, 'uploads');
    // upload info on the shared disk, never cached in this process (another node may have written it)
    this.store = new FileStore({ directory: this.directory, configstore: new FileConfigstore(this.directory) });
    this.locker = new PgLocker(pool.options.connectionString!, { connections: LOCK_CONNECTIONS });
    this.tus = new TusServer({
      path: TUS_PATH,
      datastore: this.store,
      locker: this.locker,
      relativeLocation: true,
      // ceiling for PATCH bodies; the real per-upload and quota checks run in onUploadCreate
      maxSize: config.MEDIA_MAX_UPLOAD_BYTES,
      exposedHeaders: ['Lyceum-Asset-Id'],
      onUploadCreate: (req, upload) => this.onCreate(req, upload),
      onUploadFinish: (req, upload) => this.onFinish(req, upload),
      onResponseError: (_req, err) => {
        if (err instanceof Error) {
          this.log.error(err.stack ?? err.message);
          return { status_code: 500, body: 'The upload failed on the server; retry to resume it.' };
        }
        return undefined;
      },
    });
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    // tus reads the PATCH body itself, as a stream: Fastify must leave it untouched.
    fastify.addContentTypeParser('application/offset+octet-stream', (_req, _payload, done) => done(null));
    const methods: ('POST' | 'HEAD' | 'PATCH' | 'DELETE' | 'OPTIONS')[] = ['POST', 'HEAD', 'PATCH', 'DELETE', 'OPTIONS'];
    for (const url of [TUS_PATH, `${TUS_PATH}/:uploadId`]) {
      fastify.route({ method: methods, url, exposeHeadRoute: false, handler: (req, reply) => this.handle(req, reply) });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.locker.close();
  }

  private async caller(req: FastifyRequest): Promise<RequestContext> {
    this.resolver ??= this.moduleRef.get<SessionResolver>(SESSION_RESOLVER, { strict: false });
    const resolved = await this.resolver.resolve(req.headers);
    return { requestId: String(req.id), ip: req.ip, actor: resolved?.actor ?? null, membership: resolved?.membership ?? null };
  }

  private async handle(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const uploadId = (req.params as { uploadId?: string }).uploadId;
    if (req.method !== 'OPTIONS') {
      const ctx = await this.caller(req);
      if (!ctx.actor) throw new Unauthenticated();
      const org = requirePermission(ctx, 'media.manage');
      if (uploadId !== undefined) {
        if (req.method === 'POST') throw new NotFound('Upload route');
        await this.ownUpload(org, uploadId);
      } else if (req.method !== 'POST') {
        throw new NotFound('Upload');
      } else if (req.headers['upload-defer-length'] !== undefined) {
        throw new Invalid('Declare the file size with Upload-Length; uploads of unknown length are not accepted.', [{ field: 'header.upload-length', message: 'required' }], 'upload_length_required');
      }
      return this.forward(req, reply, org, uploadId);
    }
    return this.forward(req, reply, null, uploadId);
  }

  /** 404 unless the upload is in flight in the caller's organization (another org's id is a 404 too). */
  private async ownUpload(org: OrgContext, uploadId: string): Promise<void> {
    if (!UPLOAD_ID.test(uploadId)) throw new NotFound('Upload');
    const [asset] = await this.db
      .select({ id: mediaAssets.id, status: mediaAssets.status })
      .from(mediaAssets)
      .where(and(eq(mediaAssets.uploadId, uploadId), eq(mediaAssets.organizationId, org.membership.orgId)));
    if (!asset || asset.status !== 'uploading') throw new NotFound('Upload');
  }

  private async forward(req: FastifyRequest, reply: FastifyReply, org: OrgContext | null, uploadId: string | undefined): Promise<FastifyReply> {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined) continue;
      headers.set(k, Array.isArray(v) ? v.join(', ') : String(v));
    }
    const hasBody = req.method === 'PATCH' || (req.method === 'POST' && req.headers['content-type'] === 'application/offset+octet-stream');
    const webReq = new Request(`http://lyceum.internal${req.url}`, {
      method: req.method,
      headers,
      ...(hasBody ? { body: Readable.toWeb(req.raw) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
    } as RequestInit);
    if (org) this.callers.set(webReq, org);
    const res = await this.tus.handleWeb(webReq);
    if (req.method === 'PATCH' && res.status === 204 && uploadId) {
      // bytes arrived: the upload is alive (idle ones expire, see ExpireUploadsJob)
      await this.db.update(mediaAssets).set({ updatedAt: new Date() }).where(and(eq(mediaAssets.uploadId, uploadId), eq(mediaAssets.status, 'uploading')));
    }
    if (req.method === 'DELETE' && res.status === 204 && uploadId) {
      // the upload was terminated: release its reservation
      await this.db.delete(mediaAssets).where(and(eq(mediaAssets.uploadId, uploadId), eq(mediaAssets.status, 'uploading')));
    }
    void reply.code(res.status);
    res.headers.forEach((value, key) => {
      if (key !== 'content-length') void reply.header(key, value);
    });
    const text = req.method === 'HEAD' || res.status === 204 ? '' : await res.text();
    if (res.status >= 400) {
      const body = text.startsWith('{') ? text : tusProblem(res.status, text, String(req.id));
      return reply.header('content-type', 'application/problem+json').header('cache-control', 'no-store').send(body);
    }
    return reply.header('cache-control', 'no-store').send(text);
  }

  private orgOf(req: Request): OrgContext {
    const org = this.callers.get(req);
    if (!org) throw problemBody(new Unauthenticated());
    return org;
  }

  private async onCreate(req: Request, upload: Upload): Promise<{ metadata?: Upload['metadata'] }> {
    const org = this.orgOf(req);
    const meta = upload.metadata ?? {};
    try {
      await this.intake.beginUpload(org, {
        uploadId: upload.id,
        sizeBytes: upload.size ?? 0,
        filename: meta.filename ?? meta.name ?? null,
        filetype: meta.filetype ?? meta.type ?? null,
        title: meta.title ?? null,
      });
    } catch (err) {
      if (err instanceof AppError) throw problemBody(err);
      throw err;
    }
    return {};
  }

  private async onFinish(_req: Request, upload: Upload): Promise<{ headers?: Record<string, string> }> {
    const file = path.join(this.directory, upload.id);
    try {
      const asset = await this.intake.completeUpload(upload.id, file);
      await this.store.remove(upload.id).catch(() => undefined);
      return { headers: { 'Lyceum-Asset-Id': asset.id } };
    } catch (err) {
      if (err instanceof AppError) {
        // a refused file is deleted at once; nothing of it stays on disk
        if (err.code === 'content_refused') await this.store.remove(upload.id).catch(() => undefined);
        throw problemBody(err);
      }
      throw err;
    }
  }

  /** Removes the in-flight parts of an upload (when its asset is deleted). */
  async discard(uploadId: string): Promise<void> {
    if (!UPLOAD_ID.test(uploadId)) return;
    await this.store.remove(uploadId).catch((err: unknown) => {
      // FileStore reports a missing upload as a tus 404: already gone
      if ((err as TusRefusal).status_code !== 404) throw err;
    });
  }
}

export type { TusRefusal };
