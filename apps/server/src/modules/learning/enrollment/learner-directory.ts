import { Injectable } from '@nestjs/common';
import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../kernel/db/index.js';
import { AccessService, UsersService } from '../../identity/index.js';
import { enrollmentLearners } from './enrollment.schema.js';

export interface LearnerIdentity {
  userId: string;
  email: string;
  name: string;
}

/**
 * What enrollment needs to know about people, read only through identity's exported services,
 * plus this module's read model of learner emails and names (for lists and search).
 */
@Injectable()
export class LearnerDirectory {
  constructor(
    private readonly users: UsersService,
    private readonly access: AccessService,
  ) {}

  /** The accounts behind these (lower-cased) emails; addresses without an account are absent. */
  async findByEmails(emails: readonly string[]): Promise<Map<string, LearnerIdentity>> {
    const found = await this.users.findUsersByEmails(emails);
    const out = new Map<string, LearnerIdentity>();
    for (const [email, u] of found) out.set(email, { userId: u.id, email: u.email.toLowerCase(), name: u.name });
    return out;
  }

  async isMember(userId: string, organizationId: string): Promise<boolean> {
    return (await this.access.membershipFor(userId, organizationId)) !== null;
  }

  /** Keeps the read model's name in step when a learner renames themselves. */
  async renamed(db: DbOrTx, userId: string, name: string): Promise<void> {
    await db.update(enrollmentLearners).set({ name, updatedAt: new Date() }).where(eq(enrollmentLearners.userId, userId));
  }

  /** Records (or refreshes) a learner's email and name in enrollment's read model. */
  async remember(db: DbOrTx, people: readonly LearnerIdentity[]): Promise<void> {
    if (!people.length) return;
    const unique = [...new Map(people.map((p) => [p.userId, p])).values()];
    await db
      .insert(enrollmentLearners)
      .values(unique.map((p) => ({ userId: p.userId, email: p.email.toLowerCase(), name: p.name })))
      .onConflictDoUpdate({
        target: enrollmentLearners.userId,
        set: { email: sql`excluded.email`, name: sql`excluded.name`, updatedAt: sql`now()` },
      });
  }
}
