import { Inject, Injectable } from '@nestjs/common';
import { and, asc, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { can, type RequestContext, requirePermission, requireUser } from '../../../kernel/auth/index.js';
import { DB, type Database, type Tx } from '../../../kernel/db/index.js';
import { Mailer } from '../../../kernel/email/index.js';
import { NotFound } from '../../../kernel/errors/index.js';
import { decodeCursor, type Page, toPage } from '../../../kernel/http/pagination.js';
import { OrganizationsService } from '../../identity/index.js';
import { formatMinor } from '../money.js';
import type { Invoice } from './invoices.dto.js';
import { renderInvoicePdf } from './invoice-pdf.js';
import { type InvoiceLine, invoiceCounters, invoices, invoiceStatus } from './invoices.schema.js';

type Row = typeof invoices.$inferSelect;

export interface IssueInvoiceInput {
  organizationId: string;
  source: 'order' | 'subscription';
  sourceId: string;
  userId: string;
  buyerEmail: string;
  buyerName: string;
  billingAddress: Record<string, string>;
  currency: string;
  lines: InvoiceLine[];
  taxLines: { label: string; amountMinor: number }[];
  netMinor: number;
  taxMinor: number;
  totalMinor: number;
  issuedAt: Date;
}

export const formatInvoiceNumber = (seq: number) => `INV-${String(seq).padStart(6, '0')}`;

const present = (r: Row): z.input<typeof Invoice> => ({
  id: r.id,
  organizationId: r.organizationId,
  number: r.number,
  source: r.source,
  sourceId: r.sourceId,
  buyerName: r.buyerName,
  buyerEmail: r.buyerEmail,
  currency: r.currency,
  netMinor: r.netMinor,
  taxMinor: r.taxMinor,
  totalMinor: r.totalMinor,
  status: invoiceStatus(r),
  refundedMinor: r.refundedMinor,
  issuedAt: r.issuedAt.toISOString(),
  pdfPath: `/api/v1/invoices/${r.id}/pdf`,
});

/** The status line of the PDF: "Paid", "Refunded" or "Partially refunded (10.00 USD)". */
export function invoicePdfStatus(r: { totalMinor: number; refundedMinor: number; currency: string }): string {
  const st = invoiceStatus(r);
  if (st === 'paid') return 'Paid';
  if (st === 'refunded') return 'Refunded';
  return `Partially refunded (${formatMinor(r.refundedMinor, r.currency)})`;
}

/** "VAT 21%" or "VAT 21% (included)": how a tax line reads on an invoice (as for orders). */
export function taxLineLabel(t: { label: string; rateBasisPoints: number; inclusive: boolean }): string {
  return `${t.label} ${(t.rateBasisPoints / 100).toFixed(2).replace(/\.?0+$/, '')}%${t.inclusive ? ' (included)' : ''}`;
}

/** RFC 4180 field: quoted when needed; a leading = + - @ is prefixed so spreadsheets do not run it. */
function csvField(v: string | number): string {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Invoices: numbered per organization in the paying transaction (the counter row is locked by the
 * upsert until commit, so numbers are gap-free and never reused), a PDF, a receipt email and a
 * CSV export. Issued for paid orders and for subscription charges.
 */
@Injectable()
export class InvoicesService {
  constructor(
    @Inject(DB) private readonly db: Database,
    private readonly mailer: Mailer,
    private readonly orgs: OrganizationsService,
  ) {}

  /** Issues the invoice once per source (a replay returns the existing one) and queues the receipt email. */
  async issue(tx: Tx, input: IssueInvoiceInput): Promise<{ id: string; number: string }> {
    const [existing] = await tx.select().from(invoices).where(and(eq(invoices.source, input.source), eq(invoices.sourceId, input.sourceId)));
    if (existing) return { id: existing.id, number: existing.number };
    const [counter] = await tx
      .insert(invoiceCounters)
      .values({ organizationId: input.organizationId, last: 1 })
      .onConflictDoUpdate({ target: invoiceCounters.organizationId, set: { last: sql`${invoiceCounters.last} + 1` } })
      .returning();
    const seq = counter!.last;
    const org = (await this.orgs.summaries([input.organizationId], tx)).get(input.organizationId);
    const number = formatInvoiceNumber(seq);
    const [row] = await tx
      .insert(invoices)
      .values({ ...input, number, sequence: seq, sellerName: org?.name ?? 'Lyceum' })
      .returning();
    const money = (n: number) => formatMinor(n, input.currency);
    const text = [
      `Hello ${input.buyerName},`,
      '',
      `Thank you for your purchase from ${row!.sellerName}. This is your receipt, invoice ${number}.`,
      '',
      ...input.lines.map((l) => `- ${l.description}: ${money(l.totalMinor)}`),
      '',
      ...input.taxLines.map((t) => `${t.label}: ${money(t.amountMinor)}`),
      `Total paid: ${money(input.totalMinor)}`,
      '',
      'You can download the invoice as a PDF from your order history.',
    ].join('\n');
    await this.mailer.enqueue(tx, { to: input.buyerEmail, subject: `Receipt ${number} from ${row!.sellerName}`, text });
    return { id: row!.id, number };
  }

  /** The invoices of these sources (orders), by source id. */
  async forSources(source: 'order' | 'subscription', sourceIds: readonly string[]): Promise<Map<string, z.input<typeof Invoice>>> {
    if (!sourceIds.length) return new Map();
    const rows = await this.db.select().from(invoices).where(and(eq(invoices.source, source), inArray(invoices.sourceId, [...sourceIds])));
    return new Map(rows.map((r) => [r.sourceId, present(r)]));
  }

  async listMine(ctx: RequestContext, q: { limit: number; cursor?: string }): Promise<Page<z.input<typeof Invoice>>> {
    const u = requireUser(ctx);
    const after = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(invoices)
      .where(and(eq(invoices.userId, u.actor.userId), after ? lt(invoices.id, String(after[0])) : undefined))
      .orderBy(desc(invoices.id))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.id], present);
  }

  async listOrg(ctx: RequestContext, q: { limit: number; cursor?: string }): Promise<Page<z.input<typeof Invoice>>> {
    const o = requirePermission(ctx, 'commerce.manage');
    const after = decodeCursor(q.cursor, 1);
    const rows = await this.db
      .select()
      .from(invoices)
      .where(and(eq(invoices.organizationId, o.membership.orgId), after ? lt(invoices.sequence, Number(after[0])) : undefined))
      .orderBy(desc(invoices.sequence))
      .limit(q.limit + 1);
    return toPage(rows, q.limit, (r) => [r.sequence], present);
  }

  /** The PDF, for its buyer or the organization's commerce admins; 404 for anyone else. */
  async pdf(ctx: RequestContext, id: string): Promise<{ number: string; bytes: Uint8Array }> {
    const u = requireUser(ctx);
    const [r] = await this.db.select().from(invoices).where(eq(invoices.id, id));
    const admin = r && ctx.membership?.orgId === r.organizationId && can(ctx, 'commerce.manage');
    if (!r || (r.userId !== u.actor.userId && !admin)) throw new NotFound('Invoice');
    const bytes = await renderInvoicePdf({ ...r, status: invoicePdfStatus(r) });
    return { number: r.number, bytes };
  }

  /** Every invoice of the organization in number order (optionally issued between two UTC dates) as CSV. */
  async csv(ctx: RequestContext, q: { from?: string; to?: string }): Promise<string> {
    const o = requirePermission(ctx, 'commerce.manage');
    const rows = await this.db
      .select()
      .from(invoices)
      .where(
        and(
          eq(invoices.organizationId, o.membership.orgId),
          q.from ? gte(invoices.issuedAt, new Date(`${q.from}T00:00:00Z`)) : undefined,
          q.to ? lt(invoices.issuedAt, new Date(new Date(`${q.to}T00:00:00Z`).getTime() + 86_400_000)) : undefined,
        ),
      )
      .orderBy(asc(invoices.sequence));
    const head = ['number', 'issued_at', 'source', 'source_id', 'buyer_name', 'buyer_email', 'country', 'region', 'currency', 'net', 'tax', 'total'];
    const dec = (n: number, c: string) => formatMinor(n, c).split(' ')[0]!;
    const lines = rows.map((r) =>
      [r.number, r.issuedAt.toISOString(), r.source, r.sourceId, r.buyerName, r.buyerEmail, r.billingAddress.country ?? '', r.billingAddress.region ?? '', r.currency, dec(r.netMinor, r.currency), dec(r.taxMinor, r.currency), dec(r.totalMinor, r.currency)]
        .map(csvField)
        .join(','),
    );
    return [head.join(','), ...lines].join('\r\n') + '\r\n';
  }

  /** OrderRefunded subscriber: the order's invoice counts the refund once (a redelivery is a no-op). */
  async onOrderRefunded(tx: Tx, e: { orderId: string; refundId: string; amountMinor: number }): Promise<void> {
    await tx
      .update(invoices)
      .set({ refundedMinor: sql`${invoices.refundedMinor} + ${e.amountMinor}`, refundIds: sql`array_append(${invoices.refundIds}, ${e.refundId}::uuid)` })
      .where(and(eq(invoices.source, 'order'), eq(invoices.sourceId, e.orderId), sql`NOT (${e.refundId}::uuid = ANY(${invoices.refundIds}))`));
  }

  /** SubscriptionChargeRefunded subscriber: the charge's invoice counts the refund once. */
  async onSubscriptionChargeRefunded(tx: Tx, e: { chargeId: string; refundId: string; amountMinor: number }): Promise<void> {
    await tx
      .update(invoices)
      .set({ refundedMinor: sql`${invoices.refundedMinor} + ${e.amountMinor}`, refundIds: sql`array_append(${invoices.refundIds}, ${e.refundId}::uuid)` })
      .where(and(eq(invoices.source, 'subscription'), eq(invoices.sourceId, e.chargeId), sql`NOT (${e.refundId}::uuid = ANY(${invoices.refundIds}))`));
  }

  /** `subscription.payment_succeeded` subscriber: the numbered invoice and receipt for a subscription charge, with its tax lines. */
  async onSubscriptionPayment(
    tx: Tx,
    e: {
      organizationId: string;
      chargeId: string;
      userId: string;
      currency: string;
      lines: { description: string; amountMinor: number; taxMinor: number }[];
      netMinor: number;
      taxMinor: number;
      totalMinor: number;
      taxLines?: { label: string; rateBasisPoints: number; inclusive: boolean; amountMinor: number }[];
      billingAddress?: Record<string, string>;
      paidAt: string;
    },
    buyer: { email: string; name: string },
  ): Promise<void> {
    await this.issue(tx, {
      organizationId: e.organizationId,
      source: 'subscription',
      sourceId: e.chargeId,
      userId: e.userId,
      buyerEmail: buyer.email,
      buyerName: buyer.name,
      billingAddress: e.billingAddress ?? {},
      currency: e.currency,
      lines: e.lines.map((l) => ({ description: l.description, amountMinor: l.amountMinor, discountMinor: 0, taxMinor: l.taxMinor, totalMinor: l.amountMinor + l.taxMinor })),
      taxLines: e.taxLines?.length ? e.taxLines.map((t) => ({ label: taxLineLabel(t), amountMinor: t.amountMinor })) : e.taxMinor ? [{ label: 'Tax', amountMinor: e.taxMinor }] : [],
      netMinor: e.netMinor,
      taxMinor: e.taxMinor,
      totalMinor: e.totalMinor,
      issuedAt: new Date(e.paidAt),
    });
  }
}
