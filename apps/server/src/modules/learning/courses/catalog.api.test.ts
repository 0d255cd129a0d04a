import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { catalogListQuery } from './catalog.query.js';
import { addMember, createOrg, type Member } from './courses.fixtures.js';

let t: TestApp;
let orgA: string;
let a: Member;
let b: Member;
let learnerA: Member;
const ids: Record<string, string> = {};
const lessons: Record<string, { preview: string; locked: string }> = {};

const as = (m: Member) => ({ as: m, headers: m.h() });

async function course(m: Member, key: string, body: Record<string, unknown>, publish = true) {
  const c = await t.http('POST', '/api/v1/courses', { ...as(m), body: { visibility: 'public', ...body } });
  expect(c.status, c.text).toBe(201);
  const s = await t.http('POST', `/api/v1/courses/${c.body.id}/sections`, { ...as(m), body: { title: 'Start' } });
  const p = await t.http('POST', `/api/v1/courses/${c.body.id}/sections/${s.body.id}/lessons`, {
    ...as(m),
    body: { title: 'Welcome', type: 'text', isPreview: true, body: { markdown: 'Welcome to **the course** <script>x()</script>' }, durationSeconds: 120 },
  });
  const l = await t.http('POST', `/api/v1/courses/${c.body.id}/sections/${s.body.id}/lessons`, {
    ...as(m),
    body: { title: 'Members only', type: 'text', body: { markdown: 'The secret sauce' }, durationSeconds: 600 },
  });
  if (publish) expect((await t.http('POST', `/api/v1/courses/${c.body.id}/publish`, as(m))).status).toBe(200);
  ids[key] = c.body.id;
  lessons[key] = { preview: p.body.id, locked: l.body.id };
}

const titles = (res: { body: { items: { title: string }[] } }) => res.body.items.map((i) => i.title);

beforeAll(async () => {
  t = await createTestApp();
  orgA = await createOrg(t, 'Acme');
  const orgB = await createOrg(t, 'Beta');
  a = await addMember(t, orgA, 'owner', { name: 'Ada Lovelace' });
  learnerA = await addMember(t, orgA, 'learner');
  b = await addMember(t, orgB, 'owner', { name: 'Bob Beta' });
  await course(a, 'pyds', {
    title: 'Python for Data Science',
    subtitle: 'Pandas and NumPy from zero',
    description: 'Analyse data sets with notebooks.',
    category: 'data',
    level: 'beginner',
    language: 'en',
    tags: ['python', 'data'],
  });
  await course(a, 'rust', {
    title: 'Advanced Rust',
    subtitle: 'Ownership, lifetimes, async',
    description: 'Coming from Python? This course maps what you know onto Rust.',
    category: 'programming',
    level: 'advanced',
    language: 'en-GB',
    tags: ['rust'],
  });
  await course(b, 'intro', {
    title: 'Introducción a la programación',
    subtitle: 'Primeros pasos',
    description: 'Aprende desde cero.',
    category: 'programming',
    level: 'beginner',
    language: 'es',
    tags: ['python', 'español'],
  });
  await course(a, 'internal', { title: 'Internal Python Onboarding', visibility: 'organization', category: 'data', level: 'all', language: 'en' });
  await course(a, 'draft', { title: 'Draft Python Course', category: 'data' }, false);
  await course(b, 'cafe', { title: 'Café Culture', subtitle: 'Coffee around the world', category: 'lifestyle', level: 'all', language: 'fr', slug: 'shared-slug' });
  await course(a, 'shared', { title: 'Shared slug in Acme', category: 'misc', slug: 'shared-slug' });
});
afterAll(() => t?.close());

