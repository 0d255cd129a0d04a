import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/harness.js';
import { EnrollmentCreated, EnrollmentRevoked } from '../learning.events.js';
import { addMember, buildCourse, type BuiltCourse, count, createOrg, type Member, observe, signUp } from './enrollment.fixtures.js';

let t: TestApp;
let owner: Member; // org A owner: enrollment.manage_all
let instructor: Member; // teaches the courses: enrollment.manage + canTeach
let otherInstructor: Member; // enrollment.manage, but does not teach these courses
let ta: Member; // enrollment.read only, not teaching
let learner: Member; // org A member without enrollment rights
let foreignOwner: Member; // owner of org B
let outsider: Session; // signed in, no organization
let publicCourse: BuiltCourse;
let orgCourse: BuiltCourse;
let paidCourse: BuiltCourse;
let draftCourse: BuiltCourse;
let created: { enrollmentId: string; userId: string; source: string }[];
let revoked: { enrollmentId: string }[];

const enrollmentsOf = (courseId: string) => count(t, 'SELECT count(*) AS n FROM enrollments WHERE course_id = $1', [courseId]);

beforeAll(async () => {
  t = await createTestApp();
  created = observe(t, EnrollmentCreated, 'enrollment-created');
  revoked = observe(t, EnrollmentRevoked, 'enrollment-revoked');
  owner = await createOrg(t, 'Academy');
  instructor = await addMember(t, owner.orgId, 'instructor', { name: 'Ines Instructor' });
  otherInstructor = await addMember(t, owner.orgId, 'instructor');
  ta = await addMember(t, owner.orgId, 'teaching_assistant');
  learner = await addMember(t, owner.orgId, 'learner', { name: 'Lena Learner' });
  foreignOwner = await createOrg(t, 'Other');
  outsider = await signUp(t, 'outsider', 'Otto Outsider');
  publicCourse = await buildCourse(t, instructor, { visibility: 'public' });
  orgCourse = await buildCourse(t, instructor, { visibility: 'organization' });
  paidCourse = await buildCourse(t, instructor, { visibility: 'public', isFree: false });
  draftCourse = await buildCourse(t, instructor, { visibility: 'public', publish: false });
});
afterAll(() => t?.close());

