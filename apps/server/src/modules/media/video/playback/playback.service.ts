import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { type RequestContext, requireUser } from '../../../../kernel/auth/index.js';
import { APP_CONFIG, type AppConfig } from '../../../../kernel/config/index.js';
import { DB, type Database, inTransaction, type Tx } from '../../../../kernel/db/index.js';
import { Conflict, Invalid, NotFound } from '../../../../kernel/errors/index.js';
import { ProgressService } from '../../../learning/enrollment/index.js';
import { videoCaptions, videos } from '../video.schema.js';
import { GeoRulesService } from './geo-rules.service.js';
import { PlaybackAccess } from './playback.access.js';
import type { Heartbeat, HeartbeatResult, PlaybackStart, StreamUrls } from './playback.dto.js';
import { playbackSessions, videoWatchProgress } from './playback.schema.js';
import { StreamTokens } from './stream-token.js';
import { emptyBitmap, isComplete, markWatched, rangesProblem, totalSecondsOf, type WatchRange } from './watch-rules.js';

type SessionRow = typeof playbackSessions.$inferSelect;
type ProgressRow = typeof videoWatchProgress.$inferSelect;

export const HEARTBEAT_INTERVAL_SECONDS = 20;
export const STREAM_PREFIX = '/api/v1/stream/';

function progressOf(p: Pick<ProgressRow, 'distinctSeconds' | 'totalSeconds' | 'completedAt'> | null, totalSeconds: number) {
  const distinct = p?.distinctSeconds ?? 0;
  return { distinctSeconds: distinct, totalSeconds, percent: Math.round((1000 * distinct) / totalSeconds) / 10, completed: !!p?.completedAt };
}

/**
 * Playback sessions: starting one (access, readiness, geo rules, the per-user stream limit),
 * heartbeats (liveness, token renewal, distinct-seconds progress and lesson completion) and ending.
 */
