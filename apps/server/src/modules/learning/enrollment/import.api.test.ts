import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/harness.js';
import { EnrollmentCreated } from '../learning.events.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type Member, observe, signUp } from './enrollment.fixtures.js';
import { EnrollmentService } from './enrollment.service.js';
import { EnrollmentImportService } from './import.service.js';

let t: TestApp;
let owner: Member;
let instructor: Member;
let learner: Member; // org A member without enrollment rights
let foreignOwner: Member;
let course: BuiltCourse;
let created: { enrollmentId: string; userId: string }[];
const sockets: ClientSocket[] = [];

const url = (suffix = '') => `/api/v1/courses/${course.id}/enrollments/imports${suffix}`;
const importsOf = (courseId: string) => count(t, 'SELECT count(*) AS n FROM enrollment_imports WHERE course_id = $1', [courseId]);
const importJobs = () => count(t, "SELECT count(*) AS n FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id WHERE k.identifier = 'enrollment.import'");

interface ImportEvent {
  id: string;
  status: string;
  processed: number;
  total: number;
  percent: number;
}

function connect(s: Session): Promise<ClientSocket> {
  const socket = connectClient(t.url!, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: s.token } });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

beforeAll(async () => {
  t = await createTestApp({}, { listen: true });
  created = observe(t, EnrollmentCreated, 'import-created');
  owner = await createOrg(t, 'Import Academy');
  instructor = await addMember(t, owner.orgId, 'instructor', { name: 'Iris Importer' });
  learner = await addMember(t, owner.orgId, 'learner');
  foreignOwner = await createOrg(t, 'Elsewhere');
  course = await buildCourse(t, instructor, { visibility: 'public' });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t?.close();
});

