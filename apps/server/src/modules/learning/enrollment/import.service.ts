import { Inject, Injectable, Logger } from '@nestjs/common';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { RequestContext } from '../../../kernel/auth/index.js';
import { DB, type Database } from '../../../kernel/db/index.js';
import { NotFound } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { type JobContext, JobsService } from '../../../kernel/jobs/index.js';
import { RealtimeService } from '../../../kernel/realtime/index.js';
import type { CsvEmailRow } from './bulk-csv.js';
import { CourseGate } from './course-gate.js';
import { RunEnrollmentImportJob } from './enrollment.jobs.js';
import { type EnrollmentImportRow, enrollmentImports } from './enrollment.schema.js';
import { EnrollmentService, type GrantOptions, planEmailRows, summarize } from './enrollment.service.js';
import type { EnrollmentImport, EnrollmentImportSummary } from './import.dto.js';

export type EnrollmentImportSummaryView = z.input<typeof EnrollmentImportSummary>;
export type EnrollmentImportView = z.input<typeof EnrollmentImport>;

/** The Socket.IO event (to the creator's `user:<id>` room) carrying an import's summary as it moves. */
export const IMPORT_EVENT = 'enrollment.import';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentImportSummary(row: EnrollmentImportRow): EnrollmentImportSummaryView {
  return {
    id: row.id,
    organizationId: row.organizationId,
    courseId: row.courseId,
    createdBy: row.createdBy,
    status: row.status,
    total: row.total,
    processed: row.processed,
    percent: row.total > 0 ? Math.floor((row.processed * 100) / row.total) : 100,
    summary: summarize(row.report),
    expiresAt: iso(row.expiresAt),
    cohortId: row.cohortId,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

export function presentImport(row: EnrollmentImportRow): EnrollmentImportView {
  return { ...presentImportSummary(row), items: row.report };
}

/**
 * CSV enrollment as background work: the request validates and stores the import and enqueues its
 * job in one transaction; the job enrolls the rows batch by batch and pushes its progress to the
 * person who started it.
 */
@Injectable()
export class EnrollmentImportService {
  private readonly log = new Logger('enrollment-import');
  /** rows enrolled per transaction (and per progress event) */
  batchSize = 100;

  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly jobs: JobsService,
    private readonly realtime: RealtimeService,
    private readonly enrollment: EnrollmentService,
    private readonly gate: CourseGate,
  ) {}

  async create(ctx: RequestContext, courseId: string, rows: readonly CsvEmailRow[], opts: GrantOptions): Promise<EnrollmentImportView> {
    const { ctx: o, course, expiresAt, cohortId } = await this.enrollment.checkEnrollRequest(ctx, courseId, opts);
    const planned = planEmailRows(rows);
    const row = await this.db.transaction(async (tx) => {
      const [created] = await tx
        .insert(enrollmentImports)
        .values({
          organizationId: course.organizationId,
          courseId: course.id,
          createdBy: o.actor.userId,
          status: 'queued',
          total: planned.length,
          expiresAt,
          cohortId,
          rows: planned,
        })
        .returning();
      await this.jobs.enqueue(tx, RunEnrollmentImportJob, { importId: created!.id });
      return created!;
    });
    return presentImport(row);
  }

  async get(ctx: RequestContext, courseId: string, importId: string): Promise<EnrollmentImportView> {
    const { course } = await this.gate.forStaff(ctx, courseId, 'read');
    const [row] = await this.db
      .select()
      .from(enrollmentImports)
      .where(and(eq(enrollmentImports.id, importId), eq(enrollmentImports.courseId, course.id), eq(enrollmentImports.organizationId, course.organizationId)));
    if (!row) throw new NotFound('Import');
    return presentImport(row);
  }

  /** The course's imports, newest first. */
  async list(ctx: RequestContext, courseId: string, q: { limit: number; cursor?: string }): Promise<Page<EnrollmentImportSummaryView>> {
    const { course } = await this.gate.forStaff(ctx, courseId, 'read');
    const cursor = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(enrollmentImports)
      .where(
        and(
          eq(enrollmentImports.courseId, course.id),
          eq(enrollmentImports.organizationId, course.organizationId),
          cursor ? lt(enrollmentImports.id, String(cursor[0])) : undefined,
        ),
      )
      .orderBy(desc(enrollmentImports.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.id], presentImportSummary);
  }

  /** The job: marks the import running, then enrolls batch after batch until every row is done. */
  async run(importId: string, job: JobContext): Promise<void> {
    try {
      const [started] = await this.db
        .update(enrollmentImports)
        .set({ status: 'running', startedAt: sql`coalesce(${enrollmentImports.startedAt}, now())` })
        .where(and(eq(enrollmentImports.id, importId), eq(enrollmentImports.status, 'queued')))
        .returning();
      if (started) this.push(started);
      for (;;) {
        const row = await this.runBatch(importId);
        if (!row) return; // the import is gone (its organization was deleted): nothing to do
        this.push(row);
        if (row.status !== 'running') return;
      }
    } catch (err) {
      if (job.attempt >= job.maxAttempts) {
        this.log.error(`import ${importId} failed for good: ${(err as Error).message}`);
        const [failed] = await this.db
          .update(enrollmentImports)
          .set({ status: 'failed', finishedAt: new Date(), error: 'The import stopped before the end after several attempts; the rows reported were processed.' })
          .where(eq(enrollmentImports.id, importId))
          .returning();
        if (failed) this.push(failed);
      }
      throw err;
    }
  }

  /**
   * Enrolls the next batch: its enrollments, its report rows and the new `processed` commit together
   * (the import row is locked), so a batch is never applied or counted twice.
   */
  private async runBatch(importId: string): Promise<EnrollmentImportRow | null> {
    return this.db.transaction(async (tx) => {
      const [imp] = await tx.select().from(enrollmentImports).where(eq(enrollmentImports.id, importId)).for('update');
      if (!imp) return null;
      if (imp.status === 'completed' || imp.status === 'failed') return imp;
      const batch = imp.rows.slice(imp.processed, imp.processed + this.batchSize);
      const items = batch.length
        ? await this.enrollment.enrollPlanned(
            tx,
            {
              course: { id: imp.courseId, organizationId: imp.organizationId },
              enrolledBy: imp.createdBy,
              expiresAt: imp.expiresAt,
              cohortId: imp.cohortId,
              source: 'bulk',
            },
            batch,
          )
        : [];
      const processed = imp.processed + batch.length;
      const done = processed >= imp.total;
      const [updated] = await tx
        .update(enrollmentImports)
        .set({
          processed,
          report: sql`${enrollmentImports.report} || ${JSON.stringify(items)}::jsonb`,
          ...(done ? { status: 'completed' as const, finishedAt: new Date() } : { status: 'running' as const }),
        })
        .where(eq(enrollmentImports.id, imp.id))
        .returning();
      return updated!;
    });
  }

  /** Live status for the creator; a lost push is harmless (the page also polls GET). */
  private push(row: EnrollmentImportRow): void {
    try {
      this.realtime.toUser(row.createdBy, IMPORT_EVENT, presentImportSummary(row));
    } catch (err) {
      this.log.warn(`import ${row.id}: live status not sent: ${(err as Error).message}`);
    }
  }
}
