import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { roleKeySchema } from './members.dto.js';

export const InvitationStatus = z.enum(['pending', 'accepted', 'revoked', 'expired']);

export const CreateInvitation = z.strictObject({
  email: z.email().max(254).transform((e) => e.toLowerCase()),
  role: roleKeySchema,
});
export class CreateInvitationDto extends createZodDto(CreateInvitation) {}

export const Invitation = z.object({
  id: z.uuid(),
  email: z.string(),
  role: z.string(),
  status: InvitationStatus,
  invitedBy: z.uuid().nullable(),
  expiresAt: z.string(),
  acceptedAt: z.string().nullable(),
  createdAt: z.string(),
});
export class InvitationDto extends createZodDto(Invitation) {}
export class InvitationPageDto extends createZodDto(pageOf(Invitation)) {}

export const ListInvitationsQuery = z.strictObject({ ...pageQuery, status: InvitationStatus.optional() });
export class ListInvitationsQueryDto extends createZodDto(ListInvitationsQuery) {}

export class InvitationParamsDto extends createZodDto(z.strictObject({ id: z.uuid(), invitationId: z.uuid() })) {}

export const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{32,128}$/, 'an invitation token');
export class InvitationTokenParamsDto extends createZodDto(z.strictObject({ token: tokenSchema })) {}

export const InvitationPreview = z.object({
  organization: z.object({ id: z.uuid(), name: z.string() }),
  email: z.string(),
  role: z.string(),
  roleName: z.string(),
  /** who sent it; null when that account no longer exists */
  invitedBy: z.object({ name: z.string() }).nullable(),
  status: InvitationStatus,
  expiresAt: z.string(),
});
export class InvitationPreviewDto extends createZodDto(InvitationPreview) {}

export const AcceptedInvitation = z.object({
  organization: z.object({ id: z.uuid(), name: z.string(), slug: z.string() }),
  role: z.string(),
});
export class AcceptedInvitationDto extends createZodDto(AcceptedInvitation) {}
