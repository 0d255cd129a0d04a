import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageOf, pageQuery } from '../../../kernel/http/pagination.js';
import { INVOICE_SOURCES, INVOICE_STATUSES } from './invoices.schema.js';

const isoDate = z.iso.datetime({ offset: true });

export const Invoice = z.object({
  id: z.uuid(),
  organizationId: z.uuid(),
  number: z.string(),
  source: z.enum(INVOICE_SOURCES),
  sourceId: z.uuid(),
  buyerName: z.string(),
  buyerEmail: z.string(),
  currency: z.string(),
  netMinor: z.number().int(),
  taxMinor: z.number().int(),
  totalMinor: z.number().int(),
  /** paid, or refunded (in part or in full) since */
  status: z.enum(INVOICE_STATUSES),
  refundedMinor: z.number().int(),
  issuedAt: isoDate,
  /** GET this (same session) for the PDF */
  pdfPath: z.string(),
});
export class InvoiceDto extends createZodDto(Invoice) {}
export class InvoicePageDto extends createZodDto(pageOf(Invoice)) {}
export class ListInvoicesQueryDto extends createZodDto(z.strictObject({ ...pageQuery })) {}
export class InvoiceParamsDto extends createZodDto(z.strictObject({ invoiceId: z.uuid() })) {}
export class InvoiceCsvQueryDto extends createZodDto(
  z.strictObject({ from: z.iso.date().optional(), to: z.iso.date().optional() }).refine((q) => !q.from || !q.to || q.from <= q.to, { message: '`from` must not be after `to`.', path: ['to'] }),
) {}
