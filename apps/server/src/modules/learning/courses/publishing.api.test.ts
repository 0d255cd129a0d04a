import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { DB, type Database } from '../../../kernel/db/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import type { RequestContext } from '../../../kernel/auth/index.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { CoursePublished } from '../learning.events.js';
import { CoursesService } from './index.js';
import { addMember, createCourseWithLesson, createOrg, type Member } from './courses.fixtures.js';

let t: TestApp;
let orgA: string;
let owner: Member;
let instructor: Member;
let creator: Member; // a custom role with course.create but no course.publish
let learner: Member;
let otherOwner: Member;
let courses: CoursesService;

beforeAll(async () => {
  t = await createTestApp();
  orgA = await createOrg(t, 'Acme');
  const orgB = await createOrg(t, 'Beta');
  await t.query(`INSERT INTO org_roles (id, organization_id, key, name, permissions) VALUES (gen_random_uuid(), $1, 'author', 'Author', '{course.create}')`, [orgA]);
  owner = await addMember(t, orgA, 'owner');
  instructor = await addMember(t, orgA, 'instructor');
  creator = await addMember(t, orgA, 'author');
  learner = await addMember(t, orgA, 'learner');
  otherOwner = await addMember(t, orgB, 'owner');
  courses = t.app.get(CoursesService);
});
afterAll(() => t?.close());

const as = (m: Member) => ({ as: m, headers: m.h() });

function expectProblem(res: { status: number; headers: Record<string, unknown>; body: { code?: string } }, status: number, code?: string) {
  expect(res.status).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  if (code) expect(res.body.code).toBe(code);
}

const ctxOf = (m: Member | null, permissions: string[] = [], orgId = orgA): RequestContext => ({
  requestId: 'test',
  ip: '127.0.0.1',
  actor: m ? { userId: m.userId, email: m.email, name: 'x', platformAdmin: false, via: 'session' } : null,
  membership: m ? { orgId, role: 'custom', permissions: new Set(permissions) } : null,
});

describe('publish permissions', () => {
  it('needs course.publish plus edit rights; other organizations get 404; nothing is published', async () => {
    const c = await createCourseWithLesson(t, creator);
    expectProblem(await t.http('POST', `/api/v1/courses/${c.id}/publish`), 401);
    expectProblem(await t.http('POST', `/api/v1/courses/${c.id}/publish`, as(creator)), 403, 'course_forbidden');
    expectProblem(await t.http('POST', `/api/v1/courses/${c.id}/publish`, as(instructor)), 403, 'course_forbidden'); // not its instructor
    expectProblem(await t.http('POST', `/api/v1/courses/${c.id}/publish`, as(learner)), 403);
    expectProblem(await t.http('POST', `/api/v1/courses/${c.id}/publish`, as(otherOwner)), 404);
    expectProblem(await t.http('POST', `/api/v1/courses/${c.id}/unpublish`, as(creator)), 403);
    expectProblem(await t.http('POST', `/api/v1/courses/${c.id}/archive`, as(creator)), 403);
    expect(await t.query('SELECT 1 FROM course_versions WHERE course_id = $1', [c.id])).toEqual([]);
    const ok = await t.http('POST', `/api/v1/courses/${c.id}/publish`, as(owner));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'published', liveVersion: 1, hasUnpublishedChanges: false });
  });

  it('refuses to publish a course without lessons (422)', async () => {
    const c = await t.http('POST', '/api/v1/courses', { ...as(instructor), body: { title: 'Empty' } });
    expectProblem(await t.http('POST', `/api/v1/courses/${c.body.id}/publish`, as(instructor)), 422, 'course_empty');
    expect((await t.http('GET', `/api/v1/courses/${c.body.id}`, as(instructor))).body.status).toBe('draft');
  });
});

