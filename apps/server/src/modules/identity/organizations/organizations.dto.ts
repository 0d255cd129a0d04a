import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageQuery, pageOf } from '../../../kernel/http/pagination.js';
import { displayNameSchema, localeSchema, timeZoneSchema } from '../users/intl.js';

export const RESERVED_SLUGS = new Set(['api', 'admin', 'app', 'www', 'auth', 'static', 'assets', 'health', 'metrics', 'docs', 'invitations', 'new', 'me']);

export const slugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,46}[a-z0-9]$/, 'lower-case letters, digits and -, 3-48 characters, not starting or ending with -')
  .refine((s) => !RESERVED_SLUGS.has(s), 'this slug is reserved');

const websiteSchema = z.url({ protocol: /^https?$/, hostname: z.regexes.domain }).max(300);

export const OrganizationSettingsInput = z.strictObject({
  defaultLocale: localeSchema.optional(),
  timezone: timeZoneSchema.optional(),
  allowSelfEnrollment: z.boolean().optional(),
  website: websiteSchema.optional(),
});

/** In a PATCH, null removes a setting and an absent field leaves it as it is. */
export const OrganizationSettingsPatch = z.strictObject({
  defaultLocale: localeSchema.nullable().optional(),
  timezone: timeZoneSchema.nullable().optional(),
  allowSelfEnrollment: z.boolean().nullable().optional(),
  website: websiteSchema.nullable().optional(),
});

export const OrganizationSettings = z.object({
  defaultLocale: z.string().optional(),
  timezone: z.string().optional(),
  allowSelfEnrollment: z.boolean().optional(),
  website: z.string().optional(),
});

export class OrgParamsDto extends createZodDto(z.strictObject({ id: z.uuid() })) {}

export const CreateOrganization = z.strictObject({
  name: displayNameSchema(120, 2),
  slug: slugSchema.optional(),
  settings: OrganizationSettingsInput.default({}),
});
export class CreateOrganizationDto extends createZodDto(CreateOrganization) {}

export const UpdateOrganization = z
  .strictObject({
    name: displayNameSchema(120, 2).optional(),
    slug: slugSchema.optional(),
    settings: OrganizationSettingsPatch.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'give at least one field to change');
export class UpdateOrganizationDto extends createZodDto(UpdateOrganization) {}

export const Organization = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  settings: OrganizationSettings,
  createdAt: z.string(),
  updatedAt: z.string(),
  /** the caller's place in it */
  membership: z.object({ role: z.string(), permissions: z.array(z.string()) }),
});
export class OrganizationDto extends createZodDto(Organization) {}

export const MyOrganization = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  role: z.string(),
  /** what the role allows here, so a client can show only what the person may do */
  permissions: z.array(z.string()),
  joinedAt: z.string(),
  active: z.boolean(),
});
export class MyOrganizationPageDto extends createZodDto(pageOf(MyOrganization)) {}
export class MyOrganizationsQueryDto extends createZodDto(z.strictObject({ ...pageQuery })) {}

export const SetActiveOrganization = z.strictObject({ organizationId: z.uuid().nullable() });
export class SetActiveOrganizationDto extends createZodDto(SetActiveOrganization) {}
export class ActiveOrganizationDto extends createZodDto(z.object({ activeOrganizationId: z.uuid().nullable() })) {}
