import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gt, ilike, or } from 'drizzle-orm';
import type { z } from 'zod';
import type { UserContext } from '../../../kernel/auth/index.js';
import { DB, type Database, inTransaction } from '../../../kernel/db/index.js';
import { Forbidden, NotFound } from '../../../kernel/errors/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { sessions, users } from '../auth/auth.schema.js';
import { UserReactivated, UserSuspended } from '../identity.events.js';
import { likePattern } from '../organizations/members.service.js';
import type { AdminUser, ListUsersQuery } from './users.dto.js';
import { userProfiles } from './users.schema.js';

type AdminUserView = z.infer<typeof AdminUser>;
type UserRow = typeof users.$inferSelect;

function present(u: UserRow): AdminUserView {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    emailVerified: u.emailVerified,
    platformRole: u.role === 'admin' ? 'admin' : 'user',
    suspended: u.banned ?? false,
    suspendedReason: u.banned ? (u.banReason ?? null) : null,
    createdAt: u.createdAt.toISOString(),
  };
}

/** Platform administration of accounts (users.role = 'admin' only; callers check that). */
@Injectable()
export class AdminUsersService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly events: EventBus,
  ) {}

  async list(q: z.infer<typeof ListUsersQuery>): Promise<Page<AdminUserView>> {
    const after = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(users)
      .where(
        and(
          q.q ? or(ilike(users.name, likePattern(q.q)), ilike(users.email, likePattern(q.q))) : undefined,
          after ? gt(users.id, String(after[0])) : undefined,
        ),
      )
      .orderBy(asc(users.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.id], present);
  }

  /**
   * Suspends the account: sign-in is refused (better-auth's ban), every session is deleted, and
   * its API keys stop resolving (the resolver refuses banned users).
   */
  async suspend(admin: UserContext, userId: string, reason: string | null): Promise<AdminUserView> {
    if (userId === admin.actor.userId) throw new Forbidden('You cannot suspend yourself.', 'cannot_suspend_self');
    return inTransaction(this.db, async (tx) => {
      const [row] = await tx
        .update(users)
        .set({ banned: true, banReason: reason, banExpires: null, updatedAt: new Date() })
        .where(eq(users.id, userId))
        .returning();
      if (!row) throw new NotFound('User');
      await tx.delete(sessions).where(eq(sessions.userId, userId));
      await tx
        .insert(userProfiles)
        .values({ userId, suspendedAt: new Date() })
        .onConflictDoUpdate({ target: userProfiles.userId, set: { suspendedAt: new Date(), updatedAt: new Date() } });
      await this.events.emit(tx, UserSuspended, { userId, by: admin.actor.userId, reason });
      return present(row);
    });
  }

  async reactivate(admin: UserContext, userId: string): Promise<AdminUserView> {
    return inTransaction(this.db, async (tx) => {
      const [row] = await tx
        .update(users)
        .set({ banned: false, banReason: null, banExpires: null, updatedAt: new Date() })
        .where(eq(users.id, userId))
        .returning();
      if (!row) throw new NotFound('User');
      await tx.update(userProfiles).set({ suspendedAt: null, updatedAt: new Date() }).where(eq(userProfiles.userId, userId));
      await this.events.emit(tx, UserReactivated, { userId, by: admin.actor.userId });
      return present(row);
    });
  }
}