describe('drafts and live versions', () => {
  it('learners read only the live version while the draft changes; publishing makes the draft live', async () => {
    const c = await createCourseWithLesson(t, instructor, { title: 'Version One', visibility: 'public', description: 'First' });
    expect(await courses.getLiveLessons(c.id)).toEqual([]);
    expect(await courses.getLiveLessonContent(c.id, c.lessonId)).toBeNull();

    const emit = vi.spyOn(t.app.get(EventBus), 'emit');
    const p1 = await t.http('POST', `/api/v1/courses/${c.id}/publish`, as(instructor));
    expect(p1.status).toBe(200);
    expect(p1.body).toMatchObject({ status: 'published', liveVersion: 1, hasUnpublishedChanges: false });
    expect(emit).toHaveBeenCalledWith(expect.anything(), CoursePublished, {
      organizationId: orgA,
      courseId: c.id,
      version: 1,
      publishedBy: instructor.userId,
    });
    emit.mockRestore();

    // edit the draft: title, lesson content, a new lesson, a new section
    await t.http('PATCH', `/api/v1/courses/${c.id}`, { ...as(instructor), body: { title: 'Version Two', description: 'Second' } });
    await t.http('PATCH', `/api/v1/courses/${c.id}/lessons/${c.lessonId}`, { ...as(instructor), body: { title: 'Lesson 1 (edited)', body: { markdown: 'Edited **body**' } } });
    const s2 = await t.http('POST', `/api/v1/courses/${c.id}/sections`, { ...as(instructor), body: { title: 'Section 2' } });
    const l2 = await t.http('POST', `/api/v1/courses/${c.id}/sections/${s2.body.id}/lessons`, {
      ...as(instructor),
      body: { title: 'New lesson', type: 'link', body: { url: 'https://example.com' }, dripDays: 3, prerequisiteLessonIds: [c.lessonId], durationSeconds: 60 },
    });

    const editor = await t.http('GET', `/api/v1/courses/${c.id}`, as(instructor));
    expect(editor.body).toMatchObject({ hasUnpublishedChanges: true, liveVersion: 1, status: 'published' });
    expect(editor.body.draft.title).toBe('Version Two');
    expect(editor.body.sections).toHaveLength(2);

    // learners and the catalog still see version 1
    const live = await courses.getLiveLessons(c.id);
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ id: c.lessonId, title: 'Lesson 1', sectionTitle: 'Section 1', sectionPosition: 0, position: 0, type: 'text', required: true });
    expect((await courses.getLiveLessonContent(c.id, c.lessonId))!.body).toEqual({ markdown: '# Hello', html: '<h1>Hello</h1>\n' });
    expect(await courses.getLiveLessonContent(c.id, l2.body.id)).toBeNull();
    const page = await t.http('GET', `/api/v1/catalog/courses/${c.id}`);
    expect(page.body).toMatchObject({ title: 'Version One', version: 1, descriptionHtml: '<p>First</p>\n' });
    expect((await courses.getCourseInfo(c.id))!.title).toBe('Version One');

    // publish again: version 2 is live
    const p2 = await t.http('POST', `/api/v1/courses/${c.id}/publish`, as(instructor));
    expect(p2.body).toMatchObject({ liveVersion: 2, hasUnpublishedChanges: false });
    const live2 = await courses.getLiveLessons(c.id);
    expect(live2.map((l) => [l.title, l.sectionTitle, l.sectionPosition, l.position])).toEqual([
      ['Lesson 1 (edited)', 'Section 1', 0, 0],
      ['New lesson', 'Section 2', 1, 0],
    ]);
    expect(live2[1]).toMatchObject({ dripDays: 3, dripDate: null, prerequisiteLessonIds: [c.lessonId], durationSeconds: 60, isPreview: false });
    expect((await courses.getLiveLessonContent(c.id, l2.body.id))!.body).toEqual({ url: 'https://example.com' });
    expect((await t.http('GET', `/api/v1/catalog/courses/${c.id}`)).body).toMatchObject({ title: 'Version Two', version: 2, lessonCount: 2, durationSeconds: 60 });
    // version 1 is kept, unchanged
    const versions = await t.query<{ version: number; title: string }>(
      `SELECT version, snapshot->'course'->>'title' AS title FROM course_versions WHERE course_id = $1 ORDER BY version`,
      [c.id],
    );
    expect(versions).toEqual([
      { version: 1, title: 'Version One' },
      { version: 2, title: 'Version Two' },
    ]);
  });

  it('unpublish hides the course from the catalog; archive too; republishing brings it back', async () => {
    const c = await createCourseWithLesson(t, instructor, { title: 'Hide me', visibility: 'public' });
    await t.http('POST', `/api/v1/courses/${c.id}/publish`, as(instructor));
    expect((await t.http('GET', `/api/v1/catalog/courses/${c.id}`)).status).toBe(200);

    const u = await t.http('POST', `/api/v1/courses/${c.id}/unpublish`, as(instructor));
    expect(u.body).toMatchObject({ status: 'draft', liveVersion: 1 });
    expect((await t.http('GET', `/api/v1/catalog/courses/${c.id}`)).status).toBe(404);
    const list = await t.http('GET', '/api/v1/catalog/courses?q=hide');
    expect(list.body.items).toEqual([]);
    // enrolled learners keep the live version
    expect(await courses.getLiveLessons(c.id)).toHaveLength(1);

    await t.http('POST', `/api/v1/courses/${c.id}/publish`, as(instructor));
    const a = await t.http('POST', `/api/v1/courses/${c.id}/archive`, as(instructor));
    expect(a.body.status).toBe('archived');
    expect(a.body.archivedAt).not.toBeNull();
    expect((await t.http('GET', `/api/v1/catalog/courses/${c.id}`)).status).toBe(404);
    expect((await courses.getCourseInfo(c.id))!.status).toBe('archived');

    const back = await t.http('POST', `/api/v1/courses/${c.id}/publish`, as(instructor));
    expect(back.body).toMatchObject({ status: 'published', archivedAt: null, liveVersion: 3 });
    expect((await t.http('GET', `/api/v1/catalog/courses/${c.id}`)).status).toBe(200);
  });
});

