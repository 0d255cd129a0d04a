import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { and, count, desc, eq, isNull, lt } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { UserContext } from '../../../kernel/auth/index.js';
import { DB, type Database, inTransaction } from '../../../kernel/db/index.js';
import { Conflict, Forbidden, NotFound } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import type { ApiKey, CreateApiKey, CreatedApiKey } from './api-keys.dto.js';
import { apiKeys, users } from './auth.schema.js';
import { API_KEY_PREFIX, hashApiKey } from './auth.service.js';

export const MAX_ACTIVE_API_KEYS = 50;

type ApiKeyRow = typeof apiKeys.$inferSelect;

function present(r: ApiKeyRow): z.infer<typeof ApiKey> {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt?.toISOString() ?? null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}

/** Personal API keys (`lyk_...`): shown once, stored as SHA-256, revocable. */
@Injectable()
export class ApiKeysService {
  constructor(@Inject(DB) private readonly db: Database) {}

  async create(ctx: UserContext, input: z.infer<typeof CreateApiKey>): Promise<z.infer<typeof CreatedApiKey>> {
    // A leaked key must not be able to mint keys that outlive its own revocation.
    if (ctx.actor.via === 'api_key') throw new Forbidden('API keys cannot create API keys; sign in to create one.', 'session_required');
    const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
    return inTransaction(this.db, async (tx) => {
      // Serialises one user's key creation so the cap holds.
      await tx.select({ id: users.id }).from(users).where(eq(users.id, ctx.actor.userId)).for('update');
      const [{ n } = { n: 0 }] = await tx
        .select({ n: count() })
        .from(apiKeys)
        .where(and(eq(apiKeys.userId, ctx.actor.userId), isNull(apiKeys.revokedAt)));
      if (n >= MAX_ACTIVE_API_KEYS) throw new Conflict(`You can have at most ${MAX_ACTIVE_API_KEYS} active API keys; revoke one first.`, 'api_key_limit');
      const [row] = await tx
        .insert(apiKeys)
        .values({
          id: uuidv7(),
          userId: ctx.actor.userId,
          name: input.name,
          prefix: key.slice(0, API_KEY_PREFIX.length + 8),
          keyHash: hashApiKey(key),
          expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
        })
        .returning();
      return { ...present(row!), key };
    });
  }

  async list(ctx: UserContext, q: { limit: number; cursor?: string }): Promise<Page<z.infer<typeof ApiKey>>> {
    const after = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.userId, ctx.actor.userId), after ? lt(apiKeys.id, String(after[0])) : undefined))
      .orderBy(desc(apiKeys.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.id], present);
  }

  /** Revoking is immediate: the next request with the key is refused. Revoking twice is harmless. */
  async revoke(ctx: UserContext, keyId: string): Promise<void> {
    const [row] = await this.db
      .select({ id: apiKeys.id, revokedAt: apiKeys.revokedAt })
      .from(apiKeys)
      .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, ctx.actor.userId)));
    if (!row) throw new NotFound('API key');
    if (!row.revokedAt) await this.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, row.id));
  }
}
