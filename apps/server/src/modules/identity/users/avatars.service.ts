import { Inject, Injectable, Logger } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { UserContext } from '../../../kernel/auth/index.js';
import { APP_CONFIG, type AppConfig } from '../../../kernel/config/index.js';
import { DB, type Database, inTransaction } from '../../../kernel/db/index.js';
import { STORAGE, type Storage, UploadService, UrlSigner } from '../../../kernel/storage/index.js';
import { userProfiles } from './users.schema.js';

export const AVATAR_MAX_BYTES = 2 * 1024 * 1024;
export const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;

/**
 * Profile pictures: uploaded through the storage kernel (content sniffed, size capped), stored
 * under `avatars/<userId>/`, shown through long-lived public signed URLs (avatars are meant to be
 * seen by anyone who sees the name).
 */
@Injectable()
export class AvatarsService {
  private readonly log = new Logger('avatars');

  constructor(
    @Inject(DB) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly uploads: UploadService,
    private readonly signer: UrlSigner,
  ) {}

  /** The picture to show: our uploaded avatar, else the image better-auth holds (e.g. from SSO), else null. */
  url(avatarKey: string | null | undefined, image: string | null | undefined): string | null {
    if (avatarKey) return this.config.publicUrl + this.signer.signPublic(avatarKey);
    return image ?? null;
  }

  async replace(ctx: UserContext, request: FastifyRequest): Promise<void> {
    const userId = ctx.actor.userId;
    const file = await this.uploads.receive(request, { maxBytes: AVATAR_MAX_BYTES, allowed: AVATAR_TYPES, keyPrefix: `avatars/${userId}` });
    let previous: string | null;
    try {
      previous = await inTransaction(this.db, async (tx) => {
        const [row] = await tx.select({ key: userProfiles.avatarKey }).from(userProfiles).where(eq(userProfiles.userId, userId)).for('update');
        await tx
          .insert(userProfiles)
          .values({ userId, avatarKey: file.key })
          .onConflictDoUpdate({ target: userProfiles.userId, set: { avatarKey: file.key, updatedAt: new Date() } });
        return row?.key ?? null;
      });
    } catch (err) {
      await this.storage.delete(file.key).catch(() => undefined);
      throw err;
    }
    if (previous) await this.discard(previous);
  }

  async remove(ctx: UserContext): Promise<void> {
    const previous = await inTransaction(this.db, async (tx) => {
      const [row] = await tx.select({ key: userProfiles.avatarKey }).from(userProfiles).where(eq(userProfiles.userId, ctx.actor.userId)).for('update');
      if (row?.key) await tx.update(userProfiles).set({ avatarKey: null, updatedAt: new Date() }).where(eq(userProfiles.userId, ctx.actor.userId));
      return row?.key ?? null;
    });
    if (previous) await this.discard(previous);
  }

  /** After the database moved on: a failed delete only leaves an orphan object behind. */
  private async discard(key: string): Promise<void> {
    await this.storage.delete(key).catch((err: unknown) => this.log.warn(`could not delete old avatar ${key}: ${(err as Error).message}`));
  }
}
