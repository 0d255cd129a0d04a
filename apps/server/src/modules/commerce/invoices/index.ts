export { InvoicesModule } from './invoices.module.js';
export { InvoicesService, formatInvoiceNumber } from './invoices.service.js';
export type { IssueInvoiceInput } from './invoices.service.js';
export type { InvoiceLine } from './invoices.schema.js';
