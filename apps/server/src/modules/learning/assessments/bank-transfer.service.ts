import { Inject, Injectable } from '@nestjs/common';
import { asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { RequestContext } from '../../../kernel/auth/index.js';
import { DB, type Database, inTransaction } from '../../../kernel/db/index.js';
import type { BankQuestion } from './assessments.dto.js';
import { bankQuestions } from './assessments.schema.js';
import { BanksService } from './banks.service.js';
import { QtiService, type QtiVersion } from './qti/index.js';

/** Moves a bank's questions in and out as QTI content packages (zip + imsmanifest.xml). */
@Injectable()
export class BankTransferService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly banks: BanksService,
    private readonly qti: QtiService,
  ) {}

  /** Every question of the bank, oldest first, as a QTI package of `version`. */
  async exportBank(ctx: RequestContext, bankId: string, version: QtiVersion): Promise<{ fileName: string; bytes: Uint8Array }> {
    const bank = await this.banks.manageableBank(ctx, bankId);
    const rows = await this.db.select().from(bankQuestions).where(eq(bankQuestions.bankId, bankId)).orderBy(asc(bankQuestions.id));
    const bytes = this.qti.exportPackage({ title: bank.name, version, questions: rows.map((r) => ({ id: r.id, ...r.data })) });
    return { fileName: this.qti.fileName(bank.name, version), bytes };
  }

  /**
   * Adds the package's questions to the bank, all or none (the package is read and checked before
   * anything is written); items it cannot map come back as warnings.
   */
  async importIntoBank(
    ctx: RequestContext,
    bankId: string,
    zip: Uint8Array,
  ): Promise<{ imported: number; warnings: string[]; items: z.input<typeof BankQuestion>[] }> {
    const bank = await this.banks.manageableBank(ctx, bankId);
    const result = this.qti.importPackage(zip);
    const rows = await inTransaction(this.db, async (tx) => {
      if (result.questions.length === 0) return [];
      return tx
        .insert(bankQuestions)
        .values(
          result.questions.map((q) => ({
            organizationId: bank.organizationId,
            bankId,
            type: q.type,
            prompt: q.prompt,
            tags: ['qti-import'],
            data: q,
            updatedBy: ctx.actor!.userId,
          })),
        )
        .returning();
    });
    return { imported: rows.length, warnings: result.warnings, items: rows.map((r) => this.banks.presentQuestion(r)) };
  }
}
