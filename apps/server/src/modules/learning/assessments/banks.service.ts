import { Inject, Injectable } from '@nestjs/common';
import { and, count, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { can, type RequestContext, requireOrg } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx, inTransaction } from '../../../kernel/db/index.js';
import { Conflict, Forbidden, NotFound } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { CoursesService } from '../courses/index.js';
import type { BankInput, BankQuestion, KeyChange, QuestionBank, QuestionBody } from './assessments.dto.js';
import { RegradeQuestionJob } from './assessments.jobs.js';
import { bankQuestions, questionBanks, questionKeyChanges, quizzes } from './assessments.schema.js';
import { answerKey, sameKey } from './grading.js';

type BankRow = typeof questionBanks.$inferSelect;
type QuestionRow = typeof bankQuestions.$inferSelect;

/**
 * Question banks and their questions. A course bank is managed by whoever may edit the course; an
 * organization bank by members with `course.update`. Another organization's banks do not exist
 * (404).
 */
@Injectable()
export class BanksService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly courses: CoursesService,
    private readonly jobs: JobsService,
  ) {}

  private async editableCourse(ctx: RequestContext, courseId: string) {
    const o = requireOrg(ctx);
    const course = await this.courses.getCourseInfo(courseId);
    if (!course || course.organizationId !== o.membership.orgId) throw new NotFound('Course');
    if (!this.courses.canEditCourse(ctx, course)) throw new Forbidden('You may not edit this course.', 'missing_permission');
    return course;
  }

  /** The bank if the caller may manage it. */
  async manageableBank(ctx: RequestContext, bankId: string, db: DbOrTx = this.db): Promise<BankRow> {
    const o = requireOrg(ctx);
    const [bank] = await db
      .select()
      .from(questionBanks)
      .where(and(eq(questionBanks.id, bankId), eq(questionBanks.organizationId, o.membership.orgId)));
    if (!bank) throw new NotFound('Question bank');
    if (bank.courseId) await this.editableCourse(ctx, bank.courseId);
    else if (!can(ctx, 'course.update')) throw new Forbidden('You need the "course.update" permission for organization banks.', 'missing_permission');
    return bank;
  }

  /** May a quiz of `courseId` draw from this bank? Its own course's banks and the organization's. */
  usableInCourse(bank: BankRow, courseId: string, orgId: string): boolean {
    return bank.organizationId === orgId && (bank.courseId === null || bank.courseId === courseId);
  }

  async createCourseBank(ctx: RequestContext, courseId: string, body: z.output<typeof BankInput>): Promise<z.input<typeof QuestionBank>> {
    const course = await this.editableCourse(ctx, courseId);
    const [row] = await this.db
      .insert(questionBanks)
      .values({ organizationId: course.organizationId, courseId, name: body.name, description: body.description, createdBy: ctx.actor!.userId })
      .returning();
    return this.presentBank(row!, 0, []);
  }

  async createOrgBank(ctx: RequestContext, body: z.output<typeof BankInput>): Promise<z.input<typeof QuestionBank>> {
    const o = requireOrg(ctx);
    if (!can(ctx, 'course.update')) throw new Forbidden('You need the "course.update" permission for organization banks.', 'missing_permission');
    const [row] = await this.db
      .insert(questionBanks)
      .values({ organizationId: o.membership.orgId, courseId: null, name: body.name, description: body.description, createdBy: o.actor.userId })
      .returning();
    return this.presentBank(row!, 0, []);
  }

  /** A course's banks, then the organization's when the caller may use them. */
  async listCourseBanks(ctx: RequestContext, courseId: string): Promise<{ items: z.input<typeof QuestionBank>[] }> {
    const course = await this.editableCourse(ctx, courseId);
    const rows = await this.db
      .select()
      .from(questionBanks)
      .where(
        and(
          eq(questionBanks.organizationId, course.organizationId),
          can(ctx, 'course.update') ? sql`(${questionBanks.courseId} = ${courseId} OR ${questionBanks.courseId} IS NULL)` : eq(questionBanks.courseId, courseId),
        ),
      )
      .orderBy(sql`${questionBanks.courseId} IS NULL`, questionBanks.name);
    return { items: await this.presentBanks(rows) };
  }

  async listOrgBanks(ctx: RequestContext): Promise<{ items: z.input<typeof QuestionBank>[] }> {
    const o = requireOrg(ctx);
    if (!can(ctx, 'course.update')) throw new Forbidden('You need the "course.update" permission for organization banks.', 'missing_permission');
    const rows = await this.db
      .select()
      .from(questionBanks)
      .where(and(eq(questionBanks.organizationId, o.membership.orgId), isNull(questionBanks.courseId)))
      .orderBy(questionBanks.name);
    return { items: await this.presentBanks(rows) };
  }

  async getBank(ctx: RequestContext, bankId: string): Promise<z.input<typeof QuestionBank>> {
    const bank = await this.manageableBank(ctx, bankId);
    return (await this.presentBanks([bank]))[0]!;
  }

  async updateBank(ctx: RequestContext, bankId: string, body: Partial<z.output<typeof BankInput>>): Promise<z.input<typeof QuestionBank>> {
    await this.manageableBank(ctx, bankId);
    const [row] = await this.db
      .update(questionBanks)
      .set({ ...(body.name !== undefined && { name: body.name }), ...(body.description !== undefined && { description: body.description }), updatedAt: new Date() })
      .where(eq(questionBanks.id, bankId))
      .returning();
    return (await this.presentBanks([row!]))[0]!;
  }

  async deleteBank(ctx: RequestContext, bankId: string): Promise<void> {
    const bank = await this.manageableBank(ctx, bankId);
    await inTransaction(this.db, async (tx) => {
      const used = await tx
        .select({ id: quizzes.id })
        .from(quizzes)
        .where(and(eq(quizzes.organizationId, bank.organizationId), sql`${quizzes.items} @> ${JSON.stringify([{ kind: 'draw', bankId }])}::jsonb`))
        .limit(1);
      if (used.length) throw new Conflict('A quiz draws questions from this bank; change the quiz first.', 'bank_in_use');
      const ids = await tx.select({ id: bankQuestions.id }).from(bankQuestions).where(eq(bankQuestions.bankId, bankId));
      for (const { id } of ids) await this.assertQuestionUnused(tx, bank.organizationId, id);
      await tx.delete(questionBanks).where(eq(questionBanks.id, bankId));
    });
  }

  private async presentBanks(rows: BankRow[]): Promise<z.input<typeof QuestionBank>[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const counts = await this.db
      .select({ bankId: bankQuestions.bankId, n: count() })
      .from(bankQuestions)
      .where(sql`${bankQuestions.bankId} IN ${ids}`)
      .groupBy(bankQuestions.bankId);
    const tagRows = await this.db
      .selectDistinct({ bankId: bankQuestions.bankId, tag: sql<string>`unnest(${bankQuestions.tags})` })
      .from(bankQuestions)
      .where(sql`${bankQuestions.bankId} IN ${ids}`);
    const nBy = new Map(counts.map((c) => [c.bankId, c.n]));
    const tagsBy = new Map<string, string[]>();
    for (const t of tagRows) tagsBy.set(t.bankId, [...(tagsBy.get(t.bankId) ?? []), t.tag]);
    return rows.map((r) => this.presentBank(r, nBy.get(r.id) ?? 0, (tagsBy.get(r.id) ?? []).sort()));
  }

  private presentBank(r: BankRow, questionCount: number, tags: string[]): z.input<typeof QuestionBank> {
    return {
      id: r.id,
      courseId: r.courseId,
      scope: r.courseId ? 'course' : 'organization',
      name: r.name,
      description: r.description,
      questionCount,
      tags,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  }

  // ---- questions ----

  async listQuestions(
    ctx: RequestContext,
    bankId: string,
    q: { limit: number; cursor?: string; tag?: string; type?: QuestionRow['type']; q?: string },
  ): Promise<Page<z.input<typeof BankQuestion>>> {
    await this.manageableBank(ctx, bankId);
    const cursor = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(bankQuestions)
      .where(
        and(
          eq(bankQuestions.bankId, bankId),
          q.tag ? sql`${bankQuestions.tags} @> ARRAY[${q.tag}]::text[]` : undefined,
          q.type ? eq(bankQuestions.type, q.type) : undefined,
          q.q ? sql`lower(${bankQuestions.prompt}) LIKE ${'%' + q.q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%'}` : undefined,
          cursor ? lt(bankQuestions.id, String(cursor[0])) : undefined,
        ),
      )
      .orderBy(desc(bankQuestions.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.id], (r) => this.presentQuestion(r));
  }

  async createQuestion(ctx: RequestContext, bankId: string, body: z.output<typeof QuestionBody>): Promise<z.input<typeof BankQuestion>> {
    const bank = await this.manageableBank(ctx, bankId);
    const [row] = await this.db
      .insert(bankQuestions)
      .values({
        organizationId: bank.organizationId,
        bankId,
        type: body.question.type,
        prompt: body.question.prompt,
        tags: [...new Set(body.tags)],
        data: body.question,
        updatedBy: ctx.actor!.userId,
      })
      .returning();
    return this.presentQuestion(row!);
  }

  async getQuestion(ctx: RequestContext, bankId: string, questionId: string): Promise<z.input<typeof BankQuestion>> {
    await this.manageableBank(ctx, bankId);
    return this.presentQuestion(await this.questionRow(this.db, bankId, questionId));
  }

  private async questionRow(db: DbOrTx, bankId: string, questionId: string, forUpdate = false): Promise<QuestionRow> {
    const base = db
      .select()
      .from(bankQuestions)
      .where(and(eq(bankQuestions.id, questionId), eq(bankQuestions.bankId, bankId)));
    const [row] = forUpdate ? await base.for('update') : await base;
    if (!row) throw new NotFound('Question');
    return row;
  }

  /**
   * Replaces a question. When its answer key changes, the change is audited and a job regrades the
   * attempts that contain it. Its type cannot change (answers already given would not fit).
   */
  async updateQuestion(ctx: RequestContext, bankId: string, questionId: string, body: z.output<typeof QuestionBody>): Promise<z.input<typeof BankQuestion>> {
    const bank = await this.manageableBank(ctx, bankId);
    const userId = ctx.actor!.userId;
    const row = await inTransaction(this.db, async (tx) => {
      const old = await this.questionRow(tx, bankId, questionId, true);
      if (old.type !== body.question.type) {
        throw new Conflict(`A ${old.type} question cannot become a ${body.question.type} question; create a new question instead.`, 'question_type_change');
      }
      const [updated] = await tx
        .update(bankQuestions)
        .set({ prompt: body.question.prompt, tags: [...new Set(body.tags)], data: body.question, version: old.version + 1, updatedBy: userId, updatedAt: new Date() })
        .where(eq(bankQuestions.id, questionId))
        .returning();
      if (!sameKey(old.data, body.question)) {
        const [change] = await tx
          .insert(questionKeyChanges)
          .values({ organizationId: bank.organizationId, bankId, questionId, changedBy: userId, oldKey: answerKey(old.data), newKey: answerKey(body.question) })
          .returning();
        await this.jobs.enqueue(tx, RegradeQuestionJob, { changeId: change!.id });
      }
      return updated!;
    });
    return this.presentQuestion(row);
  }

  private async assertQuestionUnused(tx: DbOrTx, orgId: string, questionId: string): Promise<void> {
    const used = await tx
      .select({ id: quizzes.id })
      .from(quizzes)
      .where(and(eq(quizzes.organizationId, orgId), sql`${quizzes.items} @> ${JSON.stringify([{ kind: 'question', questionId }])}::jsonb`))
      .limit(1);
    if (used.length) throw new Conflict('A quiz lists this question; remove it from the quiz first.', 'question_in_use');
  }

  /** Attempts keep their frozen copy; a quiz that lists the question explicitly blocks the delete. */
  async deleteQuestion(ctx: RequestContext, bankId: string, questionId: string): Promise<void> {
    const bank = await this.manageableBank(ctx, bankId);
    await inTransaction(this.db, async (tx) => {
      await this.questionRow(tx, bankId, questionId, true);
      await this.assertQuestionUnused(tx, bank.organizationId, questionId);
      await tx.delete(bankQuestions).where(eq(bankQuestions.id, questionId));
    });
  }

  async listKeyChanges(ctx: RequestContext, bankId: string, q: { limit: number; cursor?: string }): Promise<Page<z.input<typeof KeyChange>>> {
    const bank = await this.manageableBank(ctx, bankId);
    const cursor = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(questionKeyChanges)
      .where(
        and(
          eq(questionKeyChanges.organizationId, bank.organizationId),
          eq(questionKeyChanges.bankId, bankId),
          cursor ? lt(questionKeyChanges.id, String(cursor[0])) : undefined,
        ),
      )
      .orderBy(desc(questionKeyChanges.id))
      .limit(q.limit + 1);
    return toPage(
      rows,
      q.limit,
      (r) => [r.id],
      (r) => ({
        id: r.id,
        questionId: r.questionId,
        changedBy: r.changedBy,
        changedAt: r.changedAt.toISOString(),
        oldKey: r.oldKey,
        newKey: r.newKey,
        attemptsAffected: r.attemptsAffected,
        regradedAt: r.regradedAt?.toISOString() ?? null,
      }),
    );
  }

  /** Questions by id within one organization (for building quizzes and attempts). */
  async questionsByIds(db: DbOrTx, orgId: string, ids: string[]): Promise<QuestionRow[]> {
    if (!ids.length) return [];
    return db
      .select()
      .from(bankQuestions)
      .where(and(eq(bankQuestions.organizationId, orgId), sql`${bankQuestions.id} IN ${ids}`));
  }

  async bankRows(db: DbOrTx, orgId: string, ids: string[]): Promise<BankRow[]> {
    if (!ids.length) return [];
    return db
      .select()
      .from(questionBanks)
      .where(and(eq(questionBanks.organizationId, orgId), sql`${questionBanks.id} IN ${ids}`));
  }

  /** A bank's questions (optionally with a tag), for "draw N from bank X with tag Y". */
  async poolOf(db: DbOrTx, bankId: string, tag?: string | null): Promise<QuestionRow[]> {
    return db
      .select()
      .from(bankQuestions)
      .where(and(eq(bankQuestions.bankId, bankId), tag ? sql`${bankQuestions.tags} @> ARRAY[${tag}]::text[]` : undefined))
      .orderBy(bankQuestions.id);
  }

  presentQuestion(r: QuestionRow): z.input<typeof BankQuestion> {
    return {
      id: r.id,
      bankId: r.bankId,
      type: r.type,
      tags: r.tags,
      version: r.version,
      question: r.data,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    };
  }
}