describe('CSV enrollment imports (background job)', () => {
  it('answers 202 with a queued import, runs in the job and reports every row', async () => {
    const a = await signUp(t, 'imp-a');
    const b = await signUp(t, 'imp-b');
    await t.http('POST', `/api/v1/courses/${course.id}/enrollments`, { as: instructor, headers: instructor.h(), body: { emails: [b.email] } });
    const csv = `name,email\nA,${a.email}\nB,${b.email}\nGhost,ghost-${Date.now()}@example.test\nBroken,broken@\nA again,${a.email.toUpperCase()}\n`;
    const res = await t.http('POST', url(), { as: instructor, headers: { ...instructor.h(), 'content-type': 'text/csv' }, body: csv });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'queued', total: 5, processed: 0, percent: 0, courseId: course.id, createdBy: instructor.userId, items: [] });
    const before = await count(t, 'SELECT count(*) AS n FROM enrollments WHERE course_id = $1 AND user_id = $2', [course.id, a.userId]);
    expect(before).toBe(0); // nothing enrolled inside the request

    await t.drain();
    const done = await t.http('GET', url(`/${res.body.id}`), { as: instructor, headers: instructor.h() });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', total: 5, processed: 5, percent: 100 });
    expect(done.body.finishedAt).not.toBeNull();
    expect(done.body.items.map((i: { row: number; result: string }) => [i.row, i.result])).toEqual([
      [2, 'enrolled'],
      [3, 'already_enrolled'],
      [4, 'no_account'],
      [5, 'invalid_email'],
      [6, 'duplicate_in_file'],
    ]);
    expect(done.body.summary).toEqual({ enrolled: 1, already_enrolled: 1, no_account: 1, invalid_email: 1, duplicate_in_file: 1 });
    const [row] = await t.query<{ source: string }>('SELECT source FROM enrollments WHERE course_id = $1 AND user_id = $2', [course.id, a.userId]);
    expect(row!.source).toBe('bulk');
    expect(created.filter((e) => e.userId === a.userId)).toHaveLength(1);

    const list = await t.http('GET', url(), { as: instructor, headers: instructor.h() });
    expect(list.status).toBe(200);
    expect(list.body.items[0]).toMatchObject({ id: res.body.id, status: 'completed', percent: 100 });
    expect(list.body.items[0].items).toBeUndefined();
  });

  it('takes JSON { csv, expiresAt } and answers a retried Idempotency-Key with the same import', async () => {
    const c = await signUp(t, 'imp-c');
    const expiresAt = new Date(Date.now() + 5 * 86400_000).toISOString();
    const body = { csv: `${c.email}\n`, expiresAt };
    const h = { ...owner.h(), 'idempotency-key': `import-${Date.now()}` };
    const before = await importsOf(course.id);
    const first = await t.http('POST', url(), { as: owner, headers: h, body });
    const again = await t.http('POST', url(), { as: owner, headers: h, body });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    expect(await importsOf(course.id)).toBe(before + 1);
    await t.drain();
    const [row] = await t.query<{ expires_at: Date }>('SELECT expires_at FROM enrollments WHERE course_id = $1 AND user_id = $2', [course.id, c.userId]);
    expect(row!.expires_at.toISOString()).toBe(expiresAt);
  });

  it('pushes start, every batch and completion to the creator over Socket.IO', async () => {
    const people = await Promise.all([1, 2, 3, 4, 5].map((i) => signUp(t, `imp-live-${i}`)));
    const svc = t.app.get(EnrollmentImportService);
    svc.batchSize = 2;
    try {
      const socket = await connect(instructor);
      const other = await connect(owner);
      const events: ImportEvent[] = [];
      const ownerEvents: ImportEvent[] = [];
      socket.on('enrollment.import', (e: ImportEvent) => events.push(e));
      other.on('enrollment.import', (e: ImportEvent) => ownerEvents.push(e));
      const res = await t.http('POST', url(), { as: instructor, headers: instructor.h(), body: { csv: people.map((p) => p.email).join('\n') } });
      expect(res.status).toBe(202);
      await t.drain();
      for (let i = 0; i < 100 && !events.some((e) => e.status === 'completed'); i++) await new Promise((r) => setTimeout(r, 20));
      const mine = events.filter((e) => e.id === res.body.id);
      expect(mine.map((e) => [e.status, e.processed])).toEqual([
        ['running', 0],
        ['running', 2],
        ['running', 4],
        ['completed', 5],
      ]);
      expect(mine.at(-1)!.percent).toBe(100);
      expect(ownerEvents).toEqual([]); // only the creator's room hears it
    } finally {
      svc.batchSize = 100;
    }
  });

  it('resumes after a crash mid-job without enrolling or counting a row twice', async () => {
    const people = await Promise.all([1, 2, 3, 4].map((i) => signUp(t, `imp-crash-${i}`)));
    const svc = t.app.get(EnrollmentImportService);
    const enrollment = t.app.get(EnrollmentService);
    svc.batchSize = 2;
    const real = enrollment.grantAccess.bind(enrollment);
    let calls = 0;
    // The third grant (first row of the second batch) crashes once: batch 1 is committed, batch 2 rolls back.
    const spy = vi.spyOn(enrollment, 'grantAccess').mockImplementation(async (tx, input) => {
      calls++;
      if (calls === 3) throw new Error('worker crashed');
      return real(tx, input);
    });
    try {
      const res = await t.http('POST', url(), { as: instructor, headers: instructor.h(), body: { csv: people.map((p) => p.email).join('\n') } });
      await t.drain();
      const mid = await t.http('GET', url(`/${res.body.id}`), { as: instructor, headers: instructor.h() });
      expect(mid.body).toMatchObject({ status: 'running', processed: 2 });
      expect(mid.body.items).toHaveLength(2);
      // graphile-worker retries with backoff; make the retry due now.
      await t.query(
        "UPDATE graphile_worker._private_jobs SET run_at = now() WHERE task_id = (SELECT id FROM graphile_worker._private_tasks WHERE identifier = 'enrollment.import')",
      );
      await t.drain();
      const done = await t.http('GET', url(`/${res.body.id}`), { as: instructor, headers: instructor.h() });
      expect(done.body).toMatchObject({ status: 'completed', processed: 4, total: 4 });
      expect(done.body.items.map((i: { result: string }) => i.result)).toEqual(['enrolled', 'enrolled', 'enrolled', 'enrolled']);
      expect(done.body.summary.enrolled).toBe(4);
      const n = await count(t, 'SELECT count(*) AS n FROM enrollments WHERE course_id = $1 AND user_id = ANY($2::uuid[])', [course.id, people.map((p) => p.userId)]);
      expect(n).toBe(4);
      for (const p of people) expect(created.filter((e) => e.userId === p.userId)).toHaveLength(1);
      expect(await importJobs()).toBe(0);
    } finally {
      spy.mockRestore();
      svc.batchSize = 100;
    }
  });

  it('refuses bad input with 400 problem+json and stores nothing', async () => {
    const before = await importsOf(course.id);
    const jobs = await importJobs();
    const h = { ...instructor.h(), 'content-type': 'text/csv' };
    const bad = await t.http('POST', url(), { as: instructor, headers: h, body: 'email\n"unterminated\n' });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body.code).toBe('invalid_csv');
    expect((await t.http('POST', url(), { as: instructor, headers: h, body: 'email\n' })).body.code).toBe('empty_csv');
    const shape = await t.http('POST', url(), { as: instructor, headers: instructor.h(), body: { csv: 'a@example.test', extra: true } });
    expect(shape.status).toBe(400);
    expect(shape.body.code).toBe('validation_failed');
    const past = await t.http('POST', url(), { as: instructor, headers: instructor.h(), body: { csv: 'a@example.test', expiresAt: '2020-01-01T00:00:00Z' } });
    expect(past.status).toBe(400);
    expect(past.body.errors).toEqual([expect.objectContaining({ field: 'body.expiresAt' })]);
    expect(await importsOf(course.id)).toBe(before);
    expect(await importJobs()).toBe(jobs);
  });

  it('is refused to anonymous callers, other organizations and members without the rights', async () => {
    const res = await t.http('POST', url(), { as: instructor, headers: instructor.h(), body: { csv: 'x@example.test' } });
    const id = res.body.id as string;
    const csv = { 'content-type': 'text/csv' };
    expect((await t.http('POST', url(), { headers: csv, body: 'x@example.test' })).status).toBe(401);
    expect((await t.http('GET', url())).status).toBe(401);
    expect((await t.http('GET', url(`/${id}`))).status).toBe(401);
    for (const [method, u] of [['POST', url()], ['GET', url()], ['GET', url(`/${id}`)]] as const) {
      const body = method === 'POST' ? 'x@example.test' : undefined;
      const foreign = await t.http(method, u, { as: foreignOwner, headers: { ...foreignOwner.h(), ...csv }, body });
      expect(foreign.status, `${method} ${u} foreign`).toBe(404);
      const member = await t.http(method, u, { as: learner, headers: { ...learner.h(), ...csv }, body });
      expect(member.status, `${method} ${u} learner`).toBe(403);
    }
    // another course's import id is not found in this course
    const other = await buildCourse(t, instructor, { visibility: 'public' });
    expect((await t.http('GET', `/api/v1/courses/${other.id}/enrollments/imports/${id}`, { as: instructor, headers: instructor.h() })).status).toBe(404);
  });
});
