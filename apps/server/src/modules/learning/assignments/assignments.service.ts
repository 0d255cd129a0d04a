import { Inject, Injectable } from '@nestjs/common';
import { and, eq, inArray, notExists, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import { type RequestContext, requireUser } from '../../../kernel/auth/index.js';
import { inTransaction } from '../../../kernel/db/index.js';
import { Conflict, Invalid, NotFound } from '../../../kernel/errors/index.js';
import { JobsService } from '../../../kernel/jobs/index.js';
import { STORAGE, type Storage, UploadService } from '../../../kernel/storage/index.js';
import { renderMarkdown } from '../courses/index.js';
import { type AssignmentRow, AssignmentsAccess } from './assignments.access.js';
import type { Assignment, AssignmentFile, CreateVersion, PutAssignment, Submission } from './assignments.dto.js';
import { AssignPeerReviewsJob } from './assignments.jobs.js';
import { assignmentFiles, assignments, assignmentSubmissions, assignmentVersionFiles, assignmentVersions, type RubricCriterion } from './assignments.schema.js';
import { lateness } from './grading.rules.js';

/**
 * Assignment setup on `assignment` lessons and the learner's side: uploads, submissions (every
 * one a new version) and their own submission, with grade and feedback once released.
 */
@Injectable()
export class AssignmentsService {
  constructor(
    private readonly access: AssignmentsAccess,
    private readonly uploads: UploadService,
    private readonly jobs: JobsService,
    @Inject(STORAGE) private readonly storage: Storage,
  ) {}

  private get db() {
    return this.access.db;
  }

  async put(ctx: RequestContext, courseId: string, lessonId: string, body: z.output<typeof PutAssignment>): Promise<z.input<typeof Assignment>> {
    const course = await this.access.staffCourse(ctx, courseId);
    const lesson = await this.access.courses.getDraftLessonRef(courseId, lessonId);
    if (!lesson) throw new NotFound('Lesson');
    if (lesson.type !== 'assignment') throw new Invalid(`The lesson is a ${lesson.type} lesson; assignments belong to assignment lessons.`, [], 'not_an_assignment_lesson');
    const userId = ctx.actor!.userId;
    // criteria and levels keep their ids across saves, so grades already given still point at them
    const rubric: RubricCriterion[] = body.rubric.map((c) => ({
      id: c.id ?? uuidv7(),
      title: c.title,
      description: c.description,
      levels: c.levels.map((l) => ({ id: l.id ?? uuidv7(), title: l.title, description: l.description, points: l.points })),
    }));
    const ids = rubric.flatMap((c) => [c.id, ...c.levels.map((l) => l.id)]);
    if (new Set(ids).size !== ids.length) throw new Invalid('Rubric criteria and levels need distinct ids.', [{ field: 'body.rubric', message: 'duplicate id' }], 'rubric_duplicate_id');
    await inTransaction(this.db, async (tx) => {
      const [existing] = await tx.select().from(assignments).where(eq(assignments.lessonId, lessonId)).for('update');
      if (existing && existing.mode !== body.mode) {
        const [n] = await tx.select({ n: sql<number>`count(*)::int` }).from(assignmentSubmissions).where(eq(assignmentSubmissions.assignmentId, existing.id));
        if ((n?.n ?? 0) > 0) throw new Conflict('Learners have submitted already: the assignment cannot switch between individual and group.', 'mode_locked');
      }
      const values = {
        instructions: body.instructions,
        dueAt: body.dueAt ? new Date(body.dueAt) : null,
        latePenaltyPerDay: body.latePenaltyPerDay,
        cutoffAt: body.cutoffAt ? new Date(body.cutoffAt) : null,
        allowText: body.allowText,
        allowedFileTypes: body.allowedFileTypes,
        maxFileBytes: body.maxFileBytes,
        maxFiles: body.maxFiles,
        mode: body.mode,
        pointsPossible: body.pointsPossible,
        rubric,
        anonymousGrading: body.anonymousGrading,
        peerReviewCount: body.peerReviewCount,
        passingPercent: body.passingPercent,
        updatedBy: userId,
      };
      const [row] = await tx
        .insert(assignments)
        .values({ organizationId: course.organizationId, courseId, lessonId, ...values })
        .onConflictDoUpdate({ target: assignments.lessonId, set: { ...values, updatedAt: new Date() } })
        .returning();
      // peers are assigned when the due date passes (the job checks again when it runs)
      if (row!.peerReviewCount > 0 && row!.dueAt) {
        await this.jobs.enqueue(tx, AssignPeerReviewsJob, { assignmentId: row!.id }, { runAt: row!.dueAt, jobKey: `assignment-peers:${row!.id}` });
      }
    });
    return this.get(ctx, courseId, lessonId);
  }

  async get(ctx: RequestContext, courseId: string, lessonId: string): Promise<z.input<typeof Assignment>> {
    const { staff } = await this.access.lessonAccess(ctx, courseId, lessonId);
    return this.present(await this.access.assignmentOf(courseId, lessonId), staff);
  }

  present(a: AssignmentRow, staff: boolean): z.input<typeof Assignment> {
    return {
      id: a.id,
      courseId: a.courseId,
      lessonId: a.lessonId,
      instructions: a.instructions,
      instructionsHtml: renderMarkdown(a.instructions),
      dueAt: a.dueAt?.toISOString() ?? null,
      latePenaltyPerDay: a.latePenaltyPerDay,
      cutoffAt: a.cutoffAt?.toISOString() ?? null,
      allowText: a.allowText,
      allowedFileTypes: a.allowedFileTypes,
      maxFileBytes: a.maxFileBytes,
      maxFiles: a.maxFiles,
      mode: a.mode,
      pointsPossible: a.pointsPossible,
      rubric: a.rubric,
      anonymousGrading: a.anonymousGrading,
      peerReviewCount: a.peerReviewCount,
      passingPercent: a.passingPercent,
      peerReviewsAssignedAt: a.peerReviewsAssignedAt?.toISOString() ?? null,
      canGrade: staff,
      updatedAt: a.updatedAt.toISOString(),
    };
  }

  private refuseAfterCutoff(a: AssignmentRow): void {
    if (a.cutoffAt && this.access.now().getTime() > a.cutoffAt.getTime()) {
      throw new Conflict('The deadline for this assignment has passed: submissions are closed.', 'submissions_closed');
    }
  }

  /** Receives one file (multipart field `file`) for a later submission; type sniffed from the bytes, size and count enforced. */
  async upload(ctx: RequestContext, courseId: string, lessonId: string, req: FastifyRequest): Promise<z.input<typeof AssignmentFile>> {
    const { course } = await this.access.lessonAccess(ctx, courseId, lessonId);
    const a = await this.access.assignmentOf(courseId, lessonId);
    const userId = ctx.actor!.userId;
    if (a.maxFiles === 0) throw new Invalid('This assignment does not take files.', [], 'files_not_accepted');
    this.refuseAfterCutoff(a);
    const pending = await this.pendingFiles(a.id, userId);
    if (pending.length >= a.maxFiles * 2) throw new Conflict(`You have ${pending.length} files waiting: submit or remove some first.`, 'too_many_pending_files');
    const file = await this.uploads.receive(req, { allowed: a.allowedFileTypes, maxBytes: a.maxFileBytes, keyPrefix: `org/${course.organizationId}/assignments/${a.id}` });
    const [row] = await this.db
      .insert(assignmentFiles)
      .values({ organizationId: a.organizationId, assignmentId: a.id, uploadedBy: userId, storageKey: file.key, name: file.originalName, contentType: file.contentType, size: file.size, sha256: file.sha256 })
      .returning();
    return this.access.presentFile(row!, userId);
  }

  /** Files this user uploaded that no version has taken yet. */
  private pendingFiles(assignmentId: string, userId: string) {
    return this.db
      .select()
      .from(assignmentFiles)
      .where(
        and(
          eq(assignmentFiles.assignmentId, assignmentId),
          eq(assignmentFiles.uploadedBy, userId),
          notExists(this.db.select({ x: sql`1` }).from(assignmentVersionFiles).where(eq(assignmentVersionFiles.fileId, assignmentFiles.id))),
        ),
      );
  }

  /** The submission this learner writes into: their own, or their group's (group assignments). */
  private async owner(a: AssignmentRow, userId: string): Promise<{ userId: string | null; groupId: string | null; groupName: string | null }> {
    if (a.mode === 'individual') return { userId, groupId: null, groupName: null };
    const g = await this.access.groupOf(a.courseId, userId);
    return { userId: null, groupId: g?.id ?? null, groupName: g?.name ?? null };
  }

  /** Submits (or resubmits) text and files: a new version each time; late ones carry the penalty, after the cutoff 409. */
  async submit(ctx: RequestContext, courseId: string, lessonId: string, body: z.output<typeof CreateVersion>): Promise<z.input<typeof Submission>> {
    await this.access.lessonAccess(ctx, courseId, lessonId);
    const a = await this.access.assignmentOf(courseId, lessonId);
    const userId = ctx.actor!.userId;
    const text = body.text.trim() === '' ? '' : body.text;
    if (text && !a.allowText) throw new Invalid('This assignment takes files only.', [{ field: 'body.text', message: 'text is not accepted' }], 'text_not_accepted');
    if (body.fileIds.length > a.maxFiles) {
      throw new Invalid(`At most ${a.maxFiles} files.`, [{ field: 'body.fileIds', message: `at most ${a.maxFiles} files` }], 'too_many_files');
    }
    if (new Set(body.fileIds).size !== body.fileIds.length) throw new Invalid('A file is listed twice.', [{ field: 'body.fileIds', message: 'duplicate file' }]);
    if (!text && body.fileIds.length === 0) throw new Invalid('Write something or attach a file.', [{ field: 'body.text', message: 'empty submission' }], 'empty_submission');
    const owner = await this.owner(a, userId);
    if (a.mode === 'group' && !owner.groupId) throw new Conflict('This is a group assignment and you are in no group yet: ask your instructor.', 'no_group');
    const now = this.access.now();
    this.refuseAfterCutoff(a);
    const late = lateness(a, now);
    const submissionId = await inTransaction(this.db, async (tx) => {
      // one writer per assignment at a time: anonymous numbers and version numbers stay dense
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${'assignment:' + a.id}))`);
      const ownerCond = owner.userId ? eq(assignmentSubmissions.userId, owner.userId) : eq(assignmentSubmissions.groupId, owner.groupId!);
      let [s] = await tx.select().from(assignmentSubmissions).where(and(eq(assignmentSubmissions.assignmentId, a.id), ownerCond));
      if (!s) {
        const [max] = await tx.select({ n: sql<number>`coalesce(max(${assignmentSubmissions.anonNumber}), 0)::int` }).from(assignmentSubmissions).where(eq(assignmentSubmissions.assignmentId, a.id));
        [s] = await tx
          .insert(assignmentSubmissions)
          .values({ organizationId: a.organizationId, courseId, lessonId, assignmentId: a.id, userId: owner.userId, groupId: owner.groupId, anonNumber: (max?.n ?? 0) + 1 })
          .returning();
      }
      // files: this user's pending uploads, or files of an earlier version of this submission (kept)
      if (body.fileIds.length) {
        const files = await tx.select().from(assignmentFiles).where(and(inArray(assignmentFiles.id, body.fileIds), eq(assignmentFiles.assignmentId, a.id)));
        const attached = await tx
          .select({ fileId: assignmentVersionFiles.fileId, submissionId: assignmentVersions.submissionId })
          .from(assignmentVersionFiles)
          .innerJoin(assignmentVersions, eq(assignmentVersions.id, assignmentVersionFiles.versionId))
          .where(inArray(assignmentVersionFiles.fileId, body.fileIds));
        for (const id of body.fileIds) {
          const f = files.find((x) => x.id === id);
          const uses = attached.filter((x) => x.fileId === id);
          const ok = f && (uses.length === 0 ? f.uploadedBy === userId : uses.every((u) => u.submissionId === s!.id));
          if (!ok) throw new Invalid('A file is not one you uploaded for this assignment.', [{ field: 'body.fileIds', message: `unknown file ${id}` }], 'unknown_file');
        }
      }
      const number = s!.versionCount + 1;
      const [v] = await tx
        .insert(assignmentVersions)
        .values({ submissionId: s!.id, number, text, submittedBy: userId, submittedAt: now, ...late })
        .returning();
      if (body.fileIds.length) await tx.insert(assignmentVersionFiles).values(body.fileIds.map((fileId, position) => ({ versionId: v!.id, fileId, position })));
      await tx.update(assignmentSubmissions).set({ versionCount: number, lastSubmittedAt: now, updatedAt: now }).where(eq(assignmentSubmissions.id, s!.id));
      // reviewers were handed out already: a first submission arriving now gets its N reviewers too
      if (number === 1 && a.peerReviewCount > 0 && a.peerReviewsAssignedAt) {
        await this.jobs.enqueue(tx, AssignPeerReviewsJob, { assignmentId: a.id }, { jobKey: `assignment-peers-late:${a.id}` });
      }
      return s!.id;
    });
    const [row] = await this.db.select().from(assignmentSubmissions).where(eq(assignmentSubmissions.id, submissionId));
    return this.access.present(a, row!, 'learner', userId);
  }

  /** The caller's own (or group's) submission, null before the first one; grade and feedback only once released. */
  async mine(ctx: RequestContext, courseId: string, lessonId: string) {
    const u = requireUser(ctx);
    await this.access.lessonAccess(ctx, courseId, lessonId);
    const a = await this.access.assignmentOf(courseId, lessonId);
    const owner = await this.owner(a, u.actor.userId);
    const pending = await this.pendingFiles(a.id, u.actor.userId);
    const files = pending.map((f) => this.access.presentFile(f, u.actor.userId));
    const group = owner.groupId ? { id: owner.groupId, name: owner.groupName! } : null;
    if (!owner.userId && !owner.groupId) return { submission: null, group, pendingFiles: files };
    const ownerCond = owner.userId ? eq(assignmentSubmissions.userId, owner.userId) : eq(assignmentSubmissions.groupId, owner.groupId!);
    const [s] = await this.db.select().from(assignmentSubmissions).where(and(eq(assignmentSubmissions.assignmentId, a.id), ownerCond));
    return { submission: s ? await this.access.present(a, s, 'learner', u.actor.userId) : null, group, pendingFiles: files };
  }

  /** Removes one of the caller's pending uploads (not yet part of a version). */
  async discardFile(ctx: RequestContext, courseId: string, lessonId: string, fileId: string): Promise<void> {
    await this.access.lessonAccess(ctx, courseId, lessonId);
    const a = await this.access.assignmentOf(courseId, lessonId);
    const pending = await this.pendingFiles(a.id, ctx.actor!.userId);
    const f = pending.find((x) => x.id === fileId);
    if (!f) throw new NotFound('File');
    await this.db.delete(assignmentFiles).where(eq(assignmentFiles.id, f.id));
    await this.storage.delete(f.storageKey).catch(() => undefined);
  }
}
