import { Forbidden, Unauthenticated } from '../errors/index.js';

export interface Actor {
  userId: string;
  email: string;
  name: string;
  /** platform super-admin (better-auth admin role) */
  platformAdmin: boolean;
  /** how the caller proved who they are */
  via: 'session' | 'bearer' | 'api_key';
}

export interface Membership {
  orgId: string;
  role: string;
  permissions: ReadonlySet<string>;
}

/** Who is calling and in which organization: built once per request by the auth guard. */
export interface RequestContext {
  requestId: string;
  ip: string;
  actor: Actor | null;
  /** the active organization, when the caller is a member of one */
  membership: Membership | null;
}

export interface UserContext extends RequestContext {
  actor: Actor;
}

export interface OrgContext extends UserContext {
  membership: Membership;
}

export function requireUser(ctx: RequestContext): UserContext {
  if (!ctx.actor) throw new Unauthenticated();
  return ctx as UserContext;
}

export function requireOrg(ctx: RequestContext): OrgContext {
  const u = requireUser(ctx);
  if (!u.membership) {
    throw new Forbidden('Choose an organization you belong to (X-Organization-Id header or the active organization).', 'no_organization');
  }
  return u as OrgContext;
}

export function can(ctx: RequestContext, permission: string): boolean {
  return ctx.membership?.permissions.has(permission) ?? false;
}

/** Requires the permission in the active organization; returns the narrowed context. */
export function requirePermission(ctx: RequestContext, permission: string): OrgContext {
  const o = requireOrg(ctx);
  if (!o.membership.permissions.has(permission)) {
    throw new Forbidden(`You need the "${permission}" permission in this organization.`, 'missing_permission');
  }
  return o;
}

export function requirePlatformAdmin(ctx: RequestContext): UserContext {
  const u = requireUser(ctx);
  if (!u.actor.platformAdmin) throw new Forbidden('Only platform administrators may do this.', 'platform_admin_only');
  return u;
}
