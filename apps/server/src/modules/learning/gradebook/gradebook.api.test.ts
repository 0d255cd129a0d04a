import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DB, type Database } from '../../../kernel/db/index.js';
import { EventBus, type EventEnvelope } from '../../../kernel/events/index.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { BubblewrapSandbox } from '../code-runner/sandbox.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type Member, observe } from '../enrollment/enrollment.fixtures.js';
import { GradebookRequirementsPassed, GradeReported } from '../learning.events.js';
import { BackfillGradebookLearnersJob } from './gradebook.jobs.js';

const sandboxReady = new BubblewrapSandbox().selfTest().ok;

let t: TestApp;
let owner: Member;
let instructor: Member;
let otherInstructor: Member;
let ada: Member;
let bob: Member;
let stranger: Member;
let course: BuiltCourse;
let passedSignals: { userId: string; requiredItems: number }[];

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOrg(t, 'Grades');
  instructor = await addMember(t, owner.orgId, 'instructor', { name: 'Ines Instructor' });
  otherInstructor = await addMember(t, owner.orgId, 'instructor');
  ada = await addMember(t, owner.orgId, 'learner', { name: 'Ada Lovelace' });
  bob = await addMember(t, owner.orgId, 'learner', { name: 'Bob Byron' });
  stranger = await createOrg(t, 'Elsewhere');
  course = await buildCourse(t, instructor, {
    title: 'Graded',
    visibility: 'organization',
    sections: [
      {
        title: 'Unit 1',
        lessons: [{ key: 'read' }, { key: 'quiz1', type: 'quiz' }, { key: 'quiz2', type: 'quiz' }, { key: 'sum', type: 'code' }],
      },
    ],
  });
  passedSignals = observe(t, GradebookRequirementsPassed, 'gb-passed');
  for (const m of [ada, bob]) expect((await t.http('POST', `/api/v1/courses/${course.id}/enroll`, { as: m, headers: m.h() })).status).toBe(201);
  await t.drain();
});
afterAll(() => t?.close());

const gb = (suffix = '') => `/api/v1/courses/${course.id}/gradebook${suffix}`;
const db = () => t.app.get<symbol, Database>(DB);

async function report(userId: string, lesson: string, score: number | null, maxScore: number, gradedAt: string, passed: boolean | null = null): Promise<string> {
  return t.app.get(EventBus).emit(db(), GradeReported, {
    organizationId: owner.orgId,
    courseId: course.id,
    lessonId: course.lessons[lesson]!,
    userId,
    source: 'quiz',
    sourceId: '01930000-0000-7000-8000-000000000001',
    score,
    maxScore,
    passed,
    gradedAt,
  });
}

type Row = { userId: string; cells: { lessonId: string; status: string; score: number | null; percent: number | null; overridden: boolean }[]; finalPercent: number | null; passed: boolean };
async function rowOf(who: Member): Promise<Row> {
  const res = await t.http('GET', gb(), { as: instructor, headers: instructor.h() });
  expect(res.status).toBe(200);
  return res.body.learners.items.find((r: Row) => r.userId === who.userId);
}
const cell = (r: Row, lesson: string) => r.cells.find((c) => c.lessonId === course.lessons[lesson])!;

describe('gradebook items', () => {
  it('are the quiz, assignment and code lessons of the live version, with default settings', async () => {
    // created when the course was published (CoursePublished), before anyone opened the gradebook
    expect(await count(t, 'SELECT count(*) AS n FROM gradebook_items WHERE course_id = $1', [course.id])).toBe(3);
    const res = await t.http('GET', gb('/setup'), { as: instructor, headers: instructor.h() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: 'points', passingPercent: 60, categories: [] });
    expect(res.body.items.map((i: { lessonId: string; type: string }) => [i.lessonId, i.type])).toEqual([
      [course.lessons.quiz1, 'quiz'],
      [course.lessons.quiz2, 'quiz'],
      [course.lessons.sum, 'code'],
    ]);
    expect(res.body.items[0]).toMatchObject({ required: false, excluded: false, weight: 1, points: null, categoryId: null, dueAt: null });
  });
});

