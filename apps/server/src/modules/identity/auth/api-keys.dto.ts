import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';

export const CreateApiKey = z.strictObject({
  name: z.string().trim().min(1).max(100),
  /** days until the key stops working; omitted: it never expires */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export class CreateApiKeyDto extends createZodDto(CreateApiKey) {}

export const ApiKey = z.object({
  id: z.uuid(),
  name: z.string(),
  /** the first characters of the key, to recognise it */
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export class ApiKeyDto extends createZodDto(ApiKey) {}
export class ApiKeyPageDto extends createZodDto(pageOf(ApiKey)) {}

/** Only the creation response carries the key itself; it cannot be shown again. */
export const CreatedApiKey = ApiKey.extend({ key: z.string() });
export class CreatedApiKeyDto extends createZodDto(CreatedApiKey) {}

export class ApiKeysQueryDto extends createZodDto(z.strictObject({ ...pageQuery })) {}
export class ApiKeyParamsDto extends createZodDto(z.strictObject({ keyId: z.uuid() })) {}