@Injectable()
export class PlaybackService {
  private readonly maxStreams: number;
  private readonly ttlSeconds: number;

  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly access: PlaybackAccess,
    private readonly geo: GeoRulesService,
    private readonly tokens: StreamTokens,
    private readonly progress: ProgressService,
  ) {
    this.maxStreams = config.PLAYBACK_MAX_STREAMS;
    this.ttlSeconds = config.PLAYBACK_SESSION_TTL_SECONDS;
  }

  /** A session counts (and its tokens work) until ended or silent for the session TTL. */
  isLive(s: Pick<SessionRow, 'endedAt' | 'lastHeartbeatAt'>, now = Date.now()): boolean {
    return s.endedAt === null && s.lastHeartbeatAt.getTime() > now - this.ttlSeconds * 1000;
  }

  streamUrls(s: Pick<SessionRow, 'id' | 'userId' | 'videoId'>, output: NonNullable<typeof videos.$inferSelect.output>): z.input<typeof StreamUrls> {
    const { token, expiresAt } = this.tokens.sign({ sessionId: s.id, userId: s.userId, videoId: s.videoId });
    const base = `${STREAM_PREFIX}${token}/`;
    return {
      token,
      expiresAt: expiresAt.toISOString(),
      hls: base + output.hlsMaster,
      // DASH only for clear streams: AES-128 HLS segments would need CENC to play in DASH
      dash: output.dashManifest ? base + output.dashManifest : null,
      poster: output.poster ? base + output.poster : null,
      storyboardVtt: output.storyboardVtt ? base + output.storyboardVtt : null,
    };
  }

  async start(ctx: RequestContext, lessonId: string, headers: Record<string, string | string[] | undefined>): Promise<z.input<typeof PlaybackStart>> {
    const u = requireUser(ctx);
    const lv = await this.access.lessonVideo(u, lessonId);
    const country = this.geo.countryOf(headers);
    const { video } = lv;
    const totalSeconds = totalSecondsOf(video.durationSeconds);
    return inTransaction(this.db, async (tx) => {
      // Staff check their own course from anywhere; learners are held to its rules.
      if (!lv.staff) await this.geo.check(lv.course.id, country, tx);
      // One start at a time per user, so two devices racing cannot both take the last slot.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${'playback:' + u.actor.userId}, 0))`);
      const cutoff = new Date(Date.now() - this.ttlSeconds * 1000);
      const live = await tx
        .select({ id: playbackSessions.id })
        .from(playbackSessions)
        .where(and(eq(playbackSessions.userId, u.actor.userId), isNull(playbackSessions.endedAt), gt(playbackSessions.lastHeartbeatAt, cutoff)));
      if (live.length >= this.maxStreams) {
        throw new Conflict(
          `You are already watching on ${live.length} devices, the most your account allows at once. Stop playback on another device, or wait a minute after closing it, then try again.`,
          'stream_limit',
          { limit: this.maxStreams, live: live.length },
        );
      }
      const [session] = await tx
        .insert(playbackSessions)
        .values({
          organizationId: video.organizationId,
          userId: u.actor.userId,
          videoId: video.id,
          courseId: lv.course.id,
          lessonId,
          access: lv.access,
          country,
        })
        .returning();
      const [prog] = await tx
        .select()
        .from(videoWatchProgress)
        .where(and(eq(videoWatchProgress.userId, u.actor.userId), eq(videoWatchProgress.videoId, video.id)));
      const captions = await tx.select().from(videoCaptions).where(eq(videoCaptions.videoId, video.id)).orderBy(asc(videoCaptions.language));
      const stream = this.streamUrls(session!, video.output);
      const base = stream.hls.slice(0, stream.hls.lastIndexOf(video.output.hlsMaster));
      // resume only mid-way: at the very end (or in its last seconds) start again
      const pos = prog?.position ?? 0;
      const resumePosition = pos > 0 && pos < video.durationSeconds - 3 ? pos : 0;
      return {
        sessionId: session!.id,
        videoId: video.id,
        lessonId,
        courseId: lv.course.id,
        durationSeconds: video.durationSeconds,
        encrypted: video.output.encrypted ?? false,
        resumePosition,
        heartbeatIntervalSeconds: HEARTBEAT_INTERVAL_SECONDS,
        stream,
        captions: captions.map((c) => ({ language: c.language, label: c.label, default: c.isDefault, url: `${base}captions/${c.language}.vtt` })),
        progress: progressOf(prog ?? null, totalSeconds),
        canViewAnalytics: lv.staff,
      };
    });
  }

  private async ownSession(ctx: RequestContext, sessionId: string, tx: Tx): Promise<SessionRow> {
    const u = requireUser(ctx);
    const [s] = await tx.select().from(playbackSessions).where(eq(playbackSessions.id, sessionId)).for('update');
    if (!s || s.userId !== u.actor.userId) throw new NotFound('Playback session');
    return s;
  }

  async heartbeat(ctx: RequestContext, sessionId: string, body: z.output<typeof Heartbeat>): Promise<z.input<typeof HeartbeatResult>> {
    return inTransaction(this.db, async (tx) => {
      const s = await this.ownSession(ctx, sessionId, tx);
      const now = Date.now();
      if (!this.isLive(s, now)) {
        throw new Conflict('This playback session has ended; start playback again.', 'session_ended');
      }
      const [video] = await tx.select().from(videos).where(eq(videos.id, s.videoId));
      if (!video?.output || video.durationSeconds === null) throw new Conflict('This video is no longer available.', 'video_not_ready');
      const duration = video.durationSeconds;
      if (body.position > duration + 0.5) {
        throw new Invalid(`The position must lie within the video (0 to ${duration.toFixed(1)} s).`, [{ field: 'body.position', message: 'beyond the end of the video' }]);
      }
      const ranges = body.ranges as WatchRange[];
      const elapsed = (now - s.lastHeartbeatAt.getTime()) / 1000;
      const problem = rangesProblem(ranges, duration, elapsed);
      if (problem) throw new Invalid(problem, [{ field: 'body.ranges', message: problem }]);

      const played = ranges.reduce((n, [a, b]) => n + (b - a), 0);
      const ended = body.event === 'pagehide';
      await tx
        .update(playbackSessions)
        .set({
          lastHeartbeatAt: new Date(now),
          position: body.position,
          watchedSeconds: sql`${playbackSessions.watchedSeconds} + ${played}`,
          updatedAt: new Date(now),
          ...(ended ? { endedAt: new Date(now) } : {}),
        })
        .where(eq(playbackSessions.id, s.id));

      const totalSeconds = totalSecondsOf(duration);
      const [prev] = await tx
        .select()
        .from(videoWatchProgress)
        .where(and(eq(videoWatchProgress.userId, s.userId), eq(videoWatchProgress.videoId, s.videoId)))
        .for('update');
      const marked = markWatched(prev?.watched ?? emptyBitmap(totalSeconds), totalSeconds, ranges);
      const position = body.event === 'ended' ? 0 : body.position;
      let row: ProgressRow;
      if (prev) {
        [row] = (await tx
          .update(videoWatchProgress)
          .set({ watched: marked.bitmap, distinctSeconds: marked.distinct, totalSeconds, position, updatedAt: new Date(now) })
          .where(eq(videoWatchProgress.id, prev.id))
          .returning()) as [ProgressRow];
      } else {
        [row] = (await tx
          .insert(videoWatchProgress)
          .values({ organizationId: s.organizationId, userId: s.userId, videoId: s.videoId, totalSeconds, watched: marked.bitmap, distinctSeconds: marked.distinct, position })
          .returning()) as [ProgressRow];
      }
      let lessonCompleted = false;
      if (!row.completedAt && isComplete(marked.distinct, totalSeconds)) {
        [row] = (await tx.update(videoWatchProgress).set({ completedAt: new Date(now) }).where(eq(videoWatchProgress.id, row.id)).returning()) as [ProgressRow];
        // Only an enrollment completes a lesson; previews and staff views are just recorded.
        if (s.access === 'enrolled') {
          const r = await this.progress.recordLessonCompletion(tx, { userId: s.userId, courseId: s.courseId, lessonId: s.lessonId, source: 'video' });
          lessonCompleted = r.newlyCompleted;
        }
      }
      return { stream: this.streamUrls(s, video.output), progress: progressOf(row, totalSeconds), lessonCompleted };
    });
  }

  /** Ends the session; its slot is free at once and its stream links stop working. */
  async end(ctx: RequestContext, sessionId: string): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const s = await this.ownSession(ctx, sessionId, tx);
      if (s.endedAt) return;
      await tx.update(playbackSessions).set({ endedAt: new Date(), updatedAt: new Date() }).where(eq(playbackSessions.id, s.id));
    });
  }
}