describe('the GradeReported subscriber', () => {
  it('stores the newest grade, ignores older reports and is idempotent on the event id', async () => {
    await report(ada.userId, 'quiz1', 6, 10, '2026-01-02T10:00:00Z');
    await t.drain();
    expect(cell(await rowOf(ada), 'quiz1')).toMatchObject({ status: 'graded', score: 6, percent: 60 });
    // an older report arriving later is ignored
    await report(ada.userId, 'quiz1', 2, 10, '2026-01-01T10:00:00Z');
    await t.drain();
    expect(cell(await rowOf(ada), 'quiz1').score).toBe(6);
    // a newer one replaces it
    const eventId = await report(ada.userId, 'quiz1', 8, 10, '2026-01-03T10:00:00Z');
    await t.drain();
    expect(cell(await rowOf(ada), 'quiz1').score).toBe(8);
    expect(await count(t, 'SELECT count(*) AS n FROM gradebook_grades WHERE user_id = $1', [ada.userId])).toBe(1);
    // the same event delivered again (at-least-once) changes nothing, even after a newer grade
    await report(ada.userId, 'quiz1', 9, 10, '2026-01-04T10:00:00Z');
    await t.drain();
    const env: EventEnvelope<unknown> = { eventId, name: GradeReported.name, occurredAt: new Date().toISOString(), data: { organizationId: owner.orgId, courseId: course.id, lessonId: course.lessons.quiz1, userId: ada.userId, source: 'quiz', sourceId: '01930000-0000-7000-8000-000000000001', score: 8, maxScore: 10, passed: null, gradedAt: '2026-01-05T10:00:00Z' } };
    await t.app.get(JobsService).enqueue(db(), { name: 'event:grade.reported:gradebook.grades', schema: z.any(), maxAttempts: 12 }, env);
    await t.drain();
    expect(cell(await rowOf(ada), 'quiz1').score).toBe(9);
  });

  it('keeps a pending grade (score null) out of the final grade', async () => {
    await report(bob.userId, 'quiz1', 3, 4, '2026-01-02T10:00:00Z');
    await report(bob.userId, 'quiz2', null, 10, '2026-01-02T10:00:00Z');
    await t.drain();
    const r = await rowOf(bob);
    expect(cell(r, 'quiz2')).toMatchObject({ status: 'pending', percent: null });
    expect(r.finalPercent).toBe(75);
  });

  it('ignores a report that names a course of another organization', async () => {
    await t.app.get(EventBus).emit(db(), GradeReported, {
      organizationId: stranger.orgId,
      courseId: course.id,
      lessonId: course.lessons.quiz2!,
      userId: ada.userId,
      source: 'quiz',
      sourceId: '01930000-0000-7000-8000-000000000002',
      score: 10,
      maxScore: 10,
      passed: true,
      gradedAt: '2026-01-09T10:00:00Z',
    });
    await t.drain();
    expect(cell(await rowOf(ada), 'quiz2').status).toBe('missing');
  });
});

