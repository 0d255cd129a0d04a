import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORAGE, type Storage } from '../../../kernel/storage/index.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, createOrg, type Member } from '../enrollment/enrollment.fixtures.js';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const NOTES = Buffer.from('my answer, as notes\n');

let t: TestApp;
let owner: Member;
let instructor: Member;
let learner: Member;
let classmate: Member;
let stranger: Member;
let course: BuiltCourse;
let storage: Storage;
let fileQ: string;
let tfQ: string;
let attemptId: string;

const H = (m: Member) => ({ as: m, headers: m.h() });

function multipart(name: string, type: string, data: Buffer) {
  const boundary = '----lyceum' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(as: Member | null, questionId: string, name: string, type: string, data: Buffer) {
  const m = multipart(name, type, data);
  const res = await t.app.inject({
    method: 'PUT',
    url: `/api/v1/quiz-attempts/${attemptId}/answers/${questionId}/file`,
    headers: { ...(as ? as.h() : {}), 'content-type': m.contentType },
    payload: m.payload,
  });
  return { status: res.statusCode, type: String(res.headers['content-type'] ?? ''), body: res.json() as { code?: string; questionId?: string } };
}

async function savedFile(): Promise<string | null> {
  const [row] = await t.query<{ answers: Record<string, { type: string; fileId?: string }> }>('SELECT answers FROM quiz_attempts WHERE id = $1', [attemptId]);
  return row?.answers[fileQ]?.fileId ?? null;
}

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOrg(t, 'Files');
  instructor = await addMember(t, owner.orgId, 'instructor');
  learner = await addMember(t, owner.orgId, 'learner');
  classmate = await addMember(t, owner.orgId, 'learner');
  stranger = await createOrg(t, 'Elsewhere');
  storage = t.app.get<Storage>(STORAGE);
  course = await buildCourse(t, instructor, { visibility: 'organization', publish: false, sections: [{ title: 'S', lessons: [{ key: 'quiz', type: 'quiz' }] }] });
  const bank = await t.http('POST', `/api/v1/courses/${course.id}/question-banks`, { ...H(instructor), body: { name: 'Files' } });
  const f = await t.http('POST', `/api/v1/question-banks/${bank.body.id}/questions`, {
    ...H(instructor),
    body: { question: { type: 'file_response', prompt: 'Attach your notes', points: 3, allowedTypes: ['application/pdf', 'text/plain'], maxBytes: 200 } },
  });
  expect(f.status).toBe(201);
  fileQ = f.body.id;
  tfQ = (await t.http('POST', `/api/v1/question-banks/${bank.body.id}/questions`, { ...H(instructor), body: { question: { type: 'true_false', prompt: 'Yes?', correct: true } } })).body.id;
  const quizUrl = `/api/v1/courses/${course.id}/lessons/${course.lessons.quiz}/quiz`;
  const put = await t.http('PUT', quizUrl, { ...H(instructor), body: { feedbackTiming: 'immediately', items: [{ kind: 'question', questionId: fileQ }, { kind: 'question', questionId: tfQ }] } });
  expect(put.status).toBe(200);
  await t.http('POST', `/api/v1/courses/${course.id}/publish`, H(instructor));
  for (const m of [learner, classmate]) await t.http('POST', `/api/v1/courses/${course.id}/enroll`, H(m));
  const a = await t.http('POST', `${quizUrl}/attempts`, H(learner));
  expect(a.status).toBe(201);
  attemptId = a.body.id;
});
afterAll(() => t?.close());

describe('quiz file responses', () => {
  it('refuses anonymous callers, other organizations and another learner of the course, storing nothing', async () => {
    expect((await upload(null, fileQ, 'notes.txt', 'text/plain', NOTES)).status).toBe(401);
    expect((await upload(stranger, fileQ, 'notes.txt', 'text/plain', NOTES)).status).toBe(404);
    expect((await upload(classmate, fileQ, 'notes.txt', 'text/plain', NOTES)).status).toBe(404);
    expect((await upload(instructor, fileQ, 'notes.txt', 'text/plain', NOTES)).status).toBe(404);
    expect(await savedFile()).toBeNull();
  });

  it("enforces the question's types and size, and only file questions take files", async () => {
    const png = await upload(learner, fileQ, 'pic.png', 'image/png', PNG);
    expect(png.status).toBe(415);
    expect(png.type).toMatch(/application\/problem\+json/);
    const disguised = await upload(learner, fileQ, 'pic.pdf', 'application/pdf', PNG);
    expect(disguised.status).toBe(415);
    const big = await upload(learner, fileQ, 'big.txt', 'text/plain', Buffer.alloc(201, 'a'));
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('file_too_large');
    const wrong = await upload(learner, tfQ, 'notes.txt', 'text/plain', NOTES);
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('answer_type_mismatch');
    const missing = await upload(learner, '01900000-0000-7000-8000-000000000000', 'notes.txt', 'text/plain', NOTES);
    expect(missing.status).toBe(404);
    expect(await savedFile()).toBeNull();
  });

  it('saves the upload as the answer; a new upload replaces it and the old file is deleted', async () => {
    const first = await upload(learner, fileQ, 'answer.pdf', 'application/pdf', PDF);
    expect(first.status).toBe(200);
    expect(first.body.questionId).toBe(fileQ);
    const firstKey = (await savedFile())!;
    expect(firstKey).toMatch(new RegExp(`^quiz-attempts/${attemptId}/${fileQ}/`));
    expect(await storage.exists(firstKey)).toBe(true);

    const second = await upload(learner, fileQ, 'notes.txt', 'text/plain', NOTES);
    expect(second.status).toBe(200);
    const secondKey = (await savedFile())!;
    expect(secondKey).not.toBe(firstKey);
    expect(await storage.exists(secondKey)).toBe(true);
    expect(await storage.exists(firstKey)).toBe(false);

    // the answer can only point at a file uploaded to this attempt's question
    const forged = await t.http('PUT', `/api/v1/quiz-attempts/${attemptId}/answers/${fileQ}`, { ...H(learner), body: { answer: { type: 'file_response', fileId: 'quiz-attempts/other/file.pdf' } } });
    expect(forged.status).toBe(400);
    expect(forged.body.code).toBe('invalid_file');
    expect(await savedFile()).toBe(secondKey);
  });

  it('after submit the grader downloads the file from the queue; uploads are refused and leave nothing', async () => {
    const submitted = await t.http('POST', `/api/v1/quiz-attempts/${attemptId}/submit`, H(learner));
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('grading');
    const queue = await t.http('GET', `/api/v1/courses/${course.id}/grading-queue`, H(instructor));
    const item = queue.body.items.find((i: { attemptId: string; questionId: string }) => i.attemptId === attemptId && i.questionId === fileQ);
    expect(item.fileUrl).toEqual(expect.any(String));
    const file = await t.app.inject({ method: 'GET', url: item.fileUrl, headers: instructor.h() });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(NOTES)).toBe(true);
    expect((await t.http('GET', `/api/v1/courses/${course.id}/grading-queue`, H(stranger))).status).toBe(404);

    const before = await savedFile();
    const late = await upload(learner, fileQ, 'late.txt', 'text/plain', NOTES);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('attempt_closed');
    expect(await savedFile()).toBe(before);
    const [row] = await t.query<{ n: string }>('SELECT count(*) AS n FROM quiz_attempts WHERE id = $1 AND status = $2', [attemptId, 'grading']);
    expect(Number(row!.n)).toBe(1);
  });
});
