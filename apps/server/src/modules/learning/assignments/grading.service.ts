import { Injectable } from '@nestjs/common';
import { and, asc, eq, gt, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { z } from 'zod';
import { type RequestContext, requireUser } from '../../../kernel/auth/index.js';
import { inTransaction, type Tx } from '../../../kernel/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../../kernel/errors/index.js';
import { EventBus } from '../../../kernel/events/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { RealtimeService } from '../../../kernel/realtime/index.js';
import { ProgressService } from '../enrollment/index.js';
import { GradeReported } from '../learning.events.js';
import { type AssignmentRow, AssignmentsAccess, type SubmissionRow } from './assignments.access.js';
import type { Comment, CreateComment, PutGrade, Submission, SubmissionSummary } from './assignments.dto.js';
import { assignmentComments, assignmentPeerReviews, assignmentSubmissions, assignmentVersionFiles, assignmentVersions } from './assignments.schema.js';
import { rubricScore } from './grading.rules.js';

/** The realtime event each learner of a submission receives once its grade is released or changes after release. */
export const GRADE_RELEASED_EVENT = 'assignment.grade-released';
export interface GradeReleasedPush {
  courseId: string;
  lessonId: string;
  submissionId: string;
  releasedAt: string;
}

/**
 * The grader's side: the submissions of an assignment, one submission with its history, the
 * rubric grade, feedback comments and the release step that shows learners their grades and
 * reports them to the gradebook.
 */
@Injectable()
export class GradingService {
  constructor(
    private readonly access: AssignmentsAccess,
    private readonly events: EventBus,
    private readonly progress: ProgressService,
    private readonly realtime: RealtimeService,
  ) {}

  /** Tells the learners of released submissions, after the transaction committed, so what they fetch is there. */
  private pushReleased(released: { s: SubmissionRow; members: string[] }[]): void {
    for (const { s, members } of released) {
      const data: GradeReleasedPush = { courseId: s.courseId, lessonId: s.lessonId, submissionId: s.id, releasedAt: s.releasedAt!.toISOString() };
      for (const userId of members) this.realtime.toUser(userId, GRADE_RELEASED_EVENT, data);
    }
  }

  private get db() {
    return this.access.db;
  }

  /** A submission whose course the caller teaches (404 for anyone else, 403 for members without the right). */
  private async staffSubmission(ctx: RequestContext, submissionId: string): Promise<{ a: AssignmentRow; s: SubmissionRow }> {
    requireUser(ctx);
    const [s] = await this.db.select().from(assignmentSubmissions).where(eq(assignmentSubmissions.id, submissionId));
    if (!s || s.organizationId !== ctx.membership?.orgId) throw new NotFound('Submission');
    await this.access.staffCourse(ctx, s.courseId);
    return { a: await this.access.assignmentById(s.assignmentId), s };
  }

  async list(ctx: RequestContext, courseId: string, lessonId: string, q: { limit: number; cursor?: string }): Promise<Page<z.input<typeof SubmissionSummary>>> {
    await this.access.staffCourse(ctx, courseId);
    const a = await this.access.assignmentOf(courseId, lessonId);
    const cursor = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(assignmentSubmissions)
      .where(and(eq(assignmentSubmissions.assignmentId, a.id), gt(assignmentSubmissions.versionCount, 0), cursor ? gt(assignmentSubmissions.anonNumber, Number(cursor[0])) : undefined))
      .orderBy(asc(assignmentSubmissions.anonNumber))
      .limit(q.limit + 1);
    const ids = rows.map((r) => r.id);
    const reviews = ids.length ? await this.db.select().from(assignmentPeerReviews).where(inArray(assignmentPeerReviews.submissionId, ids)) : [];
    const latest = ids.length
      ? await this.db
          .select({ submissionId: assignmentVersions.submissionId, number: assignmentVersions.number, late: assignmentVersions.late })
          .from(assignmentVersions)
          .where(inArray(assignmentVersions.submissionId, ids))
      : [];
    const items: z.input<typeof SubmissionSummary>[] = [];
    for (const s of rows.slice(0, q.limit)) {
      const grade = await this.access.effectiveGrade(a, s);
      const mine = reviews.filter((r) => r.submissionId === s.id);
      const last = latest.filter((v) => v.submissionId === s.id).sort((x, y) => y.number - x.number)[0];
      const anon = this.access.anonymous(a, s, 'staff');
      items.push({
        id: s.id,
        ownerLabel: await this.access.ownerLabel(a, s, 'staff'),
        userId: anon ? null : s.userId,
        groupId: anon ? null : s.groupId,
        status: this.access.status(s, grade !== null),
        late: last?.late ?? false,
        versionCount: s.versionCount,
        lastSubmittedAt: s.lastSubmittedAt?.toISOString() ?? null,
        releasedAt: s.releasedAt?.toISOString() ?? null,
        score: grade?.score ?? null,
        maxScore: a.pointsPossible,
        peerReviewsDone: mine.filter((r) => r.submittedAt).length,
        peerReviewsAssigned: mine.length,
      });
    }
    return { items, nextCursor: toPage(rows, q.limit, (r) => [r.anonNumber], (r) => r.id).nextCursor };
  }

  async get(ctx: RequestContext, submissionId: string): Promise<z.input<typeof Submission>> {
    const { a, s } = await this.staffSubmission(ctx, submissionId);
    return this.access.present(a, s, 'staff', ctx.actor!.userId);
  }

  /** The instructor's grade: a level per rubric criterion (or points without a rubric); overrides peer reviews. */
  async grade(ctx: RequestContext, submissionId: string, body: z.output<typeof PutGrade>): Promise<z.input<typeof Submission>> {
    const { a, s } = await this.staffSubmission(ctx, submissionId);
    if (s.versionCount === 0) throw new Conflict('Nothing has been submitted yet.', 'not_submitted');
    let raw: number;
    if (a.rubric.length > 0) {
      if (body.points !== undefined) throw new Invalid('This assignment is graded with its rubric: choose levels instead of points.', [{ field: 'body.points', message: 'use the rubric' }], 'use_rubric');
      raw = rubricScore(a.rubric, body.selections);
    } else {
      if (body.points === undefined) throw new Invalid('Give the points.', [{ field: 'body.points', message: 'required' }], 'points_required');
      if (body.points > a.pointsPossible) throw new Invalid(`At most ${a.pointsPossible} points.`, [{ field: 'body.points', message: `at most ${a.pointsPossible}` }], 'points_out_of_range');
      raw = body.points;
    }
    const now = this.access.now();
    const changed = await inTransaction(this.db, async (tx) => {
      const [updated] = await tx
        .update(assignmentSubmissions)
        .set({ selections: a.rubric.length ? body.selections : {}, rawScore: raw, gradedVersion: s.versionCount, gradedBy: ctx.actor!.userId, gradedAt: now, updatedAt: now })
        .where(eq(assignmentSubmissions.id, s.id))
        .returning();
      // a grade changed after release reaches learners and the gradebook at once
      if (!updated!.releasedAt) return [];
      return [{ s: updated!, members: await this.report(tx, a, updated!) }];
    });
    this.pushReleased(changed);
    return this.get(ctx, submissionId);
  }

  async comment(ctx: RequestContext, submissionId: string, body: z.output<typeof CreateComment>): Promise<z.input<typeof Comment>> {
    const { s } = await this.staffSubmission(ctx, submissionId);
    const [v] = await this.db
      .select()
      .from(assignmentVersions)
      .where(and(eq(assignmentVersions.id, body.versionId), eq(assignmentVersions.submissionId, s.id)));
    if (!v) throw new Invalid('The version is not one of this submission.', [{ field: 'body.versionId', message: 'not a version of this submission' }], 'unknown_version');
    const row = { submissionId: s.id, versionId: v.id, authorId: ctx.actor!.userId, anchor: body.anchor, body: body.body };
    let extra: Partial<typeof assignmentComments.$inferInsert> = {};
    if (body.anchor === 'text') {
      const start = body.rangeStart!;
      const end = body.rangeEnd!;
      if (end <= start || end > v.text.length) {
        throw new Invalid(`The range must lie within the text (0 to ${v.text.length}) and not be empty.`, [{ field: 'body.rangeEnd', message: 'outside the text' }], 'bad_range');
      }
      extra = { rangeStart: start, rangeEnd: end, quote: v.text.slice(start, end) };
    } else if (body.anchor === 'file') {
      const [f] = await this.db
        .select()
        .from(assignmentVersionFiles)
        .where(and(eq(assignmentVersionFiles.versionId, v.id), eq(assignmentVersionFiles.fileId, body.fileId!)));
      if (!f) throw new Invalid('The file is not part of this version.', [{ field: 'body.fileId', message: 'not a file of this version' }], 'unknown_file');
      extra = { fileId: body.fileId };
    }
    const [c] = await this.db.insert(assignmentComments).values({ ...row, ...extra }).returning();
    const names = await this.access.names([c!.authorId]);
    return this.access.presentComment(c!, names.get(c!.authorId) ?? '');
  }

  async deleteComment(ctx: RequestContext, commentId: string): Promise<void> {
    requireUser(ctx);
    const [c] = await this.db.select().from(assignmentComments).where(eq(assignmentComments.id, commentId));
    if (!c) throw new NotFound('Comment');
    await this.staffSubmission(ctx, c.submissionId);
    if (c.authorId !== ctx.actor!.userId && !ctx.membership?.permissions.has('course.read_all')) {
      throw new Forbidden('Only its author may delete a comment.', 'not_author');
    }
    await this.db.delete(assignmentComments).where(eq(assignmentComments.id, c.id));
  }

  async releaseOne(ctx: RequestContext, submissionId: string): Promise<z.input<typeof Submission>> {
    const { a, s } = await this.staffSubmission(ctx, submissionId);
    if (!(await this.access.effectiveGrade(a, s))) throw new Conflict('Grade the submission before releasing it.', 'not_graded');
    const released = await inTransaction(this.db, (tx) => this.release(tx, a, s.id));
    if (released) this.pushReleased([released]);
    return this.get(ctx, submissionId);
  }

  /** Releases every graded submission of the assignment that is not released yet. */
  async releaseAll(ctx: RequestContext, courseId: string, lessonId: string): Promise<{ released: number }> {
    await this.access.staffCourse(ctx, courseId);
    const a = await this.access.assignmentOf(courseId, lessonId);
    const rows = await this.db
      .select()
      .from(assignmentSubmissions)
      .where(and(eq(assignmentSubmissions.assignmentId, a.id), isNull(assignmentSubmissions.releasedAt), gt(assignmentSubmissions.versionCount, 0)));
    const released = await inTransaction(this.db, async (tx) => {
      const done: { s: SubmissionRow; members: string[] }[] = [];
      for (const s of rows) {
        if (!(await this.access.effectiveGrade(a, s, tx))) continue;
        const r = await this.release(tx, a, s.id);
        if (r) done.push(r);
      }
      return done;
    });
    this.pushReleased(released);
    return { released: released.length };
  }

  /** Marks one submission released (once) and reports its grade; null when it already was. */
  private async release(tx: Tx, a: AssignmentRow, submissionId: string): Promise<{ s: SubmissionRow; members: string[] } | null> {
    const [s] = await tx
      .update(assignmentSubmissions)
      .set({ releasedAt: this.access.now() })
      .where(and(eq(assignmentSubmissions.id, submissionId), isNull(assignmentSubmissions.releasedAt)))
      .returning();
    if (!s) return null;
    return { s, members: await this.report(tx, a, s) };
  }

  /**
   * The released grade goes to the gradebook for every member (a group submission counts for each
   * of them), and a passing one completes the lesson for those enrolled.
   */
  async report(tx: Tx, a: AssignmentRow, s: SubmissionRow): Promise<string[]> {
    const grade = await this.access.effectiveGrade(a, s, tx);
    if (!grade) return [];
    const members = await this.access.membersOf(s, tx);
    for (const userId of members) {
      await this.events.emit(tx, GradeReported, {
        organizationId: s.organizationId,
        courseId: s.courseId,
        lessonId: s.lessonId,
        userId,
        source: 'assignment',
        sourceId: s.id,
        score: grade.score,
        maxScore: grade.maxScore,
        passed: grade.passed,
        gradedAt: this.access.now().toISOString(),
      });
      if (grade.passed) {
        const access = await this.access.learners.lessonAccess(userId, s.courseId, s.lessonId);
        if (access.enrollmentId) await this.progress.recordLessonCompletion(tx, { userId, courseId: s.courseId, lessonId: s.lessonId, source: 'assignment' });
      }
    }
    return members;
  }

  /** For the peer-review job and counts: submissions with at least one version. */
  submitted(assignmentId: string) {
    return this.db
      .select()
      .from(assignmentSubmissions)
      .where(and(eq(assignmentSubmissions.assignmentId, assignmentId), gt(assignmentSubmissions.versionCount, 0), isNotNull(assignmentSubmissions.lastSubmittedAt)))
      .orderBy(asc(assignmentSubmissions.anonNumber));
  }
}