describe('settings and categories', () => {
  it('refuses bad input with problem+json and writes nothing', async () => {
    const bad: [string, string, unknown][] = [
      ['PUT', '/settings', { mode: 'curve', passingPercent: 50 }],
      ['PUT', '/settings', { mode: 'points', passingPercent: 101 }],
      ['PUT', '/settings', { mode: 'points', passingPercent: 50.123 }],
      ['PUT', '/categories', { categories: [{ name: 'A', weight: 50 }] }],
      ['PUT', '/categories', { categories: [{ name: 'A', weight: 50 }, { name: 'a', weight: 50 }] }],
      ['PUT', '/categories', { categories: [{ name: '', weight: 100 }] }],
      ['PATCH', `/items/${course.lessons.quiz1}`, {}],
      ['PATCH', `/items/${course.lessons.quiz1}`, { weight: -1 }],
      ['PATCH', `/items/${course.lessons.quiz1}`, { categoryId: '01930000-0000-7000-8000-0000000000aa' }],
      ['PATCH', `/items/${course.lessons.quiz1}`, { dueAt: 'tomorrow' }],
    ];
    for (const [method, path, body] of bad) {
      const res = await t.http(method, gb(path), { as: instructor, headers: instructor.h(), body });
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect((await t.http('PATCH', gb(`/items/${course.lessons.read}`), { as: instructor, headers: instructor.h(), body: { required: true } })).status).toBe(404);
    // weighted mode needs categories first
    const weighted = await t.http('PUT', gb('/settings'), { as: instructor, headers: instructor.h(), body: { mode: 'weighted', passingPercent: 50 } });
    expect(weighted.status).toBe(409);
    expect(weighted.body.code).toBe('category_weights_incomplete');
    expect(await count(t, 'SELECT count(*) AS n FROM gradebook_categories')).toBe(0);
    expect(await count(t, 'SELECT count(*) AS n FROM gradebook_settings')).toBe(0);
  });

  it('weighted categories with item settings give the final grade', async () => {
    const cats = await t.http('PUT', gb('/categories'), {
      as: instructor,
      headers: instructor.h(),
      body: { categories: [{ name: 'Quizzes', weight: 30 }, { name: 'Code', weight: 70 }] },
    });
    expect(cats.status).toBe(200);
    const [quizzes, code] = cats.body.categories as { id: string; name: string }[];
    // renaming keeps the id; swapping names in one request works
    const renamed = await t.http('PUT', gb('/categories'), {
      as: instructor,
      headers: instructor.h(),
      body: { categories: [{ id: code!.id, name: 'Quizzes', weight: 70 }, { id: quizzes!.id, name: 'Code', weight: 30 }] },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.categories.map((c: { id: string; name: string; weight: number }) => [c.id, c.name, c.weight])).toEqual([
      [code!.id, 'Quizzes', 70],
      [quizzes!.id, 'Code', 30],
    ]);
    const put = (lesson: string, body: unknown) => t.http('PATCH', gb(`/items/${course.lessons[lesson]}`), { as: instructor, headers: instructor.h(), body });
    expect((await put('quiz1', { categoryId: code!.id })).status).toBe(200);
    expect((await put('quiz2', { categoryId: code!.id, weight: 3 })).status).toBe(200);
    const last = await put('sum', { categoryId: quizzes!.id, required: true });
    expect(last.status).toBe(200);
    expect(last.body.items[2]).toMatchObject({ categoryId: quizzes!.id, required: true });
    const s = await t.http('PUT', gb('/settings'), { as: instructor, headers: instructor.h(), body: { mode: 'weighted', passingPercent: 70 } });
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ mode: 'weighted', passingPercent: 70 });
    // Bob: quiz1 75% (weight 1), quiz2 pending -> the "Quizzes" category (70%) = 75; nothing in "Code" yet
    expect((await rowOf(bob)).finalPercent).toBe(75);
    // quiz2 becomes due: a still-pending grade stays out; Ada's missing quiz2 now counts as 0
    expect((await put('quiz2', { dueAt: '2026-01-01T00:00:00Z' })).status).toBe(200);
    expect((await rowOf(bob)).finalPercent).toBe(75);
    const a = await rowOf(ada);
    expect(cell(a, 'quiz2')).toMatchObject({ status: 'zero', percent: 0 });
    expect(a.finalPercent).toBe(22.5); // (1*90 + 3*0) / 4
    expect(a.passed).toBe(false);
  });
});

