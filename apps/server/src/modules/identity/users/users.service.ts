import { Inject, Injectable } from '@nestjs/common';
import { eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import type { UserContext } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx, inTransaction } from '../../../kernel/db/index.js';
import { NotFound } from '../../../kernel/errors/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { users } from '../auth/auth.schema.js';
import { UserProfileUpdated } from '../identity.events.js';
import { AvatarsService } from './avatars.service.js';
import type { Me, UpdateMe } from './users.dto.js';
import { userProfiles } from './users.schema.js';

/** What anyone may see about a person (course pages, forums): no email. */
export interface PublicProfile {
  id: string;
  name: string;
  image: string | null;
  bio: string;
}

/** An account as other modules need it to act on an email address. */
export interface UserByEmail {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  suspended: boolean;
}

type MeView = z.infer<typeof Me>;

@Injectable()
export class UsersService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly events: EventBus,
    private readonly avatars: AvatarsService,
  ) {}

  async me(userId: string, db: DbOrTx = this.db): Promise<MeView> {
    const [row] = await db
      .select({ user: users, profile: userProfiles })
      .from(users)
      .leftJoin(userProfiles, eq(userProfiles.userId, users.id))
      .where(eq(users.id, userId));
    if (!row) throw new NotFound('User');
    const { user, profile } = row;
    return {
      id: user.id,
      name: user.name,
      email: user.email,
      emailVerified: user.emailVerified,
      image: this.avatars.url(profile?.avatarKey, user.image),
      locale: profile?.locale ?? 'en',
      timezone: profile?.timezone ?? 'UTC',
      bio: profile?.bio ?? '',
      platformRole: user.role === 'admin' ? 'admin' : 'user',
      twoFactorEnabled: user.twoFactorEnabled ?? false,
      activeOrganizationId: profile?.activeOrganizationId ?? null,
      createdAt: user.createdAt.toISOString(),
    };
  }

  async updateMe(ctx: UserContext, input: z.infer<typeof UpdateMe>): Promise<MeView> {
    const userId = ctx.actor.userId;
    return inTransaction(this.db, async (tx) => {
      const now = new Date();
      if (input.name !== undefined) await tx.update(users).set({ name: input.name, updatedAt: now }).where(eq(users.id, userId));
      const profile = {
        ...(input.locale !== undefined ? { locale: input.locale } : {}),
        ...(input.timezone !== undefined ? { timezone: input.timezone } : {}),
        ...(input.bio !== undefined ? { bio: input.bio } : {}),
      };
      await tx
        .insert(userProfiles)
        .values({ userId, ...profile })
        .onConflictDoUpdate({ target: userProfiles.userId, set: { ...profile, updatedAt: now } });
      const me = await this.me(userId, tx);
      await this.events.emit(tx, UserProfileUpdated, { userId, name: me.name, locale: me.locale, timezone: me.timezone });
      return me;
    });
  }

  /** Public profiles by id (unknown ids are absent), for instructor names, authors and the like. */
  async publicProfiles(ids: readonly string[], db: DbOrTx = this.db): Promise<Map<string, PublicProfile>> {
    if (ids.length === 0) return new Map();
    const rows = await db
      .select({ id: users.id, name: users.name, image: users.image, avatarKey: userProfiles.avatarKey, bio: userProfiles.bio })
      .from(users)
      .leftJoin(userProfiles, eq(userProfiles.userId, users.id))
      .where(inArray(users.id, [...new Set(ids)]));
    return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name, image: this.avatars.url(r.avatarKey, r.image), bio: r.bio ?? '' }]));
  }

  /** The account registered with this email (case-insensitive), or null. */
  async findUserByEmail(email: string, db: DbOrTx = this.db): Promise<UserByEmail | null> {
    return (await this.findUsersByEmails([email], db)).get(email.trim().toLowerCase()) ?? null;
  }

  /** Accounts by email, keyed by the lower-cased address; addresses without an account are absent. */
  async findUsersByEmails(emails: readonly string[], db: DbOrTx = this.db): Promise<Map<string, UserByEmail>> {
    const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()))];
    if (wanted.length === 0) return new Map();
    // better-auth stores emails lower-cased.
    const rows = await db
      .select({ id: users.id, email: users.email, name: users.name, emailVerified: users.emailVerified, banned: users.banned })
      .from(users)
      .where(inArray(users.email, wanted));
    return new Map(
      rows.map((r) => [r.email.toLowerCase(), { id: r.id, email: r.email, name: r.name, emailVerified: r.emailVerified, suspended: r.banned ?? false }]),
    );
  }
}
