import { z } from 'zod';
import { defineEvent } from '../../kernel/events/index.js';

export const UserRegistered = defineEvent('user.registered', z.object({ userId: z.uuid(), email: z.string(), name: z.string() }));
export const OrganizationMemberAdded = defineEvent(
  'organization.member_added',
  z.object({ organizationId: z.uuid(), userId: z.uuid(), role: z.string(), via: z.enum(['create', 'invitation', 'admin']) }),
);
export const OrganizationMemberRemoved = defineEvent(
  'organization.member_removed',
  z.object({ organizationId: z.uuid(), userId: z.uuid() }),
);
