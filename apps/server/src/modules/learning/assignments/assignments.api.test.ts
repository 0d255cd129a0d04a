import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type LessonSpec, type Member, observe } from '../enrollment/enrollment.fixtures.js';
import { GradeReported } from '../learning.events.js';
import { AssignmentsAccess } from './assignments.access.js';

const ASSIGNMENT = 'assignment' as unknown as LessonSpec['type'];
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const DAY = 86_400_000;

let t: TestApp;
let owner: Member;
let instructor: Member;
let ada: Member;
let bob: Member;
let cleo: Member;
let dan: Member;
let outsider: Member;
let stranger: Member;
let course: BuiltCourse;
let grades: { userId: string; score: number | null; maxScore: number; passed: boolean | null; source: string; lessonId: string }[];
let clock: AssignmentsAccess;

const rubric = [
  {
    title: 'Argument',
    levels: [
      { title: 'Weak', points: 0 },
      { title: 'Sound', points: 4 },
      { title: 'Excellent', points: 6 },
    ],
  },
  {
    title: 'Style',
    levels: [
      { title: 'Rough', points: 1 },
      { title: 'Clear', points: 4 },
    ],
  },
];
const setup = {
  instructions: 'Write an **essay**.',
  allowText: true,
  allowedFileTypes: ['application/pdf', 'text/plain'],
  maxFileBytes: 2048,
  maxFiles: 2,
  pointsPossible: 10,
  rubric,
  anonymousGrading: true,
};

function multipart(name: string, type: string, data: Buffer) {
  const boundary = '----lyceum' + Math.random().toString(16).slice(2);
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

const url = (lesson: string, tail = '') => `/api/v1/courses/${course.id}/lessons/${course.lessons[lesson]}/assignment${tail}`;

async function upload(as: Member, lesson: string, name: string, type: string, data: Buffer) {
  const m = multipart(name, type, data);
  const res = await t.app.inject({ method: 'POST', url: url(lesson, '/files'), headers: { ...as.h(), 'content-type': m.contentType }, payload: m.payload });
  return { status: res.statusCode, body: res.json() };
}

const put = (lesson: string, body: unknown, as: Member = instructor) => t.http('PUT', url(lesson), { as, headers: as.h(), body });
const submit = (as: Member, lesson: string, body: unknown) => t.http('POST', url(lesson, '/submissions'), { as, headers: as.h(), body });
const mine = (as: Member, lesson: string) => t.http('GET', url(lesson, '/my-submission'), { as, headers: as.h() });

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOrg(t, 'Assign');
  instructor = await addMember(t, owner.orgId, 'instructor', { name: 'Ines Instructor' });
  ada = await addMember(t, owner.orgId, 'learner', { name: 'Ada Lovelace' });
  bob = await addMember(t, owner.orgId, 'learner', { name: 'Bob Boole' });
  cleo = await addMember(t, owner.orgId, 'learner', { name: 'Cleo Codd' });
  dan = await addMember(t, owner.orgId, 'learner', { name: 'Dan Dijkstra' });
  outsider = await addMember(t, owner.orgId, 'learner', { name: 'Olly Outsider' });
  stranger = await createOrg(t, 'Elsewhere');
  course = await buildCourse(t, instructor, {
    visibility: 'organization',
    sections: [{ title: 'Work', lessons: [{ key: 'read' }, { key: 'essay', type: ASSIGNMENT }, { key: 'late', type: ASSIGNMENT }, { key: 'peer', type: ASSIGNMENT }, { key: 'group', type: ASSIGNMENT }] }],
  });
  for (const m of [ada, bob, cleo, dan]) expect((await t.http('POST', `/api/v1/courses/${course.id}/enroll`, { as: m, headers: m.h() })).status).toBe(201);
  grades = observe(t, GradeReported, 'assignment-grades');
  clock = t.app.get(AssignmentsAccess);
});
afterAll(() => t?.close());