describe('overrides', () => {
  it('need a reason and teaching rights, and are refused for unknown learners or items', async () => {
    const body = { userId: ada.userId, lessonId: course.lessons.quiz2, percent: 80, reason: 'Late work accepted' };
    for (const b of [{ ...body, reason: '' }, { ...body, percent: 120 }, { ...body, reason: undefined }, { ...body, extra: 1 }]) {
      expect((await t.http('POST', gb('/overrides'), { as: instructor, headers: instructor.h(), body: b })).status).toBe(400);
    }
    expect((await t.http('POST', gb('/overrides'), { as: instructor, headers: instructor.h(), body: { ...body, userId: instructor.userId } })).status).toBe(404);
    expect((await t.http('POST', gb('/overrides'), { as: instructor, headers: instructor.h(), body: { ...body, lessonId: course.lessons.read } })).status).toBe(404);
    const none = await t.http('POST', gb('/overrides'), { as: instructor, headers: instructor.h(), body: { ...body, percent: null } });
    expect(none.status).toBe(409);
    expect((await t.http('POST', gb('/overrides'), { as: ada, headers: ada.h(), body })).status).toBe(403);
    expect((await t.http('POST', gb('/overrides'), { as: otherInstructor, headers: otherInstructor.h(), body })).status).toBe(403);
    expect((await t.http('POST', gb('/overrides'), { as: stranger, headers: stranger.h(), body })).status).toBe(404);
    expect((await t.http('POST', gb('/overrides'), { body })).status).toBe(401);
    expect(await count(t, 'SELECT count(*) AS n FROM gradebook_overrides')).toBe(0);
    expect(await count(t, 'SELECT count(*) AS n FROM gradebook_override_log')).toBe(0);
  });

  it('change the grade, are audited with old and new values, and removing one restores the reported grade', async () => {
    const set = await t.http('POST', gb('/overrides'), {
      as: instructor,
      headers: instructor.h(),
      body: { userId: ada.userId, lessonId: course.lessons.quiz2, percent: 80, reason: 'Late work accepted' },
    });
    expect(set.status).toBe(200);
    expect(set.body.cells.find((c: { lessonId: string }) => c.lessonId === course.lessons.quiz2)).toMatchObject({ percent: 80, overridden: true, overrideReason: 'Late work accepted' });
    expect(set.body.finalPercent).toBe(82.5); // (90 + 3*80) / 4
    const again = await t.http('POST', gb('/overrides'), {
      as: instructor,
      headers: instructor.h(),
      body: { userId: ada.userId, lessonId: course.lessons.quiz2, percent: 85.5, reason: 'Regraded question 3' },
    });
    expect(again.status).toBe(200);
    const final = await t.http('POST', gb('/overrides'), { as: instructor, headers: instructor.h(), body: { userId: ada.userId, lessonId: null, percent: 91, reason: 'Extra credit project' } });
    expect(final.body).toMatchObject({ finalPercent: 91, finalOverridden: true, finalOverrideReason: 'Extra credit project' });
    const removed = await t.http('POST', gb('/overrides'), {
      as: instructor,
      headers: instructor.h(),
      body: { userId: ada.userId, lessonId: course.lessons.quiz2, percent: null, reason: 'Entered on the wrong learner' },
    });
    expect(removed.status).toBe(200);
    expect(removed.body.cells.find((c: { lessonId: string }) => c.lessonId === course.lessons.quiz2)).toMatchObject({ status: 'zero', percent: 0, overridden: false });
    const history = await t.http('GET', gb(`/overrides?userId=${ada.userId}`), { as: instructor, headers: instructor.h() });
    expect(history.status).toBe(200);
    expect(history.body.items.map((h: { action: string; oldPercent: number | null; newPercent: number | null; reason: string; actorName: string; lessonTitle: string | null }) => [h.action, h.lessonTitle, h.oldPercent, h.newPercent, h.reason, h.actorName])).toEqual([
      ['removed', 'Lesson quiz2', 85.5, 0, 'Entered on the wrong learner', 'Ines Instructor'],
      ['set', null, 86.63, 91, 'Extra credit project', 'Ines Instructor'],
      ['set', 'Lesson quiz2', 80, 85.5, 'Regraded question 3', 'Ines Instructor'],
      ['set', 'Lesson quiz2', 0, 80, 'Late work accepted', 'Ines Instructor'],
    ]);
    const page = await t.http('GET', gb('/overrides?limit=3'), { as: instructor, headers: instructor.h() });
    expect(page.body.items).toHaveLength(3);
    const rest = await t.http('GET', gb(`/overrides?limit=3&cursor=${page.body.nextCursor}`), { as: instructor, headers: instructor.h() });
    expect(rest.body.items).toHaveLength(1);
    expect((await t.http('GET', gb('/overrides'), { as: ada, headers: ada.h() })).status).toBe(403);
    expect((await t.http('GET', gb('/overrides'), { as: stranger, headers: stranger.h() })).status).toBe(404);
  });
});

