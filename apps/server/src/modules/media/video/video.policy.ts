import { type OrgContext, type RequestContext, requirePermission } from '../../../kernel/auth/index.js';

/** Staff who may see processing, retry, cancel and manage captions: `video.manage` (instructors, admins, owners). */
export function requireVideoStaff(ctx: RequestContext): OrgContext {
  return requirePermission(ctx, 'video.manage');
}

/** Re-encoding every video of the organization is an administrator's call. */
export function requireVideoAdmin(ctx: RequestContext): OrgContext {
  requirePermission(ctx, 'video.manage');
  return requirePermission(ctx, 'organization.update');
}
