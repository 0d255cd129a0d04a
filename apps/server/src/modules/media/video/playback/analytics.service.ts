import { Inject, Injectable } from '@nestjs/common';
import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { can, type RequestContext, requireOrg } from '../../../../kernel/auth/index.js';
import { DB, type Database } from '../../../../kernel/db/index.js';
import { Forbidden, NotFound } from '../../../../kernel/errors/index.js';
import { videos } from '../video.schema.js';
import type { VideoAnalytics } from './playback.dto.js';

export const BUCKETS = 20;
/** Who sees a video's analytics: the organization's course staff (instructors, editors, admins). */
const STAFF_PERMISSIONS = ['course.create', 'course.update', 'course.read_all'];

/**
 * Per-video viewing figures, computed in SQL from playback's own tables: sessions are views (and
 * carry the watch time), the distinct-seconds bitmaps give % watched and the drop-off curve.
 */
@Injectable()
export class PlaybackAnalyticsService {
  constructor(@Inject(DB) private readonly db: Database) {}

  async forVideo(ctx: RequestContext, videoId: string): Promise<z.input<typeof VideoAnalytics>> {
    const o = requireOrg(ctx);
    const [video] = await this.db.select({ id: videos.id, organizationId: videos.organizationId, durationSeconds: videos.durationSeconds }).from(videos).where(eq(videos.id, videoId));
    if (!video || video.organizationId !== o.membership.orgId) throw new NotFound('Video');
    if (!STAFF_PERMISSIONS.some((p) => can(o, p))) throw new Forbidden("Only the organization's course staff see video analytics.", 'missing_permission');

    const totals = await this.db.execute<{ views: number; viewers: number; watch: number; pct_sum: number; completions: number }>(sql`
      select
        (select count(*)::int from playback_sessions where video_id = ${videoId}) as views,
        (select count(distinct user_id)::int from playback_sessions where video_id = ${videoId}) as viewers,
        (select coalesce(sum(watched_seconds), 0)::float8 from playback_sessions where video_id = ${videoId}) as watch,
        (select coalesce(sum(distinct_seconds::float8 / total_seconds), 0) from video_watch_progress where video_id = ${videoId}) as pct_sum,
        (select count(*)::int from video_watch_progress where video_id = ${videoId} and completed_at is not null) as completions`);
    // A viewer watched bucket b when any second they saw overlaps b's span of the timeline.
    const buckets = await this.db.execute<{ b: number; viewers: number }>(sql`
      with p as (select user_id, watched, total_seconds as n from video_watch_progress where video_id = ${videoId}),
      w as (
        select distinct p.user_id, b
        from p
        cross join lateral generate_series(0, p.n - 1) as s
        cross join lateral generate_series(floor(s * ${BUCKETS}::float8 / p.n)::int, least(${BUCKETS - 1}, ceil((s + 1) * ${BUCKETS}::float8 / p.n)::int - 1)) as b
        where get_bit(p.watched, s) = 1
      )
      select g.b::int as b, count(w.user_id)::int as viewers
      from generate_series(0, ${BUCKETS - 1}) as g(b)
      left join w on w.b = g.b
      group by g.b
      order by g.b`);
    const t = totals.rows[0]!;
    const viewers = Number(t.viewers);
    const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
    return {
      videoId,
      durationSeconds: video.durationSeconds ?? 0,
      views: Number(t.views),
      uniqueViewers: viewers,
      totalWatchSeconds: round(Number(t.watch), 1),
      averagePercentWatched: viewers ? round((100 * Number(t.pct_sum)) / viewers, 1) : 0,
      completions: Number(t.completions),
      dropOff: buckets.rows.map((r) => ({
        fromPercent: r.b * 5,
        toPercent: r.b * 5 + 5,
        viewers: Number(r.viewers),
        share: viewers ? round(Number(r.viewers) / viewers, 4) : 0,
      })),
    };
  }
}