describe('CoursesService public API', () => {
  it('getCourseInfo describes the course; null for unknown ids', async () => {
    const c = await createCourseWithLesson(t, instructor, { title: 'Info', visibility: 'public', isFree: false });
    const before = await courses.getCourseInfo(c.id);
    expect(before).toEqual({
      id: c.id,
      organizationId: orgA,
      title: 'Info',
      slug: 'info',
      status: 'draft',
      visibility: 'public',
      isFree: false,
      category: null,
      instructorIds: [instructor.userId],
      liveVersion: null,
      publishedAt: null,
    });
    await t.http('POST', `/api/v1/courses/${c.id}/publish`, as(instructor));
    const after = await courses.getCourseInfo(c.id);
    expect(after).toMatchObject({ status: 'published', liveVersion: 1 });
    expect(after!.publishedAt).toBeInstanceOf(Date);
    expect(await courses.getCourseInfo('01900000-0000-7000-8000-000000000000')).toBeNull();
  });

  it('canEditCourse / canTeachCourse follow the per-course policy', async () => {
    const c = await createCourseWithLesson(t, instructor);
    const info = (await courses.getCourseInfo(c.id))!;
    expect(courses.canEditCourse(ctxOf(instructor, ['course.create']), info)).toBe(true);
    expect(courses.canTeachCourse(ctxOf(instructor, []), info)).toBe(true);
    // an instructor without course.create teaches but does not edit
    expect(courses.canEditCourse(ctxOf(instructor, []), info)).toBe(false);
    expect(courses.canEditCourse(ctxOf(learner, ['course.create']), info)).toBe(false);
    expect(courses.canEditCourse(ctxOf(learner, ['course.update']), info)).toBe(true);
    expect(courses.canTeachCourse(ctxOf(learner, ['course.update']), info)).toBe(true);
    expect(courses.canTeachCourse(ctxOf(learner, ['course.read_all']), info)).toBe(false);
    // the right permissions in another organization count for nothing
    expect(courses.canEditCourse(ctxOf(otherOwner, ['course.update'], otherOwner.orgId), info)).toBe(false);
    expect(courses.canTeachCourse(ctxOf(instructor, ['course.update'], otherOwner.orgId), info)).toBe(false);
    expect(courses.canTeachCourse(ctxOf(null), info)).toBe(false);
  });

  it('reads inside the caller’s transaction', async () => {
    const c = await createCourseWithLesson(t, instructor);
    const db = t.app.get<symbol, Database>(DB);
    let seen: string | undefined;
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`UPDATE courses SET slug = 'inside-tx' WHERE id = ${c.id}`);
        seen = (await courses.getCourseInfo(c.id, tx))!.slug;
        tx.rollback();
      }),
    ).rejects.toThrow(/rollback/i);
    expect(seen).toBe('inside-tx');
    expect((await courses.getCourseInfo(c.id))!.slug).not.toBe('inside-tx');
  });
});
