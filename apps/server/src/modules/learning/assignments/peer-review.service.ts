import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import { type RequestContext, requireUser } from '../../../kernel/auth/index.js';
import { inTransaction } from '../../../kernel/db/index.js';
import { Conflict, Invalid, NotFound } from '../../../kernel/errors/index.js';
import { type AssignmentRow, AssignmentsAccess } from './assignments.access.js';
import type { PeerReviewTask, PutPeerReview } from './assignments.dto.js';
import { assignmentPeerReviews, assignments, assignmentSubmissions } from './assignments.schema.js';
import { planPeerReviews, roundPoints, rubricScore } from './grading.rules.js';

const hash = (s: string) => createHash('sha256').update(s).digest().readUInt32BE(0);

/** Peer review: reviewers assigned (never to their own or their group's work), anonymised, with the rubric. */
@Injectable()
export class PeerReviewService {
  constructor(private readonly access: AssignmentsAccess) {}

  private get db() {
    return this.access.db;
  }

  /** On demand by the course's staff. */
  async assignNow(ctx: RequestContext, courseId: string, lessonId: string): Promise<{ assigned: number }> {
    await this.access.staffCourse(ctx, courseId);
    const a = await this.access.assignmentOf(courseId, lessonId);
    if (a.peerReviewCount === 0) throw new Conflict('Peer review is off for this assignment: set the number of reviewers first.', 'peer_review_off');
    return { assigned: await this.assign(a) };
  }

  /**
   * The job, at the due date and after a late first submission: does nothing before the due date
   * (the date may have moved) unless reviewers were already assigned, and is idempotent (it only
   * tops submissions up to N reviewers).
   */
  async assignWhenDue(assignmentId: string): Promise<void> {
    const [a] = await this.db.select().from(assignments).where(eq(assignments.id, assignmentId));
    if (!a || a.peerReviewCount === 0) return;
    const due = a.dueAt !== null && a.dueAt.getTime() <= this.access.now().getTime();
    if (!due && !a.peerReviewsAssignedAt) return;
    await this.assign(a);
  }

  /** Tops every submission up to N reviewers; existing pairs stay. Returns how many were added. */
  private async assign(a: AssignmentRow): Promise<number> {
    return inTransaction(this.db, async (tx) => {
      const subs = await tx
        .select()
        .from(assignmentSubmissions)
        .where(and(eq(assignmentSubmissions.assignmentId, a.id), gt(assignmentSubmissions.versionCount, 0)))
        .orderBy(asc(assignmentSubmissions.anonNumber));
      const withMembers = await Promise.all(subs.map(async (s) => ({ id: s.id, members: await this.access.membersOf(s, tx) })));
      const existing = subs.length
        ? await tx
            .select({ submissionId: assignmentPeerReviews.submissionId, reviewerId: assignmentPeerReviews.reviewerId })
            .from(assignmentPeerReviews)
            .where(inArray(assignmentPeerReviews.submissionId, subs.map((s) => s.id)))
        : [];
      const plan = planPeerReviews(withMembers, a.peerReviewCount, existing, hash);
      const inserted = plan.length ? await tx.insert(assignmentPeerReviews).values(plan).onConflictDoNothing().returning({ id: assignmentPeerReviews.id }) : [];
      await tx.update(assignments).set({ peerReviewsAssignedAt: this.access.now() }).where(eq(assignments.id, a.id));
      return inserted.length;
    });
  }

  /** The caller's reviews to do (and done) for one assignment. */
  async mine(ctx: RequestContext, courseId: string, lessonId: string): Promise<{ items: z.input<typeof PeerReviewTask>[] }> {
    const u = requireUser(ctx);
    await this.access.lessonAccess(ctx, courseId, lessonId);
    const a = await this.access.assignmentOf(courseId, lessonId);
    const rows = await this.db
      .select({ review: assignmentPeerReviews, submission: assignmentSubmissions })
      .from(assignmentPeerReviews)
      .innerJoin(assignmentSubmissions, eq(assignmentSubmissions.id, assignmentPeerReviews.submissionId))
      .where(and(eq(assignmentSubmissions.assignmentId, a.id), eq(assignmentPeerReviews.reviewerId, u.actor.userId)))
      .orderBy(asc(assignmentPeerReviews.id));
    return { items: await Promise.all(rows.map((r) => this.present(a, r.review, r.submission, u.actor.userId))) };
  }

  private async present(
    a: AssignmentRow,
    r: typeof assignmentPeerReviews.$inferSelect,
    s: typeof assignmentSubmissions.$inferSelect,
    callerId: string,
  ): Promise<z.input<typeof PeerReviewTask>> {
    const versions = await this.access.versionsOf(s.id, callerId, false);
    return {
      id: r.id,
      courseId: s.courseId,
      lessonId: s.lessonId,
      submissionLabel: `Submission ${s.anonNumber}`,
      rubric: a.rubric,
      pointsPossible: a.pointsPossible,
      version: versions.at(-1) ?? null,
      selections: r.selections ?? {},
      score: r.score === null ? null : roundPoints(r.score),
      comment: r.comment,
      submittedAt: r.submittedAt?.toISOString() ?? null,
    };
  }

  /** The reviewer fills the rubric and a comment; changes are allowed until the submission's grade is released. */
  async submit(ctx: RequestContext, reviewId: string, body: z.output<typeof PutPeerReview>): Promise<z.input<typeof PeerReviewTask>> {
    const u = requireUser(ctx);
    const [row] = await this.db
      .select({ review: assignmentPeerReviews, submission: assignmentSubmissions })
      .from(assignmentPeerReviews)
      .innerJoin(assignmentSubmissions, eq(assignmentSubmissions.id, assignmentPeerReviews.submissionId))
      .where(eq(assignmentPeerReviews.id, reviewId));
    // only the reviewer knows this review exists
    if (!row || row.review.reviewerId !== u.actor.userId) throw new NotFound('Peer review');
    if (row.submission.releasedAt) throw new Conflict('The grade of this submission has been released: the review is closed.', 'review_closed');
    const a = await this.access.assignmentById(row.submission.assignmentId);
    if (a.rubric.length === 0) throw new Invalid('This assignment has no rubric to review with.', [], 'no_rubric');
    const score = rubricScore(a.rubric, body.selections);
    const [updated] = await this.db
      .update(assignmentPeerReviews)
      .set({ selections: body.selections, score, comment: body.comment, submittedAt: this.access.now() })
      .where(eq(assignmentPeerReviews.id, reviewId))
      .returning();
    return this.present(a, updated!, row.submission, u.actor.userId);
  }
}
