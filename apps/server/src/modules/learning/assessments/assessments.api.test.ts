import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { BubblewrapSandbox } from '../code-runner/sandbox.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type Member, observe } from '../enrollment/enrollment.fixtures.js';
import { GradeReported, LessonCompleted } from '../learning.events.js';

const sandboxReady = new BubblewrapSandbox().selfTest().ok;

let t: TestApp;
let owner: Member;
let instructor: Member;
let learner: Member;
let learner2: Member;
let stranger: Member;
let course: BuiltCourse;
let bankId: string;
let grades: { userId: string; score: number | null; maxScore: number; passed: boolean | null; source: string; lessonId: string }[];
let completions: { userId: string; lessonId: string }[];
const q: Record<string, string> = {};

const opts = [
  { id: 'a', text: 'Alpha' },
  { id: 'b', text: 'Beta' },
  { id: 'c', text: 'Gamma' },
];
const QUESTIONS = {
  single: { type: 'single_choice', prompt: 'Pick B', options: opts, correctOptionId: 'b', points: 2, feedback: { correct: 'Well done', incorrect: 'It was B' } },
  tf: { type: 'true_false', prompt: 'Sky is blue', correct: true },
  short: { type: 'short_answer', prompt: 'Capital of France', answers: [{ value: 'Paris' }] },
  numeric: { type: 'numeric', prompt: 'Pi', answer: 3.14, tolerance: 0.01 },
  essay: { type: 'essay', prompt: 'Explain recursion', points: 4, graderGuidance: 'mentions base case' },
};

const H = (m: Member) => ({ as: m, headers: m.h() });

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOrg(t, 'Quiz');
  instructor = await addMember(t, owner.orgId, 'instructor');
  learner = await addMember(t, owner.orgId, 'learner');
  learner2 = await addMember(t, owner.orgId, 'learner');
  stranger = await createOrg(t, 'Elsewhere');
  course = await buildCourse(t, instructor, {
    visibility: 'organization',
    publish: false,
    sections: [{ title: 'Check', lessons: [{ key: 'read' }, { key: 'quiz', type: 'quiz' }, { key: 'timed', type: 'quiz' }, { key: 'code', type: 'quiz' }, { key: 'words', type: 'quiz' }] }],
  });
  grades = observe(t, GradeReported, 'quiz-grades');
  completions = observe(t, LessonCompleted, 'quiz-completions');
});
afterAll(() => t?.close());

const quizUrl = (key = 'quiz') => `/api/v1/courses/${course.id}/lessons/${course.lessons[key]}/quiz`;

