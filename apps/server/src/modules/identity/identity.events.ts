import { z } from 'zod';
import { defineEvent } from '../../kernel/events/index.js';

export const UserRegistered = defineEvent('user.registered', z.object({ userId: z.uuid(), email: z.string(), name: z.string() }));
export const UserProfileUpdated = defineEvent(
  'user.profile_updated',
  z.object({ userId: z.uuid(), name: z.string(), locale: z.string(), timezone: z.string() }),
);
/** A platform admin suspended the account: its sessions are gone and its API keys refused. */
export const UserSuspended = defineEvent('user.suspended', z.object({ userId: z.uuid(), by: z.uuid(), reason: z.string().nullable() }));
export const UserReactivated = defineEvent('user.reactivated', z.object({ userId: z.uuid(), by: z.uuid() }));

export const OrganizationCreated = defineEvent(
  'organization.created',
  z.object({ organizationId: z.uuid(), name: z.string(), slug: z.string(), createdBy: z.uuid() }),
);
export const OrganizationMemberAdded = defineEvent(
  'organization.member_added',
  z.object({ organizationId: z.uuid(), userId: z.uuid(), role: z.string(), via: z.enum(['create', 'invitation', 'admin']) }),
);
export const OrganizationMemberRoleChanged = defineEvent(
  'organization.member_role_changed',
  z.object({ organizationId: z.uuid(), userId: z.uuid(), from: z.string(), to: z.string(), by: z.uuid() }),
);
export const OrganizationMemberRemoved = defineEvent(
  'organization.member_removed',
  z.object({ organizationId: z.uuid(), userId: z.uuid() }),
);
