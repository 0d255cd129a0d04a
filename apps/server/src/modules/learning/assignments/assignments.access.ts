import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import { type RequestContext, requireUser } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx } from '../../../kernel/db/index.js';
import { Forbidden, NotFound } from '../../../kernel/errors/index.js';
import { UrlSigner } from '../../../kernel/storage/index.js';
import { UsersService } from '../../identity/index.js';
import { type CourseInfo, CoursesService } from '../courses/index.js';
import { LearnerService } from '../enrollment/index.js';
import type { Comment, Grade, PeerReviewView, Submission, Version } from './assignments.dto.js';
import {
  assignmentComments,
  assignmentFiles,
  assignmentGroupMembers,
  assignmentGroups,
  assignmentPeerReviews,
  assignments,
  assignmentSubmissions,
  assignmentVersionFiles,
  assignmentVersions,
  type RubricCriterion,
  type RubricSelection,
} from './assignments.schema.js';
import { gradeFrom, peerAverage, roundPoints } from './grading.rules.js';

export type AssignmentRow = typeof assignments.$inferSelect;
export type SubmissionRow = typeof assignmentSubmissions.$inferSelect;
export type VersionRow = typeof assignmentVersions.$inferSelect;
export type FileRow = typeof assignmentFiles.$inferSelect;

export type Viewer = 'staff' | 'learner' | 'reviewer';

/**
 * What every assignment use case needs: who the caller is to a course or lesson, the assignment
 * behind a lesson, a submission's members, and the one presenter that decides what each viewer
 * sees (anonymous grading, release gating, signed file URLs bound to the caller).
 */
@Injectable()
export class AssignmentsAccess {
  /** the clock: tests move it to check late penalties and cutoffs */
  now: () => Date = () => new Date();

  constructor(
    @Inject(DB) readonly db: Database,
    readonly courses: CoursesService,
    readonly learners: LearnerService,
    private readonly users: UsersService,
    private readonly signer: UrlSigner,
  ) {}

  /** A course of the caller's organization that they teach or edit; 404 across organizations, 403 without rights. */
  async staffCourse(ctx: RequestContext, courseId: string): Promise<CourseInfo> {
    requireUser(ctx);
    const course = await this.courses.getCourseInfo(courseId);
    if (!course || course.organizationId !== ctx.membership?.orgId) throw new NotFound('Course');
    if (!this.isStaff(ctx, course)) throw new Forbidden("Only the course's instructors may do this.", 'missing_permission');
    return course;
  }

  isStaff(ctx: RequestContext, course: CourseInfo): boolean {
    return this.courses.canTeachCourse(ctx, course) || this.courses.canEditCourse(ctx, course);
  }

  /** Staff of the course, or a learner allowed into the lesson now (enrolled and unlocked, or a preview). */
  async lessonAccess(ctx: RequestContext, courseId: string, lessonId: string): Promise<{ course: CourseInfo; staff: boolean; enrolled: boolean }> {
    const u = requireUser(ctx);
    const course = await this.courses.getCourseInfo(courseId);
    if (!course) throw new NotFound('Course');
    if (course.organizationId === ctx.membership?.orgId && this.isStaff(ctx, course)) return { course, staff: true, enrolled: false };
    const access = await this.learners.lessonAccess(u.actor.userId, courseId, lessonId);
    if (access.reason === 'course_not_visible') throw new NotFound('Course');
    if (access.reason === 'lesson_not_found') throw new NotFound('Lesson');
    if (!access.allowed) throw new Forbidden('This lesson is locked for you: enroll or complete what comes before it first.', 'lesson_locked');
    return { course, staff: false, enrolled: access.enrollmentId !== null };
  }

  async assignmentOf(courseId: string, lessonId: string, db: DbOrTx = this.db): Promise<AssignmentRow> {
    const [a] = await db
      .select()
      .from(assignments)
      .where(and(eq(assignments.lessonId, lessonId), eq(assignments.courseId, courseId)));
    if (!a) throw new NotFound('Assignment');
    return a;
  }

  async assignmentById(id: string, db: DbOrTx = this.db): Promise<AssignmentRow> {
    const [a] = await db.select().from(assignments).where(eq(assignments.id, id));
    if (!a) throw new NotFound('Assignment');
    return a;
  }

  /** The group this learner belongs to in a course, if any. */
  async groupOf(courseId: string, userId: string, db: DbOrTx = this.db): Promise<{ id: string; name: string } | null> {
    const [g] = await db
      .select({ id: assignmentGroups.id, name: assignmentGroups.name })
      .from(assignmentGroupMembers)
      .innerJoin(assignmentGroups, eq(assignmentGroups.id, assignmentGroupMembers.groupId))
      .where(and(eq(assignmentGroupMembers.courseId, courseId), eq(assignmentGroupMembers.userId, userId)));
    return g ?? null;
  }

