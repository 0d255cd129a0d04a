import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { displayNameSchema, localeSchema, timeZoneSchema } from './intl.js';

export const Me = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string(),
  emailVerified: z.boolean(),
  image: z.string().nullable(),
  locale: z.string(),
  timezone: z.string(),
  bio: z.string(),
  /** `admin` for platform administrators */
  platformRole: z.enum(['user', 'admin']),
  twoFactorEnabled: z.boolean(),
  activeOrganizationId: z.uuid().nullable(),
  createdAt: z.string(),
});
export class MeDto extends createZodDto(Me) {}

export const UpdateMe = z
  .strictObject({
    name: displayNameSchema(100).optional(),
    locale: localeSchema.optional(),
    timezone: timeZoneSchema.optional(),
    bio: z.string().trim().max(2000).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
export class UpdateMeDto extends createZodDto(UpdateMe) {}

export const AdminUser = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string(),
  emailVerified: z.boolean(),
  platformRole: z.enum(['user', 'admin']),
  suspended: z.boolean(),
  suspendedReason: z.string().nullable(),
  createdAt: z.string(),
});
export class AdminUserDto extends createZodDto(AdminUser) {}
export class AdminUserPageDto extends createZodDto(pageOf(AdminUser)) {}

export const ListUsersQuery = z.strictObject({
  ...pageQuery,
  /** matches name or email, case-insensitively */
  q: z.string().trim().min(1).max(100).optional(),
});
export class ListUsersQueryDto extends createZodDto(ListUsersQuery) {}

export class UserParamsDto extends createZodDto(z.strictObject({ id: z.uuid() })) {}

export const SuspendUser = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() }).default({});
export class SuspendUserDto extends createZodDto(SuspendUser) {}
