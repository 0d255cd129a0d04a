import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, inArray, isNotNull, isNull, lt, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { type RequestContext, requireOrg } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx, inTransaction } from '../../../kernel/db/index.js';
import { Invalid, NotFound } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { CoursesService } from '../../learning/courses/index.js';
import type { CreatePlan, Plan, UpdatePlan } from './billing.dto.js';
import { requireBillingAdmin } from './billing.policy.js';
import { billingPlans, type PlanRow } from './billing.schema.js';

export type PlanView = z.infer<typeof Plan>;

export function presentPlan(p: PlanRow): PlanView {
  return {
    id: p.id,
    organizationId: p.organizationId,
    name: p.name,
    description: p.description,
    interval: p.interval,
    prices: p.prices,
    trialDays: p.trialDays,
    scope: p.scope,
    courseIds: p.courseIds,
    archived: p.archivedAt !== null,
    createdAt: p.createdAt.toISOString(),
  };
}

/** Subscription plans: organization admins create, edit and archive; every member sees the live ones. */
@Injectable()
export class PlansService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly courses: CoursesService,
  ) {}

  async create(ctx: RequestContext, input: z.infer<typeof CreatePlan>): Promise<PlanView> {
    const o = requireBillingAdmin(ctx);
    const courseIds = input.scope === 'catalog' ? [] : await this.checkCourses(o.membership.orgId, input.courseIds);
    const [row] = await this.db
      .insert(billingPlans)
      .values({
        organizationId: o.membership.orgId,
        name: input.name,
        description: input.description,
        interval: input.interval,
        prices: input.prices,
        trialDays: input.trialDays,
        scope: input.scope,
        courseIds,
        createdBy: o.actor.userId,
      })
      .returning();
    return presentPlan(row!);
  }

  async update(ctx: RequestContext, id: string, input: z.infer<typeof UpdatePlan>): Promise<PlanView> {
    const o = requireBillingAdmin(ctx);
    return inTransaction(this.db, async (tx) => {
      const plan = await this.lock(tx, o.membership.orgId, id);
      const scope = input.scope ?? plan.scope;
      const ids = input.courseIds ?? plan.courseIds;
      if (scope === 'courses' && ids.length === 0) throw new Invalid('A plan of courses needs at least one course.', [{ field: 'body.courseIds', message: 'empty' }]);
      const courseIds = scope === 'catalog' ? [] : await this.checkCourses(o.membership.orgId, ids, tx);
      const [row] = await tx
        .update(billingPlans)
        .set({
          name: input.name ?? plan.name,
          description: input.description ?? plan.description,
          prices: input.prices ?? plan.prices,
          trialDays: input.trialDays ?? plan.trialDays,
          scope,
          courseIds,
        })
        .where(eq(billingPlans.id, plan.id))
        .returning();
      return presentPlan(row!);
    });
  }

  /** Archived plans take no new subscribers; existing subscriptions keep renewing. */
  async setArchived(ctx: RequestContext, id: string, archived: boolean): Promise<PlanView> {
    const o = requireBillingAdmin(ctx);
    return inTransaction(this.db, async (tx) => {
      const plan = await this.lock(tx, o.membership.orgId, id);
      const [row] = await tx
        .update(billingPlans)
        .set({ archivedAt: archived ? (plan.archivedAt ?? new Date()) : null })
        .where(eq(billingPlans.id, plan.id))
        .returning();
      return presentPlan(row!);
    });
  }

  /** Members see the live plans; billing admins may list archived ones too. */
  async list(ctx: RequestContext, q: { limit: number; cursor?: string; archived?: 'true' | 'false' }): Promise<Page<PlanView>> {
    const o = requireOrg(ctx);
    const archived = q.archived === 'true';
    if (archived) requireBillingAdmin(ctx);
    const cursor = decodeCursor(q.cursor, 1);
    const where: SQL[] = [eq(billingPlans.organizationId, o.membership.orgId), archived ? isNotNull(billingPlans.archivedAt) : isNull(billingPlans.archivedAt)];
    if (cursor) where.push(lt(billingPlans.id, String(cursor[0])));
    const rows = await this.db
      .select()
      .from(billingPlans)
      .where(and(...where))
      .orderBy(desc(billingPlans.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.id], presentPlan);
  }

  async get(ctx: RequestContext, id: string): Promise<PlanView> {
    const o = requireOrg(ctx);
    return presentPlan(await this.find(this.db, o.membership.orgId, id));
  }

  /** Which of `ids` are plans of the organization (archived ones included). */
  async idsInOrg(organizationId: string, ids: string[], db: DbOrTx = this.db): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await db
      .select({ id: billingPlans.id })
      .from(billingPlans)
      .where(and(eq(billingPlans.organizationId, organizationId), inArray(billingPlans.id, ids)));
    return new Set(rows.map((r) => r.id));
  }

  async find(db: DbOrTx, organizationId: string, id: string): Promise<PlanRow> {
    const [p] = await db
      .select()
      .from(billingPlans)
      .where(and(eq(billingPlans.id, id), eq(billingPlans.organizationId, organizationId)));
    if (!p) throw new NotFound('Plan');
    return p;
  }

  private async lock(db: DbOrTx, organizationId: string, id: string): Promise<PlanRow> {
    const [p] = await db
      .select()
      .from(billingPlans)
      .where(and(eq(billingPlans.id, id), eq(billingPlans.organizationId, organizationId)))
      .for('update');
    if (!p) throw new NotFound('Plan');
    return p;
  }

  private async checkCourses(organizationId: string, ids: readonly string[], db: DbOrTx = this.db): Promise<string[]> {
    const unique = [...new Set(ids)];
    for (const [i, id] of unique.entries()) {
      const c = await this.courses.getCourseInfo(id, db);
      if (!c || c.organizationId !== organizationId) {
        throw new Invalid('Every course of a plan must be a course of this organization.', [{ field: `body.courseIds.${i}`, message: 'unknown course' }], 'unknown_course');
      }
    }
    return unique;
  }
}
