import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { uuidv7Pk } from '../../../kernel/db/index.js';

/** The last invoice number of an organization; the paying transaction locks and bumps it (gap-free). */
export const invoiceCounters = pgTable('invoice_counters', {
  organizationId: uuid('organization_id').primaryKey(),
  last: integer('last').notNull(),
});

export interface InvoiceLine {
  description: string;
  amountMinor: number;
  discountMinor: number;
  taxMinor: number;
  totalMinor: number;
}

export const INVOICE_STATUSES = ['paid', 'partially_refunded', 'refunded'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** What an invoice's payment became: refunds move it on. */
export function invoiceStatus(r: { totalMinor: number; refundedMinor: number }): InvoiceStatus {
  if (r.refundedMinor <= 0) return 'paid';
  return r.refundedMinor >= r.totalMinor ? 'refunded' : 'partially_refunded';
}

export const INVOICE_SOURCES = ['order', 'subscription'] as const;

/** A numbered invoice for a paid order or a subscription charge; its facts are frozen at issue. */
export const invoices = pgTable(
  'invoices',
  {
    id: uuidv7Pk(),
    organizationId: uuid('organization_id').notNull(),
    /** INV-000001, per organization, never reused */
    number: text('number').notNull(),
    sequence: integer('sequence').notNull(),
    source: text('source', { enum: INVOICE_SOURCES }).notNull(),
    /** the order id or the subscription charge id */
    sourceId: uuid('source_id').notNull(),
    userId: uuid('user_id').notNull(),
    buyerEmail: text('buyer_email').notNull(),
    buyerName: text('buyer_name').notNull(),
    sellerName: text('seller_name').notNull(),
    billingAddress: jsonb('billing_address').$type<Record<string, string>>().notNull(),
    currency: text('currency').notNull(),
    lines: jsonb('lines').$type<InvoiceLine[]>().notNull(),
    taxLines: jsonb('tax_lines').$type<{ label: string; amountMinor: number }[]>().notNull(),
    netMinor: integer('net_minor').notNull(),
    taxMinor: integer('tax_minor').notNull(),
    totalMinor: integer('total_minor').notNull(),
    /** refunded so far (an order's refunds, from OrderRefunded), and the refunds already counted */
    refundedMinor: integer('refunded_minor').notNull().default(0),
    refundIds: uuid('refund_ids').array().notNull().default(sql`'{}'::uuid[]`),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('invoices_org_seq_uq').on(t.organizationId, t.sequence),
    uniqueIndex('invoices_source_uq').on(t.source, t.sourceId),
    index('invoices_user_idx').on(t.userId, t.id),
    index('invoices_org_idx').on(t.organizationId, t.id),
  ],
);
