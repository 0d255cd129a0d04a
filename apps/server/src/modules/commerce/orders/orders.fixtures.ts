import type { TestApp } from '../../../test/harness.js';
import { checkout, newKey, ok } from '../commerce.fixtures.js';
import { CheckoutService } from './checkout.service.js';

/* Test fixtures of the orders tests (used by *.test.ts only). */

/** Checks out with the process "dying" after the order is created and before the provider is called: the order stays pending. */
export async function pendingCheckout(t: TestApp, who: { headers(orgId?: string): Record<string, string> }, body: Record<string, unknown> = {}) {
  const svc = t.app.get(CheckoutService) as unknown as { pay: unknown };
  const pay = Object.getPrototypeOf(svc).pay;
  svc.pay = async (order: unknown) => order;
  try {
    return ok(await checkout(t, who, body, newKey()), 201).body;
  } finally {
    svc.pay = pay;
  }
}
