import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import { type RequestContext, requirePermission } from '../../../kernel/auth/index.js';
import { DB, type Database, type DbOrTx } from '../../../kernel/db/index.js';
import { Conflict, NotFound } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import type { TaxRate, TaxRateInput } from './tax.dto.js';
import { taxRates } from './tax.schema.js';

type Row = typeof taxRates.$inferSelect;

export interface ApplicableTax {
  label: string;
  rateBasisPoints: number;
  inclusive: boolean;
}

const present = (r: Row): z.input<typeof TaxRate> => ({
  id: r.id,
  country: r.country,
  region: r.region,
  label: r.label,
  rateBasisPoints: r.rateBasisPoints,
  inclusive: r.inclusive,
  updatedAt: r.updatedAt.toISOString(),
});

const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === '23505' || (e as { cause?: { code?: string } }).cause?.code === '23505';

/** Tax rates per country and region, set by the organization's admins; the rate checkout applies. */
@Injectable()
export class TaxService {
  constructor(@Inject(DB) private readonly db: Database) {}

  async list(ctx: RequestContext, q: { limit: number; cursor?: string }): Promise<Page<z.input<typeof TaxRate>>> {
    const o = requirePermission(ctx, 'commerce.manage');
    const after = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(taxRates)
      .where(and(eq(taxRates.organizationId, o.membership.orgId), after ? gt(taxRates.id, String(after[0])) : undefined))
      .orderBy(asc(taxRates.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.id], present);
  }

  async create(ctx: RequestContext, body: z.output<typeof TaxRateInput>): Promise<z.input<typeof TaxRate>> {
    const o = requirePermission(ctx, 'commerce.manage');
    try {
      const [row] = await this.db.insert(taxRates).values({ organizationId: o.membership.orgId, ...body }).returning();
      return present(row!);
    } catch (e) {
      if (isUniqueViolation(e)) throw new Conflict('There is already a tax rate for this country and region; edit it instead.', 'tax_rate_exists');
      throw e;
    }
  }

  async update(ctx: RequestContext, id: string, body: z.output<typeof TaxRateInput>): Promise<z.input<typeof TaxRate>> {
    const o = requirePermission(ctx, 'commerce.manage');
    try {
      const [row] = await this.db
        .update(taxRates)
        .set({ ...body, updatedAt: new Date() })
        .where(and(eq(taxRates.id, id), eq(taxRates.organizationId, o.membership.orgId)))
        .returning();
      if (!row) throw new NotFound('Tax rate');
      return present(row);
    } catch (e) {
      if (isUniqueViolation(e)) throw new Conflict('There is already a tax rate for this country and region.', 'tax_rate_exists');
      throw e;
    }
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    const o = requirePermission(ctx, 'commerce.manage');
    const gone = await this.db.delete(taxRates).where(and(eq(taxRates.id, id), eq(taxRates.organizationId, o.membership.orgId))).returning();
    if (!gone.length) throw new NotFound('Tax rate');
  }

  /** The rate for a buyer's address: the region's own rate when set, else the country's; null when untaxed. */
  async rateFor(organizationId: string, country: string, region: string, db: DbOrTx = this.db): Promise<ApplicableTax | null> {
    const rows = await db
      .select()
      .from(taxRates)
      .where(and(eq(taxRates.organizationId, organizationId), eq(taxRates.country, country.toUpperCase()), inArray(taxRates.region, ['', region.toUpperCase()])));
    const best = rows.find((r) => r.region !== '') ?? rows[0];
    return best ? { label: best.label, rateBasisPoints: best.rateBasisPoints, inclusive: best.inclusive } : null;
  }
}
