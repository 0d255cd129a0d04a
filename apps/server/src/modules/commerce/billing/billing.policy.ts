import { can, type OrgContext, type RequestContext, requireOrg, requirePermission } from '../../../kernel/auth/index.js';
import { Forbidden, NotFound } from '../../../kernel/errors/index.js';
import type { SubscriptionRow } from './billing.schema.js';

/**
 * Who may do what in billing. Every rule is scoped to the caller's active organization: a
 * subscription of another organization is reported as not found.
 */

/** Plans, seat licences and test clocks: `billing.manage`. */
export function requireBillingAdmin(ctx: RequestContext): OrgContext {
  return requirePermission(ctx, 'billing.manage');
}

/** A subscription's own subscriber, or a billing admin of its organization. */
export function requireSubscriptionAccess(ctx: RequestContext, sub: SubscriptionRow | undefined): { ctx: OrgContext; sub: SubscriptionRow } {
  const o = requireOrg(ctx);
  if (!sub || sub.organizationId !== o.membership.orgId) throw new NotFound('Subscription');
  if (sub.userId !== o.actor.userId && !can(o, 'billing.manage')) throw new NotFound('Subscription');
  return { ctx: o, sub };
}

/** Refunding a subscription charge: a billing admin (`billing.manage`) or a commerce admin (`commerce.manage`). */
export function requireRefunder(ctx: RequestContext): OrgContext {
  const o = requireOrg(ctx);
  if (!can(o, 'billing.manage') && !can(o, 'commerce.manage')) throw new Forbidden('You need the "billing.manage" or "commerce.manage" permission in this organization.', 'missing_permission');
  return o;
}