describe('self-enrollment', () => {
  it('refuses anonymous callers', async () => {
    const res = await t.http('POST', `/api/v1/courses/${publicCourse.id}/enroll`);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('lets anyone signed in join a free public course, once', async () => {
    const first = await t.http('POST', `/api/v1/courses/${publicCourse.id}/enroll`, { as: outsider });
    expect(first.status).toBe(201);
    expect(first.body.created).toBe(true);
    expect(first.body.enrollment).toMatchObject({ courseId: publicCourse.id, userId: outsider.userId, status: 'active', source: 'self' });
    expect(first.body.enrollment.progress).toEqual({ percent: 0, completedLessons: 0, totalLessons: 2 });
    const again = await t.http('POST', `/api/v1/courses/${publicCourse.id}/enroll`, { as: outsider });
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);
    expect(again.body.enrollment.id).toBe(first.body.enrollment.id);
    await t.drain();
    expect(created.filter((e) => e.enrollmentId === first.body.enrollment.id)).toHaveLength(1);
  });

  it('keeps organization courses to members of that organization', async () => {
    expect((await t.http('POST', `/api/v1/courses/${orgCourse.id}/enroll`, { as: outsider })).status).toBe(404);
    expect((await t.http('POST', `/api/v1/courses/${orgCourse.id}/enroll`, { as: foreignOwner, headers: foreignOwner.h() })).status).toBe(404);
    const res = await t.http('POST', `/api/v1/courses/${orgCourse.id}/enroll`, { as: learner, headers: learner.h() });
    expect(res.status).toBe(201);
    expect(res.body.enrollment.organizationId).toBe(owner.orgId);
  });

  it('refuses paid and unpublished courses, and bad ids, writing nothing', async () => {
    const paid = await t.http('POST', `/api/v1/courses/${paidCourse.id}/enroll`, { as: outsider });
    expect(paid.status).toBe(403);
    expect(paid.body.code).toBe('payment_required');
    expect((await t.http('POST', `/api/v1/courses/${draftCourse.id}/enroll`, { as: outsider })).status).toBe(404);
    const bad = await t.http('POST', '/api/v1/courses/not-a-uuid/enroll', { as: outsider });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
    expect(await enrollmentsOf(paidCourse.id)).toBe(0);
    expect(await enrollmentsOf(draftCourse.id)).toBe(0);
  });
});

describe('enrolling by email', () => {
  const url = () => `/api/v1/courses/${orgCourse.id}/enrollments`;

  it('refuses anonymous callers, other organizations, and members without the rights', async () => {
    const body = { emails: [outsider.email] };
    expect((await t.http('POST', url(), { body })).status).toBe(401);
    const foreign = await t.http('POST', url(), { as: foreignOwner, headers: foreignOwner.h(), body });
    expect(foreign.status).toBe(404);
    for (const who of [learner, otherInstructor, ta]) {
      const res = await t.http('POST', url(), { as: who, headers: who.h(), body });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('missing_permission');
    }
    expect(await count(t, 'SELECT count(*) AS n FROM enrollments WHERE course_id = $1 AND user_id = $2', [orgCourse.id, outsider.userId])).toBe(0);
  });

  it('answers a row per email: enrolled, already enrolled, no account, invalid, duplicate', async () => {
    const res = await t.http('POST', url(), {
      as: instructor,
      headers: instructor.h(),
      body: { emails: [outsider.email.toUpperCase(), learner.email, 'nobody@example.test', 'not-an-email', outsider.email] },
    });
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { row: number; result: string }) => [i.row, i.result])).toEqual([
      [1, 'enrolled'],
      [2, 'already_enrolled'],
      [3, 'no_account'],
      [4, 'invalid_email'],
      [5, 'duplicate_in_file'],
    ]);
    expect(res.body.items[2].message).toMatch(/No Lyceum account/);
    expect(res.body.summary).toEqual({ enrolled: 1, already_enrolled: 1, no_account: 1, invalid_email: 1, duplicate_in_file: 1 });
    const [row] = await t.query<{ source: string; enrolled_by: string }>('SELECT source, enrolled_by FROM enrollments WHERE id = $1', [res.body.items[0].enrollmentId]);
    expect(row).toEqual({ source: 'instructor', enrolled_by: instructor.userId });
  });

  it('lets an organization admin (enrollment.manage_all) enroll in a course they do not teach', async () => {
    const someone = await signUp(t, 'someone');
    const res = await t.http('POST', `/api/v1/courses/${publicCourse.id}/enrollments`, { as: owner, headers: owner.h(), body: { emails: [someone.email] } });
    expect(res.status).toBe(200);
    expect(res.body.items[0].result).toBe('enrolled');
  });

  it('refuses bad input with problem+json and writes nothing', async () => {
    const before = await enrollmentsOf(orgCourse.id);
    const someone = await signUp(t, 'bad-input');
    const cases: unknown[] = [
      {},
      { emails: [] },
      { emails: [someone.email], extra: true },
      { emails: [someone.email], expiresAt: 'tomorrow' },
      { emails: [someone.email], expiresAt: '2001-01-01T00:00:00Z' },
      { emails: [someone.email], cohortId: '0190f0f0-0000-7000-8000-000000000000' },
    ];
    for (const body of cases) {
      const res = await t.http('POST', url(), { as: instructor, headers: instructor.h(), body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await enrollmentsOf(orgCourse.id)).toBe(before);
  });
});