describe('assignments: setup', () => {
  it('refuses bad setups, other lesson types, non-staff and strangers, writing nothing', async () => {
    for (const body of [
      {},
      { ...setup, pointsPossible: 12 }, // the rubric adds up to 10
      { ...setup, rubric: [{ title: 'One level', levels: [{ title: 'x', points: 10 }] }] },
      { ...setup, allowText: false, maxFiles: 0 },
      { ...setup, allowedFileTypes: [] },
      { ...setup, allowedFileTypes: ['application/x-msdownload'] },
      { ...setup, dueAt: '2030-01-02T00:00:00Z', cutoffAt: '2030-01-01T00:00:00Z' },
      { ...setup, cutoffAt: '2030-01-01T00:00:00Z' },
      { ...setup, rubric: [], peerReviewCount: 2 },
      { ...setup, latePenaltyPerDay: 101 },
      { ...setup, surprise: true },
    ]) {
      const res = await put('essay', body);
      expect(res.status, JSON.stringify(body).slice(0, 100)).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    const text = await t.http('PUT', `/api/v1/courses/${course.id}/lessons/${course.lessons.read}/assignment`, { as: instructor, headers: instructor.h(), body: setup });
    expect(text.status).toBe(400);
    expect(text.body.code).toBe('not_an_assignment_lesson');
    expect((await put('essay', setup, ada)).status).toBe(403);
    expect((await put('essay', setup, stranger)).status).toBe(404);
    expect((await t.http('PUT', url('essay'), { body: setup })).status).toBe(401);
    expect(await count(t, 'SELECT count(*) AS n FROM assignments')).toBe(0);
  });

  it('saves the setup with ids for the rubric, kept when saved again', async () => {
    const res = await put('essay', setup);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ pointsPossible: 10, anonymousGrading: true, passingPercent: 50, mode: 'individual', canGrade: true });
    expect(res.body.instructionsHtml).toContain('<strong>essay</strong>');
    const again = await put('essay', { ...setup, rubric: res.body.rubric });
    expect(again.body.rubric).toEqual(res.body.rubric);
    expect(await count(t, 'SELECT count(*) AS n FROM assignments')).toBe(1);
  });

  it('learners in the lesson read it; strangers and anonymous callers do not', async () => {
    const res = await t.http('GET', url('essay'), { as: ada, headers: ada.h() });
    expect(res.status).toBe(200);
    expect(res.body.canGrade).toBe(false);
    expect((await t.http('GET', url('essay'), { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('GET', url('essay'))).status).toBe(401);
    expect((await t.http('GET', url('essay'), { as: outsider, headers: outsider.h() })).status).toBe(403); // not enrolled
  });
});

describe('assignments: submissions', () => {
  let fileId: string;
  let fileUrl: string;

  it('refuses files of the wrong type or size, storing nothing', async () => {
    expect((await upload(ada, 'essay', 'pic.png', 'image/png', PNG)).status).toBe(415);
    expect((await upload(ada, 'essay', 'fake.pdf', 'application/pdf', Buffer.from('not a pdf at all'))).status).toBe(415);
    expect((await upload(ada, 'essay', 'big.txt', 'text/plain', Buffer.alloc(4096, 'a'))).status).toBe(413);
    expect((await upload(stranger, 'essay', 'a.pdf', 'application/pdf', PDF)).status).toBe(404);
    expect(await count(t, 'SELECT count(*) AS n FROM assignment_files')).toBe(0);
  });

  it('refuses empty or unacceptable submissions', async () => {
    for (const body of [{}, { text: '   ' }, { text: 'x', fileIds: ['01900000-0000-7000-8000-000000000000'] }, { text: 'x', fileIds: ['nope'] }, { text: 1 }]) {
      expect((await submit(ada, 'essay', body)).status, JSON.stringify(body)).toBe(400);
    }
    expect(await count(t, 'SELECT count(*) AS n FROM assignment_submissions')).toBe(0);
  });

  it('keeps every (re)submission as a version, with its files', async () => {
    const first = await submit(ada, 'essay', { text: 'First draft.' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'submitted', versionCount: 1, grade: null, late: false });
    const up = await upload(ada, 'essay', 'essay.pdf', 'application/pdf', PDF);
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ name: 'essay.pdf', contentType: 'application/pdf', size: PDF.length });
    fileId = up.body.id;
    expect((await mine(ada, 'essay')).body.pendingFiles.map((f: { id: string }) => f.id)).toEqual([fileId]);
    // bob cannot submit ada's file
    expect((await submit(bob, 'essay', { text: 'mine', fileIds: [fileId] })).body.code).toBe('unknown_file');
    const second = await submit(ada, 'essay', { text: 'The argument is that rubrics make grading fair.', fileIds: [fileId] });
    expect(second.status).toBe(201);
    expect(second.body.versionCount).toBe(2);
    expect(second.body.versions.map((v: { number: number; text: string; files: unknown[] }) => [v.number, v.text, v.files.length])).toEqual([
      [1, 'First draft.', 0],
      [2, 'The argument is that rubrics make grading fair.', 1],
    ]);
    fileUrl = second.body.versions[1].files[0].url;
    expect((await mine(ada, 'essay')).body.pendingFiles).toEqual([]);
    expect((await submit(bob, 'essay', { text: 'Bob says hi.' })).status).toBe(201);
  });

  it('serves files only through signed URLs bound to an allowed viewer', async () => {
    const own = await t.app.inject({ method: 'GET', url: fileUrl, headers: ada.h() });
    expect(own.statusCode).toBe(200);
    expect(own.rawPayload.equals(PDF)).toBe(true);
    expect((await t.app.inject({ method: 'GET', url: fileUrl, headers: stranger.h() })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: fileUrl, headers: bob.h() })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: fileUrl })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: fileUrl.replace(/sig=[^&]+/, 'sig=AAAA') , headers: ada.h() })).statusCode).toBe(403);
  });

  it('graders see "Learner N" under anonymous grading, with the whole history', async () => {
    const list = await t.http('GET', url('essay', '/submissions'), { as: instructor, headers: instructor.h() });
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { ownerLabel: string; versionCount: number; userId: string | null }) => [s.ownerLabel, s.versionCount, s.userId])).toEqual([
      ['Learner 1', 2, null],
      ['Learner 2', 1, null],
    ]);
    expect(JSON.stringify(list.body)).not.toContain('Ada');
    // the list pages by cursor in a stable order: every submission once, then the end
    const p1 = await t.http('GET', url('essay', '/submissions?limit=1'), { as: instructor, headers: instructor.h() });
    expect(p1.body.items.map((s: { ownerLabel: string }) => s.ownerLabel)).toEqual(['Learner 1']);
    expect(p1.body.nextCursor).toEqual(expect.any(String));
    const p2 = await t.http('GET', url('essay', `/submissions?limit=1&cursor=${encodeURIComponent(p1.body.nextCursor)}`), { as: instructor, headers: instructor.h() });
    expect(p2.body.items.map((s: { ownerLabel: string }) => s.ownerLabel)).toEqual(['Learner 2']);
    expect(p2.body.nextCursor).toBeNull();
    const bad = await t.http('GET', url('essay', '/submissions?cursor=not-a-cursor'), { as: instructor, headers: instructor.h() });
    expect(bad.status).toBe(400);
    expect((await t.http('GET', url('essay', '/submissions?limit=1'), { as: stranger, headers: stranger.h() })).status).toBe(404);
    const one = await t.http('GET', `/api/v1/assignment-submissions/${list.body.items[0].id}`, { as: instructor, headers: instructor.h() });
    expect(one.status).toBe(200);
    expect(one.body.versions).toHaveLength(2);
    expect(one.body.versions[0].submittedBy).toBeNull();
    expect(JSON.stringify(one.body)).not.toContain(ada.userId);
    // the grader's own signed URL works for the grader
    expect((await t.app.inject({ method: 'GET', url: one.body.versions[1].files[0].url, headers: instructor.h() })).statusCode).toBe(200);
    // learners and strangers cannot use the grading endpoints
    expect((await t.http('GET', url('essay', '/submissions'), { as: ada, headers: ada.h() })).status).toBe(403);
    expect((await t.http('GET', `/api/v1/assignment-submissions/${list.body.items[0].id}`, { as: bob, headers: bob.h() })).status).toBe(403);
    expect((await t.http('GET', `/api/v1/assignment-submissions/${list.body.items[0].id}`, { as: stranger, headers: stranger.h() })).status).toBe(404);
    expect((await t.http('GET', `/api/v1/assignment-submissions/${list.body.items[0].id}`)).status).toBe(401);
  });
});

