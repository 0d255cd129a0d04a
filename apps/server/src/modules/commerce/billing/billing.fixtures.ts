import { expect } from 'vitest';
import type { HttpResult, Session, TestApp } from '../../../test/harness.js';

/** The shapes of enrollment.fixtures' Member and BuiltCourse (which the tests pass in). */
interface Member extends Session {
  orgId: string;
  h(): Record<string, string>;
}
interface BuiltCourse {
  id: string;
  lessons: Record<string, string>;
}

/* Test helpers for the billing API tests (used by *.test.ts only). */

export const CARD_OK = '4242 4242 4242 4242';
export const CARD_OFF_SESSION_FAILS = '4000 0000 0000 0341';
export const CARD_DECLINED = '4000 0000 0000 0002';

let n = 0;
export const idem = () => `test-key-${Date.now()}-${++n}`;

export function ok(res: HttpResult, status = 200): HttpResult {
  expect(res.status, res.text).toBe(status);
  return res;
}

export async function createPlan(t: TestApp, admin: Member, body: Record<string, unknown>): Promise<{ id: string }> {
  const res = ok(
    await t.http('POST', '/api/v1/billing/plans', {
      as: admin,
      headers: admin.h(),
      body: { name: 'Plan', interval: 'month', prices: [{ currency: 'USD', amountMinor: 1000 }], scope: 'catalog', ...body },
    }),
    201,
  );
  return res.body as { id: string };
}

export async function subscribe(t: TestApp, who: Member, planId: string, cardNumber = CARD_OK): Promise<HttpResult> {
  return t.http('POST', '/api/v1/subscriptions', {
    as: who,
    headers: { ...who.h(), 'idempotency-key': idem() },
    body: { planId, paymentMethod: { type: 'manual_card', cardNumber } },
  });
}

/** The learner's enrollment status in a course, straight from the table (null: none). */
export async function enrollmentStatus(t: TestApp, userId: string, courseId: string): Promise<string | null> {
  const [row] = await t.query<{ status: string; source: string }>('SELECT status, source FROM enrollments WHERE user_id = $1 AND course_id = $2', [userId, courseId]);
  return row ? row.status : null;
}

/** Can the learner open the course's lesson (through the learner API)? */
export async function canLearn(t: TestApp, who: Member, course: BuiltCourse): Promise<boolean> {
  const res = await t.http('GET', `/api/v1/me/courses/${course.id}/lessons/${course.lessons.l1}`, { as: who, headers: who.h() });
  if (res.status !== 200 && res.status !== 403) throw new Error(`lesson: ${res.status} ${res.text}`);
  return res.status === 200;
}