  /** Everyone a submission counts for: its learner, or its group's members. */
  async membersOf(s: Pick<SubmissionRow, 'userId' | 'groupId'>, db: DbOrTx = this.db): Promise<string[]> {
    if (s.userId) return [s.userId];
    const rows = await db.select({ userId: assignmentGroupMembers.userId }).from(assignmentGroupMembers).where(eq(assignmentGroupMembers.groupId, s.groupId!));
    return rows.map((r) => r.userId).sort();
  }

  async names(ids: readonly string[]): Promise<Map<string, string>> {
    const profiles = await this.users.publicProfiles(ids);
    return new Map([...profiles].map(([id, p]) => [id, p.name]));
  }

  fileUrl(f: FileRow, callerId: string): string {
    return this.signer.sign(f.storageKey, { bindTo: callerId, filename: f.name, disposition: 'attachment' });
  }

  presentFile(f: FileRow, callerId: string) {
    return { id: f.id, name: f.name, contentType: f.contentType, size: f.size, url: this.fileUrl(f, callerId), createdAt: f.createdAt.toISOString() };
  }

  async versionsOf(submissionId: string, callerId: string, showAuthor: boolean, db: DbOrTx = this.db): Promise<z.input<typeof Version>[]> {
    const versions = await db.select().from(assignmentVersions).where(eq(assignmentVersions.submissionId, submissionId)).orderBy(asc(assignmentVersions.number));
    if (versions.length === 0) return [];
    const files = await db
      .select({ versionId: assignmentVersionFiles.versionId, position: assignmentVersionFiles.position, file: assignmentFiles })
      .from(assignmentVersionFiles)
      .innerJoin(assignmentFiles, eq(assignmentFiles.id, assignmentVersionFiles.fileId))
      .where(inArray(assignmentVersionFiles.versionId, versions.map((v) => v.id)))
      .orderBy(asc(assignmentVersionFiles.position));
    return versions.map((v) => ({
      id: v.id,
      number: v.number,
      text: v.text,
      files: files.filter((f) => f.versionId === v.id).map((f) => this.presentFile(f.file, callerId)),
      submittedBy: showAuthor ? v.submittedBy : null,
      submittedAt: v.submittedAt.toISOString(),
      late: v.late,
      daysLate: v.daysLate,
      penaltyPercent: v.penaltyPercent,
    }));
  }

  async latestPenalty(submissionId: string, db: DbOrTx = this.db): Promise<number> {
    const rows = await db
      .select({ number: assignmentVersions.number, penalty: assignmentVersions.penaltyPercent })
      .from(assignmentVersions)
      .where(eq(assignmentVersions.submissionId, submissionId));
    const latest = rows.sort((a, b) => b.number - a.number)[0];
    return latest?.penalty ?? 0;
  }

  /**
   * The grade that counts: the instructor's when there is one, else the average of the submitted
   * peer reviews; null when neither exists. The late penalty of the graded version applies.
   */
  async effectiveGrade(a: AssignmentRow, s: SubmissionRow, db: DbOrTx = this.db): Promise<z.input<typeof Grade> | null> {
    if (s.gradedAt && s.rawScore !== null) {
      const penalty = await this.penaltyOfVersion(s.id, s.gradedVersion, db);
      return { ...gradeFrom(a, s.rawScore, penalty), selections: s.selections ?? {}, source: 'instructor', gradedVersion: s.gradedVersion, gradedAt: s.gradedAt.toISOString() };
    }
    const reviews = await db.select().from(assignmentPeerReviews).where(eq(assignmentPeerReviews.submissionId, s.id));
    const avg = peerAverage(reviews);
    if (avg === null) return null;
    const penalty = await this.latestPenalty(s.id, db);
    const lastReview = reviews.filter((r) => r.submittedAt).sort((x, y) => y.submittedAt!.getTime() - x.submittedAt!.getTime())[0]!;
    return { ...gradeFrom(a, avg, penalty), selections: {}, source: 'peer', gradedVersion: s.versionCount, gradedAt: lastReview.submittedAt!.toISOString() };
  }

  private async penaltyOfVersion(submissionId: string, number: number | null, db: DbOrTx): Promise<number> {
    if (number === null) return this.latestPenalty(submissionId, db);
    const [v] = await db
      .select({ penalty: assignmentVersions.penaltyPercent })
      .from(assignmentVersions)
      .where(and(eq(assignmentVersions.submissionId, submissionId), eq(assignmentVersions.number, number)));
    return v?.penalty ?? 0;
  }

