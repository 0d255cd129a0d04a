import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { DB, type Database } from '../../../kernel/db/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { EnrollmentCreated, EnrollmentRevoked } from '../learning.events.js';
import { addMember, createCourseWithLesson, createOrg, type Member } from './courses.fixtures.js';

let t: TestApp;
let orgA: string;
let instructor: Member;
let bus: EventBus;
let db: Database;

beforeAll(async () => {
  t = await createTestApp();
  orgA = await createOrg(t, 'Acme');
  instructor = await addMember(t, orgA, 'instructor');
  bus = t.app.get(EventBus);
  db = t.app.get<symbol, Database>(DB);
});
afterAll(() => t?.close());

const learnerCount = async (id: string) => (await t.query<{ n: number }>('SELECT learner_count AS n FROM courses WHERE id = $1', [id]))[0]!.n;

/** The jobs the bus queued for our subscriber, so they can be delivered a second time. */
const ourJobs = () =>
  t.query<{ task_identifier: string; payload: unknown }>(
    `SELECT t.identifier AS task_identifier, j.payload FROM graphile_worker._private_jobs j
     JOIN graphile_worker._private_tasks t ON t.id = j.task_id
     WHERE t.identifier LIKE 'event:enrollment.%:courses.learner-count'`,
  );
const redeliver = async (jobs: { task_identifier: string; payload: unknown }[]) => {
  for (const j of jobs) await t.query('SELECT graphile_worker.add_job($1, $2::json)', [j.task_identifier, JSON.stringify(j.payload)]);
};

describe('learner_count read model', () => {
  it('subscribes to enrollment events', () => {
    expect(bus.subscribersOf(EnrollmentCreated.name)).toContain('courses.learner-count');
    expect(bus.subscribersOf(EnrollmentRevoked.name)).toContain('courses.learner-count');
  });

  it('counts EnrollmentCreated and EnrollmentRevoked, once per event even when delivered twice', async () => {
    const c = await createCourseWithLesson(t, instructor);
    await t.http('POST', `/api/v1/courses/${c.id}/publish`, { as: instructor, headers: instructor.h() });
    const enrollments = [uuidv7(), uuidv7(), uuidv7()];
    await db.transaction(async (tx) => {
      for (const enrollmentId of enrollments) {
        await bus.emit(tx, EnrollmentCreated, { organizationId: orgA, courseId: c.id, enrollmentId, userId: uuidv7(), source: 'self' });
      }
    });
    const created = await ourJobs();
    expect(created).toHaveLength(3);
    await t.drain();
    expect(await learnerCount(c.id)).toBe(3);

    // at-least-once delivery: the same events again change nothing
    await redeliver(created);
    await t.drain();
    expect(await learnerCount(c.id)).toBe(3);

    await db.transaction(async (tx) => {
      await bus.emit(tx, EnrollmentRevoked, { organizationId: orgA, courseId: c.id, enrollmentId: enrollments[0]!, userId: uuidv7() });
    });
    const revoked = await ourJobs();
    await t.drain();
    expect(await learnerCount(c.id)).toBe(2);
    await redeliver(revoked);
    await t.drain();
    expect(await learnerCount(c.id)).toBe(2);

    // the editor view and the catalog show it
    const v = await t.http('GET', `/api/v1/courses/${c.id}`, { as: instructor, headers: instructor.h() });
    expect(v.body.learnerCount).toBe(2);
  });

  it('emits nothing when the enrolling transaction rolls back', async () => {
    const c = await createCourseWithLesson(t, instructor);
    await db
      .transaction(async (tx) => {
        await bus.emit(tx, EnrollmentCreated, { organizationId: orgA, courseId: c.id, enrollmentId: uuidv7(), userId: uuidv7(), source: 'self' });
        tx.rollback();
      })
      .catch(() => undefined);
    await t.drain();
    expect(await learnerCount(c.id)).toBe(0);
  });

  it('ignores an event naming the course under another organization', async () => {
    const c = await createCourseWithLesson(t, instructor);
    const orgB = await createOrg(t, 'Other');
    await db.transaction((tx) =>
      bus.emit(tx, EnrollmentCreated, { organizationId: orgB, courseId: c.id, enrollmentId: uuidv7(), userId: uuidv7(), source: 'self' }).then(() => undefined),
    );
    await t.drain();
    expect(await learnerCount(c.id)).toBe(0);
  });
});
