import { Injectable } from '@nestjs/common';
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import type { z } from 'zod';
import type { RequestContext } from '../../../kernel/auth/index.js';
import { inTransaction, type Tx } from '../../../kernel/db/index.js';
import { Conflict, Invalid, NotFound } from '../../../kernel/errors/index.js';
import { AccessService } from '../../identity/index.js';
import { AssignmentsAccess } from './assignments.access.js';
import type { Group, PutGroup } from './assignments.dto.js';
import { assignmentGroupMembers, assignmentGroups, assignmentSubmissions } from './assignments.schema.js';

type GroupRow = typeof assignmentGroups.$inferSelect;

/** Groups of learners per course: a group submission counts for every member. */
@Injectable()
export class GroupsService {
  constructor(
    private readonly access: AssignmentsAccess,
    private readonly identity: AccessService,
  ) {}

  private get db() {
    return this.access.db;
  }

  async list(ctx: RequestContext, courseId: string): Promise<{ items: z.input<typeof Group>[] }> {
    await this.access.staffCourse(ctx, courseId);
    const rows = await this.db.select().from(assignmentGroups).where(eq(assignmentGroups.courseId, courseId)).orderBy(asc(assignmentGroups.name));
    return { items: await this.presentMany(rows) };
  }

  async create(ctx: RequestContext, courseId: string, body: z.output<typeof PutGroup>): Promise<z.input<typeof Group>> {
    const course = await this.access.staffCourse(ctx, courseId);
    await this.checkMembers(course.organizationId, courseId, body.memberIds);
    const row = await inTransaction(this.db, async (tx) => {
      await this.checkName(tx, courseId, body.name, null);
      const [g] = await tx.insert(assignmentGroups).values({ organizationId: course.organizationId, courseId, name: body.name }).returning();
      await this.setMembers(tx, g!, body.memberIds);
      return g!;
    });
    return (await this.presentMany([row]))[0]!;
  }

  private async staffGroup(ctx: RequestContext, groupId: string): Promise<GroupRow> {
    const [g] = await this.db.select().from(assignmentGroups).where(eq(assignmentGroups.id, groupId));
    if (!g || g.organizationId !== ctx.membership?.orgId) throw new NotFound('Group');
    await this.access.staffCourse(ctx, g.courseId);
    return g;
  }

  /** Renames the group and replaces its members. */
  async update(ctx: RequestContext, groupId: string, body: z.output<typeof PutGroup>): Promise<z.input<typeof Group>> {
    const g = await this.staffGroup(ctx, groupId);
    await this.checkMembers(g.organizationId, g.courseId, body.memberIds);
    const row = await inTransaction(this.db, async (tx) => {
      await this.checkName(tx, g.courseId, body.name, g.id);
      const [u] = await tx.update(assignmentGroups).set({ name: body.name, updatedAt: new Date() }).where(eq(assignmentGroups.id, g.id)).returning();
      await tx.delete(assignmentGroupMembers).where(eq(assignmentGroupMembers.groupId, g.id));
      await this.setMembers(tx, u!, body.memberIds);
      return u!;
    });
    return (await this.presentMany([row]))[0]!;
  }

  async remove(ctx: RequestContext, groupId: string): Promise<void> {
    const g = await this.staffGroup(ctx, groupId);
    const [used] = await this.db.select({ id: assignmentSubmissions.id }).from(assignmentSubmissions).where(eq(assignmentSubmissions.groupId, g.id)).limit(1);
    if (used) throw new Conflict('The group has submitted work: it cannot be deleted.', 'group_has_submissions');
    await this.db.delete(assignmentGroups).where(eq(assignmentGroups.id, g.id));
  }

  /** Members are learners enrolled in the course (public courses have learners from outside) or members of its organization. */
  private async checkMembers(orgId: string, courseId: string, ids: readonly string[]): Promise<void> {
    if (new Set(ids).size !== ids.length) throw new Invalid('A member is listed twice.', [{ field: 'body.memberIds', message: 'duplicate member' }]);
    if (ids.length === 0) return;
    const lessons = await this.access.courses.getLiveLessons(courseId);
    for (const [i, id] of ids.entries()) {
      const enrolled = lessons[0] ? (await this.access.learners.lessonAccess(id, courseId, lessons[0].id)).enrollmentId !== null : false;
      if (!enrolled && !(await this.identity.membershipFor(id, orgId))) {
        throw new Invalid('Members must be learners of this course.', [{ field: `body.memberIds.${i}`, message: 'not enrolled in this course' }], 'not_a_learner');
      }
    }
  }

  private async checkName(tx: Tx, courseId: string, name: string, except: string | null): Promise<void> {
    const [dup] = await tx
      .select({ id: assignmentGroups.id })
      .from(assignmentGroups)
      .where(and(eq(assignmentGroups.courseId, courseId), eq(assignmentGroups.name, name), except ? ne(assignmentGroups.id, except) : undefined));
    if (dup) throw new Conflict(`A group named "${name}" exists already.`, 'group_name_taken');
  }

  private async setMembers(tx: Tx, g: GroupRow, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const taken = await tx
      .select({ userId: assignmentGroupMembers.userId })
      .from(assignmentGroupMembers)
      .where(and(eq(assignmentGroupMembers.courseId, g.courseId), inArray(assignmentGroupMembers.userId, [...ids]), ne(assignmentGroupMembers.groupId, g.id)));
    if (taken.length) {
      throw new Conflict('A learner can be in one group per course; remove them from their other group first.', 'already_in_group', { userIds: taken.map((t) => t.userId) });
    }
    await tx.insert(assignmentGroupMembers).values(ids.map((userId) => ({ groupId: g.id, courseId: g.courseId, userId })));
  }

  private async presentMany(rows: GroupRow[]): Promise<z.input<typeof Group>[]> {
    if (rows.length === 0) return [];
    const members = await this.db.select().from(assignmentGroupMembers).where(inArray(assignmentGroupMembers.groupId, rows.map((r) => r.id)));
    const names = await this.access.names(members.map((m) => m.userId));
    return rows.map((g) => ({
      id: g.id,
      courseId: g.courseId,
      name: g.name,
      members: members
        .filter((m) => m.groupId === g.id)
        .map((m) => ({ userId: m.userId, name: names.get(m.userId) ?? '' }))
        .sort((x, y) => x.name.localeCompare(y.name)),
      createdAt: g.createdAt.toISOString(),
    }));
  }
}
