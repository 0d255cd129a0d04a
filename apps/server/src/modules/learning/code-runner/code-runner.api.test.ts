import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type Member, observe } from '../enrollment/enrollment.fixtures.js';
import { GradeReported } from '../learning.events.js';
import { CodeSubmissionJudged } from './code-runner.events.js';
import { CodeRunnerService } from './code-runner.service.js';
import { BubblewrapSandbox } from './sandbox.js';

const sandboxReady = new BubblewrapSandbox().selfTest().ok;

let t: TestApp;
let owner: Member;
let instructor: Member;
let learner: Member;
let stranger: Member;
let course: BuiltCourse;
let judged: { verdict: string; score: number; maxScore: number; userId: string }[];
let grades: { score: number | null; maxScore: number; passed: boolean | null; source: string }[];

const exercise = {
  language: 'python',
  instructions: 'Read two integers and print their **sum**.',
  starterCode: 'a, b = map(int, input().split())\n',
  timeLimitMs: 1000,
  memoryLimitMb: 128,
  tests: [
    { name: 'small', stdin: '2 3\n', expectedStdout: '5\n', points: 1 },
    { name: 'negative', stdin: '-4 1\n', expectedStdout: '-3\n', points: 1 },
    { name: 'big secret', stdin: '123456789 987654321\n', expectedStdout: '1111111110\n', hidden: true, points: 3 },
  ],
};
const SOLUTION = 'a, b = map(int, input().split())\nprint(a + b)\n';

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOrg(t, 'Code');
  instructor = await addMember(t, owner.orgId, 'instructor');
  learner = await addMember(t, owner.orgId, 'learner');
  stranger = await createOrg(t, 'Elsewhere');
  course = await buildCourse(t, instructor, {
    visibility: 'organization',
    publish: false,
    sections: [{ title: 'Practice', lessons: [{ key: 'read' }, { key: 'sum', type: 'code' }] }],
  });
  judged = observe(t, CodeSubmissionJudged, 'code-judged');
  grades = observe(t, GradeReported, 'code-grades');
});
afterAll(() => t?.close());

const exUrl = () => `/api/v1/courses/${course.id}/lessons/${course.lessons.sum}/code-exercise`;
const subUrl = () => `/api/v1/courses/${course.id}/lessons/${course.lessons.sum}/code-submissions`;

