import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { addMember, buildCourse, type BuiltCourse, createOrg, type LessonSpec, type Member } from '../enrollment/enrollment.fixtures.js';
import { GRADE_RELEASED_EVENT, type GradeReleasedPush } from './grading.service.js';

const ASSIGNMENT = 'assignment' as unknown as LessonSpec['type'];

let t: TestApp;
let owner: Member;
let instructor: Member;
let ada: Member;
let bob: Member;
let stranger: Member;
let course: BuiltCourse;
const sockets: ClientSocket[] = [];

function connect(m: Member): Promise<ClientSocket> {
  const socket = connectClient(t.url!, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: m.token } });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Collects the grade-released pushes a socket receives. */
function listen(socket: ClientSocket): GradeReleasedPush[] {
  const got: GradeReleasedPush[] = [];
  socket.on(GRADE_RELEASED_EVENT, (e: GradeReleasedPush) => got.push(e));
  return got;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

const url = (tail = '') => `/api/v1/courses/${course.id}/lessons/${course.lessons.essay}/assignment${tail}`;
const H = (m: Member) => ({ as: m, headers: m.h() });

beforeAll(async () => {
  t = await createTestApp({}, { listen: true });
  owner = await createOrg(t, 'Live');
  instructor = await addMember(t, owner.orgId, 'instructor');
  ada = await addMember(t, owner.orgId, 'learner', { name: 'Ada Lovelace' });
  bob = await addMember(t, owner.orgId, 'learner', { name: 'Bob Boole' });
  stranger = await createOrg(t, 'Elsewhere');
  course = await buildCourse(t, instructor, { visibility: 'organization', sections: [{ title: 'Work', lessons: [{ key: 'essay', type: ASSIGNMENT }] }] });
  expect((await t.http('PUT', url(), { ...H(instructor), body: { instructions: 'Write.', pointsPossible: 10 } })).status).toBe(200);
  for (const m of [ada, bob]) {
    expect((await t.http('POST', `/api/v1/courses/${course.id}/enroll`, H(m))).status).toBe(201);
    expect((await t.http('POST', url('/submissions'), { ...H(m), body: { text: `Essay by ${m.email}` } })).status).toBe(201);
  }
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t?.close();
});

describe('assignment grades pushed live', () => {
  it("a released grade reaches only its learner's sockets, after it is stored; strangers can neither release nor hear", async () => {
    const list = (await t.http('GET', url('/submissions'), H(instructor))).body.items as { id: string; userId: string }[];
    const adaSub = list.find((s) => s.userId === ada.userId)!.id;
    const bobSub = list.find((s) => s.userId === bob.userId)!.id;
    for (const id of [adaSub, bobSub]) expect((await t.http('PUT', `/api/v1/assignment-submissions/${id}/grade`, { ...H(instructor), body: { points: 7 } })).status).toBe(200);

    const adaPushes = listen(await connect(ada));
    const bobPushes = listen(await connect(bob));
    const strangerPushes = listen(await connect(stranger));

    // grading alone tells nobody: the grade is not released yet
    expect((await t.http('POST', `/api/v1/assignment-submissions/${adaSub}/release`, H(stranger))).status).toBe(404);
    expect((await t.http('POST', `/api/v1/assignment-submissions/${adaSub}/release`, {})).status).toBe(401);
    expect((await t.http('POST', `/api/v1/assignment-submissions/${adaSub}/release`, H(bob))).status).toBe(403);

    expect((await t.http('POST', `/api/v1/assignment-submissions/${adaSub}/release`, H(instructor))).status).toBe(200);
    await until(() => adaPushes.length > 0);
    expect(adaPushes).toEqual([{ courseId: course.id, lessonId: course.lessons.essay, submissionId: adaSub, releasedAt: expect.any(String) }]);
    // what the push announces is there when the learner fetches it
    const mine = await t.http('GET', url('/my-submission'), H(ada));
    expect(mine.body.submission.grade).toMatchObject({ score: 7 });

    // release all: Bob hears about his; Ada's, already released, is not announced twice
    expect((await t.http('POST', url('/release'), H(instructor))).body).toEqual({ released: 1 });
    await until(() => bobPushes.length > 0);
    expect(bobPushes.map((p) => p.submissionId)).toEqual([bobSub]);

    // a grade changed after release is pushed again
    expect((await t.http('PUT', `/api/v1/assignment-submissions/${adaSub}/grade`, { ...H(instructor), body: { points: 9 } })).status).toBe(200);
    await until(() => adaPushes.length > 1);
    expect(adaPushes.map((p) => p.submissionId)).toEqual([adaSub, adaSub]);
    expect(bobPushes).toHaveLength(1);
    expect(strangerPushes).toEqual([]);
  });
});