describe('catalog list', () => {
  it('lists published public courses of every organization to anyone; org-only courses to members only', async () => {
    const anon = await t.http('GET', '/api/v1/catalog/courses');
    expect(anon.status).toBe(200);
    // newest first
    expect(titles(anon)).toEqual(['Shared slug in Acme', 'Café Culture', 'Introducción a la programación', 'Advanced Rust', 'Python for Data Science']);
    const member = await t.http('GET', '/api/v1/catalog/courses', as(learnerA));
    expect(titles(member)).toContain('Internal Python Onboarding');
    expect(titles(member)).not.toContain('Draft Python Course');
    const outsider = await t.http('GET', '/api/v1/catalog/courses', as(b));
    expect(titles(outsider)).not.toContain('Internal Python Onboarding');
    expect(anon.body.items[0]).toMatchObject({ slug: 'shared-slug', lessonCount: 2, durationSeconds: 720, isFree: true, visibility: 'public' });
  });

  it('ranks title matches above tag and description matches', async () => {
    const res = await t.http('GET', '/api/v1/catalog/courses?q=python');
    expect(titles(res)).toEqual(['Python for Data Science', 'Introducción a la programación', 'Advanced Rust']);
    const member = await t.http('GET', '/api/v1/catalog/courses?q=python', as(learnerA));
    expect(titles(member).slice(0, 2).sort()).toEqual(['Internal Python Onboarding', 'Python for Data Science']);
    expect(titles(member)).toHaveLength(4);
  });

  it('stems words, ignores accents, tolerates small typos and understands websearch syntax', async () => {
    expect(titles(await t.http('GET', '/api/v1/catalog/courses?q=sciences'))).toEqual(['Python for Data Science']);
    expect(titles(await t.http('GET', '/api/v1/catalog/courses?q=cafe'))).toEqual(['Café Culture']);
    expect(titles(await t.http('GET', '/api/v1/catalog/courses?q=programacion'))).toEqual(['Introducción a la programación']);
    expect(titles(await t.http('GET', '/api/v1/catalog/courses?q=pythn'))).toContain('Python for Data Science');
    expect(titles(await t.http('GET', `/api/v1/catalog/courses?q=${encodeURIComponent('python -rust')}`))).not.toContain('Advanced Rust');
    expect(titles(await t.http('GET', `/api/v1/catalog/courses?q=${encodeURIComponent('"data science"')}`))).toEqual(['Python for Data Science']);
    expect(titles(await t.http('GET', '/api/v1/catalog/courses?q=zzzzqqq'))).toEqual([]);
  });

  it('filters by category, level, language (with regional variants) and any of the tags', async () => {
    const q = async (qs: string) => titles(await t.http('GET', `/api/v1/catalog/courses?${qs}`)).sort();
    expect(await q('category=programming')).toEqual(['Advanced Rust', 'Introducción a la programación']);
    expect(await q('level=beginner')).toEqual(['Introducción a la programación', 'Python for Data Science']);
    expect(await q('language=en')).toEqual(['Advanced Rust', 'Python for Data Science', 'Shared slug in Acme']);
    expect(await q('language=en-GB')).toEqual(['Advanced Rust']);
    expect(await q('tags=rust,data')).toEqual(['Advanced Rust', 'Python for Data Science']);
    expect(await q('tags=Python&tags=nothing')).toEqual(['Introducción a la programación', 'Python for Data Science']);
    expect(await q('q=python&category=programming&level=advanced')).toEqual(['Advanced Rust']);
  });

  it('sorts by popularity (learner count) and pages with a cursor in every order', async () => {
    await t.query('UPDATE courses SET learner_count = CASE id WHEN $1::uuid THEN 50 WHEN $2::uuid THEN 10 ELSE 0 END', [ids.rust, ids.cafe]);
    const pop = await t.http('GET', '/api/v1/catalog/courses?sort=popularity');
    expect(titles(pop).slice(0, 2)).toEqual(['Advanced Rust', 'Café Culture']);
    expect(pop.body.items[0].learnerCount).toBe(50);

    for (const qs of ['sort=newest', 'sort=popularity', 'q=python', 'q=python&sort=relevance', 'q=python&sort=popularity']) {
      const full = titles(await t.http('GET', `/api/v1/catalog/courses?${qs}`));
      const paged: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 10; i++) {
        const res: { body: { items: { title: string }[]; nextCursor: string | null } } = await t.http(
          'GET',
          `/api/v1/catalog/courses?${qs}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        paged.push(...titles(res));
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
      expect(paged, qs).toEqual(full);
    }
  });

  it('rejects bad queries with 400 problem+json', async () => {
    for (const qs of ['limit=0', 'limit=101', 'level=expert', 'sort=random', 'unknown=1', 'cursor=%%%', `q=${'x'.repeat(201)}`, 'language=e%20n']) {
      const res = await t.http('GET', `/api/v1/catalog/courses?${qs}`);
      expect(res.status, qs).toBe(400);
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
    }
  });

  it('runs as one query answered from the GIN indexes at catalog scale', async () => {
    const q = new PgDialect().sqlToQuery(catalogListQuery({ q: 'python', limit: 20 }));
    const client = await t.rt.pool.connect();
    try {
      // 5,000 published courses, 1% about python, visible only inside this transaction
      await client.query('BEGIN');
      await client.query(`
        INSERT INTO courses (id, organization_id, slug, status, visibility, created_by, live_version, published_at, first_published_at,
                             live_title, live_subtitle, live_description, live_language, live_level, live_tags, search_title, search_vector)
        SELECT gen_random_uuid(), $1, 'bulk-' || g, 'published', 'public', $2, 1, now(), now() - g * interval '1 minute',
               title, 'subtitle ' || g, 'description ' || g, 'en', 'all', '{}', lower(title), to_tsvector('english', title)
        FROM (SELECT g, CASE WHEN g % 100 = 0 THEN 'Python topic ' || g ELSE 'Gardening topic ' || g END AS title
              FROM generate_series(1, 5000) g) s`, [orgA, a.userId]);
      await client.query('ANALYZE courses');
      const plan = await client.query(`EXPLAIN (FORMAT JSON) ${q.sql}`, q.params);
      const text = JSON.stringify(plan.rows);
      expect(text).toContain('courses_search_gin');
      expect(text).toContain('courses_search_title_trgm');
      const rows = await client.query(q.sql, q.params);
      expect(rows.rows).toHaveLength(21);
      // no GIN pending list: fresh publishes are searchable from the index itself
      const opts = await client.query(`SELECT relname, reloptions FROM pg_class WHERE relname IN ('courses_search_gin', 'courses_search_title_trgm') ORDER BY relname`);
      expect(opts.rows).toEqual([
        { relname: 'courses_search_gin', reloptions: ['fastupdate=off'] },
        { relname: 'courses_search_title_trgm', reloptions: ['fastupdate=off'] },
      ]);
      // a typo finds nothing by full text, so the title-trigram fallback answers
      const typo = new PgDialect().sqlToQuery(catalogListQuery({ q: 'pythn', limit: 20 }));
      const fuzzy = await client.query(typo.sql, typo.params);
      expect(fuzzy.rows.length).toBeGreaterThan(0);
      expect(fuzzy.rows.every((r: { title: string }) => /^python/i.test(r.title))).toBe(true);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

describe('catalog course page', () => {
  it('shows details, instructors and the outline with non-preview lessons locked', async () => {
    const res = await t.http('GET', `/api/v1/catalog/courses/${ids.pyds}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: ids.pyds,
      title: 'Python for Data Science',
      subtitle: 'Pandas and NumPy from zero',
      descriptionHtml: '<p>Analyse data sets with notebooks.</p>\n',
      version: 1,
      instructors: [{ userId: a.userId, name: 'Ada Lovelace' }],
      lessonCount: 2,
    });
    expect(res.body.sections).toEqual([
      {
        id: expect.any(String),
        position: 0,
        title: 'Start',
        lessons: [
          { id: lessons.pyds!.preview, position: 0, title: 'Welcome', type: 'text', durationSeconds: 120, isPreview: true, locked: false },
          { id: lessons.pyds!.locked, position: 1, title: 'Members only', type: 'text', durationSeconds: 600, isPreview: false, locked: true },
        ],
      },
    ]);
    expect(res.text).not.toContain('secret sauce');
  });

  it('finds a course by slug, preferring the caller’s organization, or the one named', async () => {
    expect((await t.http('GET', '/api/v1/catalog/courses/python-for-data-science')).body.id).toBe(ids.pyds);
    expect((await t.http('GET', '/api/v1/catalog/courses/shared-slug', as(learnerA))).body.id).toBe(ids.shared);
    expect((await t.http('GET', '/api/v1/catalog/courses/shared-slug', as(b))).body.id).toBe(ids.cafe);
    expect((await t.http('GET', `/api/v1/catalog/courses/shared-slug?organizationId=${orgA}`)).body.id).toBe(ids.shared);
  });

  it('hides drafts and organization-only courses from outsiders (404)', async () => {
    expect((await t.http('GET', `/api/v1/catalog/courses/${ids.draft}`)).status).toBe(404);
    expect((await t.http('GET', `/api/v1/catalog/courses/${ids.internal}`)).status).toBe(404);
    expect((await t.http('GET', `/api/v1/catalog/courses/${ids.internal}`, as(b))).status).toBe(404);
    expect((await t.http('GET', `/api/v1/catalog/courses/${ids.internal}`, as(learnerA))).status).toBe(200);
    expect((await t.http('GET', '/api/v1/catalog/courses/no-such-course')).status).toBe(404);
  });
});