describe('the staff table', () => {
  it('pages learners by name with a cursor and searches names and emails', async () => {
    const first = await t.http('GET', gb('?limit=1'), { as: instructor, headers: instructor.h() });
    expect(first.body.learners.items.map((r: { name: string }) => r.name)).toEqual(['Ada Lovelace']);
    const second = await t.http('GET', gb(`?limit=1&cursor=${first.body.learners.nextCursor}`), { as: instructor, headers: instructor.h() });
    expect(second.body.learners.items.map((r: { name: string }) => r.name)).toEqual(['Bob Byron']);
    expect(second.body.learners.nextCursor).toBeNull();
    const found = await t.http('GET', gb('?q=byron'), { as: instructor, headers: instructor.h() });
    expect(found.body.learners.items.map((r: { userId: string }) => r.userId)).toEqual([bob.userId]);
    expect((await t.http('GET', gb('?q=100%25'), { as: instructor, headers: instructor.h() })).body.learners.items).toEqual([]);
    expect((await t.http('GET', gb('?cursor=nope'), { as: instructor, headers: instructor.h() })).status).toBe(400);
  });

  it('is refused to learners, instructors of other courses, other organizations and anonymous callers', async () => {
    for (const path of ['', '/setup', '/csv']) {
      expect((await t.http('GET', gb(path), { as: ada, headers: ada.h() })).status).toBe(403);
      expect((await t.http('GET', gb(path), { as: otherInstructor, headers: otherInstructor.h() })).status).toBe(403);
      expect((await t.http('GET', gb(path), { as: stranger, headers: stranger.h() })).status).toBe(404);
      expect((await t.http('GET', gb(path))).status).toBe(401);
    }
    for (const [method, path, body] of [
      ['PUT', '/settings', { mode: 'points', passingPercent: 10 }],
      ['PUT', '/categories', { categories: [] }],
      ['PATCH', `/items/${course.lessons.quiz1}`, { excluded: true }],
    ] as const) {
      expect((await t.http(method, gb(path), { as: ada, headers: ada.h(), body })).status).toBe(403);
      expect((await t.http(method, gb(path), { as: stranger, headers: stranger.h(), body })).status).toBe(404);
    }
    expect(await count(t, "SELECT count(*) AS n FROM gradebook_settings WHERE passing_percent = 10")).toBe(0);
  });

  it('exports CSV: one row per learner with each item, category subtotals, final % and pass/fail', async () => {
    const res = await t.http('GET', gb('/csv'), { as: instructor, headers: instructor.h() });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="gradebook-.*\.csv"/);
    const lines = res.text.trim().split('\n');
    expect(lines[0]).toBe('Name,Email,Lesson quiz1 (%),Lesson quiz2 (%),Lesson sum (%),Quizzes (%),Code (%),Final (%),Result');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(`Ada Lovelace,${ada.email.toLowerCase()},90.00,0.00,,22.50,,91.00,fail`);
    expect(lines[2]).toBe(`Bob Byron,${bob.email.toLowerCase()},75.00,,,75.00,,75.00,fail`);
  });
});