describe('question banks', () => {
  it('refuses anonymous callers, members without edit rights and other organizations, writing nothing', async () => {
    const url = `/api/v1/courses/${course.id}/question-banks`;
    expect((await t.http('POST', url, { body: { name: 'B' } })).status).toBe(401);
    expect((await t.http('POST', url, { ...H(learner), body: { name: 'B' } })).status).toBe(403);
    expect((await t.http('POST', url, { ...H(stranger), body: { name: 'B' } })).status).toBe(404);
    expect((await t.http('POST', '/api/v1/question-banks', { ...H(learner), body: { name: 'Org' } })).status).toBe(403);
    expect((await t.http('POST', url, { ...H(instructor), body: { name: '' } })).status).toBe(400);
    expect(await count(t, 'SELECT count(*) AS n FROM question_banks')).toBe(0);
  });

  it('creates banks and questions of every type; bad questions are 400 problem+json and write nothing', async () => {
    const bank = await t.http('POST', `/api/v1/courses/${course.id}/question-banks`, { ...H(instructor), body: { name: 'Unit 1' } });
    expect(bank.status).toBe(201);
    bankId = bank.body.id;
    const orgBank = await t.http('POST', '/api/v1/question-banks', { ...H(owner), body: { name: 'Shared' } });
    expect(orgBank.status).toBe(201);
    for (const body of [
      { question: { ...QUESTIONS.single, correctOptionId: 'z' } },
      { question: { type: 'fill_blanks', prompt: 'p', text: 'no blank', blanks: [{ id: 'x', answers: ['y'] }] } },
      { question: { type: 'nope', prompt: 'p' } },
      { question: QUESTIONS.tf, tags: ['x'.repeat(60)] },
      { question: QUESTIONS.tf, extra: true },
    ]) {
      const res = await t.http('POST', `/api/v1/question-banks/${bankId}/questions`, { ...H(instructor), body });
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect(await count(t, 'SELECT count(*) AS n FROM bank_questions')).toBe(0);
    for (const [key, question] of Object.entries(QUESTIONS)) {
      const res = await t.http('POST', `/api/v1/question-banks/${bankId}/questions`, { ...H(instructor), body: { question, tags: key === 'essay' ? ['Writing'] : ['basics'] } });
      expect(res.status, key).toBe(201);
      q[key] = res.body.id;
    }
    expect((await t.http('POST', `/api/v1/question-banks/${bankId}/questions`, { ...H(stranger), body: { question: QUESTIONS.tf } })).status).toBe(404);
    expect((await t.http('GET', `/api/v1/question-banks/${bankId}/questions`, H(learner))).status).toBe(403);
    expect((await t.http('GET', `/api/v1/question-banks/${bankId}/questions`, {})).status).toBe(401);
  });

  it('lists with tag, type and text filters and a cursor', async () => {
    const base = `/api/v1/question-banks/${bankId}/questions`;
    const byTag = await t.http('GET', `${base}?tag=writing`, H(instructor));
    expect(byTag.body.items.map((i: { id: string }) => i.id)).toEqual([q.essay]);
    const byType = await t.http('GET', `${base}?type=numeric`, H(instructor));
    expect(byType.body.items.map((i: { id: string }) => i.id)).toEqual([q.numeric]);
    const byText = await t.http('GET', `${base}?q=france`, H(instructor));
    expect(byText.body.items.map((i: { id: string }) => i.id)).toEqual([q.short]);
    const p1 = await t.http('GET', `${base}?limit=3`, H(instructor));
    expect(p1.body.items).toHaveLength(3);
    const p2 = await t.http('GET', `${base}?limit=3&cursor=${p1.body.nextCursor}`, H(instructor));
    expect(p2.body.items).toHaveLength(2);
    expect(p2.body.nextCursor).toBeNull();
    const bank = await t.http('GET', `/api/v1/question-banks/${bankId}`, H(instructor));
    expect(bank.body).toMatchObject({ questionCount: 5, tags: ['basics', 'writing'], scope: 'course' });
  });
});

describe('quizzes and attempts', () => {
  const quiz = () => ({
    timeLimitSeconds: null,
    attemptsAllowed: 2,
    keepPolicy: 'highest',
    passingScore: 50,
    feedbackTiming: 'immediately',
    showCorrectAnswers: true,
    items: [
      { kind: 'question', questionId: q.single },
      { kind: 'question', questionId: q.tf },
      { kind: 'question', questionId: q.short },
      { kind: 'question', questionId: q.numeric, points: 3 },
      { kind: 'question', questionId: q.essay },
    ],
  });

  it('refuses bad quizzes, other lesson types and people without edit rights', async () => {
    for (const body of [
      { ...quiz(), items: [] },
      { ...quiz(), passingScore: 120 },
      { ...quiz(), feedbackTiming: 'after_close' },
      { ...quiz(), opensAt: '2030-01-02T00:00:00Z', closesAt: '2030-01-01T00:00:00Z' },
      { ...quiz(), items: [{ kind: 'question', questionId: '01900000-0000-7000-8000-000000000000' }] },
    ]) {
      expect((await t.http('PUT', quizUrl(), { ...H(instructor), body })).status, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
    expect((await t.http('PUT', `/api/v1/courses/${course.id}/lessons/${course.lessons.read}/quiz`, { ...H(instructor), body: quiz() })).body.code).toBe('not_a_quiz_lesson');
    expect((await t.http('PUT', quizUrl(), { ...H(learner), body: quiz() })).status).toBe(403);
    expect((await t.http('PUT', quizUrl(), { ...H(stranger), body: quiz() })).status).toBe(404);
    expect((await t.http('PUT', quizUrl(), { body: quiz() })).status).toBe(401);
    expect(await count(t, 'SELECT count(*) AS n FROM quizzes')).toBe(0);
  });

  it('saves the quiz; learners must be enrolled to open it', async () => {
    const res = await t.http('PUT', quizUrl(), { ...H(instructor), body: quiz() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ questionCount: 5, attemptsAllowed: 2, staff: true });
    expect((await t.http('POST', `/api/v1/courses/${course.id}/publish`, H(instructor))).status).toBe(200);
    expect((await t.http('GET', quizUrl(), H(learner))).status).toBe(403);
    for (const l of [learner, learner2]) expect((await t.http('POST', `/api/v1/courses/${course.id}/enroll`, H(l))).status).toBe(201);
    const view = await t.http('GET', quizUrl(), H(learner));
    expect(view.body).toMatchObject({ attemptsUsed: 0, attemptsLeft: 2, staff: false, items: [] });
    expect((await t.http('GET', quizUrl(), H(stranger))).status).toBe(404);
  });

  let attemptId: string;
  it('starts an attempt without the answer key and autosaves answers', async () => {
    const start = await t.http('POST', `${quizUrl()}/attempts`, H(learner));
    expect(start.status).toBe(201);
    attemptId = start.body.id;
    const body = JSON.stringify(start.body);
    for (const secret of ['correctOptionId', 'Paris', '3.14', 'mentions base case', '"correct":true', 'It was B']) expect(body).not.toContain(secret);
    expect(start.body.items).toHaveLength(5);
    // resuming returns the same attempt
    expect((await t.http('POST', `${quizUrl()}/attempts`, H(learner))).body.id).toBe(attemptId);
    const put = (qid: string, answer: unknown, who: Member = learner) => t.http('PUT', `/api/v1/quiz-attempts/${attemptId}/answers/${qid}`, { ...H(who), body: { answer } });
    expect((await put(q.single, { type: 'true_false', value: true })).status).toBe(400);
    expect((await put(q.single, { type: 'single_choice', optionId: 'b' }, learner2)).status).toBe(404);
    expect((await put(q.single, { type: 'single_choice', optionId: 'b' }, stranger)).status).toBe(404);
    expect((await t.http('PUT', `/api/v1/quiz-attempts/${attemptId}/answers/${q.single}`, { body: { answer: { type: 'single_choice', optionId: 'b' } } })).status).toBe(401);
    expect((await put(q.single, { type: 'single_choice', optionId: 'b' })).status).toBe(200);
    expect((await put(q.tf, { type: 'true_false', value: false })).status).toBe(200);
    expect((await put(q.short, { type: 'short_answer', text: ' paris ' })).status).toBe(200);
    expect((await put(q.numeric, { type: 'numeric', value: 3.145 })).status).toBe(200);
    expect((await put(q.essay, { type: 'essay', text: 'A function that calls itself, with a base case.' })).status).toBe(200);
    const again = await t.http('GET', `/api/v1/quiz-attempts/${attemptId}`, H(learner));
    expect(again.body.items.find((i: { questionId: string }) => i.questionId === q.short).answer).toEqual({ type: 'short_answer', text: ' paris ' });
    expect((await t.http('GET', `/api/v1/quiz-attempts/${attemptId}`, H(learner2))).status).toBe(404);
  });

  it('submits: objective questions graded, the essay waits; the grade is reported as pending', async () => {
    const sub = await t.http('POST', `/api/v1/quiz-attempts/${attemptId}/submit`, H(learner));
    expect(sub.status).toBe(200);
    expect(sub.body).toMatchObject({ status: 'grading', score: null, pendingManual: 1, maxScore: 2 + 1 + 1 + 3 + 4 });
    const single = sub.body.items.find((i: { questionId: string }) => i.questionId === q.single);
    expect(single.result).toMatchObject({ status: 'graded', score: 2, feedback: 'Well done' });
    expect(single.correct.correctOptionId).toBe('b');
    expect((await t.http('PUT', `/api/v1/quiz-attempts/${attemptId}/answers/${q.tf}`, { ...H(learner), body: { answer: { type: 'true_false', value: true } } })).status).toBe(409);
    expect((await t.http('POST', `/api/v1/quiz-attempts/${attemptId}/submit`, H(learner))).status).toBe(409);
    await t.drain();
    expect(grades.filter((g) => g.userId === learner.userId).at(-1)).toMatchObject({ source: 'quiz', score: null, maxScore: 11 });
  });

  it('the grading queue: staff only; grading the essay makes the score final, passes and completes the lesson', async () => {
    const qurl = `/api/v1/courses/${course.id}/grading-queue`;
    expect((await t.http('GET', qurl, H(learner))).status).toBe(403);
    expect((await t.http('GET', qurl, H(stranger))).status).toBe(404);
    expect((await t.http('GET', qurl, {})).status).toBe(401);
    const queue = await t.http('GET', qurl, H(instructor));
    expect(queue.body.items).toHaveLength(1);
    expect(queue.body.items[0]).toMatchObject({ attemptId, questionId: q.essay, maxScore: 4, answer: { type: 'essay' } });
    const gurl = `/api/v1/quiz-attempts/${attemptId}/items/${q.essay}/grade`;
    expect((await t.http('POST', gurl, { ...H(learner), body: { points: 4 } })).status).toBe(403);
    expect((await t.http('POST', gurl, { ...H(stranger), body: { points: 4 } })).status).toBe(404);
    expect((await t.http('POST', gurl, { body: { points: 4 } })).status).toBe(401);
    expect((await t.http('POST', gurl, { ...H(instructor), body: { points: 5 } })).status).toBe(400);
    expect((await t.http('POST', `/api/v1/quiz-attempts/${attemptId}/items/${q.tf}/grade`, { ...H(instructor), body: { points: 1 } })).status).toBe(409);
    const graded = await t.http('POST', gurl, { ...H(instructor), body: { points: 3, comment: 'Good' } });
    expect(graded.status).toBe(200);
    // 2 (single) + 0 (tf) + 1 (short) + 3 (numeric) + 3 (essay) = 9 of 11
    expect(graded.body).toMatchObject({ status: 'graded', score: 9, passed: true, pendingManual: 0 });
    expect((await t.http('GET', qurl, H(instructor))).body.items).toHaveLength(0);
    await t.drain();
    expect(grades.filter((g) => g.userId === learner.userId).at(-1)).toMatchObject({ score: 9, maxScore: 11, passed: true });
    expect(completions.some((c) => c.userId === learner.userId && c.lessonId === course.lessons.quiz)).toBe(true);
    const mine = await t.http('GET', `/api/v1/quiz-attempts/${attemptId}`, H(learner));
    expect(mine.body.items.find((i: { questionId: string }) => i.questionId === q.essay).result).toMatchObject({ score: 3, comment: 'Good' });
  });

  it('keeps the highest attempt and refuses attempts past the limit', async () => {
    const a2 = await t.http('POST', `${quizUrl()}/attempts`, H(learner));
    expect(a2.body.number).toBe(2);
    await t.http('POST', `/api/v1/quiz-attempts/${a2.body.id}/submit`, H(learner));
    const view = await t.http('GET', quizUrl(), H(learner));
    expect(view.body).toMatchObject({ attemptsUsed: 2, attemptsLeft: 0, keptScore: 9 });
    const third = await t.http('POST', `${quizUrl()}/attempts`, H(learner));
    expect(third.status).toBe(409);
    expect(third.body.code).toBe('no_attempts_left');
    const list = await t.http('GET', `${quizUrl()}/attempts`, H(learner));
    expect(list.body.items.map((a: { number: number }) => a.number)).toEqual([2, 1]);
  });

  it('changing an answer key regrades existing attempts (a job) and audits the change', async () => {
    const bad = await t.http('PUT', `/api/v1/question-banks/${bankId}/questions/${q.tf}`, { ...H(instructor), body: { question: QUESTIONS.single } });
    expect(bad.status).toBe(409);
    const res = await t.http('PUT', `/api/v1/question-banks/${bankId}/questions/${q.tf}`, { ...H(instructor), body: { question: { ...QUESTIONS.tf, correct: false }, tags: ['basics'] } });
    expect(res.status).toBe(200);
    // rewording alone is not a key change
    await t.http('PUT', `/api/v1/question-banks/${bankId}/questions/${q.single}`, { ...H(instructor), body: { question: { ...QUESTIONS.single, prompt: 'Choose B' }, tags: ['basics'] } });
    await t.drain();
    const audit = await t.http('GET', `/api/v1/question-banks/${bankId}/key-changes`, H(instructor));
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ questionId: q.tf, changedBy: instructor.userId, oldKey: { correct: true }, newKey: { correct: false }, attemptsAffected: 2 });
    expect((await t.http('GET', `/api/v1/question-banks/${bankId}/key-changes`, H(learner))).status).toBe(403);
    const first = await t.http('GET', `/api/v1/quiz-attempts/${attemptId}`, H(learner));
    expect(first.body.score).toBe(10);
    expect(grades.filter((g) => g.userId === learner.userId).at(-1)).toMatchObject({ score: 10, maxScore: 11 });
  });

  it('draws N questions from a bank by tag and freezes the shuffled order per attempt', async () => {
    const res = await t.http('PUT', quizUrl(), {
      ...H(instructor),
      body: { ...quiz(), attemptsAllowed: null, shuffleQuestions: true, shuffleOptions: true, items: [{ kind: 'draw', bankId, tag: 'basics', count: 3 }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.questionCount).toBe(3);
    const a = await t.http('POST', `${quizUrl()}/attempts`, H(learner2));
    expect(a.body.items).toHaveLength(3);
    const ids = a.body.items.map((i: { questionId: string }) => i.questionId);
    expect(ids).not.toContain(q.essay);
    const again = await t.http('GET', `/api/v1/quiz-attempts/${a.body.id}`, H(learner2));
    expect(again.body.items.map((i: { questionId: string }) => i.questionId)).toEqual(ids);
    const single = a.body.items.find((i: { questionId: string }) => i.questionId === q.single);
    if (single) expect(again.body.items.find((i: { questionId: string }) => i.questionId === q.single).question.options).toEqual(single.question.options);
    const frozen = await t.query<{ items: { optionOrder?: string[] }[] }>('SELECT items FROM quiz_attempts WHERE id = $1', [a.body.id]);
    expect(frozen[0]!.items).toHaveLength(3);
  });

  it("draws from an organization-wide bank; the course's bank list offers it, a stranger's bank is refused", async () => {
    const org = await t.http('POST', '/api/v1/question-banks', { ...H(owner), body: { name: 'Org shared' } });
    expect(org.status).toBe(201);
    const shared = await t.http('POST', `/api/v1/question-banks/${org.body.id}/questions`, { ...H(owner), body: { question: QUESTIONS.tf, tags: ['shared'] } });
    expect(shared.status).toBe(201);
    const listed = await t.http('GET', `/api/v1/courses/${course.id}/question-banks`, H(owner));
    expect(listed.body.items.find((b: { id: string }) => b.id === org.body.id)).toMatchObject({ scope: 'organization', questionCount: 1 });
    expect((await t.http('GET', '/api/v1/question-banks', H(stranger))).body.items).toEqual([]);
    expect((await t.http('GET', '/api/v1/question-banks', {})).status).toBe(401);
    const foreign = await t.http('POST', '/api/v1/question-banks', { ...H(stranger), body: { name: 'Theirs' } });
    const refused = await t.http('PUT', quizUrl(), { ...H(owner), body: { ...quiz(), items: [{ kind: 'draw', bankId: foreign.body.id, count: 1 }] } });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    const res = await t.http('PUT', quizUrl(), { ...H(owner), body: { ...quiz(), attemptsAllowed: null, items: [{ kind: 'draw', bankId: org.body.id, count: 1 }] } });
    expect(res.status).toBe(200);
    const open = await t.http('POST', `${quizUrl()}/attempts`, H(learner2));
    expect((await t.http('POST', `/api/v1/quiz-attempts/${open.body.id}/submit`, H(learner2))).status).toBe(200);
    const a = await t.http('POST', `${quizUrl()}/attempts`, H(learner2));
    expect(a.status).toBe(201);
    expect(a.body.items.map((i: { questionId: string }) => i.questionId)).toEqual([shared.body.id]);
  });

  it("holds an essay's word limits at submit with a 400 per question, and changes nothing", async () => {
    const essay = await t.http('POST', `/api/v1/question-banks/${bankId}/questions`, {
      ...H(instructor),
      body: { question: { type: 'essay', prompt: 'Describe a loop', minWords: 3, maxWords: 5 } },
    });
    expect(essay.status).toBe(201);
    const inverted = await t.http('POST', `/api/v1/question-banks/${bankId}/questions`, { ...H(instructor), body: { question: { type: 'essay', prompt: 'x', minWords: 9, maxWords: 2 } } });
    expect(inverted.status).toBe(400);
    expect((await t.http('PUT', quizUrl('words'), { ...H(instructor), body: { ...quiz(), items: [{ kind: 'question', questionId: essay.body.id }, { kind: 'question', questionId: q.tf }] } })).status).toBe(200);
    const a = await t.http('POST', `${quizUrl('words')}/attempts`, H(learner));
    expect(a.status).toBe(201);
    expect(a.body.items[0].question).toMatchObject({ minWords: 3, maxWords: 5 });
    const save = (text: string) => t.http('PUT', `/api/v1/quiz-attempts/${a.body.id}/answers/${essay.body.id}`, { ...H(learner), body: { answer: { type: 'essay', text } } });
    const submit = (m: Member | null = learner) => t.http('POST', `/api/v1/quiz-attempts/${a.body.id}/submit`, m ? H(m) : {});
    // autosave keeps drafts of any length; the limits are checked when the learner submits
    expect((await save('too short')).status).toBe(200);
    const short = await submit();
    expect(short.status).toBe(400);
    expect(short.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(short.body.code).toBe('essay_word_limit');
    expect(short.body.errors).toEqual([{ field: `answers.${essay.body.id}`, message: 'Write at least 3 words (this answer has 2).' }]);
    expect((await save('one two three four five six')).status).toBe(200);
    const long = await submit();
    expect(long.status).toBe(400);
    expect(long.body.errors[0].message).toBe('Write at most 5 words (this answer has 6).');
    const still = await t.http('GET', `/api/v1/quiz-attempts/${a.body.id}`, H(learner));
    expect(still.body.status).toBe('in_progress');
    expect((await submit(stranger)).status).toBe(404);
    expect((await submit(null)).status).toBe(401);
    expect((await save('  a  loop\nrepeats   work ')).status).toBe(200);
    const ok = await submit();
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('grading');
  });
});

describe('the server timer', () => {
  let attemptId: string;
  it('schedules a job at the deadline that closes and grades the attempt; saving after it is refused', async () => {
    const res = await t.http('PUT', quizUrl('timed'), {
      ...H(instructor),
      body: { timeLimitSeconds: 60, feedbackTiming: 'never', showCorrectAnswers: false, passingScore: 100, items: [{ kind: 'question', questionId: q.single }, { kind: 'question', questionId: q.tf }] },
    });
    expect(res.status).toBe(200);
    await t.http('POST', `/api/v1/courses/${course.id}/publish`, H(instructor));
    const a = await t.http('POST', `${quizUrl('timed')}/attempts`, H(learner));
    attemptId = a.body.id;
    expect(Date.parse(a.body.deadline) - Date.parse(a.body.startedAt)).toBe(60_000);
    const jobs = await t.query<{ run_at: Date }>(
      `SELECT j.run_at FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = 'quiz.close-attempt' AND j.key = $1`,
      [`quiz-close:${attemptId}`],
    );
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.run_at.toISOString()).toBe(a.body.deadline);
    await t.drain();
    expect((await t.http('GET', `/api/v1/quiz-attempts/${attemptId}`, H(learner))).body.status).toBe('in_progress');
    expect((await t.http('PUT', `/api/v1/quiz-attempts/${attemptId}/answers/${q.single}`, { ...H(learner), body: { answer: { type: 'single_choice', optionId: 'b' } } })).status).toBe(200);
    // time passes: the deadline (and the job's run time) move into the past
    await t.query(`UPDATE quiz_attempts SET started_at = now() - interval '2 minutes', deadline = now() - interval '1 minute' WHERE id = $1`, [attemptId]);
    await t.query(`UPDATE graphile_worker._private_jobs SET run_at = now() - interval '1 minute' WHERE key = $1`, [`quiz-close:${attemptId}`]);
    const late = await t.http('PUT', `/api/v1/quiz-attempts/${attemptId}/answers/${q.tf}`, { ...H(learner), body: { answer: { type: 'true_false', value: false } } });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('attempt_deadline_passed');
    await t.drain();
    const closed = await t.http('GET', `/api/v1/quiz-attempts/${attemptId}`, H(learner));
    expect(closed.body).toMatchObject({ status: 'graded', autoSubmitted: true, score: 2, maxScore: 3, passed: false, feedbackVisible: false });
    // feedback "never": no per-question results nor answer key for the learner
    expect(closed.body.items.every((i: { result: unknown; correct: unknown }) => i.result === null && i.correct === null)).toBe(true);
    expect(JSON.stringify(closed.body)).not.toContain('correctOptionId');
    const staff = await t.http('GET', `/api/v1/quiz-attempts/${attemptId}`, H(instructor));
    expect(staff.body.items[0].correct).not.toBeNull();
  });

  it('refuses attempts outside the availability window', async () => {
    const base = { items: [{ kind: 'question', questionId: q.tf }] };
    await t.http('PUT', quizUrl('timed'), { ...H(instructor), body: { ...base, opensAt: new Date(Date.now() + 3600_000).toISOString() } });
    const early = await t.http('POST', `${quizUrl('timed')}/attempts`, H(learner2));
    expect(early.body.code).toBe('quiz_not_open');
    await t.http('PUT', quizUrl('timed'), { ...H(instructor), body: { ...base, opensAt: new Date(Date.now() - 7200_000).toISOString(), closesAt: new Date(Date.now() - 3600_000).toISOString() } });
    const late = await t.http('POST', `${quizUrl('timed')}/attempts`, H(learner2));
    expect(late.body.code).toBe('quiz_closed');
  });

  it('the deadline never passes the close date', async () => {
    const closesAt = new Date(Date.now() + 30_000);
    await t.http('PUT', quizUrl('timed'), { ...H(instructor), body: { timeLimitSeconds: 600, closesAt: closesAt.toISOString(), items: [{ kind: 'question', questionId: q.tf }] } });
    const a = await t.http('POST', `${quizUrl('timed')}/attempts`, H(learner2));
    expect(Date.parse(a.body.deadline)).toBe(closesAt.getTime());
  });
});

describe.skipIf(!sandboxReady)('code questions', () => {
  it('are judged in the sandbox by a job after submit', async () => {
    const cq = await t.http('POST', `/api/v1/question-banks/${bankId}/questions`, {
      ...H(instructor),
      body: {
        question: {
          type: 'code',
          prompt: 'Double it',
          language: 'python',
          points: 4,
          tests: [
            { stdin: '2\n', expectedStdout: '4\n' },
            { stdin: '5\n', expectedStdout: '10\n' },
          ],
        },
      },
    });
    expect(cq.status).toBe(201);
    await t.http('PUT', quizUrl('code'), { ...H(instructor), body: { items: [{ kind: 'question', questionId: cq.body.id }] } });
    await t.http('POST', `/api/v1/courses/${course.id}/publish`, H(instructor));
    const a = await t.http('POST', `${quizUrl('code')}/attempts`, H(learner2));
    expect(JSON.stringify(a.body)).not.toContain('expectedStdout');
    await t.http('PUT', `/api/v1/quiz-attempts/${a.body.id}/answers/${cq.body.id}`, { ...H(learner2), body: { answer: { type: 'code', code: 'n = int(input())\nprint(n * 2 if n < 5 else n)\n' } } });
    const sub = await t.http('POST', `/api/v1/quiz-attempts/${a.body.id}/submit`, H(learner2));
    expect(sub.body.status).toBe('grading');
    expect(sub.body.items[0].result.status).toBe('pending_code');
    await t.drain();
    const done = await t.http('GET', `/api/v1/quiz-attempts/${a.body.id}`, H(learner2));
    expect(done.body).toMatchObject({ status: 'graded', score: 2, maxScore: 4 });
    expect(done.body.items[0].result).toMatchObject({ passed: 1, total: 2 });
  });
});
