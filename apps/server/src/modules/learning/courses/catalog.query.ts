import { type SQL, sql } from 'drizzle-orm';
import { decodeCursor } from '../../../kernel/http/pagination.js';
import type { CourseLevel } from './courses.types.js';

export const CATALOG_SORTS = ['newest', 'relevance', 'popularity'] as const;
export type CatalogSort = (typeof CATALOG_SORTS)[number];

export interface CatalogListParams {
  /** free text, websearch syntax ("quoted phrase", -exclude, or) */
  q?: string;
  category?: string;
  level?: CourseLevel;
  /** BCP 47; `en` also matches `en-GB` */
  language?: string;
  /** any of these */
  tags?: string[];
  /** default: relevance with q, newest without */
  sort?: CatalogSort;
  limit: number;
  /** opaque cursor from the previous page */
  cursor?: string;
  /** the caller's active organization: its organization-only courses are listed too */
  memberOrgId?: string | null;
}

/** One row of the catalog list query. */
export interface CatalogRow extends Record<string, unknown> {
  id: string;
  organization_id: string;
  slug: string;
  title: string;
  subtitle: string;
  category: string | null;
  level: CourseLevel;
  language: string;
  tags: string[];
  cover_key: string | null;
  is_free: boolean;
  visibility: 'public' | 'organization';
  learner_count: number;
  lesson_count: number;
  duration_seconds: number;
  published_at: Date;
  first_published_at: Date;
  /** only when sorting by relevance */
  rank: number | null;
}

export function effectiveSort(p: Pick<CatalogListParams, 'q' | 'sort'>): CatalogSort {
  const q = p.q?.trim();
  if (!p.sort) return q ? 'relevance' : 'newest';
  return p.sort === 'relevance' && !q ? 'newest' : p.sort;
}

/** The sort key a row is paged by, for the next page's cursor. */
export function catalogCursorKey(row: CatalogRow, sort: CatalogSort): (string | number)[] {
  if (sort === 'relevance') return [row.rank ?? 0, row.id];
  if (sort === 'popularity') return [row.learner_count, row.id];
  return [new Date(row.first_published_at).toISOString(), row.id];
}

/**
 * The catalog list as ONE SQL statement on `courses`, answered from indexes: the GIN index on the
 * stored tsvector for text search, partial btree indexes for the newest/popularity orders, and the
 * trigram GIN index on the title for the typo fallback. Exported so the `api-catalog` benchmark
 * runs exactly this SQL in its bare baseline. Returns up to `limit + 1` rows.
 *
 * With `q`, full-text matches (websearch syntax, English stemming, accents ignored) are ranked by
 * ts_rank (title > subtitle/tags > description). Only when nothing matches that way does the
 * statement fall back to word-trigram similarity on the title ("pythn" finds "Python"): the
 * fallback branch sits behind a one-time NOT EXISTS over the (materialized) full-text matches, so
 * exact searches never pay for it.
 */
export function catalogListQuery(p: CatalogListParams): SQL {
  const sort = effectiveSort(p);
  const q = p.q?.trim() || null;
  const visible = (c: SQL) => {
    const w: SQL[] = [sql`${c}.status = 'published'`, sql`${c}.live_version IS NOT NULL`];
    w.push(p.memberOrgId ? sql`(${c}.visibility = 'public' OR ${c}.organization_id = ${p.memberOrgId}::uuid)` : sql`${c}.visibility = 'public'`);
    if (p.category) w.push(sql`${c}.live_category = ${p.category}`);
    if (p.level) w.push(sql`${c}.live_level = ${p.level}`);
    if (p.language) w.push(sql`(${c}.live_language = ${p.language} OR ${c}.live_language LIKE ${p.language + '-%'})`);
    if (p.tags?.length) w.push(sql`${c}.live_tags && ${`{${p.tags.map((t) => `"${t.replace(/["\\]/g, '\\$&')}"`).join(',')}}`}::text[]`);
    return sql.join(w, sql` AND `);
  };
  const cols = (c: SQL) => sql`${c}.id, ${c}.organization_id, ${c}.slug, ${c}.live_title AS title, ${c}.live_subtitle AS subtitle,
           ${c}.live_category AS category, ${c}.live_level AS level, ${c}.live_language AS language, ${c}.live_tags AS tags,
           ${c}.live_cover_key AS cover_key, ${c}.is_free, ${c}.visibility, ${c}.learner_count,
           ${c}.live_lesson_count AS lesson_count, ${c}.live_duration_seconds AS duration_seconds,
           ${c}.published_at, ${c}.first_published_at`;

  const cursor = decodeCursor(p.cursor, 2);
  const r = sql.raw('r');
  let after: SQL | null = null;
  let order: SQL;
  if (sort === 'relevance') {
    if (cursor) after = sql`(r.rank, r.id) < (${Number(cursor[0])}::real, ${String(cursor[1])}::uuid)`;
    order = sql`r.rank DESC, r.id DESC`;
  } else if (sort === 'popularity') {
    if (cursor) after = sql`(r.learner_count, r.id) < (${Number(cursor[0])}::int, ${String(cursor[1])}::uuid)`;
    order = sql`r.learner_count DESC NULLS LAST, r.id DESC NULLS LAST`;
  } else {
    if (cursor) after = sql`(r.first_published_at, r.id) < (${String(cursor[0])}::timestamptz, ${String(cursor[1])}::uuid)`;
    order = sql`r.first_published_at DESC NULLS LAST, r.id DESC NULLS LAST`;
  }

  if (!q) {
    // no text: one scan in index order (the cursor condition stays on the indexed columns)
    return sql`
    SELECT ${cols(r)}, NULL::real AS rank
    FROM courses r
    WHERE ${visible(r)}${after ? sql` AND ${after}` : sql``}
    ORDER BY ${order}
    LIMIT ${p.limit + 1}`;
  }
  const tsq = sql`websearch_to_tsquery('english', unaccent(${q}))`;
  const qt = sql`lower(unaccent(${q}))`;
  const c = sql.raw('c');
  const f = sql.raw('f');
  // ranks are computed only when they order the page
  const ftsRank = sort === 'relevance' ? sql`ts_rank(c.search_vector, ${tsq})::real` : sql`NULL::real`;
  const fuzzyRank = sort === 'relevance' ? sql`word_similarity(${qt}, f.search_title)::real` : sql`NULL::real`;
  return sql`
    WITH fts AS MATERIALIZED (
      SELECT ${cols(c)}, ${ftsRank} AS rank
      FROM courses c
      WHERE ${visible(c)} AND c.search_vector @@ ${tsq}
    )
    SELECT * FROM (
      SELECT * FROM fts
      UNION ALL
      SELECT ${cols(f)}, ${fuzzyRank} AS rank
      FROM courses f
      WHERE NOT EXISTS (SELECT 1 FROM fts) AND ${visible(f)} AND ${qt} <% f.search_title
    ) r${after ? sql` WHERE ${after}` : sql``}
    ORDER BY ${order}
    LIMIT ${p.limit + 1}`;
}
