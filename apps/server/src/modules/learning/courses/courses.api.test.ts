import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, createCourseWithLesson, createOrg, type Member } from './courses.fixtures.js';

let t: TestApp;
let orgA: string;
let orgB: string;
let owner: Member; // every permission
let admin: Member; // course.update, course.read_all, course.delete ...
let instructor: Member; // course.create + course.publish
let instructor2: Member;
let learner: Member; // nothing
let otherOwner: Member; // owner of org B

beforeAll(async () => {
  t = await createTestApp();
  orgA = await createOrg(t, 'Acme');
  orgB = await createOrg(t, 'Beta');
  owner = await addMember(t, orgA, 'owner', { name: 'Olivia Owner' });
  admin = await addMember(t, orgA, 'admin');
  instructor = await addMember(t, orgA, 'instructor', { name: 'Ian Instructor' });
  instructor2 = await addMember(t, orgA, 'instructor', { name: 'Iris Instructor' });
  learner = await addMember(t, orgA, 'learner');
  otherOwner = await addMember(t, orgB, 'owner');
});
afterAll(() => t?.close());

const count = async (table: string) => Number((await t.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);

function expectProblem(res: { status: number; headers: Record<string, unknown>; body: { code?: string } }, status: number, code?: string) {
  expect(res.status).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  if (code) expect(res.body.code).toBe(code);
}

describe('security', () => {
  it('refuses anonymous callers with 401 on every editor endpoint', async () => {
    const { id } = await createCourseWithLesson(t, instructor);
    for (const [m, url] of [
      ['POST', '/api/v1/courses'],
      ['GET', '/api/v1/courses'],
      ['GET', `/api/v1/courses/${id}`],
      ['PATCH', `/api/v1/courses/${id}`],
      ['DELETE', `/api/v1/courses/${id}`],
      ['POST', `/api/v1/courses/${id}/publish`],
      ['POST', `/api/v1/courses/${id}/unpublish`],
      ['POST', `/api/v1/courses/${id}/archive`],
      ['PUT', `/api/v1/courses/${id}/cover`],
    ] as const) {
      const res = await t.http(m, url, { body: m === 'GET' || m === 'DELETE' ? undefined : { title: 'x' } });
      expectProblem(res, 401, 'unauthenticated');
    }
  });

  it('refuses members without course.create (403) and writes nothing', async () => {
    const before = await count('courses');
    expectProblem(await t.http('POST', '/api/v1/courses', { as: learner, headers: learner.h(), body: { title: 'Nope' } }), 403, 'missing_permission');
    expectProblem(await t.http('GET', '/api/v1/courses', { as: learner, headers: learner.h() }), 403, 'missing_permission');
    expect(await count('courses')).toBe(before);
  });

  it('hides courses of another organization (404) and refuses changes to them', async () => {
    const { id } = await createCourseWithLesson(t, instructor, { title: 'Private to A' });
    const as = otherOwner;
    expectProblem(await t.http('GET', `/api/v1/courses/${id}`, { as, headers: as.h() }), 404, 'not_found');
    expectProblem(await t.http('PATCH', `/api/v1/courses/${id}`, { as, headers: as.h(), body: { title: 'Hacked' } }), 404);
    expectProblem(await t.http('DELETE', `/api/v1/courses/${id}`, { as, headers: as.h() }), 404);
    expectProblem(await t.http('POST', `/api/v1/courses/${id}/publish`, { as, headers: as.h() }), 404);
    // naming org A in the header does not help a non-member: there is no membership there
    expectProblem(await t.http('GET', `/api/v1/courses/${id}`, { as, headers: as.headers(orgA) }), 403, 'no_organization');
    const list = await t.http('GET', '/api/v1/courses', { as, headers: as.h() });
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(id);
    const [row] = await t.query<{ title: string }>('SELECT title FROM course_drafts WHERE course_id = $1', [id]);
    expect(row!.title).toBe('Private to A');
  });

  it("lets an instructor edit only the courses they teach; org-wide course.update edits any", async () => {
    const { id } = await createCourseWithLesson(t, instructor);
    expectProblem(await t.http('PATCH', `/api/v1/courses/${id}`, { as: instructor2, headers: instructor2.h(), body: { title: 'Mine now' } }), 403, 'course_forbidden');
    expectProblem(await t.http('GET', `/api/v1/courses/${id}`, { as: instructor2, headers: instructor2.h() }), 403, 'course_forbidden');
    expectProblem(await t.http('GET', `/api/v1/courses/${id}`, { as: learner, headers: learner.h() }), 403, 'course_forbidden');
    const ok = await t.http('PATCH', `/api/v1/courses/${id}`, { as: admin, headers: admin.h(), body: { subtitle: 'By the admin' } });
    expect(ok.status).toBe(200);
    expect(ok.body.draft.subtitle).toBe('By the admin');
    expect(ok.body.can).toEqual({ edit: true, publish: true, delete: true });
    const mine = await t.http('GET', `/api/v1/courses/${id}`, { as: instructor, headers: instructor.h() });
    expect(mine.body.can).toEqual({ edit: true, publish: true, delete: false });
  });
});

describe('creating and editing', () => {
  it('creates a draft course; the creator teaches it; the slug comes from the title', async () => {
    const res = await t.http('POST', '/api/v1/courses', {
      as: instructor,
      headers: instructor.h(),
      body: {
        title: 'Café Programming 101',
        subtitle: 'Start here',
        description: 'Learn *fast*.\n\n<script>alert(1)</script><a href="javascript:alert(1)" onclick="x()">bad</a>',
        language: 'pt-br',
        level: 'beginner',
        category: 'Programming',
        tags: ['Python', 'python', 'Basics'],
      },
    });
    expect(res.status).toBe(201);
    const c = res.body;
    expect(c).toMatchObject({
      slug: 'cafe-programming-101',
      status: 'draft',
      visibility: 'organization',
      isFree: true,
      learnerCount: 0,
      liveVersion: null,
      hasUnpublishedChanges: true,
      organizationId: orgA,
      instructors: [{ userId: instructor.userId, name: 'Ian Instructor' }],
    });
    expect(c.draft).toMatchObject({ title: 'Café Programming 101', language: 'pt-BR', level: 'beginner', tags: ['python', 'basics'] });
    expect(c.draft.descriptionHtml).toContain('<em>fast</em>');
    expect(c.draft.descriptionHtml).not.toMatch(/script|javascript:|onclick/i);

    const again = await t.http('POST', '/api/v1/courses', { as: instructor, headers: instructor.h(), body: { title: 'Café Programming 101' } });
    expect(again.body.slug).toBe('cafe-programming-101-2');
    // the same slug in another organization is fine
    const b = await t.http('POST', '/api/v1/courses', { as: otherOwner, headers: otherOwner.h(), body: { title: 'Café Programming 101' } });
    expect(b.body.slug).toBe('cafe-programming-101');
  });

  it('refuses a slug already used in the organization (409) and writes nothing', async () => {
    await t.http('POST', '/api/v1/courses', { as: instructor, headers: instructor.h(), body: { title: 'X', slug: 'taken-slug' } });
    const before = await count('courses');
    expectProblem(await t.http('POST', '/api/v1/courses', { as: instructor, headers: instructor.h(), body: { title: 'Y', slug: 'taken-slug' } }), 409, 'slug_taken');
    const { id } = await createCourseWithLesson(t, instructor);
    expectProblem(await t.http('PATCH', `/api/v1/courses/${id}`, { as: instructor, headers: instructor.h(), body: { slug: 'taken-slug' } }), 409, 'slug_taken');
    expect(await count('courses')).toBe(before + 1);
  });

  it('rejects bad input with 400 problem+json and writes nothing', async () => {
    const before = await count('courses');
    const bad = [
      {},
      { title: '' },
      { title: 'ok', unknown: 1 },
      { title: 'ok', slug: 'Not A Slug' },
      { title: 'ok', language: 'not a language tag!' },
      { title: 'ok', level: 'expert' },
      { title: 'ok', visibility: 'secret' },
      { title: 'ok', tags: 'python' },
      { title: 'ok', instructorIds: ['not-a-uuid'] },
      { title: 'x'.repeat(201) },
    ];
    for (const body of bad) {
      const res = await t.http('POST', '/api/v1/courses', { as: instructor, headers: instructor.h(), body });
      expectProblem(res, 400, 'validation_failed');
    }
    expectProblem(await t.http('GET', '/api/v1/courses/not-a-uuid', { as: instructor, headers: instructor.h() }), 400, 'validation_failed');
    expectProblem(await t.http('GET', '/api/v1/courses?limit=1000', { as: instructor, headers: instructor.h() }), 400, 'validation_failed');
    expect(await count('courses')).toBe(before);
    const { id } = await createCourseWithLesson(t, instructor, { title: 'Stable' });
    expectProblem(await t.http('PATCH', `/api/v1/courses/${id}`, { as: instructor, headers: instructor.h(), body: {} }), 400, 'validation_failed');
    expectProblem(await t.http('PATCH', `/api/v1/courses/${id}`, { as: instructor, headers: instructor.h(), body: { title: 'New', isFree: 'yes' } }), 400);
    const [row] = await t.query<{ title: string }>('SELECT title FROM course_drafts WHERE course_id = $1', [id]);
    expect(row!.title).toBe('Stable');
  });

  it('accepts as instructors only members with course-teaching rights (422 otherwise, nothing written)', async () => {
    const before = await count('courses');
    for (const ids of [[learner.userId], [otherOwner.userId], ['01900000-0000-7000-8000-000000000000']]) {
      const res = await t.http('POST', '/api/v1/courses', { as: instructor, headers: instructor.h(), body: { title: 'Co-taught', instructorIds: ids } });
      expectProblem(res, 422, 'instructor_not_eligible');
    }
    expect(await count('courses')).toBe(before);
    const ok = await t.http('POST', '/api/v1/courses', {
      as: instructor,
      headers: instructor.h(),
      body: { title: 'Co-taught', instructorIds: [instructor2.userId] },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.instructors.map((i: { userId: string }) => i.userId)).toEqual([instructor.userId, instructor2.userId]);
    // the co-instructor can now edit it
    const edit = await t.http('PATCH', `/api/v1/courses/${ok.body.id}`, { as: instructor2, headers: instructor2.h(), body: { title: 'Co-edited' } });
    expect(edit.status).toBe(200);
    // replacing instructors validates newcomers too
    const bad = await t.http('PATCH', `/api/v1/courses/${ok.body.id}`, { as: instructor, headers: instructor.h(), body: { instructorIds: [instructor.userId, learner.userId] } });
    expectProblem(bad, 422, 'instructor_not_eligible');
    const res = await t.http('PATCH', `/api/v1/courses/${ok.body.id}`, { as: instructor, headers: instructor.h(), body: { instructorIds: [instructor.userId] } });
    expect(res.body.instructors).toEqual([{ userId: instructor.userId, name: 'Ian Instructor' }]);
    expectProblem(await t.http('PATCH', `/api/v1/courses/${ok.body.id}`, { as: instructor2, headers: instructor2.h(), body: { title: 'x' } }), 403);
  });

  it('edits settings at once and content into the draft', async () => {
    const { id } = await createCourseWithLesson(t, instructor, { title: 'Settings' });
    const res = await t.http('PATCH', `/api/v1/courses/${id}`, {
      as: instructor,
      headers: instructor.h(),
      body: { slug: 'new-slug', visibility: 'public', isFree: false, title: 'Settings v2', tags: ['A'], category: null, coverKey: 'https://img.example/cover.png' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ slug: 'new-slug', visibility: 'public', isFree: false, hasUnpublishedChanges: true });
    expect(res.body.draft).toMatchObject({ title: 'Settings v2', tags: ['a'], category: null, coverUrl: 'https://img.example/cover.png' });
  });

  it('refuses a cover key that is not an http(s) URL nor this course’s upload', async () => {
    const { id } = await createCourseWithLesson(t, instructor);
    for (const coverKey of [`org/${orgB}/private/secret.pdf`, 'javascript:alert(1)', `org/${orgA}/courses/01900000-0000-7000-8000-000000000000/covers/x.png`]) {
      expectProblem(await t.http('PATCH', `/api/v1/courses/${id}`, { as: instructor, headers: instructor.h(), body: { coverKey } }), 400, 'invalid_cover_key');
    }
  });
});

describe('cover upload', () => {
  // 1x1 transparent PNG
  const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
  const multipart = (name: string, type: string, data: Buffer) => {
    const boundary = '----lyceum' + Math.random().toString(16).slice(2);
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`),
      data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
  };

  it('stores an uploaded image as the draft cover and serves it through a signed URL', async () => {
    const { id } = await createCourseWithLesson(t, instructor);
    const m = multipart('cover.png', 'image/png', PNG);
    const res = await t.app.inject({ method: 'PUT', url: `/api/v1/courses/${id}/cover`, headers: { ...instructor.h(), 'content-type': m.contentType }, payload: m.payload });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.draft.coverKey).toMatch(new RegExp(`^org/${orgA}/courses/${id}/covers/[0-9a-f-]+\\.png$`));
    expect(body.draft.coverUrl).toMatch(/^\/files\/.+sig=/);
    expect(body.hasUnpublishedChanges).toBe(true);
    const file = await t.app.inject({ method: 'GET', url: body.draft.coverUrl });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(PNG)).toBe(true);
    // the uploaded key may be set again through PATCH
    const again = await t.http('PATCH', `/api/v1/courses/${id}`, { as: instructor, headers: instructor.h(), body: { coverKey: body.draft.coverKey } });
    expect(again.status).toBe(200);
  });

  it('refuses non-images (415), non-editors (403) and other organizations (404)', async () => {
    const { id } = await createCourseWithLesson(t, instructor);
    const text = multipart('x.png', 'image/png', Buffer.from('#!/bin/sh\necho not an image\n'));
    const r1 = await t.app.inject({ method: 'PUT', url: `/api/v1/courses/${id}/cover`, headers: { ...instructor.h(), 'content-type': text.contentType }, payload: text.payload });
    expect(r1.statusCode).toBe(415);
    const png = multipart('cover.png', 'image/png', PNG);
    const r2 = await t.app.inject({ method: 'PUT', url: `/api/v1/courses/${id}/cover`, headers: { ...learner.h(), 'content-type': png.contentType }, payload: png.payload });
    expect(r2.statusCode).toBe(403);
    const r3 = await t.app.inject({ method: 'PUT', url: `/api/v1/courses/${id}/cover`, headers: { ...otherOwner.h(), 'content-type': png.contentType }, payload: png.payload });
    expect(r3.statusCode).toBe(404);
    const [row] = await t.query<{ cover_key: string | null }>('SELECT cover_key FROM course_drafts WHERE course_id = $1', [id]);
    expect(row!.cover_key).toBeNull();
  });
});

describe('instructor dashboard list', () => {
  it('lists the courses the caller can edit, cursor paginated; all of them with org-wide rights', async () => {
    const org = await createOrg(t, 'Dash');
    const o = await addMember(t, org, 'owner');
    const i1 = await addMember(t, org, 'instructor');
    const i2 = await addMember(t, org, 'instructor');
    const ta = await addMember(t, org, 'teaching_assistant');
    const ids: string[] = [];
    for (let k = 0; k < 3; k++) ids.push((await createCourseWithLesson(t, i1, { title: `I1 course ${k}` })).id);
    const other = (await createCourseWithLesson(t, i2, { title: 'I2 course' })).id;

    const page1 = await t.http('GET', '/api/v1/courses?limit=2', { as: i1, headers: i1.h() });
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((c: { id: string }) => c.id)).toEqual([ids[2], ids[1]]);
    expect(page1.body.items[0]).toMatchObject({ title: 'I1 course 2', status: 'draft', instructorIds: [i1.userId], hasUnpublishedChanges: true });
    const page2 = await t.http('GET', `/api/v1/courses?limit=2&cursor=${page1.body.nextCursor}`, { as: i1, headers: i1.h() });
    expect(page2.body.items.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
    expect(page2.body.nextCursor).toBeNull();

    const all = await t.http('GET', '/api/v1/courses', { as: o, headers: o.h() });
    expect(all.body.items.map((c: { id: string }) => c.id)).toEqual([other, ids[2], ids[1], ids[0]]);
    expectProblem(await t.http('GET', '/api/v1/courses', { as: ta, headers: ta.h() }), 403);
    expectProblem(await t.http('GET', '/api/v1/courses?cursor=garbage', { as: o, headers: o.h() }), 400, 'invalid_cursor');

    await t.http('POST', `/api/v1/courses/${ids[0]}/publish`, { as: i1, headers: i1.h() });
    const published = await t.http('GET', '/api/v1/courses?status=published', { as: o, headers: o.h() });
    expect(published.body.items.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
  });

  it('searches the draft title and slug, word by word, and carries the cover URL', async () => {
    const org = await createOrg(t, 'Search');
    const o = await addMember(t, org, 'owner');
    const i1 = await addMember(t, org, 'instructor');
    const stranger = await addMember(t, orgB, 'owner');
    const algebra = (await createCourseWithLesson(t, i1, { title: 'Linear Algebra Basics' })).id;
    const chem = (await createCourseWithLesson(t, i1, { title: 'Organic chemistry' })).id;
    await t.http('PATCH', `/api/v1/courses/${chem}`, { as: i1, headers: i1.h(), body: { coverKey: 'https://img.example.com/c.png' } });

    const ids = async (query: string, m: Member = o) =>
      (await t.http('GET', `/api/v1/courses?q=${encodeURIComponent(query)}`, { as: m, headers: m.h() })).body.items.map((c: { id: string }) => c.id);
    expect(await ids('algebra')).toEqual([algebra]);
    expect(await ids('BASICS linear')).toEqual([algebra]);
    expect(await ids('organic-chem')).toEqual([chem]); // the slug
    expect(await ids('algebra chemistry')).toEqual([]);
    expect(await ids('%')).toEqual([]); // LIKE wildcards are literal
    expect(await ids('algebra', i1)).toEqual([algebra]);
    expect(await ids('algebra', stranger)).toEqual([]); // another organization's courses never match

    const list = await t.http('GET', '/api/v1/courses?q=organic', { as: o, headers: o.h() });
    expect(list.body.items[0].coverUrl).toBe('https://img.example.com/c.png');
    expect((await t.http('GET', '/api/v1/courses?q=algebra', { as: o, headers: o.h() })).body.items[0].coverUrl).toBeNull();
    expectProblem(await t.http('GET', `/api/v1/courses?q=${'x'.repeat(201)}`, { as: o, headers: o.h() }), 400, 'validation_failed');
  });
});

describe('deleting', () => {
  it('needs course.delete and edit rights, and refuses courses with learners', async () => {
    const { id } = await createCourseWithLesson(t, instructor);
    expectProblem(await t.http('DELETE', `/api/v1/courses/${id}`, { as: instructor, headers: instructor.h() }), 403, 'course_forbidden');
    await t.query('UPDATE courses SET learner_count = 1 WHERE id = $1', [id]);
    expectProblem(await t.http('DELETE', `/api/v1/courses/${id}`, { as: owner, headers: owner.h() }), 409, 'course_has_learners');
    await t.query('UPDATE courses SET learner_count = 0 WHERE id = $1', [id]);
    const res = await t.http('DELETE', `/api/v1/courses/${id}`, { as: owner, headers: owner.h() });
    expect(res.status).toBe(204);
    expectProblem(await t.http('GET', `/api/v1/courses/${id}`, { as: owner, headers: owner.h() }), 404);
    expect(await t.query('SELECT 1 FROM course_draft_lessons WHERE course_id = $1', [id])).toEqual([]);
  });
});

describe('OpenAPI', () => {
  it('documents the courses, curriculum and catalog endpoints with their schemas', async () => {
    const res = await t.http('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    const paths = res.body.paths as Record<string, Record<string, { tags?: string[]; responses?: Record<string, unknown> }>>;
    for (const p of [
      '/api/v1/courses',
      '/api/v1/courses/{id}',
      '/api/v1/courses/{id}/publish',
      '/api/v1/courses/{id}/cover',
      '/api/v1/courses/{id}/sections/reorder',
      '/api/v1/courses/{id}/lessons/reorder',
      '/api/v1/courses/{id}/sections/{sectionId}/lessons',
      '/api/v1/catalog/courses',
      '/api/v1/catalog/courses/{idOrSlug}',
      '/api/v1/catalog/courses/{id}/lessons/{lessonId}/preview',
    ]) {
      expect(paths[p], p).toBeDefined();
    }
    expect(paths['/api/v1/catalog/courses']!.get!.tags).toEqual(['catalog']);
    expect(paths['/api/v1/courses']!.post!.responses!['201']).toBeDefined();
  });
});
