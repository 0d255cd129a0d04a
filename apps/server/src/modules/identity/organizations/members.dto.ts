import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';

export const roleKeySchema = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'a role key');

export class MemberParamsDto extends createZodDto(z.strictObject({ id: z.uuid(), userId: z.uuid() })) {}

export const Member = z.object({
  userId: z.uuid(),
  name: z.string(),
  email: z.string(),
  image: z.string().nullable(),
  role: z.string(),
  joinedAt: z.string(),
});
export class MemberDto extends createZodDto(Member) {}
export class MemberPageDto extends createZodDto(pageOf(Member)) {}

export const ListMembersQuery = z.strictObject({
  ...pageQuery,
  /** matches name or email, case-insensitively */
  q: z.string().trim().min(1).max(100).optional(),
  role: roleKeySchema.optional(),
});
export class ListMembersQueryDto extends createZodDto(ListMembersQuery) {}

export const ChangeRole = z.strictObject({ role: roleKeySchema });
export class ChangeRoleDto extends createZodDto(ChangeRole) {}