describe('bulk CSV enrollment', () => {
  const url = () => `/api/v1/courses/${publicCourse.id}/enrollments/bulk`;

  it('takes text/csv and reports every row', async () => {
    const a = await signUp(t, 'csv-a');
    const b = await signUp(t, 'csv-b');
    const csv = `name,email\nA,${a.email}\n\nB,${b.email}\nGhost,ghost@example.test\nBroken,broken@\nA again,${a.email.toUpperCase()}\nOtto,${outsider.email}\n`;
    const res = await t.http('POST', url(), { as: instructor, headers: { ...instructor.h(), 'content-type': 'text/csv' }, body: csv });
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { row: number; email: string; result: string }) => [i.row, i.result])).toEqual([
      [2, 'enrolled'],
      [4, 'enrolled'],
      [5, 'no_account'],
      [6, 'invalid_email'],
      [7, 'duplicate_in_file'],
      [8, 'already_enrolled'],
    ]);
    const [row] = await t.query<{ source: string }>('SELECT source FROM enrollments WHERE course_id = $1 AND user_id = $2', [publicCourse.id, a.userId]);
    expect(row!.source).toBe('bulk');
  });

  it('takes JSON { csv } without a header, with an expiry', async () => {
    const c = await signUp(t, 'csv-c');
    const expiresAt = new Date(Date.now() + 7 * 86400_000).toISOString();
    const res = await t.http('POST', url(), { as: owner, headers: owner.h(), body: { csv: `${c.email}\n`, expiresAt } });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({ row: 1, email: c.email, result: 'enrolled', userId: c.userId }),
    ]);
    const [row] = await t.query<{ expires_at: Date }>('SELECT expires_at FROM enrollments WHERE id = $1', [res.body.items[0].enrollmentId]);
    expect(row!.expires_at.toISOString()).toBe(expiresAt);
  });

  it('refuses malformed or empty files and other shapes, writing nothing', async () => {
    const before = await enrollmentsOf(publicCourse.id);
    const d = await signUp(t, 'csv-d');
    const h = { ...instructor.h(), 'content-type': 'text/csv' };
    const bad = await t.http('POST', url(), { as: instructor, headers: h, body: `email\n${d.email}\n"unterminated\n` });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_csv');
    expect((await t.http('POST', url(), { as: instructor, headers: h, body: 'email\n' })).body.code).toBe('empty_csv');
    const json = await t.http('POST', url(), { as: instructor, headers: instructor.h(), body: { csv: d.email, more: 1 } });
    expect(json.status).toBe(400);
    expect(json.body.code).toBe('validation_failed');
    expect(await enrollmentsOf(publicCourse.id)).toBe(before);
  });

  it('is refused to anonymous callers, other organizations and members without the rights', async () => {
    const h = { 'content-type': 'text/csv' };
    expect((await t.http('POST', url(), { headers: h, body: outsider.email })).status).toBe(401);
    expect((await t.http('POST', url(), { as: foreignOwner, headers: { ...foreignOwner.h(), ...h }, body: outsider.email })).status).toBe(404);
    expect((await t.http('POST', url(), { as: learner, headers: { ...learner.h(), ...h }, body: outsider.email })).status).toBe(403);
    expect((await t.http('POST', url(), { as: otherInstructor, headers: { ...otherInstructor.h(), ...h }, body: outsider.email })).status).toBe(403);
  });
});