  /** Hides who wrote it from graders until release under anonymous grading. */
  anonymous(a: AssignmentRow, s: SubmissionRow, viewer: Viewer): boolean {
    if (viewer === 'reviewer') return true;
    return viewer === 'staff' && a.anonymousGrading && !s.releasedAt;
  }

  async ownerLabel(a: AssignmentRow, s: SubmissionRow, viewer: Viewer): Promise<string> {
    if (this.anonymous(a, s, viewer)) return viewer === 'reviewer' ? `Submission ${s.anonNumber}` : `Learner ${s.anonNumber}`;
    if (s.groupId) {
      const [g] = await this.db.select({ name: assignmentGroups.name }).from(assignmentGroups).where(eq(assignmentGroups.id, s.groupId));
      return g?.name ?? 'Group';
    }
    return (await this.names([s.userId!])).get(s.userId!) ?? 'Learner';
  }

  status(s: SubmissionRow, hasGrade: boolean): z.input<typeof Submission>['status'] {
    if (s.versionCount === 0) return 'not_submitted';
    if (s.releasedAt && hasGrade) return 'released';
    return s.gradedAt ? 'graded' : 'submitted';
  }

  /** The whole submission as `viewer` may see it; learners get grade, comments and peer reviews only after release. */
  async present(a: AssignmentRow, s: SubmissionRow, viewer: Viewer, callerId: string): Promise<z.input<typeof Submission>> {
    const anon = this.anonymous(a, s, viewer);
    const versions = await this.versionsOf(s.id, callerId, !anon);
    const grade = await this.effectiveGrade(a, s);
    const visible = viewer === 'staff' || (viewer === 'learner' && s.releasedAt !== null);
    const comments = visible ? await this.commentsOf(s.id) : [];
    const reviews = visible ? await this.peerReviewsOf(s.id, viewer) : [];
    const latest = versions.at(-1);
    return {
      id: s.id,
      assignmentId: s.assignmentId,
      courseId: s.courseId,
      lessonId: s.lessonId,
      ownerLabel: await this.ownerLabel(a, s, viewer),
      userId: anon ? null : s.userId,
      groupId: anon ? null : s.groupId,
      memberIds: anon ? [] : await this.membersOf(s),
      status: this.status(s, grade !== null),
      late: latest?.late ?? false,
      versionCount: s.versionCount,
      lastSubmittedAt: s.lastSubmittedAt?.toISOString() ?? null,
      versions,
      grade: visible ? grade : null,
      comments,
      peerReviews: reviews,
      releasedAt: s.releasedAt?.toISOString() ?? null,
    };
  }

  async commentsOf(submissionId: string): Promise<z.input<typeof Comment>[]> {
    const rows = await this.db.select().from(assignmentComments).where(eq(assignmentComments.submissionId, submissionId)).orderBy(asc(assignmentComments.createdAt), asc(assignmentComments.id));
    const names = await this.names(rows.map((r) => r.authorId));
    return rows.map((r) => this.presentComment(r, names.get(r.authorId) ?? ''));
  }

  presentComment(r: typeof assignmentComments.$inferSelect, authorName: string): z.input<typeof Comment> {
    return {
      id: r.id,
      versionId: r.versionId,
      anchor: r.anchor,
      rangeStart: r.rangeStart,
      rangeEnd: r.rangeEnd,
      quote: r.quote,
      fileId: r.fileId,
      body: r.body,
      authorId: r.authorId,
      authorName,
      createdAt: r.createdAt.toISOString(),
    };
  }

  /** Submitted peer reviews, "Reviewer N" to learners; staff see every assigned one. */
  async peerReviewsOf(submissionId: string, viewer: Viewer): Promise<z.input<typeof PeerReviewView>[]> {
    const rows = await this.db.select().from(assignmentPeerReviews).where(eq(assignmentPeerReviews.submissionId, submissionId)).orderBy(asc(assignmentPeerReviews.id));
    const shown = viewer === 'staff' ? rows : rows.filter((r) => r.submittedAt);
    return shown.map((r, i) => ({
      id: r.id,
      label: `Reviewer ${i + 1}`,
      selections: r.selections ?? {},
      score: r.score === null ? null : roundPoints(r.score),
      comment: r.comment,
      submittedAt: r.submittedAt?.toISOString() ?? null,
    }));
  }
}

export type { RubricCriterion, RubricSelection };
