import { randomUUID } from 'node:crypto';
import type { Session, TestApp } from '../../../test/harness.js';

/**
 * Test fixtures for the courses tests: organizations and memberships are written straight into
 * identity's tables (tests only), so these tests do not depend on identity's HTTP endpoints.
 */
export async function createOrg(t: TestApp, name = 'Org'): Promise<string> {
  const id = randomUUID();
  await t.query('INSERT INTO organizations (id, name, slug) VALUES ($1, $2, $3)', [id, name, `${name.toLowerCase().replace(/\W+/g, '-')}-${id.slice(0, 8)}`]);
  return id;
}

export interface Member extends Session {
  orgId: string;
  /** headers for this member in their organization */
  h(): Record<string, string>;
}

let n = 0;
/** Signs a new user up and makes them a member of `orgId` with `role` (active organization too). */
export async function addMember(t: TestApp, orgId: string, role: string, opts: { name?: string; email?: string } = {}): Promise<Member> {
  const email = opts.email ?? `${role}-${++n}-${randomUUID().slice(0, 6)}@example.test`;
  const s = await t.signUp(email, { name: opts.name ?? `${role} ${n}` });
  await t.query('INSERT INTO memberships (organization_id, user_id, role, id) VALUES ($1, $2, $3, $4)', [orgId, s.userId, role, randomUUID()]);
  await t.query('UPDATE user_profiles SET active_organization_id = $1 WHERE user_id = $2', [orgId, s.userId]);
  return { ...s, orgId, h: () => s.headers(orgId) };
}

/** A course with one section and one text lesson, through the API. */
export async function createCourseWithLesson(
  t: TestApp,
  as: Member,
  body: Record<string, unknown> = {},
): Promise<{ id: string; sectionId: string; lessonId: string }> {
  const c = await t.http('POST', '/api/v1/courses', { as, headers: as.h(), body: { title: 'Course', ...body } });
  if (c.status !== 201) throw new Error(`create course: ${c.status} ${c.text}`);
  const s = await t.http('POST', `/api/v1/courses/${c.body.id}/sections`, { as, headers: as.h(), body: { title: 'Section 1' } });
  if (s.status !== 201) throw new Error(`create section: ${s.status} ${s.text}`);
  const l = await t.http('POST', `/api/v1/courses/${c.body.id}/sections/${s.body.id}/lessons`, {
    as,
    headers: as.h(),
    body: { title: 'Lesson 1', type: 'text', body: { markdown: '# Hello' } },
  });
  if (l.status !== 201) throw new Error(`create lesson: ${l.status} ${l.text}`);
  return { id: c.body.id, sectionId: s.body.id, lessonId: l.body.id };
}
