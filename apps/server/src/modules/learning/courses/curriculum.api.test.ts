import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, createCourseWithLesson, createOrg, type Member } from './courses.fixtures.js';

let t: TestApp;
let orgA: string;
let instructor: Member;
let instructor2: Member;
let learner: Member;
let otherOwner: Member;

beforeAll(async () => {
  t = await createTestApp();
  orgA = await createOrg(t, 'Acme');
  const orgB = await createOrg(t, 'Beta');
  instructor = await addMember(t, orgA, 'instructor');
  instructor2 = await addMember(t, orgA, 'instructor');
  learner = await addMember(t, orgA, 'learner');
  otherOwner = await addMember(t, orgB, 'owner');
});
afterAll(() => t?.close());

const base = (id: string) => `/api/v1/courses/${id}`;
const as = (m: Member) => ({ as: m, headers: m.h() });

function expectProblem(res: { status: number; headers: Record<string, unknown>; body: { code?: string } }, status: number, code?: string) {
  expect(res.status).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  if (code) expect(res.body.code).toBe(code);
}

async function addSection(courseId: string, title: string, position?: number) {
  const r = await t.http('POST', `${base(courseId)}/sections`, { ...as(instructor), body: { title, ...(position !== undefined ? { position } : {}) } });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

async function addLesson(courseId: string, sectionId: string, body: Record<string, unknown>) {
  const r = await t.http('POST', `${base(courseId)}/sections/${sectionId}/lessons`, { ...as(instructor), body });
  expect(r.status, r.text).toBe(201);
  return r.body;
}

async function outline(courseId: string) {
  const r = await t.http('GET', base(courseId), as(instructor));
  return r.body.sections as { id: string; title: string; position: number; lessons: { id: string; position: number; sectionId: string }[] }[];
}

describe('curriculum security', () => {
  it('refuses anonymous (401), other organizations (404) and non-editors (403); nothing changes', async () => {
    const c = await createCourseWithLesson(t, instructor);
    const calls: [string, string, unknown][] = [
      ['POST', `${base(c.id)}/sections`, { title: 'S' }],
      ['PATCH', `${base(c.id)}/sections/${c.sectionId}`, { title: 'S' }],
      ['DELETE', `${base(c.id)}/sections/${c.sectionId}`, undefined],
      ['POST', `${base(c.id)}/sections/reorder`, { sectionIds: [c.sectionId] }],
      ['POST', `${base(c.id)}/sections/${c.sectionId}/lessons`, { title: 'L', type: 'text' }],
      ['GET', `${base(c.id)}/lessons/${c.lessonId}`, undefined],
      ['PATCH', `${base(c.id)}/lessons/${c.lessonId}`, { title: 'L' }],
      ['DELETE', `${base(c.id)}/lessons/${c.lessonId}`, undefined],
      ['POST', `${base(c.id)}/lessons/reorder`, { sections: [{ sectionId: c.sectionId, lessonIds: [c.lessonId] }] }],
    ];
    for (const [m, url, body] of calls) {
      expectProblem(await t.http(m, url, { body }), 401);
      expectProblem(await t.http(m, url, { ...as(otherOwner), body }), 404);
      expectProblem(await t.http(m, url, { ...as(learner), body }), 403);
      expectProblem(await t.http(m, url, { ...as(instructor2), body }), 403);
    }
    const o = await outline(c.id);
    expect(o).toHaveLength(1);
    expect(o[0]!.title).toBe('Section 1');
    expect(o[0]!.lessons.map((l) => l.id)).toEqual([c.lessonId]);
  });

  it('does not reach a section or lesson of another course through this course', async () => {
    const a = await createCourseWithLesson(t, instructor);
    const b = await createCourseWithLesson(t, instructor);
    expectProblem(await t.http('PATCH', `${base(a.id)}/sections/${b.sectionId}`, { ...as(instructor), body: { title: 'x' } }), 404);
    expectProblem(await t.http('GET', `${base(a.id)}/lessons/${b.lessonId}`, as(instructor)), 404);
    expectProblem(await t.http('DELETE', `${base(a.id)}/lessons/${b.lessonId}`, as(instructor)), 404);
    expectProblem(await t.http('POST', `${base(a.id)}/sections/${b.sectionId}/lessons`, { ...as(instructor), body: { title: 'L', type: 'text' } }), 404);
  });
});

describe('sections', () => {
  it('adds at a position, renames, deletes (with lessons) and renumbers', async () => {
    const c = await createCourseWithLesson(t, instructor);
    const s2 = await addSection(c.id, 'Second');
    const s0 = await addSection(c.id, 'Zeroth', 0);
    expect((await outline(c.id)).map((s) => [s.id, s.position])).toEqual([[s0, 0], [c.sectionId, 1], [s2, 2]]);
    const r = await t.http('PATCH', `${base(c.id)}/sections/${s2}`, { ...as(instructor), body: { title: 'Renamed' } });
    expect(r.body).toEqual({ id: s2, title: 'Renamed', position: 2 });
    expect((await t.http('DELETE', `${base(c.id)}/sections/${c.sectionId}`, as(instructor))).status).toBe(204);
    expect((await outline(c.id)).map((s) => [s.id, s.position])).toEqual([[s0, 0], [s2, 1]]);
    expect(await t.query('SELECT 1 FROM course_draft_lessons WHERE id = $1', [c.lessonId])).toEqual([]);
  });

  it('reorders sections only when given exactly the course’s sections', async () => {
    const c = await createCourseWithLesson(t, instructor);
    const s2 = await addSection(c.id, 'B');
    const s3 = await addSection(c.id, 'C');
    const other = await createCourseWithLesson(t, instructor);
    for (const sectionIds of [[s2, s3], [s3, s2, c.sectionId, c.sectionId], [s3, s2, other.sectionId], [s3, s2, c.sectionId, other.sectionId]]) {
      expectProblem(await t.http('POST', `${base(c.id)}/sections/reorder`, { ...as(instructor), body: { sectionIds } }), 400, 'reorder_mismatch');
    }
    expectProblem(await t.http('POST', `${base(c.id)}/sections/reorder`, { ...as(instructor), body: { sectionIds: ['x'] } }), 400, 'validation_failed');
    expect((await outline(c.id)).map((s) => s.id)).toEqual([c.sectionId, s2, s3]);
    const ok = await t.http('POST', `${base(c.id)}/sections/reorder`, { ...as(instructor), body: { sectionIds: [s3, c.sectionId, s2] } });
    expect(ok.status).toBe(200);
    expect(ok.body.sections.map((s: { id: string; position: number }) => [s.id, s.position])).toEqual([[s3, 0], [c.sectionId, 1], [s2, 2]]);
    expect(ok.body.sections[1].lessons[0].id).toBe(c.lessonId);
  });
});

describe('lessons', () => {
  it('creates every lesson type with its typed body', async () => {
    const c = await createCourseWithLesson(t, instructor);
    const text = await addLesson(c.id, c.sectionId, { title: 'Read', type: 'text', body: { markdown: 'Hi <img src=x onerror=alert(1)>' } });
    expect(text.body).toEqual({ markdown: 'Hi <img src=x onerror=alert(1)>' });
    expect(text.html).not.toMatch(/onerror/);
    const emptyText = await addLesson(c.id, c.sectionId, { title: 'Empty', type: 'text' });
    expect(emptyText.body).toEqual({ markdown: '' });
    const link = await addLesson(c.id, c.sectionId, { title: 'Link', type: 'link', body: { url: 'https://example.com/a', embedUrl: 'https://www.youtube.com/embed/x' } });
    expect(link.body).toEqual({ url: 'https://example.com/a', embedUrl: 'https://www.youtube.com/embed/x' });
    expect(link.html).toBeNull();
    for (const type of ['video', 'document', 'quiz', 'assignment', 'code']) {
      const l = await addLesson(c.id, c.sectionId, { title: type, type, durationSeconds: 90 });
      expect(l).toMatchObject({ type, body: {}, durationSeconds: 90, required: true, isPreview: false });
    }
    expect((await outline(c.id))[0]!.lessons.map((l) => l.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('rejects bad lessons with 400 and writes nothing', async () => {
    const c = await createCourseWithLesson(t, instructor);
    const bad = [
      { title: 'L', type: 'podcast' },
      { title: '', type: 'text' },
      { title: 'L', type: 'link' },
      { title: 'L', type: 'link', body: { url: 'javascript:alert(1)' } },
      { title: 'L', type: 'link', body: { url: 'ftp://example.com/file' } },
      { title: 'L', type: 'link', body: { embedUrl: 'data:text/html,<script>1</script>' } },
      { title: 'L', type: 'text', body: { url: 'https://example.com' } },
      { title: 'L', type: 'video', body: { markdown: 'x' } },
      { title: 'L', type: 'text', dripDays: 3, dripDate: '2030-01-01T00:00:00Z' },
      { title: 'L', type: 'text', dripDays: -1 },
      { title: 'L', type: 'text', durationSeconds: 1.5 },
      { title: 'L', type: 'text', extra: true },
    ];
    for (const body of bad) {
      const r = await t.http('POST', `${base(c.id)}/sections/${c.sectionId}/lessons`, { ...as(instructor), body });
      expectProblem(r, 400, 'validation_failed');
    }
    expect((await outline(c.id))[0]!.lessons).toHaveLength(1);
  });

  it('edits a lesson: body against its type, drip one way or the other, preview and required flags', async () => {
    const c = await createCourseWithLesson(t, instructor);
    const url = `${base(c.id)}/lessons/${c.lessonId}`;
    expectProblem(await t.http('PATCH', url, { ...as(instructor), body: { body: { url: 'https://x.example' } } }), 400, 'validation_failed');
    expectProblem(await t.http('PATCH', url, { ...as(instructor), body: { type: 'link' } }), 400, 'validation_failed');
    let r = await t.http('PATCH', url, { ...as(instructor), body: { type: 'link', body: { url: 'https://x.example/page' }, isPreview: true, required: false } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ type: 'link', body: { url: 'https://x.example/page' }, isPreview: true, required: false });
    r = await t.http('PATCH', url, { ...as(instructor), body: { dripDays: 7 } });
    expect(r.body).toMatchObject({ dripDays: 7, dripDate: null });
    r = await t.http('PATCH', url, { ...as(instructor), body: { dripDate: '2031-05-01T09:00:00+02:00' } });
    expect(r.body).toMatchObject({ dripDays: null, dripDate: '2031-05-01T07:00:00.000Z' });
    r = await t.http('PATCH', url, { ...as(instructor), body: { type: 'quiz' } });
    expect(r.body).toMatchObject({ type: 'quiz', body: {} });
    const got = await t.http('GET', url, as(instructor));
    expect(got.body).toMatchObject({ id: c.lessonId, type: 'quiz', isPreview: true, required: false, dripDate: '2031-05-01T07:00:00.000Z' });
  });

  it('validates prerequisites: lessons of the same course, not itself, no cycles', async () => {
    const c = await createCourseWithLesson(t, instructor);
    const other = await createCourseWithLesson(t, instructor);
    const a = c.lessonId;
    const b = (await addLesson(c.id, c.sectionId, { title: 'B', type: 'text', prerequisiteLessonIds: [a] })).id;
    const cc = (await addLesson(c.id, c.sectionId, { title: 'C', type: 'text', prerequisiteLessonIds: [b] })).id;
    expectProblem(
      await t.http('POST', `${base(c.id)}/sections/${c.sectionId}/lessons`, { ...as(instructor), body: { title: 'X', type: 'text', prerequisiteLessonIds: [other.lessonId] } }),
      400,
      'invalid_prerequisite',
    );
    expectProblem(await t.http('PATCH', `${base(c.id)}/lessons/${a}`, { ...as(instructor), body: { prerequisiteLessonIds: [a] } }), 400, 'invalid_prerequisite');
    expectProblem(await t.http('PATCH', `${base(c.id)}/lessons/${a}`, { ...as(instructor), body: { prerequisiteLessonIds: [cc] } }), 400, 'prerequisite_cycle');
    expect((await t.http('GET', `${base(c.id)}/lessons/${a}`, as(instructor))).body.prerequisiteLessonIds).toEqual([]);
    // deleting a lesson removes it from the prerequisites of others
    expect((await t.http('DELETE', `${base(c.id)}/lessons/${b}`, as(instructor))).status).toBe(204);
    expect((await t.http('GET', `${base(c.id)}/lessons/${cc}`, as(instructor))).body).toMatchObject({ prerequisiteLessonIds: [], position: 1 });
  });

  it('reorders lessons across sections and refuses anything but every lesson exactly once', async () => {
    const c = await createCourseWithLesson(t, instructor);
    const s2 = await addSection(c.id, 'Two');
    const l1 = c.lessonId;
    const l2 = (await addLesson(c.id, c.sectionId, { title: 'L2', type: 'text' })).id;
    const l3 = (await addLesson(c.id, s2, { title: 'L3', type: 'text' })).id;
    const other = await createCourseWithLesson(t, instructor);
    const bad = [
      [{ sectionId: c.sectionId, lessonIds: [l1, l2, l3] }],
      [{ sectionId: c.sectionId, lessonIds: [l1, l2] }, { sectionId: s2, lessonIds: [] }],
      [{ sectionId: c.sectionId, lessonIds: [l1, l2, l2] }, { sectionId: s2, lessonIds: [l3] }],
      [{ sectionId: c.sectionId, lessonIds: [l1, l2, other.lessonId] }, { sectionId: s2, lessonIds: [l3] }],
      [{ sectionId: c.sectionId, lessonIds: [l1, l2] }, { sectionId: other.sectionId, lessonIds: [l3] }],
      [{ sectionId: c.sectionId, lessonIds: [l1] }, { sectionId: s2, lessonIds: [l3] }, { sectionId: s2, lessonIds: [l2] }],
    ];
    for (const sections of bad) {
      expectProblem(await t.http('POST', `${base(c.id)}/lessons/reorder`, { ...as(instructor), body: { sections } }), 400, 'reorder_mismatch');
    }
    const before = await outline(c.id);
    expect(before.map((s) => s.lessons.map((l) => l.id))).toEqual([[l1, l2], [l3]]);
    const ok = await t.http('POST', `${base(c.id)}/lessons/reorder`, {
      ...as(instructor),
      body: { sections: [{ sectionId: s2, lessonIds: [l2, l3] }, { sectionId: c.sectionId, lessonIds: [l1] }] },
    });
    expect(ok.status).toBe(200);
    const after = await outline(c.id);
    expect(after.map((s) => s.lessons.map((l) => [l.id, l.position, l.sectionId]))).toEqual([[[l1, 0, c.sectionId]], [[l2, 0, s2], [l3, 1, s2]]]);
  });
});