describe.skipIf(!sandboxReady)('end to end with a code exercise', () => {
  it('a submission reaches the gradebook; passing the required item completes its lesson and signals once', async () => {
    const exUrl = `/api/v1/courses/${course.id}/lessons/${course.lessons.sum}/code-exercise`;
    const ex = await t.http('PUT', exUrl, {
      as: instructor,
      headers: instructor.h(),
      body: { language: 'python', tests: [{ stdin: '2 3\n', expectedStdout: '5\n', points: 2 }, { stdin: '1 1\n', expectedStdout: '2\n', hidden: true, points: 2 }] },
    });
    expect(ex.status).toBe(200);
    const sub = (code: string) => t.http('POST', `/api/v1/courses/${course.id}/lessons/${course.lessons.sum}/code-submissions`, { as: bob, headers: bob.h(), body: { mode: 'submit', code } });
    expect((await sub('print(5)')).status).toBe(202);
    await t.drain();
    let r = await rowOf(bob);
    expect(cell(r, 'sum')).toMatchObject({ status: 'graded', score: 2, percent: 50 });
    const mine = await t.http('GET', `/api/v1/me/courses/${course.id}/grades`, { as: bob, headers: bob.h() });
    expect(mine.body).toMatchObject({ requiredItems: 1, requiredItemsPassed: false });
    expect(passedSignals).toHaveLength(0);
    expect((await sub('a, b = map(int, input().split())\nprint(a + b)\n')).status).toBe(202);
    await t.drain();
    r = await rowOf(bob);
    expect(cell(r, 'sum')).toMatchObject({ score: 4, percent: 100 });
    // Quizzes (70%): 75; Code (30%): 100 -> 82.5, above 70 and the required item passed
    expect(r).toMatchObject({ finalPercent: 82.5, passed: true });
    const after = await t.http('GET', `/api/v1/me/courses/${course.id}/grades`, { as: bob, headers: bob.h() });
    expect(after.body).toMatchObject({ requiredItems: 1, requiredItemsPassed: true, finalPercent: 82.5, passed: true });
    expect(passedSignals.map((s) => [s.userId, s.requiredItems])).toEqual([[bob.userId, 1]]);
    const outline = await t.http('GET', `/api/v1/me/courses/${course.id}/outline`, { as: bob, headers: bob.h() });
    expect(outline.body.sections[0].lessons.find((l: { id: string }) => l.id === course.lessons.sum).completed).toBe(true);
    // the signal is recorded once
    await report(bob.userId, 'quiz1', 4, 4, '2026-02-01T10:00:00Z');
    await t.drain();
    expect(passedSignals).toHaveLength(1);
  });
});

