import { expect } from 'vitest';
import type { HttpResult, Session, TestApp } from '../../test/harness.js';

/** A member acting in their organization (the shape of enrollment.fixtures' Member). */
export interface Member extends Session {
  orgId: string;
  h(): Record<string, string>;
}

/*
 * Test fixtures for the commerce tests (used by *.test.ts only): priced courses, coupons, carts
 * and checkouts through the HTTP API.
 */

export const CARD_OK = '4242 4242 4242 4242';
export const CARD_DECLINED = '4000 0000 0000 0002';
export const US_ADDRESS = { name: 'Ada Buyer', country: 'US', region: 'NY', line1: '1 Main St', city: 'New York', postalCode: '10001' };

let keyN = 0;
export const newKey = () => `test-key-${Date.now()}-${++keyN}`;

export function ok(res: HttpResult, status: number, what = 'request'): HttpResult {
  expect(res.status, `${what}: ${res.text}`).toBe(status);
  return res;
}

/** Sets a (paid) course's price per currency (minor units). */
export async function setPrices(t: TestApp, as: Member, c: { id: string }, prices: Record<string, number>): Promise<void> {
  ok(
    await t.http('PUT', `/api/v1/courses/${c.id}/pricing`, {
      as,
      headers: as.h(),
      body: { prices: Object.entries(prices).map(([currency, amountMinor]) => ({ currency, amountMinor })) },
    }),
    200,
    'set price',
  );
}

export async function createCoupon(t: TestApp, admin: Member, body: Record<string, unknown>): Promise<{ id: string; code: string | null }> {
  return ok(await t.http('POST', '/api/v1/coupons', { as: admin, headers: admin.h(), body: { name: 'Coupon', ...body } }), 201, 'create coupon').body;
}

export async function addToCart(t: TestApp, as: { headers(orgId?: string): Record<string, string> }, refId: string, kind: 'course' | 'bundle' = 'course'): Promise<HttpResult> {
  return t.http('POST', '/api/v1/cart/items', { headers: as.headers(), body: { kind, refId } });
}

export async function checkout(
  t: TestApp,
  as: { headers(orgId?: string): Record<string, string> },
  body: Record<string, unknown> = {},
  key = newKey(),
): Promise<HttpResult> {
  return t.http('POST', '/api/v1/checkout', {
    headers: { ...as.headers(), 'idempotency-key': key },
    body: { billingAddress: US_ADDRESS, paymentMethod: { type: 'manual_card', cardNumber: CARD_OK }, ...body },
  });
}

export async function enrollmentStatus(t: TestApp, userId: string, courseId: string): Promise<string | null> {
  const [row] = await t.query<{ status: string }>('SELECT status FROM enrollments WHERE user_id = $1 AND course_id = $2', [userId, courseId]);
  return row?.status ?? null;
}
