import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, count, createOrg, type Member } from '../enrollment/enrollment.fixtures.js';

let t: TestApp;
let owner: Member;
let instructor: Member;
let learner: Member;
let stranger: Member;
let source: string;
let target: string;

const questions = [
  {
    question: {
      type: 'single_choice',
      prompt: 'Which planet is known as the **red planet**?',
      points: 2,
      options: [
        { id: 'a', text: 'Mars' },
        { id: 'b', text: 'Venus' },
        { id: 'c', text: 'Jupiter' },
      ],
      correctOptionId: 'a',
    },
    tags: ['space'],
  },
  { question: { type: 'numeric', prompt: 'What is 22 / 7, to two decimals?', answer: 3.14, tolerance: 0.01 }, tags: [] },
  { question: { type: 'essay', prompt: 'Describe the water cycle.', points: 5, graderGuidance: 'Evaporation, condensation, precipitation.' }, tags: [] },
];

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOrg(t, 'QTI');
  instructor = await addMember(t, owner.orgId, 'instructor');
  learner = await addMember(t, owner.orgId, 'learner');
  stranger = await createOrg(t, 'Elsewhere');
  const course = await buildCourse(t, instructor, { publish: false });
  const mk = async (name: string) =>
    (await t.http('POST', `/api/v1/courses/${course.id}/question-banks`, { as: instructor, headers: instructor.h(), body: { name } })).body.id as string;
  source = await mk('Science');
  target = await mk('Imported');
  for (const body of questions) {
    const res = await t.http('POST', `/api/v1/question-banks/${source}/questions`, { as: instructor, headers: instructor.h(), body });
    expect(res.status, res.text).toBe(201);
  }
});
afterAll(() => t?.close());

async function exportZip(bankId: string, as: Member, version?: string) {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/question-banks/${bankId}/qti${version ? `?version=${version}` : ''}`, headers: as.h() });
  return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload };
}

describe('QTI packages of a question bank', () => {
  for (const version of ['3.0', '2.1']) {
    it(`exports QTI ${version} and imports it back into another bank unchanged`, async () => {
      const out = await exportZip(source, instructor, version);
      expect(out.status).toBe(200);
      expect(out.headers['content-type']).toMatch(/application\/zip/);
      expect(String(out.headers['content-disposition'])).toMatch(/attachment; filename=".+\.zip"/);
      expect(out.bytes.subarray(0, 2).toString('latin1')).toBe('PK');
      const before = await count(t, 'SELECT count(*) AS n FROM bank_questions WHERE bank_id = $1', [target]);
      const res = await t.http('POST', `/api/v1/question-banks/${target}/qti`, { as: instructor, headers: { ...instructor.h(), 'content-type': 'application/zip' }, body: out.bytes });
      expect(res.status, res.text).toBe(201);
      expect(res.body.imported).toBe(3);
      expect(await count(t, 'SELECT count(*) AS n FROM bank_questions WHERE bank_id = $1', [target])).toBe(before + 3);
      const imported = (res.body.items as { question: unknown }[]).map((i) => i.question);
      const original = await t.http('GET', `/api/v1/question-banks/${source}/questions?limit=10`, { as: instructor, headers: instructor.h() });
      const originals = (original.body.items as { id: string; question: unknown }[]).sort((a, b) => a.id.localeCompare(b.id)).map((i) => i.question);
      expect(imported).toEqual(originals);
    });
  }

  it('refuses a bad package, a wrong content type and an empty body, writing nothing', async () => {
    const before = await count(t, 'SELECT count(*) AS n FROM bank_questions');
    const url = `/api/v1/question-banks/${target}/qti`;
    const h = { ...instructor.h(), 'content-type': 'application/zip' };
    const notZip = await t.http('POST', url, { as: instructor, headers: h, body: Buffer.from('not a zip at all') });
    expect(notZip.status).toBe(400);
    expect(notZip.headers['content-type']).toMatch(/application\/problem\+json/);
    const noManifest = await t.http('POST', url, { as: instructor, headers: h, body: Buffer.from(zipSync({ 'readme.txt': new TextEncoder().encode('hello') })) });
    expect(noManifest.status).toBe(400);
    const traversal = await t.http('POST', url, {
      as: instructor,
      headers: h,
      body: Buffer.from(zipSync({ '../evil.xml': new TextEncoder().encode('<x/>'), 'imsmanifest.xml': new TextEncoder().encode('<manifest/>') })),
    });
    expect(traversal.status).toBe(400);
    expect((await t.http('POST', url, { as: instructor, headers: { ...instructor.h(), 'content-type': 'application/json' }, body: { zip: 'x' } })).status).toBe(415);
    expect(await count(t, 'SELECT count(*) AS n FROM bank_questions')).toBe(before);
  });

  it('refuses strangers, members without edit rights and anonymous callers', async () => {
    expect((await exportZip(source, stranger)).status).toBe(404);
    expect((await exportZip(source, learner)).status).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/question-banks/${source}/qti` })).statusCode).toBe(401);
    const out = await exportZip(source, instructor);
    expect((await t.http('POST', `/api/v1/question-banks/${target}/qti`, { as: stranger, headers: { ...stranger.h(), 'content-type': 'application/zip' }, body: out.bytes })).status).toBe(404);
    expect((await t.http('POST', `/api/v1/question-banks/${target}/qti`, { as: learner, headers: { ...learner.h(), 'content-type': 'application/zip' }, body: out.bytes })).status).toBe(403);
    expect((await exportZip(source, instructor, '1.2')).status).toBe(400);
  });
});