describe('lesson preview', () => {
  it('serves only preview lessons of the live version', async () => {
    const url = `/api/v1/catalog/courses/${ids.pyds}/lessons/${lessons.pyds!.preview}/preview`;
    const res = await t.http('GET', url);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: lessons.pyds!.preview, courseId: ids.pyds, title: 'Welcome', type: 'text' });
    expect(res.body.body.html).toBe('<p>Welcome to <strong>the course</strong> </p>\n');
    const locked = await t.http('GET', `/api/v1/catalog/courses/${ids.pyds}/lessons/${lessons.pyds!.locked}/preview`);
    expect(locked.status).toBe(403);
    expect(locked.body.code).toBe('lesson_locked');
    expect(locked.text).not.toContain('secret sauce');
    expect((await t.http('GET', `/api/v1/catalog/courses/${ids.pyds}/lessons/${lessons.rust!.preview}/preview`)).status).toBe(404);
    expect((await t.http('GET', `/api/v1/catalog/courses/${ids.internal}/lessons/${lessons.internal!.preview}/preview`)).status).toBe(404);
    expect((await t.http('GET', `/api/v1/catalog/courses/${ids.draft}/lessons/${lessons.draft!.preview}/preview`)).status).toBe(404);
    expect((await t.http('GET', `/api/v1/catalog/courses/${ids.pyds}/lessons/not-a-uuid/preview`)).status).toBe(400);
  });

  it('keeps serving the published content while the draft changes', async () => {
    await t.http('PATCH', `/api/v1/courses/${ids.pyds}/lessons/${lessons.pyds!.preview}`, { ...as(a), body: { body: { markdown: 'Draft change' } } });
    await t.http('PATCH', `/api/v1/courses/${ids.pyds}/lessons/${lessons.pyds!.locked}`, { ...as(a), body: { isPreview: true } });
    const res = await t.http('GET', `/api/v1/catalog/courses/${ids.pyds}/lessons/${lessons.pyds!.preview}/preview`);
    expect(res.body.body.markdown).toBe('Welcome to **the course** <script>x()</script>');
    expect((await t.http('GET', `/api/v1/catalog/courses/${ids.pyds}/lessons/${lessons.pyds!.locked}/preview`)).status).toBe(403);
  });
});
