import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { displayNameSchema } from '../users/intl.js';
import { ALL_PERMISSIONS, type Permission } from './permissions.js';

const permissionList = z
  .array(z.enum(ALL_PERMISSIONS as [Permission, ...Permission[]]))
  .max(ALL_PERMISSIONS.length)
  .refine((list) => new Set(list).size === list.length, 'permissions must not repeat');

export const PermissionInfo = z.object({ key: z.string(), description: z.string() });
export const BuiltinRoleInfo = z.object({ key: z.string(), name: z.string(), permissions: z.array(z.string()) });
export const PermissionCatalogue = z.object({ permissions: z.array(PermissionInfo), builtinRoles: z.array(BuiltinRoleInfo) });
export class PermissionCatalogueDto extends createZodDto(PermissionCatalogue) {}

export const Role = z.object({
  /** null for built-in roles */
  id: z.uuid().nullable(),
  key: z.string(),
  name: z.string(),
  description: z.string(),
  permissions: z.array(z.string()),
  builtin: z.boolean(),
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export class RoleDto extends createZodDto(Role) {}
export class RoleListDto extends createZodDto(z.object({ items: z.array(Role) })) {}

export const CreateRole = z.strictObject({
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_]{1,39}$/, 'lower-case letters, digits and _, starting with a letter, 2-40 characters'),
  name: displayNameSchema(80),
  description: z.string().trim().max(500).default(''),
  permissions: permissionList,
});
export class CreateRoleDto extends createZodDto(CreateRole) {}

export const UpdateRole = z
  .strictObject({
    name: displayNameSchema(80).optional(),
    description: z.string().trim().max(500).optional(),
    permissions: permissionList.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
export class UpdateRoleDto extends createZodDto(UpdateRole) {}

export class RoleParamsDto extends createZodDto(z.strictObject({ id: z.uuid(), roleId: z.uuid() })) {}