describe('assignments: grading and release', () => {
  let subId: string;
  let a: { rubric: { id: string; levels: { id: string }[] }[] };

  it('grades with the rubric (the score is the chosen levels), refusing incomplete or foreign selections', async () => {
    a = (await t.http('GET', url('essay'), { as: instructor, headers: instructor.h() })).body;
    const list = await t.http('GET', url('essay', '/submissions'), { as: instructor, headers: instructor.h() });
    subId = list.body.items[0].id;
    const gradeUrl = `/api/v1/assignment-submissions/${subId}/grade`;
    const [arg, style] = a.rubric;
    for (const body of [{ selections: { [arg!.id]: arg!.levels[1]!.id } }, { selections: { [arg!.id]: style!.levels[0]!.id, [style!.id]: style!.levels[0]!.id } }, { points: 5 }, { selections: 'x' }]) {
      expect((await t.http('PUT', gradeUrl, { as: instructor, headers: instructor.h(), body })).status, JSON.stringify(body)).toBe(400);
    }
    const body = { selections: { [arg!.id]: arg!.levels[1]!.id, [style!.id]: style!.levels[1]!.id } };
    expect((await t.http('PUT', gradeUrl, { as: ada, headers: ada.h(), body })).status).toBe(403);
    expect((await t.http('PUT', gradeUrl, { as: stranger, headers: stranger.h(), body })).status).toBe(404);
    const res = await t.http('PUT', gradeUrl, { as: instructor, headers: instructor.h(), body });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('graded');
    expect(res.body.grade).toMatchObject({ rawScore: 8, penaltyPercent: 0, score: 8, maxScore: 10, passed: true, source: 'instructor', gradedVersion: 2 });
  });

  it('takes inline comments on a text range, on a file and general ones', async () => {
    const sub = (await t.http('GET', `/api/v1/assignment-submissions/${subId}`, { as: instructor, headers: instructor.h() })).body;
    const v2 = sub.versions[1];
    const cUrl = `/api/v1/assignment-submissions/${subId}/comments`;
    const c1 = await t.http('POST', cUrl, { as: instructor, headers: instructor.h(), body: { anchor: 'text', versionId: v2.id, rangeStart: 21, rangeEnd: 28, body: 'Define this.' } });
    expect(c1.status).toBe(201);
    expect(c1.body).toMatchObject({ anchor: 'text', quote: 'rubrics', authorName: 'Ines Instructor' });
    expect((await t.http('POST', cUrl, { as: instructor, headers: instructor.h(), body: { anchor: 'file', versionId: v2.id, fileId: v2.files[0].id, body: 'Nice layout.' } })).status).toBe(201);
    expect((await t.http('POST', cUrl, { as: instructor, headers: instructor.h(), body: { anchor: 'general', versionId: v2.id, body: 'Good work overall.' } })).status).toBe(201);
    for (const body of [
      { anchor: 'text', versionId: v2.id, rangeStart: 5, rangeEnd: 500, body: 'x' },
      { anchor: 'text', versionId: v2.id, body: 'x' },
      { anchor: 'file', versionId: sub.versions[0].id, fileId: v2.files[0].id, body: 'x' },
      { anchor: 'general', versionId: v2.id, body: '  ' },
    ]) {
      expect((await t.http('POST', cUrl, { as: instructor, headers: instructor.h(), body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await t.http('POST', cUrl, { as: ada, headers: ada.h(), body: { anchor: 'general', versionId: v2.id, body: 'self praise' } })).status).toBe(403);
    expect(await count(t, 'SELECT count(*) AS n FROM assignment_comments')).toBe(3);
  });

  it('learners see neither grade nor comments before release', async () => {
    const res = await mine(ada, 'essay');
    expect(res.body.submission).toMatchObject({ status: 'graded', grade: null, comments: [] });
    expect(JSON.stringify(res.body)).not.toContain('Define this.');
    expect(grades).toHaveLength(0);
    // an ungraded submission cannot be released alone
    const bobSub = (await t.http('GET', url('essay', '/submissions'), { as: instructor, headers: instructor.h() })).body.items[1].id;
    expect((await t.http('POST', `/api/v1/assignment-submissions/${bobSub}/release`, { as: instructor, headers: instructor.h() })).body.code).toBe('not_graded');
  });

  it('release shows the grade and feedback, reports it and completes the lesson; names come back', async () => {
    expect((await t.http('POST', url('essay', '/release'), { as: ada, headers: ada.h() })).status).toBe(403);
    const rel = await t.http('POST', url('essay', '/release'), { as: instructor, headers: instructor.h() });
    expect(rel.body).toEqual({ released: 1 }); // bob's is not graded
    await t.drain();
    const res = await mine(ada, 'essay');
    expect(res.body.submission.status).toBe('released');
    expect(res.body.submission.grade).toMatchObject({ score: 8, maxScore: 10, passed: true });
    expect(res.body.submission.comments.map((c: { body: string }) => c.body)).toEqual(['Define this.', 'Nice layout.', 'Good work overall.']);
    expect(grades).toEqual([expect.objectContaining({ userId: ada.userId, source: 'assignment', score: 8, maxScore: 10, passed: true })]);
    const outline = await t.http('GET', `/api/v1/me/courses/${course.id}/outline`, { as: ada, headers: ada.h() });
    expect(outline.body.sections[0].lessons.find((l: { id: string }) => l.id === course.lessons.essay).completed).toBe(true);
    const list = await t.http('GET', url('essay', '/submissions'), { as: instructor, headers: instructor.h() });
    expect(list.body.items[0].ownerLabel).toBe('Ada Lovelace');
    expect(list.body.items[1].ownerLabel).toBe('Learner 2');
    // releasing again changes nothing
    expect((await t.http('POST', url('essay', '/release'), { as: instructor, headers: instructor.h() })).body).toEqual({ released: 0 });
  });

  it('a failing released grade reports passed=false and leaves the lesson open', async () => {
    const bobSub = (await t.http('GET', url('essay', '/submissions'), { as: instructor, headers: instructor.h() })).body.items[1].id;
    const [arg, style] = a.rubric;
    await t.http('PUT', `/api/v1/assignment-submissions/${bobSub}/grade`, { as: instructor, headers: instructor.h(), body: { selections: { [arg!.id]: arg!.levels[0]!.id, [style!.id]: style!.levels[0]!.id } } });
    const rel = await t.http('POST', `/api/v1/assignment-submissions/${bobSub}/release`, { as: instructor, headers: instructor.h() });
    expect(rel.status).toBe(200);
    await t.drain();
    expect(grades.at(-1)).toMatchObject({ userId: bob.userId, score: 1, passed: false });
    const outline = await t.http('GET', `/api/v1/me/courses/${course.id}/outline`, { as: bob, headers: bob.h() });
    expect(outline.body.sections[0].lessons.find((l: { id: string }) => l.id === course.lessons.essay).completed).toBe(false);
  });
});

describe('assignments: late penalty and cutoff', () => {
  const due = new Date('2031-03-01T12:00:00Z');
  afterAll(() => {
    clock.now = () => new Date();
  });

  it('marks late submissions with the penalty per started day and refuses them after the cutoff', async () => {
    const res = await put('late', { instructions: 'Due soon', pointsPossible: 20, dueAt: due.toISOString(), cutoffAt: new Date(due.getTime() + 3 * DAY).toISOString(), latePenaltyPerDay: 15 });
    expect(res.status).toBe(200);
    clock.now = () => new Date(due.getTime() - 1000);
    expect((await submit(ada, 'late', { text: 'on time' })).body.late).toBe(false);
    clock.now = () => new Date(due.getTime() + 1.5 * DAY);
    const late = await submit(ada, 'late', { text: 'a bit late' });
    expect(late.body.late).toBe(true);
    expect(late.body.versions[1]).toMatchObject({ late: true, daysLate: 2, penaltyPercent: 30 });
    clock.now = () => new Date(due.getTime() + 3 * DAY + 1000);
    const closed = await submit(ada, 'late', { text: 'too late' });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('submissions_closed');
    expect(await count(t, 'SELECT count(*) AS n FROM assignment_versions v JOIN assignment_submissions s ON s.id = v.submission_id WHERE s.lesson_id = $1', [course.lessons.late])).toBe(2);
    // without a rubric the grade is points; the late version's penalty applies
    const sub = (await t.http('GET', url('late', '/submissions'), { as: instructor, headers: instructor.h() })).body.items[0];
    expect(sub).toMatchObject({ late: true, ownerLabel: 'Ada Lovelace' });
    expect((await t.http('PUT', `/api/v1/assignment-submissions/${sub.id}/grade`, { as: instructor, headers: instructor.h(), body: { points: 21 } })).status).toBe(400);
    const g = await t.http('PUT', `/api/v1/assignment-submissions/${sub.id}/grade`, { as: instructor, headers: instructor.h(), body: { points: 20 } });
    expect(g.body.grade).toMatchObject({ rawScore: 20, penaltyPercent: 30, score: 14, passed: true });
  });
});

describe('assignments: peer review', () => {
  it('assigns N reviewers per submission when the due date passes, never to oneself', async () => {
    const a = await put('peer', { ...setup, anonymousGrading: false, peerReviewCount: 2, dueAt: new Date(Date.now() + DAY).toISOString() });
    expect(a.status).toBe(200);
    for (const m of [ada, bob, cleo, dan]) expect((await submit(m, 'peer', { text: `Essay by ${m.userId}` })).status).toBe(201);
    await t.drain(); // not due yet: nobody is assigned
    expect(await count(t, 'SELECT count(*) AS n FROM assignment_peer_reviews')).toBe(0);
    await t.query('UPDATE assignments SET due_at = now() - interval \'1 minute\' WHERE lesson_id = $1', [course.lessons.peer]);
    await t.query("UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key = $1", [`assignment-peers:${a.body.id}`]);
    await t.drain();
    const rows = await t.query<{ reviewer_id: string; user_id: string }>(
      'SELECT r.reviewer_id, s.user_id FROM assignment_peer_reviews r JOIN assignment_submissions s ON s.id = r.submission_id WHERE s.lesson_id = $1',
      [course.lessons.peer],
    );
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r.reviewer_id !== r.user_id)).toBe(true);
    for (const m of [ada, bob, cleo, dan]) expect(rows.filter((r) => r.reviewer_id === m.userId)).toHaveLength(2);
    // on demand again tops up nothing
    const again = await t.http('POST', url('peer', '/peer-reviews/assign'), { as: instructor, headers: instructor.h() });
    expect(again.body).toEqual({ assigned: 0 });
    expect((await t.http('POST', url('peer', '/peer-reviews/assign'), { as: ada, headers: ada.h() })).status).toBe(403);
  });

  it('reviewers see the work anonymised and fill the rubric; learners see peer reviews after release; the instructor overrides', async () => {
    const tasks = await t.http('GET', url('peer', '/peer-reviews'), { as: ada, headers: ada.h() });
    expect(tasks.body.items).toHaveLength(2);
    const task = tasks.body.items[0];
    expect(task.submissionLabel).toMatch(/^Submission \d$/);
    expect(task.version.submittedBy).toBeNull();
    const [arg, style] = task.rubric;
    expect((await t.http('PUT', `/api/v1/assignment-peer-reviews/${task.id}`, { as: ada, headers: ada.h(), body: { selections: { [arg.id]: arg.levels[2].id } } })).status).toBe(400);
    // someone else's review is not found
    expect((await t.http('PUT', `/api/v1/assignment-peer-reviews/${task.id}`, { as: bob, headers: bob.h(), body: { selections: {} } })).status).toBe(404);
    const done = await t.http('PUT', `/api/v1/assignment-peer-reviews/${task.id}`, {
      as: ada,
      headers: ada.h(),
      body: { selections: { [arg.id]: arg.levels[2].id, [style.id]: style.levels[1].id }, comment: 'Convincing.' },
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ score: 10, comment: 'Convincing.' });
    const [reviewed] = await t.query<{ id: string; user_id: string }>(
      'SELECT s.id, s.user_id FROM assignment_peer_reviews r JOIN assignment_submissions s ON s.id = r.submission_id WHERE r.id = $1',
      [task.id],
    );
    const author = [bob, cleo, dan].find((m) => m.userId === reviewed!.user_id)!;
    expect((await mine(author, 'peer')).body.submission.peerReviews).toEqual([]);
    // without an instructor grade the peer average counts
    const rel = await t.http('POST', `/api/v1/assignment-submissions/${reviewed!.id}/release`, { as: instructor, headers: instructor.h() });
    expect(rel.body.grade).toMatchObject({ source: 'peer', score: 10 });
    const seen = (await mine(author, 'peer')).body.submission;
    expect(seen.peerReviews).toEqual([expect.objectContaining({ label: 'Reviewer 1', score: 10, comment: 'Convincing.' })]);
    expect(JSON.stringify(seen)).not.toContain(ada.userId);
    // the review closes with the release; the instructor's grade overrides and is reported at once
    expect((await t.http('PUT', `/api/v1/assignment-peer-reviews/${task.id}`, { as: ada, headers: ada.h(), body: { selections: { [arg.id]: arg.levels[0].id, [style.id]: style.levels[0].id } } })).status).toBe(409);
    const g = await t.http('PUT', `/api/v1/assignment-submissions/${reviewed!.id}/grade`, {
      as: instructor,
      headers: instructor.h(),
      body: { selections: { [arg.id]: arg.levels[1].id, [style.id]: style.levels[0].id } },
    });
    expect(g.body.grade).toMatchObject({ source: 'instructor', score: 5 });
    await t.drain();
    expect(grades.filter((x) => x.lessonId === course.lessons.peer && x.userId === author.userId).map((x) => x.score)).toEqual([10, 5]);
  });

  it('a submission arriving after reviewers were assigned still gets N reviewers, and the earlier pairs stay', async () => {
    const pairs = () =>
      t.query<{ id: string; reviewer_id: string; user_id: string }>(
        'SELECT r.id, r.reviewer_id, s.user_id FROM assignment_peer_reviews r JOIN assignment_submissions s ON s.id = r.submission_id WHERE s.lesson_id = $1 ORDER BY r.id',
        [course.lessons.peer],
      );
    const before = await pairs();
    expect(before).toHaveLength(8);
    const eve = await addMember(t, owner.orgId, 'learner', { name: 'Eve Late' });
    expect((await t.http('POST', `/api/v1/courses/${course.id}/enroll`, { as: eve, headers: eve.h() })).status).toBe(201);
    // a stranger cannot submit here, and adds no work for anyone
    expect((await submit(stranger, 'peer', { text: 'Not mine to submit' })).status).toBe(404);
    expect((await t.http('POST', url('peer', '/submissions'), { body: { text: 'anonymous' } })).status).toBe(401);
    const late = await submit(eve, 'peer', { text: 'Arrived after the reviewers were assigned.' });
    expect(late.status).toBe(201);
    expect(late.body.late).toBe(true);
    await t.drain();
    const after = await pairs();
    const forEve = after.filter((r) => r.user_id === eve.userId);
    expect(forEve).toHaveLength(2);
    expect(forEve.every((r) => r.reviewer_id !== eve.userId)).toBe(true);
    expect(after.filter((r) => r.user_id !== eve.userId)).toEqual(before);
    // a resubmission assigns nothing more
    expect((await submit(eve, 'peer', { text: 'Second version.' })).status).toBe(201);
    await t.drain();
    expect(await pairs()).toHaveLength(10);
    // the reviewer finds the new work among their tasks
    const reviewer = [ada, bob, cleo, dan].find((m) => m.userId === forEve[0]!.reviewer_id)!;
    const tasks = await t.http('GET', url('peer', '/peer-reviews'), { as: reviewer, headers: reviewer.h() });
    expect(tasks.body.items.map((x: { id: string }) => x.id)).toContain(forEve[0]!.id);
  });
});

describe('assignments: groups', () => {
  const groupsUrl = () => `/api/v1/courses/${course.id}/assignment-groups`;

  it('manages groups with refusals for non-staff, strangers, outsiders and double membership', async () => {
    expect((await t.http('POST', groupsUrl(), { as: ada, headers: ada.h(), body: { name: 'A', memberIds: [] } })).status).toBe(403);
    expect((await t.http('POST', groupsUrl(), { as: stranger, headers: stranger.h(), body: { name: 'A', memberIds: [] } })).status).toBe(404);
    expect((await t.http('GET', groupsUrl())).status).toBe(401);
    expect((await t.http('POST', groupsUrl(), { as: instructor, headers: instructor.h(), body: { name: 'A', memberIds: [stranger.userId] } })).body.code).toBe('not_a_learner');
    expect((await t.http('POST', groupsUrl(), { as: instructor, headers: instructor.h(), body: { name: '', memberIds: [] } })).status).toBe(400);
    const a = await t.http('POST', groupsUrl(), { as: instructor, headers: instructor.h(), body: { name: 'Team A', memberIds: [ada.userId, bob.userId] } });
    expect(a.status).toBe(201);
    expect(a.body.members.map((m: { name: string }) => m.name)).toEqual(['Ada Lovelace', 'Bob Boole']);
    expect((await t.http('POST', groupsUrl(), { as: instructor, headers: instructor.h(), body: { name: 'Team A', memberIds: [] } })).body.code).toBe('group_name_taken');
    const clash = await t.http('POST', groupsUrl(), { as: instructor, headers: instructor.h(), body: { name: 'Team B', memberIds: [bob.userId] } });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('already_in_group');
    const b = await t.http('POST', groupsUrl(), { as: instructor, headers: instructor.h(), body: { name: 'Team B', memberIds: [cleo.userId] } });
    const edited = await t.http('PUT', `/api/v1/assignment-groups/${b.body.id}`, { as: instructor, headers: instructor.h(), body: { name: 'Team B', memberIds: [cleo.userId, dan.userId] } });
    expect(edited.body.members).toHaveLength(2);
    expect((await t.http('GET', groupsUrl(), { as: instructor, headers: instructor.h() })).body.items.map((g: { name: string }) => g.name)).toEqual(['Team A', 'Team B']);
    const empty = await t.http('POST', groupsUrl(), { as: instructor, headers: instructor.h(), body: { name: 'Empty' } });
    expect((await t.http('DELETE', `/api/v1/assignment-groups/${empty.body.id}`, { as: ada, headers: ada.h() })).status).toBe(403);
    expect((await t.http('DELETE', `/api/v1/assignment-groups/${empty.body.id}`, { as: instructor, headers: instructor.h() })).status).toBe(204);
  });

  it('a group submission is shared and its released grade counts for every member; peers never review their own group', async () => {
    const setupRes = await put('group', { ...setup, anonymousGrading: false, mode: 'group', peerReviewCount: 1 });
    expect(setupRes.status).toBe(200);
    const other = await addMember(t, owner.orgId, 'learner');
    await t.http('POST', `/api/v1/courses/${course.id}/enroll`, { as: other, headers: other.h() });
    expect((await submit(other, 'group', { text: 'alone' })).body.code).toBe('no_group');
    expect((await submit(ada, 'group', { text: 'Team A v1' })).status).toBe(201);
    const v2 = await submit(bob, 'group', { text: 'Team A v2' });
    expect(v2.body).toMatchObject({ versionCount: 2, ownerLabel: 'Team A' });
    expect((await mine(ada, 'group')).body).toMatchObject({ group: { name: 'Team A' }, submission: { versionCount: 2 } });
    expect((await submit(cleo, 'group', { text: 'Team B v1' })).status).toBe(201);
    const assigned = await t.http('POST', url('group', '/peer-reviews/assign'), { as: instructor, headers: instructor.h() });
    expect(assigned.body.assigned).toBe(2);
    const rows = await t.query<{ reviewer_id: string; group_id: string }>(
      'SELECT r.reviewer_id, s.group_id FROM assignment_peer_reviews r JOIN assignment_submissions s ON s.id = r.submission_id WHERE s.lesson_id = $1',
      [course.lessons.group],
    );
    const teamA = [ada.userId, bob.userId];
    for (const r of rows) {
      const reviewerInA = teamA.includes(r.reviewer_id);
      const subIsA = r.group_id === v2.body.groupId;
      expect(reviewerInA && subIsA).toBe(false);
      expect(!reviewerInA && !subIsA).toBe(false);
    }
    const list = (await t.http('GET', url('group', '/submissions'), { as: instructor, headers: instructor.h() })).body.items;
    const subA = list.find((s: { ownerLabel: string }) => s.ownerLabel === 'Team A');
    const a = setupRes.body;
    const selections = Object.fromEntries(a.rubric.map((c: { id: string; levels: { id: string }[] }) => [c.id, c.levels.at(-1)!.id]));
    await t.http('PUT', `/api/v1/assignment-submissions/${subA.id}/grade`, { as: instructor, headers: instructor.h(), body: { selections } });
    await t.http('POST', `/api/v1/assignment-submissions/${subA.id}/release`, { as: instructor, headers: instructor.h() });
    await t.drain();
    const reported = grades.filter((g) => g.lessonId === course.lessons.group).map((g) => g.userId).sort();
    expect(reported).toEqual([...teamA].sort());
    expect((await mine(bob, 'group')).body.submission.grade).toMatchObject({ score: 10, passed: true });
    // a group that has submitted cannot be deleted
    expect((await t.http('DELETE', `/api/v1/assignment-groups/${v2.body.groupId}`, { as: instructor, headers: instructor.h() })).status).toBe(409);
  });
});