describe('listing enrollments', () => {
  const url = () => `/api/v1/courses/${publicCourse.id}/enrollments`;

  it('pages through learners with progress, newest first', async () => {
    const all = await t.http('GET', `${url()}?limit=100`, { as: instructor, headers: instructor.h() });
    expect(all.status).toBe(200);
    expect(all.body.items.length).toBeGreaterThanOrEqual(4);
    for (const i of all.body.items) expect(i.progress).toMatchObject({ percent: 0, totalLessons: 2 });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await t.http(
        'GET',
        `${url()}?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { as: instructor, headers: instructor.h() },
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((i: { id: string }) => i.id));
  });

  it('searches by email or name, case-insensitively', async () => {
    const byName = await t.http('GET', `${url()}?search=otto%20OUTSIDER`, { as: instructor, headers: instructor.h() });
    expect(byName.body.items.map((i: { userId: string }) => i.userId)).toEqual([outsider.userId]);
    expect(byName.body.items[0].learner).toEqual({ email: outsider.email, name: 'Otto Outsider' });
    const byEmail = await t.http('GET', `${url()}?search=${encodeURIComponent(outsider.email.slice(0, 12))}`, { as: instructor, headers: instructor.h() });
    expect(byEmail.body.items.map((i: { userId: string }) => i.userId)).toContain(outsider.userId);
    const none = await t.http('GET', `${url()}?search=%25`, { as: instructor, headers: instructor.h() });
    expect(none.body.items).toEqual([]);
  });

  it('follows a learner renaming themselves', async () => {
    const renamed = await t.http('PATCH', '/api/v1/me', { as: outsider, body: { name: 'Otto Renamed' } });
    expect(renamed.status).toBe(200);
    await t.drain();
    const res = await t.http('GET', `${url()}?search=renamed`, { as: instructor, headers: instructor.h() });
    expect(res.body.items.map((i: { learner: { name: string } }) => i.learner.name)).toEqual(['Otto Renamed']);
    await t.http('PATCH', '/api/v1/me', { as: outsider, body: { name: 'Otto Outsider' } });
    await t.drain();
  });

  it('refuses enrollment.read without teaching the course; an admin reads any course', async () => {
    const tac = await buildCourse(t, owner, { visibility: 'public' });
    expect((await t.http('GET', `/api/v1/courses/${tac.id}/enrollments`, { as: ta, headers: ta.h() })).status).toBe(403);
    expect((await t.http('GET', `/api/v1/courses/${tac.id}/enrollments`, { as: owner, headers: owner.h() })).status).toBe(200);
  });

  it('refuses anonymous callers, other organizations, members without the rights, and bad queries', async () => {
    expect((await t.http('GET', url())).status).toBe(401);
    expect((await t.http('GET', url(), { as: foreignOwner, headers: foreignOwner.h() })).status).toBe(404);
    expect((await t.http('GET', url(), { as: learner, headers: learner.h() })).status).toBe(403);
    expect((await t.http('GET', url(), { as: otherInstructor, headers: otherInstructor.h() })).status).toBe(403);
    for (const q of ['limit=0', 'limit=500', 'status=gone', 'cursor=%%%', 'unknown=1']) {
      const res = await t.http('GET', `${url()}?${q}`, { as: instructor, headers: instructor.h() });
      expect(res.status, q).toBe(400);
    }
  });
});

describe('changing and revoking enrollments', () => {
  let enrollmentId: string;
  let person: Session;

  beforeAll(async () => {
    person = await signUp(t, 'changer');
    const res = await t.http('POST', `/api/v1/courses/${publicCourse.id}/enrollments`, { as: instructor, headers: instructor.h(), body: { emails: [person.email] } });
    enrollmentId = res.body.items[0].enrollmentId;
  });
  const url = () => `/api/v1/courses/${publicCourse.id}/enrollments/${enrollmentId}`;

  it('refuses anonymous callers, other organizations and members without the rights', async () => {
    const body = { status: 'revoked' };
    for (const method of ['PATCH', 'DELETE', 'GET']) {
      expect((await t.http(method, url(), { body: method === 'PATCH' ? body : undefined })).status).toBe(401);
      expect((await t.http(method, url(), { as: foreignOwner, headers: foreignOwner.h(), body: method === 'PATCH' ? body : undefined })).status).toBe(404);
      expect((await t.http(method, url(), { as: learner, headers: learner.h(), body: method === 'PATCH' ? body : undefined })).status).toBe(403);
    }
    expect((await t.http('DELETE', url(), { as: otherInstructor, headers: otherInstructor.h() })).status).toBe(403);
    const [row] = await t.query<{ status: string }>('SELECT status FROM enrollments WHERE id = $1', [enrollmentId]);
    expect(row!.status).toBe('active');
  });

  it('sets an expiry, and past it the enrollment reads expired', async () => {
    const later = new Date(Date.now() + 86400_000).toISOString();
    const res = await t.http('PATCH', url(), { as: instructor, headers: instructor.h(), body: { expiresAt: later } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'active', expiresAt: later });
    await t.query(`UPDATE enrollments SET expires_at = now() - interval '1 minute' WHERE id = $1`, [enrollmentId]);
    const got = await t.http('GET', url(), { as: instructor, headers: instructor.h() });
    expect(got.body.status).toBe('expired');
    const expiredList = await t.http('GET', `/api/v1/courses/${publicCourse.id}/enrollments?status=expired`, { as: instructor, headers: instructor.h() });
    expect(expiredList.body.items.map((i: { id: string }) => i.id)).toEqual([enrollmentId]);
    const activeOnly = await t.http('GET', `/api/v1/courses/${publicCourse.id}/enrollments?status=active&limit=100`, { as: instructor, headers: instructor.h() });
    expect(activeOnly.body.items.map((i: { id: string }) => i.id)).not.toContain(enrollmentId);
    // Restoring access needs an expiry in the future.
    const stale = await t.http('PATCH', url(), { as: instructor, headers: instructor.h(), body: { status: 'active' } });
    expect(stale.status).toBe(422);
    const restored = await t.http('PATCH', url(), { as: instructor, headers: instructor.h(), body: { status: 'active', expiresAt: null } });
    expect(restored.body).toMatchObject({ status: 'active', expiresAt: null });
  });

  it('refuses bad patches and writes nothing', async () => {
    for (const body of [{}, { status: 'completed' }, { expiresAt: 'soon' }, { note: 'x' }, { cohortId: 'x' }]) {
      const res = await t.http('PATCH', url(), { as: instructor, headers: instructor.h(), body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const missing = await t.http('PATCH', `/api/v1/courses/${publicCourse.id}/enrollments/0190f0f0-0000-7000-8000-000000000000`, {
      as: instructor,
      headers: instructor.h(),
      body: { status: 'expired' },
    });
    expect(missing.status).toBe(404);
    const [row] = await t.query<{ status: string; expires_at: Date | null }>('SELECT status, expires_at FROM enrollments WHERE id = $1', [enrollmentId]);
    expect(row).toEqual({ status: 'active', expires_at: null });
  });

  it('revokes once (emitting EnrollmentRevoked), and enrolling again reactivates the same enrollment', async () => {
    const res = await t.http('DELETE', url(), { as: instructor, headers: instructor.h() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: enrollmentId, status: 'revoked' });
    expect((await t.http('DELETE', url(), { as: instructor, headers: instructor.h() })).body.status).toBe('revoked');
    await t.drain();
    expect(revoked.filter((e) => e.enrollmentId === enrollmentId)).toHaveLength(1);
    // The learner lost access, and cannot let themselves back in.
    expect((await t.http('GET', `/api/v1/me/courses/${publicCourse.id}/continue`, { as: person })).status).toBe(403);
    const self = await t.http('POST', `/api/v1/courses/${publicCourse.id}/enroll`, { as: person });
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('enrollment_revoked');
    // Staff enroll them again: same enrollment, active, EnrollmentCreated once more.
    const createdBefore = created.filter((e) => e.enrollmentId === enrollmentId).length;
    const again = await t.http('POST', `/api/v1/courses/${publicCourse.id}/enrollments`, { as: instructor, headers: instructor.h(), body: { emails: [person.email] } });
    expect(again.body.items[0]).toMatchObject({ result: 'enrolled', enrollmentId });
    await t.drain();
    expect(created.filter((e) => e.enrollmentId === enrollmentId)).toHaveLength(createdBefore + 1);
    const got = await t.http('GET', url(), { as: instructor, headers: instructor.h() });
    expect(got.body).toMatchObject({ status: 'active', revokedAt: null });
  });

  it('revokes through PATCH status too', async () => {
    const res = await t.http('PATCH', url(), { as: owner, headers: owner.h(), body: { status: 'revoked' } });
    expect(res.body.status).toBe('revoked');
    await t.drain();
    expect(revoked.filter((e) => e.enrollmentId === enrollmentId)).toHaveLength(2);
  });
});

describe('API document', () => {
  it('documents the enrollment, cohort and learner endpoints, CSV included', async () => {
    const doc = (await t.http('GET', '/api/openapi.json')).body;
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/api/v1/courses/{courseId}/enroll',
      '/api/v1/courses/{courseId}/enrollments',
      '/api/v1/courses/{courseId}/enrollments/bulk',
      '/api/v1/courses/{courseId}/enrollments/{enrollmentId}',
      '/api/v1/courses/{courseId}/cohorts/{cohortId}/learners',
      '/api/v1/me/enrollments',
      '/api/v1/me/courses/{courseId}/outline',
      '/api/v1/me/courses/{courseId}/lessons/{lessonId}/complete',
      '/api/v1/me/courses/{courseId}/lessons/{lessonId}/position',
    ]) {
      expect(paths, p).toContain(p);
    }
    const bulk = doc.paths['/api/v1/courses/{courseId}/enrollments/bulk'].post;
    expect(Object.keys(bulk.requestBody.content).sort()).toEqual(['application/json', 'text/csv']);
    expect(bulk.responses['200']).toBeDefined();
  });
});
