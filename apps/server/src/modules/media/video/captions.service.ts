import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gt, ne } from 'drizzle-orm';
import type { z } from 'zod';
import { type RequestContext, requireUser } from '../../../kernel/auth/index.js';
import { DB, type Database, inTransaction, type Tx } from '../../../kernel/db/index.js';
import { Conflict, NotFound } from '../../../kernel/errors/index.js';
import { decodeCursor, toPage } from '../../../kernel/http/pagination.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { toWebVtt, validateVtt } from './captions.format.js';
import type { Caption, CreateCaption, UpdateCaption } from './video.dto.js';
import { captionsJobKey, PublishCaptionsJob } from './video.jobs.js';
import { VideoService } from './video.service.js';
import { videoCaptions } from './video.schema.js';

type CaptionRow = typeof videoCaptions.$inferSelect;

function present(c: CaptionRow): z.input<typeof Caption> {
  return { id: c.id, language: c.language, label: c.label, isDefault: c.isDefault, updatedAt: c.updatedAt.toISOString(), vtt: c.vtt };
}

function summary(c: CaptionRow) {
  const { vtt: _vtt, ...rest } = present(c);
  void _vtt;
  return rest;
}

/**
 * Caption tracks of a video (WebVTT; SRT converted on upload), one per language. Every change
 * queues the manifest rewrite (PublishCaptionsJob) in the same transaction.
 */
@Injectable()
export class CaptionsService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly jobs: JobsService,
    private readonly videos: VideoService,
  ) {}

  private async republish(tx: Tx, videoId: string): Promise<void> {
    await this.jobs.enqueue(tx, PublishCaptionsJob, { videoId }, { jobKey: captionsJobKey(videoId) });
  }

  private async clearDefault(tx: Tx, videoId: string, except: string): Promise<void> {
    await tx.update(videoCaptions).set({ isDefault: false }).where(and(eq(videoCaptions.videoId, videoId), ne(videoCaptions.language, except)));
  }

  private async find(videoId: string, language: string): Promise<CaptionRow> {
    const [c] = await this.db.select().from(videoCaptions).where(and(eq(videoCaptions.videoId, videoId), eq(videoCaptions.language, language)));
    if (!c) throw new NotFound('Caption track');
    return c;
  }

  async list(ctx: RequestContext, videoId: string, q: { limit: number; cursor?: string }) {
    const v = await this.videos.rowFor(ctx, videoId);
    const after = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(videoCaptions)
      .where(and(eq(videoCaptions.videoId, v.id), after ? gt(videoCaptions.language, String(after[0])) : undefined))
      .orderBy(asc(videoCaptions.language))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.language], summary);
  }

  async get(ctx: RequestContext, videoId: string, language: string) {
    const v = await this.videos.rowFor(ctx, videoId);
    return present(await this.find(v.id, language));
  }

  async create(ctx: RequestContext, videoId: string, body: z.output<typeof CreateCaption>) {
    const user = requireUser(ctx);
    const v = await this.videos.rowFor(ctx, videoId);
    const vtt = toWebVtt(body.text, body.format);
    const row = await inTransaction(this.db, async (tx) => {
      const [c] = await tx
        .insert(videoCaptions)
        .values({ organizationId: v.organizationId, videoId: v.id, language: body.language, label: body.label, isDefault: body.isDefault, vtt, updatedBy: user.actor.userId })
        .onConflictDoNothing()
        .returning();
      if (!c) throw new Conflict(`This video already has "${body.language}" captions; edit them instead.`, 'caption_exists');
      if (c.isDefault) await this.clearDefault(tx, v.id, c.language);
      await this.republish(tx, v.id);
      return c;
    });
    return present(row);
  }

  async update(ctx: RequestContext, videoId: string, language: string, body: z.output<typeof UpdateCaption>) {
    const user = requireUser(ctx);
    const v = await this.videos.rowFor(ctx, videoId);
    const vtt = body.vtt !== undefined ? validateVtt(body.vtt, 'body.vtt') : undefined;
    const existing = await this.find(v.id, language);
    const row = await inTransaction(this.db, async (tx) => {
      const [c] = await tx
        .update(videoCaptions)
        .set({ ...(body.label !== undefined ? { label: body.label } : {}), ...(body.isDefault !== undefined ? { isDefault: body.isDefault } : {}), ...(vtt ? { vtt } : {}), updatedBy: user.actor.userId, updatedAt: new Date() })
        .where(eq(videoCaptions.id, existing.id))
        .returning();
      if (!c) throw new NotFound('Caption track');
      if (c.isDefault) await this.clearDefault(tx, v.id, c.language);
      await this.republish(tx, v.id);
      return c;
    });
    return present(row);
  }

  async remove(ctx: RequestContext, videoId: string, language: string): Promise<void> {
    const v = await this.videos.rowFor(ctx, videoId);
    const existing = await this.find(v.id, language);
    await inTransaction(this.db, async (tx) => {
      await tx.delete(videoCaptions).where(eq(videoCaptions.id, existing.id));
      await this.republish(tx, v.id);
    });
  }
}
