import { Inject, Injectable } from '@nestjs/common';
import { DB, type Database, type DbOrTx } from '../../../kernel/db/index.js';
import { Unprocessable } from '../../../kernel/errors/index.js';
import { AccessService, UsersService } from '../../identity/index.js';
import { hasTeachingRights } from './courses.policy.js';

/** Who may teach, and what instructors are called: asked of identity through its public services. */
@Injectable()
export class InstructorDirectory {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly access: AccessService,
    private readonly users: UsersService,
  ) {}

  /** Throws 422 naming every id that is not a member of `orgId` with course-teaching rights. */
  async assertCanTeach(orgId: string, userIds: readonly string[], db: DbOrTx = this.db): Promise<void> {
    const refused: string[] = [];
    for (const userId of new Set(userIds)) {
      const m = await this.access.membershipFor(userId, orgId, db);
      if (!m || m.orgId !== orgId || !hasTeachingRights(m.permissions)) refused.push(userId);
    }
    if (refused.length) {
      throw new Unprocessable(
        'Instructors must be members of the organization with course-teaching rights.',
        'instructor_not_eligible',
        refused.map((id) => ({ field: 'body.instructorIds', message: `${id} cannot teach in this organization` })),
      );
    }
  }

  /** Display names by user id (absent: no such user). */
  async names(userIds: readonly string[], db: DbOrTx = this.db): Promise<Map<string, string>> {
    const profiles = await this.users.publicProfiles(userIds, db);
    return new Map([...profiles].map(([id, p]) => [id, p.name]));
  }
}
