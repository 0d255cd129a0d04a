import { randomUUID } from 'node:crypto';
import { DB, type Database } from '../../../kernel/db/index.js';
import { EventBus, type EventDef } from '../../../kernel/events/index.js';
import type { HttpResult, Session, TestApp } from '../../../test/harness.js';
import { OrganizationsService } from '../../identity/index.js';

/*
 * Test fixtures for the enrollment tests (used by *.test.ts only; type-only imports of the harness).
 * Organizations come from identity's API and service; courses from the courses module's API.
 */

export interface Member extends Session {
  orgId: string;
  /** headers for this member in their organization */
  h(): Record<string, string>;
}

let n = 0;
const uniq = () => `${++n}-${randomUUID().slice(0, 6)}`;

export async function signUp(t: TestApp, label: string, name?: string): Promise<Session> {
  return t.signUp(`${label}-${uniq()}@example.test`, { name: name ?? label });
}

/** A new organization through POST /api/v1/organizations; its creator is the owner. */
export async function createOrg(t: TestApp, name = 'Org'): Promise<Member> {
  const owner = await signUp(t, 'owner');
  const res = await t.http('POST', '/api/v1/organizations', { as: owner, body: { name: `${name} ${uniq()}` } });
  if (res.status !== 201) throw new Error(`create organization: ${res.status} ${res.text}`);
  const orgId = res.body.id as string;
  return { ...owner, orgId, h: () => owner.headers(orgId) };
}

/** Signs a new user up and adds them to the organization with `role`, through identity's service. */
export async function addMember(t: TestApp, orgId: string, role: string, opts: { name?: string } = {}): Promise<Member> {
  const s = await signUp(t, role, opts.name);
  await t.app.get(OrganizationsService).addMember(t.app.get<symbol, Database>(DB), { organizationId: orgId, userId: s.userId, role, via: 'admin' });
  return { ...s, orgId, h: () => s.headers(orgId) };
}

export interface LessonSpec {
  key: string;
  type?: 'text' | 'link' | 'video' | 'quiz' | 'code';
  required?: boolean;
  isPreview?: boolean;
  dripDays?: number;
  dripDate?: string;
  /** keys of lessons created earlier */
  prerequisites?: string[];
}

export interface CourseSpec {
  title?: string;
  visibility?: 'public' | 'organization';
  isFree?: boolean;
  sections?: { title: string; lessons: LessonSpec[] }[];
  publish?: boolean;
}

export interface BuiltCourse {
  id: string;
  lessons: Record<string, string>;
}

function ok(res: HttpResult, what: string, status = 201): HttpResult {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.text}`);
  return res;
}

const BODIES: Record<string, unknown> = {
  text: { markdown: '# Reading\n\nSome text.' },
  link: { url: 'https://example.com/article' },
};

/** A course built and (by default) published through the courses API by `as`, who teaches it. */
export async function buildCourse(t: TestApp, as: Member, spec: CourseSpec = {}): Promise<BuiltCourse> {
  const c = ok(
    await t.http('POST', '/api/v1/courses', {
      as,
      headers: as.h(),
      body: { title: spec.title ?? 'Course', visibility: spec.visibility ?? 'public', isFree: spec.isFree ?? true },
    }),
    'create course',
  );
  const id = c.body.id as string;
  const lessons: Record<string, string> = {};
  const sections = spec.sections ?? [{ title: 'Basics', lessons: [{ key: 'l1' }, { key: 'l2' }] }];
  for (const s of sections) {
    const sec = ok(await t.http('POST', `/api/v1/courses/${id}/sections`, { as, headers: as.h(), body: { title: s.title } }), 'create section');
    for (const l of s.lessons) {
      const type = l.type ?? 'text';
      const body: Record<string, unknown> = { title: `Lesson ${l.key}`, type };
      if (BODIES[type]) body.body = BODIES[type];
      if (l.required !== undefined) body.required = l.required;
      if (l.isPreview !== undefined) body.isPreview = l.isPreview;
      if (l.dripDays !== undefined) body.dripDays = l.dripDays;
      if (l.dripDate !== undefined) body.dripDate = l.dripDate;
      if (l.prerequisites) body.prerequisiteLessonIds = l.prerequisites.map((k) => lessons[k]);
      const les = ok(await t.http('POST', `/api/v1/courses/${id}/sections/${sec.body.id}/lessons`, { as, headers: as.h(), body }), 'create lesson');
      lessons[l.key] = les.body.id as string;
    }
  }
  if (spec.publish ?? true) ok(await t.http('POST', `/api/v1/courses/${id}/publish`, { as, headers: as.h() }), 'publish', 200);
  return { id, lessons };
}

/** Records the events a test wants to see delivered: subscribes a handler after boot and returns what it got. */
export function observe<P>(t: TestApp, event: EventDef<P>, name: string): P[] {
  const seen: P[] = [];
  t.app.get(EventBus).subscribe(event, `test.${name}`, async (data) => {
    seen.push(data);
  });
  return seen;
}

export async function count(t: TestApp, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await t.query<{ n: string }>(sql, params);
  return Number(row!.n);
}

/** Jobs still queued (not yet run, or failed), by task name. */
export async function pendingJobs(t: TestApp, like = '%'): Promise<{ task: string; attempts: number; last_error: string | null }[]> {
  return t.query(
    `SELECT t.identifier AS task, j.attempts, j.last_error
       FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      WHERE t.identifier LIKE $1`,
    [like],
  );
}

/**
 * Jobs of `like` left after a drain, once graphile-worker has recorded their outcome: its runOnce
 * can return while the last job's completion is still being written, so this waits (up to 3 s)
 * for the queue to settle. A failed job stays, with its error.
 */
export async function jobsLeftAfterDrain(t: TestApp, like: string): Promise<{ task: string; attempts: number; last_error: string | null }[]> {
  for (let i = 0; ; i++) {
    const rows = await pendingJobs(t, like);
    if (rows.every((r) => r.last_error !== null) || i >= 60) return rows;
    await new Promise((r) => setTimeout(r, 50));
  }
}
