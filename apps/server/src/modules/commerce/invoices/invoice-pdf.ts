import { PDFDocument, type PDFFont, rgb, StandardFonts } from 'pdf-lib';
import { formatMinor } from '../money.js';
import type { InvoiceLine } from './invoices.schema.js';

export interface InvoicePdfFacts {
  number: string;
  issuedAt: Date;
  sellerName: string;
  buyerName: string;
  buyerEmail: string;
  billingAddress: Record<string, string>;
  currency: string;
  lines: InvoiceLine[];
  taxLines: { label: string; amountMinor: number }[];
  netMinor: number;
  taxMinor: number;
  totalMinor: number;
  /** e.g. "Paid" or "Refunded 10.00 USD" */
  status: string;
}

const INK = rgb(0.12, 0.16, 0.22);
const MUTED = rgb(0.4, 0.44, 0.5);

/** Helvetica draws WinAnsi only: other characters become their unaccented letter or "?". */
function printable(font: PDFFont, text: string): string {
  const supported = new Set(font.getCharacterSet());
  return [...text.replace(/[\r\n\t]+/g, ' ')]
    .map((ch) => {
      if (supported.has(ch.codePointAt(0)!)) return ch;
      const base = ch.normalize('NFKD').replace(/\p{M}+/gu, '');
      return base && [...base].every((c) => supported.has(c.codePointAt(0)!)) ? base : '?';
    })
    .join('');
}

/** An A4 invoice: seller, buyer, numbered lines with discount and tax, tax lines, totals. */
export async function renderInvoicePdf(f: InvoicePdfFacts): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Invoice ${f.number}`);
  doc.setAuthor(f.sellerName);
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let y = 790;
  const text = (s: string, x: number, size = 10, fnt = font, color = INK) => page.drawText(printable(fnt, s), { x, y, size, font: fnt, color });
  const right = (s: string, xr: number, size = 10, fnt = font) => {
    const t = printable(fnt, s);
    page.drawText(t, { x: xr - fnt.widthOfTextAtSize(t, size), y, size, font: fnt, color: INK });
  };
  text('INVOICE', 50, 22, bold);
  right(f.number, 545, 14, bold);
  y -= 22;
  text(f.sellerName, 50, 12, bold);
  right(`Issued ${f.issuedAt.toISOString().slice(0, 10)}`, 545);
  y -= 16;
  right(f.status, 545, 10, bold);
  y -= 30;
  text('Billed to', 50, 9, font, MUTED);
  y -= 14;
  text(f.buyerName, 50, 11, bold);
  y -= 14;
  text(f.buyerEmail, 50);
  const a = f.billingAddress;
  for (const part of [a.line1, [a.postalCode, a.city].filter(Boolean).join(' '), [a.region, a.country].filter(Boolean).join(', ')]) {
    if (!part) continue;
    y -= 14;
    text(part, 50);
  }
  y -= 36;
  text('Description', 50, 9, bold);
  right('Price', 330, 9, bold);
  right('Discount', 400, 9, bold);
  right('Tax', 465, 9, bold);
  right('Amount', 545, 9, bold);
  y -= 6;
  page.drawLine({ start: { x: 50, y }, end: { x: 545, y }, thickness: 0.5, color: MUTED });
  const money = (n: number) => formatMinor(n, f.currency);
  for (const l of f.lines) {
    y -= 18;
    let d = printable(font, l.description);
    while (d.length > 3 && font.widthOfTextAtSize(d, 10) > 200) d = d.slice(0, -2);
    text(d === printable(font, l.description) ? d : `${d.slice(0, -1)}…`.replace('…', '...'), 50);
    right(money(l.amountMinor), 330);
    right(l.discountMinor ? `-${money(l.discountMinor)}` : '', 400);
    right(money(l.taxMinor), 465);
    right(money(l.totalMinor), 545);
  }
  y -= 10;
  page.drawLine({ start: { x: 300, y }, end: { x: 545, y }, thickness: 0.5, color: MUTED });
  y -= 18;
  text('Net', 300);
  right(money(f.netMinor), 545);
  for (const t of f.taxLines) {
    y -= 16;
    text(t.label, 300);
    right(money(t.amountMinor), 545);
  }
  y -= 20;
  text('Total', 300, 12, bold);
  right(money(f.totalMinor), 545, 12, bold);
  return doc.save();
}