describe('code exercises: authoring', () => {
  it('refuses bad exercises, other lesson types and people without edit rights, writing nothing', async () => {
    for (const body of [
      {},
      { ...exercise, tests: [] },
      { ...exercise, tests: exercise.tests.map((x) => ({ ...x, hidden: true })) },
      { ...exercise, language: 'cobol' },
      { ...exercise, timeLimitMs: 60_000 },
      { ...exercise, surprise: 1 },
    ]) {
      const res = await t.http('PUT', exUrl(), { as: instructor, headers: instructor.h(), body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    const text = await t.http('PUT', `/api/v1/courses/${course.id}/lessons/${course.lessons.read}/code-exercise`, { as: instructor, headers: instructor.h(), body: exercise });
    expect(text.status).toBe(400);
    expect(text.body.code).toBe('not_a_code_lesson');
    expect((await t.http('PUT', exUrl(), { as: learner, headers: learner.h(), body: exercise })).status).toBe(403);
    expect((await t.http('PUT', exUrl(), { as: stranger, headers: stranger.h(), body: exercise })).status).toBe(404);
    expect((await t.http('PUT', exUrl(), { body: exercise })).status).toBe(401);
    expect(await count(t, 'SELECT count(*) AS n FROM code_exercises')).toBe(0);
  });

  it('saves the exercise; staff see every test, hidden ones included', async () => {
    const res = await t.http('PUT', exUrl(), { as: instructor, headers: instructor.h(), body: exercise });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ language: 'python', compareMode: 'trim_trailing', hiddenTestCount: 1, maxScore: 5 });
    expect(res.body.instructionsHtml).toContain('<strong>sum</strong>');
    expect(res.body.tests).toHaveLength(3);
    expect(res.body.tests[2]).toMatchObject({ name: 'big secret', hidden: true, stdin: '123456789 987654321\n' });
    // saving again replaces the tests instead of adding to them
    await t.http('PUT', exUrl(), { as: instructor, headers: instructor.h(), body: exercise });
    expect(await count(t, 'SELECT count(*) AS n FROM code_test_cases')).toBe(3);
    const pub = await t.http('POST', `/api/v1/courses/${course.id}/publish`, { as: instructor, headers: instructor.h() });
    expect(pub.status).toBe(200);
  });

  it('learners must be enrolled; then they see the visible tests and only how many are hidden', async () => {
    expect((await t.http('GET', exUrl(), { as: learner, headers: learner.h() })).status).toBe(403);
    expect((await t.http('GET', exUrl(), { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('POST', `/api/v1/courses/${course.id}/enroll`, { as: learner, headers: learner.h() })).status).toBe(201);
    const res = await t.http('GET', exUrl(), { as: learner, headers: learner.h() });
    expect(res.status).toBe(200);
    expect(res.body.hiddenTestCount).toBe(1);
    expect(res.body.tests.map((x: { name: string }) => x.name)).toEqual(['small', 'negative']);
    expect(JSON.stringify(res.body)).not.toContain('987654321');
  });
});

describe.skipIf(!sandboxReady)('code exercises: running and submitting', () => {
  it('"run" judges the visible tests only, with their output', async () => {
    const res = await t.http('POST', subUrl(), { as: learner, headers: learner.h(), body: { mode: 'run', code: 'print(5)' } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'queued', verdict: null, mode: 'run' });
    await t.drain();
    const done = await t.http('GET', `/api/v1/code-submissions/${res.body.id}`, { as: learner, headers: learner.h() });
    expect(done.body).toMatchObject({ status: 'done', verdict: 'wrong_answer', score: 1, maxScore: 2 });
    expect(done.body.results.map((r: { name: string; verdict: string }) => [r.name, r.verdict])).toEqual([
      ['small', 'accepted'],
      ['negative', 'wrong_answer'],
    ]);
    expect(done.body.results[1]).toMatchObject({ stdin: '-4 1\n', expectedStdout: '-3\n', stdout: '5\n' });
    expect(judged).toHaveLength(0); // runs are practice, not graded
  });

  it('"submit" runs the hidden tests too without revealing their data; a failing one keeps the lesson open', async () => {
    const wrong = 'a, b = map(int, input().split())\nprint(a + b if abs(a) < 1000 else 0)\n';
    const res = await t.http('POST', subUrl(), { as: learner, headers: learner.h(), body: { mode: 'submit', code: wrong } });
    await t.drain();
    const done = await t.http('GET', `/api/v1/code-submissions/${res.body.id}`, { as: learner, headers: learner.h() });
    expect(done.body).toMatchObject({ verdict: 'wrong_answer', score: 2, maxScore: 5 });
    const hidden = done.body.results.find((r: { hidden: boolean }) => r.hidden);
    expect(hidden).toMatchObject({ name: 'big secret', verdict: 'wrong_answer' });
    expect(hidden.stdin).toBeUndefined();
    expect(hidden.expectedStdout).toBeUndefined();
    expect(hidden.stdout).toBeUndefined();
    expect(JSON.stringify(done.body)).not.toContain('1111111110');
    const outline = await t.http('GET', `/api/v1/me/courses/${course.id}/outline`, { as: learner, headers: learner.h() });
    const lesson = outline.body.sections[0].lessons.find((l: { id: string }) => l.id === course.lessons.sum);
    expect(lesson.completed).toBe(false);
  });

  it('an accepted submission scores every point, completes the lesson and emits the graded event once', async () => {
    const res = await t.http('POST', subUrl(), { as: learner, headers: learner.h(), body: { mode: 'submit', code: SOLUTION } });
    await t.drain();
    const done = await t.http('GET', `/api/v1/code-submissions/${res.body.id}`, { as: learner, headers: learner.h() });
    expect(done.body).toMatchObject({ verdict: 'accepted', score: 5, maxScore: 5 });
    const outline = await t.http('GET', `/api/v1/me/courses/${course.id}/outline`, { as: learner, headers: learner.h() });
    const lesson = outline.body.sections[0].lessons.find((l: { id: string }) => l.id === course.lessons.sum);
    expect(lesson.completed).toBe(true);
    expect(judged.map((j) => [j.verdict, j.score])).toEqual([
      ['wrong_answer', 2],
      ['accepted', 5],
    ]);
    // the gradebook hears the best submission so far each time
    expect(grades.map((g) => [g.source, g.score, g.maxScore, g.passed])).toEqual([
      ['code', 2, 5, false],
      ['code', 5, 5, true],
    ]);
    // the job delivered again for a finished submission changes nothing
    const runner = t.app.get(CodeRunnerService);
    await runner.judgeSubmission(res.body.id);
    await t.drain();
    expect(judged).toHaveLength(2);
    // a worker that died mid-run leaves it `running`: the retry judges it again from scratch
    await t.query("UPDATE code_submissions SET status = 'running', verdict = NULL, score = NULL, results = '[]' WHERE id = $1", [res.body.id]);
    await runner.judgeSubmission(res.body.id);
    const again = await t.http('GET', `/api/v1/code-submissions/${res.body.id}`, { as: learner, headers: learner.h() });
    expect(again.body).toMatchObject({ status: 'done', verdict: 'accepted', score: 5 });
    expect(again.body.results).toHaveLength(3);
    await t.drain();
  });

  it('a compile error in C is reported with the compiler output', async () => {
    await t.http('PUT', exUrl(), { as: instructor, headers: instructor.h(), body: { ...exercise, language: 'c', starterCode: '' } });
    const res = await t.http('POST', subUrl(), { as: learner, headers: learner.h(), body: { mode: 'run', code: 'int main( { return 0; }' } });
    await t.drain();
    const done = await t.http('GET', `/api/v1/code-submissions/${res.body.id}`, { as: learner, headers: learner.h() });
    expect(done.body.verdict).toBe('compile_error');
    expect(done.body.compileOutput).toMatch(/error/);
    await t.http('PUT', exUrl(), { as: instructor, headers: instructor.h(), body: exercise });
  });

  it("submissions are private: other learners get 404, the course's staff may read and list them", async () => {
    const [mine] = await t.query<{ id: string }>('SELECT id FROM code_submissions WHERE user_id = $1 LIMIT 1', [learner.userId]);
    const other = await addMember(t, owner.orgId, 'learner');
    expect((await t.http('GET', `/api/v1/code-submissions/${mine!.id}`, { as: other, headers: other.h() })).status).toBe(404);
    expect((await t.http('GET', `/api/v1/code-submissions/${mine!.id}`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('GET', `/api/v1/code-submissions/${mine!.id}`, { as: instructor, headers: instructor.h() })).status).toBe(200);
    const list = await t.http('GET', `${subUrl()}?limit=2`, { as: instructor, headers: instructor.h() });
    expect(list.body.items).toHaveLength(2);
    const next = await t.http('GET', `${subUrl()}?limit=2&cursor=${list.body.nextCursor}`, { as: instructor, headers: instructor.h() });
    expect(next.body.items.length).toBeGreaterThan(0);
    const own = await t.http('GET', subUrl(), { as: learner, headers: learner.h() });
    expect(own.body.items.every((s: { userId: string }) => s.userId === learner.userId)).toBe(true);
    expect((await t.http('GET', `${subUrl()}?userId=${instructor.userId}`, { as: learner, headers: learner.h() })).status).toBe(403);
  });

  it('bad submissions get 400 and the per-user limit 429, queueing nothing', async () => {
    const before = await count(t, 'SELECT count(*) AS n FROM code_submissions');
    for (const body of [{}, { mode: 'run' }, { mode: 'run', code: '' }, { mode: 'grade', code: 'x' }, { mode: 'run', code: 'x'.repeat(70_000) }]) {
      expect((await t.http('POST', subUrl(), { as: learner, headers: learner.h(), body })).status).toBe(400);
    }
    expect(await count(t, 'SELECT count(*) AS n FROM code_submissions')).toBe(before);
    const fresh = await addMember(t, owner.orgId, 'learner');
    await t.http('POST', `/api/v1/courses/${course.id}/enroll`, { as: fresh, headers: fresh.h() });
    const statuses: number[] = [];
    for (let i = 0; i < t.config.CODE_RUNNER_RUNS_PER_MINUTE + 1; i++) {
      statuses.push((await t.http('POST', subUrl(), { as: fresh, headers: fresh.h(), body: { mode: 'run', code: 'print(5)' } })).status);
    }
    expect(statuses.filter((s) => s === 202)).toHaveLength(t.config.CODE_RUNNER_RUNS_PER_MINUTE);
    expect(statuses.at(-1)).toBe(429);
    await t.drain();
  });
});

describe('code runner status', () => {
  it('tells signed-in users whether code can run and in which languages', async () => {
    const res = await t.http('GET', '/api/v1/code-runner', { as: learner, headers: learner.h() });
    expect(res.status).toBe(200);
    expect(res.body.sandboxAvailable).toBe(sandboxReady);
    expect(res.body.languages.map((l: { id: string }) => l.id)).toContain('python');
    expect((await t.http('GET', '/api/v1/code-runner')).status).toBe(401);
  });
});