describe("the learner's own grades", () => {
  it('show each item with status and source, and the overridden final grade', async () => {
    const res = await t.http('GET', `/api/v1/me/courses/${course.id}/grades`, { as: ada, headers: ada.h() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ courseTitle: 'Graded', mode: 'weighted', passingPercent: 70, finalPercent: 91 });
    expect(res.body.items.map((i: { title: string; status: string; percent: number | null; source: string | null }) => [i.title, i.status, i.percent, i.source])).toEqual([
      ['Lesson quiz1', 'graded', 90, 'quiz'],
      ['Lesson quiz2', 'zero', 0, null],
      ['Lesson sum', 'missing', null, null],
    ]);
    expect(res.body.categories.map((c: { name: string; percent: number | null }) => [c.name, c.percent])).toEqual([
      ['Quizzes', 22.5],
      ['Code', null],
    ]);
    expect(JSON.stringify(res.body)).not.toContain(bob.userId);
  });

  it('are only your own: others get 404, anonymous 401', async () => {
    const outsider = await addMember(t, owner.orgId, 'learner');
    expect((await t.http('GET', `/api/v1/me/courses/${course.id}/grades`, { as: outsider, headers: outsider.h() })).status).toBe(404);
    expect((await t.http('GET', `/api/v1/me/courses/${course.id}/grades`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('GET', `/api/v1/me/courses/${course.id}/grades`)).status).toBe(401);
    expect((await t.http('GET', `/api/v1/me/courses/not-a-uuid/grades`, { as: ada, headers: ada.h() })).status).toBe(400);
  });
});

describe("the gradebook's list of learners", () => {
  it('follows renames and revocations from their events', async () => {
    const cleo = await addMember(t, owner.orgId, 'learner', { name: 'Cleo Clark' });
    const enrolled = await t.http('POST', `/api/v1/courses/${course.id}/enroll`, { as: cleo, headers: cleo.h() });
    expect(enrolled.status).toBe(201);
    await t.drain();
    const names = async () => ((await t.http('GET', gb(), { as: instructor, headers: instructor.h() })).body.learners.items as { name: string }[]).map((r) => r.name);
    expect(await names()).toEqual(['Ada Lovelace', 'Bob Byron', 'Cleo Clark']);
    expect((await t.http('PATCH', '/api/v1/me', { as: cleo, headers: cleo.h(), body: { name: 'Cleo Cooper' } })).status).toBe(200);
    await t.drain();
    expect(await names()).toEqual(['Ada Lovelace', 'Bob Byron', 'Cleo Cooper']);
    const revoked = await t.http('DELETE', `/api/v1/courses/${course.id}/enrollments/${enrolled.body.enrollment.id}`, { as: instructor, headers: instructor.h() });
    expect(revoked.status).toBe(200);
    await t.drain();
    expect(await names()).toEqual(['Ada Lovelace', 'Bob Byron']);
  });
});

describe('backfilling learners the gradebook never heard of', () => {
  it('a graded item added later, or the first setup, brings in learners enrolled before; refused to strangers', async () => {
    const early = await buildCourse(t, instructor, { title: 'Reading first', visibility: 'organization', sections: [{ title: 'Read', lessons: [{ key: 'intro' }] }] });
    const dora = await addMember(t, owner.orgId, 'learner', { name: 'Dora Early' });
    const eli = await addMember(t, owner.orgId, 'learner', { name: 'Eli Early' });
    const fay = await addMember(t, owner.orgId, 'learner', { name: 'Fay Gone' });
    for (const m of [dora, eli, fay]) expect((await t.http('POST', `/api/v1/courses/${early.id}/enroll`, { as: m, headers: m.h() })).status).toBe(201);
    await t.drain();
    const fayEnrollment = (await t.query<{ id: string }>('SELECT id FROM enrollments WHERE course_id = $1 AND user_id = $2', [early.id, fay.userId]))[0]!.id;
    expect((await t.http('DELETE', `/api/v1/courses/${early.id}/enrollments/${fayEnrollment}`, { as: instructor, headers: instructor.h() })).status).toBe(200);
    await t.drain();
    // as if they had enrolled before the gradebook kept its list of learners
    await t.query('DELETE FROM gradebook_learners WHERE course_id = $1', [early.id]);
    const url = `/api/v1/courses/${early.id}/gradebook`;
    const names = async () => ((await t.http('GET', url, { as: instructor, headers: instructor.h() })).body.learners.items as { name: string }[]).map((r) => r.name);
    expect(await names()).toEqual([]);

    // a graded item arrives with the next published version
    const section = await t.http('POST', `/api/v1/courses/${early.id}/sections`, { as: instructor, headers: instructor.h(), body: { title: 'Check' } });
    expect((await t.http('POST', `/api/v1/courses/${early.id}/sections/${section.body.id}/lessons`, { as: instructor, headers: instructor.h(), body: { title: 'Quiz', type: 'quiz' } })).status).toBe(201);
    expect((await t.http('POST', `/api/v1/courses/${early.id}/publish`, { as: instructor, headers: instructor.h() })).status).toBe(200);
    await t.drain();
    expect(await names()).toEqual(['Dora Early', 'Eli Early']);
    expect(await count(t, 'SELECT count(*) AS n FROM gradebook_learners WHERE course_id = $1', [early.id])).toBe(2);

    // the first setup of the gradebook backfills too; a second setup and a rerun change nothing
    await t.query('DELETE FROM gradebook_learners WHERE course_id = $1 AND user_id = $2', [early.id, eli.userId]);
    expect((await t.http('PUT', `${url}/settings`, { as: instructor, headers: instructor.h(), body: { mode: 'points', passingPercent: 50 } })).status).toBe(200);
    await t.drain();
    expect(await names()).toEqual(['Dora Early', 'Eli Early']);
    await t.query("UPDATE gradebook_learners SET name = 'Kept As Is' WHERE course_id = $1 AND user_id = $2", [early.id, dora.userId]);
    expect((await t.http('PUT', `${url}/settings`, { as: instructor, headers: instructor.h(), body: { mode: 'points', passingPercent: 55 } })).status).toBe(200);
    await t.app.get(JobsService).enqueue(db(), BackfillGradebookLearnersJob, { courseId: early.id, organizationId: owner.orgId });
    await t.drain();
    expect(await names()).toEqual(['Eli Early', 'Kept As Is']);

    // who may see it is unchanged
    expect((await t.http('GET', url, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('GET', url, { as: dora, headers: dora.h() })).status).toBe(403);
    expect((await t.http('GET', url)).status).toBe(401);
  });
});
